// The AWS SDK guide's sequence with the real @aws-sdk/client-connectparticipant and a `ws` WebSocket, in Node,
// against the service started exactly as `make local` starts it.
"use strict";

const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const WebSocket = require("ws");
const {
  ConnectParticipantClient,
  CreateParticipantConnectionCommand,
  SendMessageCommand,
  SendEventCommand,
  GetTranscriptCommand,
  DisconnectParticipantCommand,
} = require("@aws-sdk/client-connectparticipant");
const { startService, emulator, waitFor } = require("./lib/service");

const EVENT = "application/vnd.amazonaws.connect.event.";
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

let service;
let client;
const sockets = new Set();

before(async () => {
  service = await startService();
  // The participant service authenticates with X-Amz-Bearer; the SDK still signs, so it needs some credentials.
  client = new ConnectParticipantClient({
    region: "us-east-1",
    endpoint: service.participantEndpoint,
    credentials: { accessKeyId: "not-used", secretAccessKey: "not-used" },
  });
  await emulator(service, "POST", "/_emulator/agent", { joinDelayMs: 100, receiptDelayMs: 20, replyDelayMs: 150 });
});

after(async () => {
  for (const socket of sockets) socket.terminate();
  if (client) client.destroy();
  if (service) await service.stop();
});

/** POSTs a chat request to the function, as a server or mobile app following the SDK guide would. */
async function startChat(request) {
  const response = await fetch(service.functionUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(request),
  });
  const body = await response.json();
  return { status: response.status, body };
}

async function startOk(request) {
  const { status, body } = await startChat(request);
  assert.equal(status, 200, JSON.stringify(body));
  const result = body.data.startChatResult;
  for (const key of ["ContactId", "ParticipantId", "ParticipantToken"]) assert.equal(body[key], result[key], key);
  return body;
}

/** The chat WebSocket: every frame, and the chat items pushed on aws/chat. */
function openSocket(url) {
  const ws = new WebSocket(url);
  sockets.add(ws);
  const frames = [];
  const items = [];
  ws.on("message", (data) => {
    const frame = JSON.parse(data.toString());
    frames.push(frame);
    if (frame.topic === "aws/chat") {
      assert.equal(frame.contentType, "application/json");
      assert.equal(typeof frame.content, "string", "the item is a JSON string");
      items.push(JSON.parse(frame.content));
    }
  });
  const socket = {
    ws,
    frames,
    items,
    send: (frame) => ws.send(JSON.stringify(frame)),
    item: (what, predicate, ms) => waitFor(what, () => items.find(predicate), ms),
    async subscribe() {
      await new Promise((resolve, reject) => {
        ws.once("open", resolve);
        ws.once("error", reject);
      });
      socket.send({ topic: "aws/subscribe", content: { topics: ["aws/chat"] } });
      const answer = await waitFor("the subscription", () => frames.find((f) => f.topic === "aws/subscribe"));
      assert.deepEqual(answer.content, { status: "success", topics: ["aws/chat"] });
      socket.send({ topic: "aws/heartbeat" });
      await waitFor("the heartbeat", () => frames.find((f) => f.topic === "aws/heartbeat"));
    },
    close() {
      ws.close();
      sockets.delete(ws);
    },
  };
  return socket;
}

async function chat(contactId) {
  return (await emulator(service, "GET", "/_emulator/chats")).find((c) => c.contactId === contactId);
}

function connectionCalls() {
  return service.logs.filter((l) => l.startsWith("[emulator]") && l.includes("POST /participant/connection ->")).length;
}

test("the SDK guide's sequence: CreateParticipantConnection, WebSocket, SendMessage, SendEvent, GetTranscript, DisconnectParticipant", async () => {
  const started = await startOk({
    ParticipantDetails: { DisplayName: "Node Customer" },
    SupportedMessagingContentTypes: ["text/plain", "text/markdown"],
  });
  const { ContactId, ParticipantId, ParticipantToken } = started;

  const connection = await client.send(
    new CreateParticipantConnectionCommand({ ParticipantToken, Type: ["WEBSOCKET", "CONNECTION_CREDENTIALS"] }),
  );
  assert.equal(connection.$metadata.httpStatusCode, 200);
  assert.ok(connection.$metadata.requestId);
  assert.match(connection.Websocket.Url, /^ws:\/\/127\.0\.0\.1:\d+\//);
  assert.match(connection.Websocket.ConnectionExpiry, ISO_MS);
  const { ConnectionToken, Expiry } = connection.ConnectionCredentials;
  assert.ok(ConnectionToken);
  assert.ok(Date.parse(Expiry) > Date.now() + 60 * 60 * 1000, "the connection token lives for hours");

  const socket = openSocket(connection.Websocket.Url);
  await socket.subscribe();
  await socket.item("the agent joining", (i) => i.ContentType === EVENT + "participant.joined" && i.ParticipantRole === "AGENT");
  const welcome = await socket.item("the agent's welcome", (i) => i.Type === "MESSAGE" && i.ParticipantRole === "AGENT");
  assert.equal(welcome.ContactId, ContactId);
  assert.equal(welcome.InitialContactId, ContactId);

  // SendMessage: the message comes back over the socket, then the agent's receipts, typing and reply.
  const sent = await client.send(
    new SendMessageCommand({ ConnectionToken, ContentType: "text/plain", Content: "hello from node" }),
  );
  assert.ok(sent.Id);
  assert.match(sent.AbsoluteTime, ISO_MS);
  const echo = await socket.item("our message", (i) => i.Id === sent.Id);
  assert.deepEqual([echo.Type, echo.ParticipantRole, echo.ParticipantId, echo.Content], ["MESSAGE", "CUSTOMER", ParticipantId, "hello from node"]);
  const receipts = await waitFor("delivered and read receipts", () => {
    const r = socket.items.filter((i) => i.Type === "MESSAGEMETADATA" && i.MessageMetadata.MessageId === sent.Id);
    return r.length >= 2 && r;
  });
  assert.ok(receipts[0].MessageMetadata.Receipts[0].DeliveredTimestamp);
  assert.ok(receipts[1].MessageMetadata.Receipts[0].ReadTimestamp);
  await socket.item("the agent typing", (i) => i.ContentType === EVENT + "typing" && i.ParticipantRole === "AGENT");
  const reply = await socket.item("the agent's reply", (i) => i.Content === "You said: hello from node");
  assert.equal(reply.ParticipantRole, "AGENT");

  // SendEvent: typing (pushed to every participant), and a read receipt for the reply.
  const typing = await client.send(new SendEventCommand({ ConnectionToken, ContentType: EVENT + "typing" }));
  assert.ok(typing.Id);
  assert.match(typing.AbsoluteTime, ISO_MS);
  await socket.item("our typing", (i) => i.ContentType === EVENT + "typing" && i.ParticipantRole === "CUSTOMER");
  const read = await client.send(
    new SendEventCommand({ ConnectionToken, ContentType: EVENT + "message.read", Content: JSON.stringify({ messageId: reply.Id }) }),
  );
  assert.ok(read.Id);
  await waitFor("the read receipt at the agent", async () => (await chat(ContactId)).agentMessagesReadByCustomer === 1);

  // GetTranscript: the whole conversation in order, receipts included; typing is not kept.
  const transcript = await client.send(
    new GetTranscriptCommand({ ConnectionToken, SortOrder: "ASCENDING", MaxResults: 100 }),
  );
  assert.equal(transcript.InitialContactId, ContactId);
  const items = transcript.Transcript;
  assert.deepEqual(items[0], { ...items[0], Type: "EVENT", ContentType: EVENT + "participant.joined", ParticipantRole: "CUSTOMER", DisplayName: "Node Customer" });
  const times = items.map((i) => i.AbsoluteTime);
  assert.deepEqual(times, [...times].sort());
  const ids = items.map((i) => i.Id);
  assert.ok(ids.indexOf(sent.Id) < ids.indexOf(reply.Id));
  assert.equal(items.filter((i) => i.ContentType === EVENT + "typing").length, 0);
  const stored = items.find((i) => i.Id === sent.Id);
  assert.ok(stored.MessageMetadata.Receipts.some((r) => r.ReadTimestamp), JSON.stringify(stored));
  // Paging: two at a time, newest first by default.
  const page1 = await client.send(new GetTranscriptCommand({ ConnectionToken, MaxResults: 2 }));
  assert.equal(page1.Transcript.length, 2);
  assert.ok(page1.NextToken);
  const page2 = await client.send(new GetTranscriptCommand({ ConnectionToken, MaxResults: 2, NextToken: page1.NextToken }));
  assert.equal(page2.Transcript.length, 2);
  assert.ok(page2.Transcript.every((i) => !page1.Transcript.some((j) => j.Id === i.Id)));

  // The wrong token is refused with the service's modelled error.
  await assert.rejects(
    client.send(new SendMessageCommand({ ConnectionToken: ParticipantToken, ContentType: "text/plain", Content: "x" })),
    (error) => error.name === "AccessDeniedException" && error.$metadata.httpStatusCode === 403,
  );

  // DisconnectParticipant: participant.left then chat.ended over the socket; the chat is over.
  const disconnected = await client.send(new DisconnectParticipantCommand({ ConnectionToken }));
  assert.equal(disconnected.$metadata.httpStatusCode, 200);
  const left = await socket.item("participant.left", (i) => i.ContentType === EVENT + "participant.left");
  assert.equal(left.ParticipantRole, "CUSTOMER");
  const ended = await socket.item("chat.ended", (i) => i.ContentType === EVENT + "chat.ended");
  assert.ok(socket.items.indexOf(ended) > socket.items.indexOf(left));
  assert.equal((await chat(ContactId)).state, "ENDED");
  await assert.rejects(
    client.send(new CreateParticipantConnectionCommand({ ParticipantToken, Type: ["CONNECTION_CREDENTIALS"] })),
    (error) => error.name === "AccessDeniedException",
  );
  socket.close();
});

test("ConnectionTypes in the start request: the WebSocket and connection token come with the answer", async () => {
  await service.syncLogs();
  const callsBefore = connectionCalls();
  const started = await startOk({
    ParticipantDetails: { DisplayName: "Direct Customer" },
    ConnectionTypes: ["WEBSOCKET", "CONNECTION_CREDENTIALS"],
  });
  const { Websocket, ConnectionCredentials, ContactId } = started.data.startChatResult;
  assert.match(Websocket.Url, /^ws:\/\/127\.0\.0\.1:\d+\//);
  assert.ok(ConnectionCredentials.ConnectionToken);
  const { ConnectionToken } = ConnectionCredentials;

  const socket = openSocket(Websocket.Url);
  await socket.subscribe();
  await socket.item("the agent's welcome", (i) => i.Type === "MESSAGE" && i.ParticipantRole === "AGENT");
  const sent = await client.send(new SendMessageCommand({ ConnectionToken, ContentType: "text/plain", Content: "no extra call" }));
  await socket.item("the agent's reply", (i) => i.Content === "You said: no extra call");
  const transcript = await client.send(new GetTranscriptCommand({ ConnectionToken, SortOrder: "ASCENDING" }));
  assert.ok(transcript.Transcript.some((i) => i.Id === sent.Id));
  await client.send(new DisconnectParticipantCommand({ ConnectionToken }));
  await socket.item("chat.ended", (i) => i.ContentType === EVENT + "chat.ended");
  assert.equal((await chat(ContactId)).state, "ENDED");
  await service.syncLogs();
  assert.equal(connectionCalls(), callsBefore, "no CreateParticipantConnection was needed");
  socket.close();
});

test("persistent chat: a new chat continues an ended one, with its transcript, only with that chat's continuation token", async () => {
  // The first chat, REST only (the agent answers at once when nobody is subscribed), then ended.
  const first = await startOk({ ParticipantDetails: { DisplayName: "Returning Customer" } });
  assert.ok(first.ContinuationToken, "every start answers with a continuation token");
  assert.equal(first.data.continuationToken, first.ContinuationToken);
  const firstConnection = await client.send(
    new CreateParticipantConnectionCommand({ ParticipantToken: first.ParticipantToken, Type: ["CONNECTION_CREDENTIALS"] }),
  );
  const firstToken = firstConnection.ConnectionCredentials.ConnectionToken;
  await client.send(new SendMessageCommand({ ConnectionToken: firstToken, ContentType: "text/plain", Content: "my order is #1042" }));
  await waitFor("the agent's answer", async () => {
    const t = await client.send(new GetTranscriptCommand({ ConnectionToken: firstToken, MaxResults: 100 }));
    return t.Transcript.some((i) => i.Content === "You said: my order is #1042");
  });
  const continuing = {
    ParticipantDetails: { DisplayName: "Returning Customer" },
    PersistentChat: { SourceContactId: first.ContactId, RehydrationType: "ENTIRE_PAST_SESSION" },
  };

  // Continuing a chat that is still active is refused by Connect, and mapped by the function.
  const tooEarly = await startChat({ ...continuing, ContinuationToken: first.ContinuationToken });
  assert.equal(tooEarly.status, 400, JSON.stringify(tooEarly.body));
  assert.equal(tooEarly.body.error.code, "CHAT_REQUEST_REJECTED");

  await client.send(new DisconnectParticipantCommand({ ConnectionToken: firstToken }));
  await waitFor("the first chat to end", async () => (await chat(first.ContactId)).state === "ENDED");

  // Only the browser that was given the first chat can continue it: without its token, or with another
  // chat's, the function refuses, and Connect never hears of it.
  const other = await startOk({ ParticipantDetails: { DisplayName: "Someone Else" } });
  const callsBefore = (await emulator(service, "GET", "/_emulator/start-chat-calls")).length;
  const withoutToken = await startChat(continuing);
  assert.equal(withoutToken.status, 403, JSON.stringify(withoutToken.body));
  assert.equal(withoutToken.body.error.code, "CONTINUATION_TOKEN_REQUIRED");
  const otherToken = await startChat({ ...continuing, ContinuationToken: other.ContinuationToken });
  assert.equal(otherToken.status, 403, JSON.stringify(otherToken.body));
  assert.equal(otherToken.body.error.code, "CONTINUATION_TOKEN_INVALID");
  const linked = await startChat({ ParticipantDetails: { DisplayName: "Someone Else" }, RelatedContactId: first.ContactId, ContinuationToken: other.ContinuationToken });
  assert.equal(linked.status, 403, JSON.stringify(linked.body));
  assert.equal(linked.body.error.code, "CONTINUATION_TOKEN_INVALID");
  assert.equal((await emulator(service, "GET", "/_emulator/start-chat-calls")).length, callsBefore, "no call reached Connect");
  await emulator(service, "POST", "/_emulator/agent/end", { contactId: other.ContactId });

  const second = await startOk({ ...continuing, ContinuationToken: first.ContinuationToken });
  assert.equal(second.ContinuedFromContactId, first.ContactId);
  assert.equal(second.data.startChatResult.ContinuedFromContactId, first.ContactId);
  assert.notEqual(second.ContactId, first.ContactId);
  assert.ok(second.ContinuationToken && second.ContinuationToken !== first.ContinuationToken, "the new chat has its own token");
  const received = (await emulator(service, "GET", "/_emulator/start-chat-calls")).find((c) => c.contactId === second.ContactId);
  assert.deepEqual(received.body.PersistentChat, continuing.PersistentChat);
  assert.equal(received.body.ContinuationToken, undefined, "the token is the function's own, never sent to Connect");

  const connection = await client.send(
    new CreateParticipantConnectionCommand({ ParticipantToken: second.ParticipantToken, Type: ["WEBSOCKET", "CONNECTION_CREDENTIALS"] }),
  );
  const { ConnectionToken } = connection.ConnectionCredentials;
  const socket = openSocket(connection.Websocket.Url);
  await socket.subscribe();
  await socket.item("chat.rehydrated", (i) => i.ContentType === EVENT + "chat.rehydrated");
  const transcript = await client.send(new GetTranscriptCommand({ ConnectionToken, SortOrder: "ASCENDING", MaxResults: 100 }));
  const past = transcript.Transcript.find((i) => i.Content === "my order is #1042");
  assert.ok(past, JSON.stringify(transcript.Transcript));
  assert.equal(past.RelatedContactId, first.ContactId);
  const pastReply = transcript.Transcript.find((i) => i.Content === "You said: my order is #1042");
  assert.ok(transcript.Transcript.indexOf(past) < transcript.Transcript.indexOf(pastReply));
  // The conversation goes on in the new chat.
  const sent = await client.send(new SendMessageCommand({ ConnectionToken, ContentType: "text/plain", Content: "any news?" }));
  await socket.item("the agent's reply", (i) => i.Content === "You said: any news?");
  const after = await client.send(new GetTranscriptCommand({ ConnectionToken, SortOrder: "ASCENDING", MaxResults: 100 }));
  const latest = after.Transcript.find((i) => i.Id === sent.Id);
  assert.equal(latest.ContactId, second.ContactId);
  assert.equal((await chat(second.ContactId)).continuedFromContactId, first.ContactId);
  await client.send(new DisconnectParticipantCommand({ ConnectionToken }));
  await socket.item("chat.ended", (i) => i.ContentType === EVENT + "chat.ended");
  socket.close();
});
