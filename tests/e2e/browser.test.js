// The real Amazon Connect ChatJS (npm amazon-connect-chatjs, the demo's copy) in Debian's headless Chromium,
// against the service started exactly as `make local` starts it.
"use strict";

const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { REPO, startService, emulator, staticServer, waitFor } = require("./lib/service");
const { launchBrowser, newPage } = require("./lib/browser");

const SCREENSHOT = path.join(REPO, "target", "e2e", "demo.png");
const INSTANCE_ID = "3f0a7c1e-8b5d-4e2a-9c6f-1d2e3f4a5b6c";
const SALES_FLOW_ID = "7b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e";
const READ = "application/vnd.amazonaws.connect.event.message.read";

let service;
let browser;
let elsewhere; // a page origin that is NOT in the function's ALLOWED_ORIGINS

before(async () => {
  service = await startService();
  browser = await launchBrowser();
  elsewhere = await staticServer({
    "/": { type: "text/html; charset=utf-8", body: "<!doctype html><title>another site</title><p>another site</p>" },
  });
});

after(async () => {
  await Promise.allSettled([browser && browser.close(), elsewhere && elsewhere.close()]);
  if (service) await service.stop();
});

async function chat(contactId) {
  const chats = await emulator(service, "GET", "/_emulator/chats");
  return chats.find((c) => c.contactId === contactId);
}

function connectionCalls() {
  return service.logs.filter((l) => l.startsWith("[emulator]") && l.includes("POST /participant/connection -> 200")).length;
}

/** The ContactId of the chat the demo page is in (it keeps the chat details in sessionStorage). */
async function currentContact(page) {
  const saved = await page.evaluate(() => sessionStorage.getItem("start-chat-demo"));
  return JSON.parse(saved).chatDetails.ContactId;
}

async function withContext(run) {
  const context = await browser.newContext({ viewport: { width: 520, height: 820 }, deviceScaleFactor: 1 });
  try {
    await run(context);
  } finally {
    await context.close();
  }
}

test("the demo page: a whole conversation, a reload, both ways to end, and failed starts", async () => {
  await emulator(service, "POST", "/_emulator/reset");
  await emulator(service, "POST", "/_emulator/agent", {
    joinDelayMs: 200,
    receiptDelayMs: 50,
    replyDelayMs: 1000, // long enough to see the typing indicator
    replies: [
      "Thanks, Ada! Let me look up order #1042.",
      "Of course. Which address should we use?",
      "Noted. Anything else?",
      "Got your file, thank you.",
      "You're welcome. Have a great day!",
    ],
  });
  await withContext(async (context) => {
    const page = await newPage(context);
    page.setDefaultTimeout(20000);
    await page.goto(service.demoUrl);

    // Start: the page POSTs the widget's request to the function (another origin), then connects with ChatJS.
    await page.fill("#name", "Ada Lovelace");
    await page.fill("#question", "Hi! Where is my order #1042?");
    await page.click("#start");
    await page.waitForSelector('#status[data-state="connected"]');
    await page.waitForSelector('.msg[data-role="SYSTEM"]'); // the flow's greeting, from the transcript
    await page.waitForSelector('.event[data-event="participant.joined"] >> text=Agent Alex joined the chat');
    await page.waitForSelector('.msg[data-role="AGENT"] >> text=Thanks, Ada! Let me look up order #1042.');
    const started = JSON.parse(await page.evaluate(() => sessionStorage.getItem("start-chat-demo")));
    const contactId = await currentContact(page);
    assert.equal(started.featurePermissions.MESSAGING_MARKDOWN, true);
    assert.equal((await chat(contactId)).customerDisplayName, "Ada Lovelace");
    assert.equal(await page.isVisible("#attach"), true, "ATTACHMENTS is on locally");

    // The agent writes Markdown; it is rendered as markup.
    await emulator(service, "POST", "/_emulator/agent/say", {
      contactId,
      contentType: "text/markdown",
      content: "Good news: it ships **tomorrow**.\n- Track it [online](https://www.example.com/track)\n- Or reply here to change it",
    });
    const markdown = page.locator('.msg[data-role="AGENT"] .bubble.markdown').last();
    await markdown.locator("strong", { hasText: "tomorrow" }).waitFor();
    assert.equal(await markdown.locator("li").count(), 2);
    assert.equal(await markdown.locator("a").getAttribute("href"), "https://www.example.com/track");

    // Send: typing indicator, then the reply; the agent's receipts mark our message Read.
    await page.fill("#message", "Great, can I change the **delivery address**?");
    await page.press("#message", "Enter");
    const mine = page.locator(".msg[data-mine] .bubble", { hasText: "delivery address" });
    await mine.locator("strong", { hasText: "delivery address" }).waitFor();
    await page.waitForSelector("#typing >> text=Agent Alex is typing…");
    await page.waitForSelector('.msg[data-role="AGENT"] >> text=Of course. Which address should we use?');
    await page.waitForSelector("#typing", { state: "hidden" });
    await page.locator(".msg[data-mine]", { hasText: "delivery address" }).locator(".receipt", { hasText: "Read" }).waitFor();
    // Our read receipts for the agent's messages reach the emulator's agent.
    await waitFor("the customer's read receipts", async () => (await chat(contactId)).agentMessagesReadByCustomer >= 3);

    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });

    // Message content is never markup: no element, no handler, no javascript: link (theirs or ours).
    await emulator(service, "POST", "/_emulator/agent/say", {
      contactId,
      contentType: "text/markdown",
      content: 'Or [ask me](javascript:window.__xss=1) <img src=x onerror="window.__xss=2">',
    });
    await page.waitForSelector('.msg[data-role="AGENT"] >> text=Or [ask me](javascript:window.__xss=1)');
    await page.fill("#message", '<img src=x onerror="window.__xss=3"> [x](javascript:window.__xss=4) <script>window.__xss=5</script>');
    await page.click("#send");
    await page.waitForSelector('.msg[data-role="AGENT"] >> text=Noted. Anything else?');
    assert.equal(await page.locator("#log img, #log script").count(), 0);
    assert.equal(await page.locator('#log a[href^="javascript"]').count(), 0);
    assert.match(await page.locator(".msg[data-mine] .bubble").last().innerText(), /<img src=x onerror=.*<script>/);
    assert.equal(await page.evaluate(() => window.__xss), undefined);

    // A file: uploaded through ChatJS (attachments are on), acknowledged by the agent, downloadable.
    await page.setInputFiles("#file", { name: "receipt.txt", mimeType: "text/plain", buffer: Buffer.from("order #1042") });
    await page.waitForSelector(".msg[data-mine] .attachment >> text=receipt.txt");
    await page.waitForSelector('.msg[data-role="AGENT"] >> text=Got your file, thank you.');

    // Reload: the page reconnects from sessionStorage with the same ParticipantToken (a second
    // CreateParticipantConnection) and shows the earlier messages from the transcript.
    await service.syncLogs();
    const callsBefore = connectionCalls();
    await page.reload();
    await page.waitForSelector('#status[data-state="connected"]');
    await page.waitForSelector('.msg[data-role="AGENT"] >> text=Of course. Which address should we use?');
    await page.locator(".msg[data-mine]", { hasText: "delivery address" }).locator(".receipt", { hasText: "Read" }).waitFor();
    await waitFor("a new CreateParticipantConnection", () => connectionCalls() > callsBefore);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click(".attachment >> text=receipt.txt")]);
    assert.equal(download.suggestedFilename(), "receipt.txt");
    assert.equal(fs.readFileSync(await download.path(), "utf8"), "order #1042");
    await page.fill("#message", "Thank you!");
    await page.press("#message", "Enter");
    await page.waitForSelector('.msg[data-role="AGENT"] >> text=You\'re welcome. Have a great day!');
    const resumed = await chat(contactId);
    assert.equal(resumed.state, "ACTIVE");
    assert.equal(resumed.customerMessages, 5, "initial message, 3 messages and a file, all in one chat");

    // End: DisconnectParticipant, then chat.ended over the WebSocket puts the page in its ended state.
    await page.click("#end");
    await page.waitForSelector("#ended >> text=The chat has ended");
    await page.waitForSelector('#status[data-state="ended"]');
    await page.waitForSelector('.event[data-event="chat.ended"]');
    assert.equal(await page.isVisible("#composer"), false);
    assert.equal(await page.evaluate(() => sessionStorage.getItem("start-chat-demo")), null);
    assert.equal((await chat(contactId)).state, "ENDED");
    await page.reload();
    await page.waitForSelector("#start-form");
    assert.equal(await page.isVisible("#chat"), false, "an ended chat is not resumed");

    assert.deepEqual(page.problems, [], "no page errors, CSP violations or console errors");

    // A failed start shows our API's error JSON: code, message, fields. (The browser logs each failed
    // request as a console error: expected from here on.)
    await page.fill("#name", "   ");
    await page.click("#start");
    await page.waitForSelector("#error >> text=VALIDATION_FAILED");
    assert.match(await page.innerText("#error"), /ParticipantDetails\.DisplayName/);
    await emulator(service, "POST", "/_emulator/faults", { error: "AccessDenied" });
    await page.fill("#name", "Grace Hopper");
    await page.click("#start");
    await page.waitForSelector("#error >> text=SERVICE_MISCONFIGURED");
    assert.match(await page.innerText("#error"), /Request id: [0-9a-f-]{36}/);
    assert.equal(await page.isEnabled("#start"), true, "the visitor can try again");

    // The agent ends the chat: the page shows it at once.
    await page.click("#start");
    await page.waitForSelector('#status[data-state="connected"]');
    await page.waitForSelector('.event[data-event="participant.joined"] >> text=Agent Alex joined the chat');
    await emulator(service, "POST", "/_emulator/agent/end", { contactId: await currentContact(page) });
    await page.waitForSelector('.event[data-event="participant.left"] >> text=Agent Alex left the chat');
    await page.waitForSelector("#ended >> text=The chat has ended");
    // A chat that ended while the visitor was away is not resumed: the page says so.
    await page.click("#restart");
    await page.click("#start");
    await page.waitForSelector('#status[data-state="connected"]');
    const awayContactId = await currentContact(page);
    await page.goto("about:blank");
    await emulator(service, "POST", "/_emulator/agent/end", { contactId: awayContactId });
    await page.goto(service.demoUrl);
    await page.waitForSelector("#error >> text=Your previous chat has ended");
    assert.equal(await page.isVisible("#start-form"), true);
    assert.equal(await page.evaluate(() => sessionStorage.getItem("start-chat-demo")), null);
  });
});

/** The demo page's record of its last chat (localStorage), which "Continue my last chat" uses. */
async function lastChat(page) {
  return JSON.parse(await page.evaluate(() => localStorage.getItem("start-chat-demo-last-chat")));
}

/** The log's items as runs: "past" (the chat continued from), "divider", "new". */
async function logRuns(page) {
  const kinds = await page.$$eval("#log > li", (lis) =>
    lis.map((li) => (li.dataset.past ? "past" : li.dataset.event === "continued" ? "divider" : "new")),
  );
  return kinds.filter((kind, i) => kind !== kinds[i - 1]);
}

test("the demo page: Continue my last chat, with its transcript, through the continuation token", async () => {
  await emulator(service, "POST", "/_emulator/reset");
  await emulator(service, "POST", "/_emulator/agent", { joinDelayMs: 100, receiptDelayMs: 20, replyDelayMs: 200 });
  await withContext(async (context) => {
    const page = await newPage(context);
    page.setDefaultTimeout(20000);
    await page.goto(service.demoUrl);
    assert.equal(await page.isVisible("#continue-last"), false, "nothing to continue yet");
    // Anonymous customers: the demo server mints no tokens.
    assert.equal(await page.evaluate(() => window.DEMO_CONFIG.signedCustomers), false);
    assert.equal(await page.isVisible("#signed-in"), false);
    const signer = await fetch(new URL("/customer-token", service.demoUrl), { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    assert.equal(signer.status, 404);

    // The first chat: a question, the agent's answer, End chat.
    await page.fill("#name", "Ada Lovelace");
    await page.fill("#question", "Where is my order #1042?");
    await page.click("#start");
    await page.waitForSelector('.msg[data-role="AGENT"] >> text=You said: Where is my order #1042?');
    const firstContact = await currentContact(page);
    const first = await lastChat(page);
    assert.equal(first.contactId, firstContact);
    assert.ok(first.continuationToken, "the start's answer carried a continuation token");
    await page.click("#end");
    await page.waitForSelector("#ended >> text=The chat has ended");

    // Continue it from the ended panel: the page sends PersistentChat and the continuation token; the new
    // chat shows the old messages (rehydrated through the emulator), a divider, then goes on.
    const [sent] = await Promise.all([
      page.waitForRequest((r) => r.url() === service.functionUrl && r.method() === "POST"),
      page.click("#continue-ended"),
    ]);
    const request = JSON.parse(sent.postData());
    assert.deepEqual(request.PersistentChat, { RehydrationType: "ENTIRE_PAST_SESSION", SourceContactId: firstContact });
    assert.equal(request.ContinuationToken, first.continuationToken);
    await page.waitForSelector('#status[data-state="connected"]');
    await page.waitForSelector('.msg[data-past][data-mine] >> text=Where is my order #1042?');
    await page.waitForSelector('.msg[data-past][data-role="AGENT"] >> text=You said: Where is my order #1042?');
    await page.waitForSelector('.event[data-past] >> text=Your previous chat ended');
    await page.waitForSelector('.divider >> text=Continued from your previous chat');
    const secondContact = await currentContact(page);
    assert.notEqual(secondContact, firstContact);
    await page.fill("#message", "Any news?");
    await page.press("#message", "Enter");
    await page.waitForSelector('.msg[data-role="AGENT"]:not([data-past]) >> text=You said: Any news?');
    assert.deepEqual(await logRuns(page), ["past", "divider", "new"]);
    await page.screenshot({ path: path.join(path.dirname(SCREENSHOT), "demo-continued.png") });
    // Connect got the persistent chat; the continuation token is the function's own and never reaches it.
    const calls = await emulator(service, "GET", "/_emulator/start-chat-calls");
    const continued = calls.find((c) => c.contactId === secondContact);
    assert.deepEqual(continued.body.PersistentChat, { RehydrationType: "ENTIRE_PAST_SESSION", SourceContactId: firstContact });
    assert.equal(continued.body.ContinuationToken, undefined);
    assert.equal((await chat(secondContact)).continuedFromContactId, firstContact);
    const second = await lastChat(page);
    assert.equal(second.contactId, secondContact, "the new chat is now the last one");
    assert.notEqual(second.continuationToken, first.continuationToken);
    await page.click("#end");
    await page.waitForSelector("#ended >> text=The chat has ended");

    // Later (a reload): the start form offers it; the continued chat holds both earlier chats.
    await page.reload();
    await page.click("#continue-last");
    await page.waitForSelector('#status[data-state="connected"]');
    await page.waitForSelector('.msg[data-past][data-mine] >> text=Any news?');
    await page.waitForSelector('.msg[data-past][data-mine] >> text=Where is my order #1042?');
    const thirdContact = await currentContact(page);
    assert.equal((await chat(thirdContact)).continuedFromContactId, secondContact);
    assert.equal((await chat(thirdContact)).customerDisplayName, "Ada Lovelace", "the name the visitor gave");
    await page.click("#end");
    await page.waitForSelector("#ended >> text=The chat has ended");
    assert.deepEqual(page.problems, [], "no page errors, CSP violations or console errors");

    // Another chat's token: the function refuses it (nothing reaches Connect); the page says so and forgets it.
    await page.evaluate((token) => {
      const last = JSON.parse(localStorage.getItem("start-chat-demo-last-chat"));
      localStorage.setItem("start-chat-demo-last-chat", JSON.stringify({ ...last, continuationToken: token }));
    }, first.continuationToken);
    const callsBefore = (await emulator(service, "GET", "/_emulator/start-chat-calls")).length;
    await page.click("#continue-ended");
    await page.waitForSelector("#error >> text=CONTINUATION_TOKEN_INVALID");
    assert.match(await page.innerText("#error"), /can no longer be continued/);
    assert.equal(await lastChat(page), null);
    assert.equal(await page.isVisible("#continue-ended"), false);
    assert.equal((await emulator(service, "GET", "/_emulator/start-chat-calls")).length, callsBefore);
  });
});

test("ChatJS from the demo origin: the function's answer opens a chat that works end to end", async () => {
  await emulator(service, "POST", "/_emulator/reset");
  await emulator(service, "POST", "/_emulator/agent", { joinDelayMs: 100, receiptDelayMs: 20, replyDelayMs: 300 });
  await withContext(async (context) => {
    const page = await newPage(context);
    await page.goto(service.demoUrl); // the demo origin; its app.js has set ChatJS's global config

    // The official widget's request, sent as the widget sends it: text/plain, so no preflight.
    const started = await page.evaluate(
      async ({ url, instanceId }) => {
        const response = await fetch(url, {
          method: "POST",
          body: JSON.stringify({
            InstanceId: instanceId,
            ContactFlowId: "sales",
            ParticipantDetails: { DisplayName: "Grace Hopper" },
            Attributes: { customerName: "Grace Hopper", plan: "gold" },
            SupportedMessagingContentTypes: ["text/plain", "text/markdown"],
            Username: "grace",
          }),
        });
        return { status: response.status, body: await response.json() };
      },
      { url: service.functionUrl, instanceId: INSTANCE_ID },
    );
    assert.equal(started.status, 200, JSON.stringify(started.body));
    const result = started.body.data.startChatResult;
    for (const key of ["ContactId", "ParticipantId", "ParticipantToken"]) {
      assert.ok(result[key], key);
      assert.equal(started.body[key], result[key], `flat ${key}`);
    }
    assert.deepEqual(started.body.data.featurePermissions, { MESSAGING_MARKDOWN: true, ATTACHMENTS: true });
    const recorded = await chat(result.ContactId);
    assert.equal(recorded.contactFlowId, SALES_FLOW_ID, "the alias was resolved");
    assert.deepEqual(recorded.attributes, { customerName: "Grace Hopper", plan: "gold" });

    // ChatSession from data.startChatResult: connect, message, typing, receipts, transcript.
    const first = await page.evaluate(async (chatDetails) => {
      const e2e = (window.e2e = { events: [] });
      const { events } = e2e;
      const waitFor = async (what, check, ms = 15000) => {
        const deadline = Date.now() + ms;
        while (!check()) {
          if (Date.now() > deadline) throw new Error(`timeout: ${what}: ${JSON.stringify(events)}`);
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      const session = connect.ChatSession.create({ chatDetails, type: "CUSTOMER", disableCSM: true });
      e2e.session = session;
      session.onConnectionEstablished(() => events.push({ kind: "established" }));
      session.onMessage(({ data }) => events.push({ kind: "message", type: data.Type, contentType: data.ContentType, role: data.ParticipantRole, content: data.Content, id: data.Id }));
      session.onTyping(({ data }) => events.push({ kind: "typing", role: data.ParticipantRole }));
      session.onDeliveredReceipt(({ data }) => events.push({ kind: "delivered", id: data.MessageMetadata.MessageId }));
      session.onReadReceipt(({ data }) => events.push({ kind: "read", id: data.MessageMetadata.MessageId }));
      session.onEnded(() => events.push({ kind: "ended" }));
      const connected = await session.connect();
      // connect() resolves before the WebSocket is up: the second onConnectionEstablished is the socket.
      await waitFor("socket", () => events.filter((e) => e.kind === "established").length >= 2);
      await waitFor("agent joined", () => events.some((e) => e.contentType?.endsWith("participant.joined") && e.role === "AGENT"));

      const sent = await session.sendMessage({ contentType: "text/plain", message: "hello from chatjs" });
      const messageId = sent.data.Id;
      await waitFor("reply", () => events.some((e) => e.role === "AGENT" && e.content === "You said: hello from chatjs"));
      await waitFor("receipts", () => events.some((e) => e.kind === "read" && e.id === messageId) && events.some((e) => e.kind === "delivered" && e.id === messageId));
      const typingEvent = await session.sendEvent({ contentType: "application/vnd.amazonaws.connect.event.typing" });
      await waitFor("own typing echo", () => events.some((e) => e.kind === "typing" && e.role === "CUSTOMER"));

      const transcript = await session.getTranscript({ maxResults: 100, sortOrder: "ASCENDING", scanDirection: "BACKWARD" });
      const reply = transcript.data.Transcript.find((i) => i.Content === "You said: hello from chatjs");
      const readReceipt = await session.sendEvent({ contentType: "application/vnd.amazonaws.connect.event.message.read", content: JSON.stringify({ messageId: reply.Id }) });
      return {
        connectSuccess: connected.connectSuccess,
        messageId,
        typingEventId: typingEvent.data.Id,
        readReceipt: readReceipt.data || readReceipt,
        transcript: transcript.data.Transcript.map((i) => ({ type: i.Type, role: i.ParticipantRole, content: i.Content, contentType: i.ContentType, contactId: i.ContactId, id: i.Id })),
        agentTyped: events.some((e) => e.kind === "typing" && e.role === "AGENT"),
      };
    }, result);
    assert.equal(first.connectSuccess, true);
    assert.ok(first.messageId && first.typingEventId);
    assert.equal(first.agentTyped, true, "the agent's typing arrived");
    const contents = first.transcript.map((i) => i.content).filter(Boolean);
    assert.ok(contents.includes("hello from chatjs") && contents.includes("You said: hello from chatjs"), JSON.stringify(contents));
    assert.equal(first.transcript[0].contentType, "application/vnd.amazonaws.connect.event.participant.joined");
    assert.equal(first.transcript[0].role, "CUSTOMER");
    assert.ok(first.transcript.every((i) => i.contactId === result.ContactId));
    const replyId = first.transcript.find((i) => i.content === "You said: hello from chatjs").id;
    // The read receipt reached the agent (ChatJS throttles receipts: up to a second here).
    await waitFor("the read receipt at the agent", async () => (await chat(result.ContactId)).agentMessagesReadByCustomer >= 1);
    const agentView = await emulator(service, "GET", `/_emulator/chats/${result.ContactId}/transcript`);
    const replyItem = agentView.find((i) => i.Id === replyId);
    assert.ok(replyItem.MessageMetadata.Receipts.some((r) => r.RecipientParticipantId === result.ParticipantId && r.ReadTimestamp), JSON.stringify(replyItem));

    // A page reload: a new page, the same chat details from sessionStorage, a second CreateParticipantConnection.
    await page.evaluate((chatDetails) => sessionStorage.setItem("e2e-chat", JSON.stringify(chatDetails)), result);
    await service.syncLogs();
    const callsBefore = connectionCalls();
    await page.reload();
    const second = await page.evaluate(async () => {
      const events = [];
      const waitFor = async (what, check, ms = 15000) => {
        const deadline = Date.now() + ms;
        while (!check()) {
          if (Date.now() > deadline) throw new Error(`timeout: ${what}: ${JSON.stringify(events)}`);
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      if (window.e2e) throw new Error("not a fresh page");
      const chatDetails = JSON.parse(sessionStorage.getItem("e2e-chat"));
      const session = connect.ChatSession.create({ chatDetails, type: "CUSTOMER", disableCSM: true });
      session.onConnectionEstablished(() => events.push({ kind: "established" }));
      session.onMessage(({ data }) => events.push({ kind: "message", contentType: data.ContentType, role: data.ParticipantRole, content: data.Content }));
      session.onEnded(() => events.push({ kind: "ended" }));
      await session.connect();
      await waitFor("socket", () => events.filter((e) => e.kind === "established").length >= 2);
      const transcript = await session.getTranscript({ maxResults: 100, sortOrder: "ASCENDING" });
      await session.sendMessage({ contentType: "text/plain", message: "after the reload" });
      await waitFor("reply after reload", () => events.some((e) => e.content === "You said: after the reload"));
      await session.disconnectParticipant();
      await waitFor("onEnded", () => events.some((e) => e.kind === "ended"));
      return {
        earlier: transcript.data.Transcript.map((i) => i.Content).filter(Boolean),
        endedEvents: events.filter((e) => e.kind === "message" && /participant\.left|chat\.ended/.test(e.contentType)).map((e) => e.contentType.split(".").slice(-2).join(".")),
      };
    });
    await waitFor("the reload's CreateParticipantConnection", () => connectionCalls() > callsBefore);
    assert.ok(second.earlier.includes("hello from chatjs") && second.earlier.includes("You said: hello from chatjs"), JSON.stringify(second.earlier));
    assert.deepEqual(second.endedEvents, ["participant.left", "chat.ended"]);
    const ended = await chat(result.ContactId);
    assert.equal(ended.state, "ENDED");
    assert.equal(ended.customerMessages, 2, "both messages went to the same chat");
    assert.deepEqual(page.problems, []);
  });
});

test("CORS: another origin cannot read the answer; a JSON preflight from the demo origin passes", async () => {
  const body = JSON.stringify({ ParticipantDetails: { DisplayName: "Cross Origin" } });
  const post = (page, contentType) =>
    page.evaluate(
      async ({ url, body, contentType }) => {
        try {
          const response = await fetch(url, { method: "POST", body, headers: contentType ? { "Content-Type": contentType } : {} });
          const json = await response.json();
          return { status: response.status, contactId: json.data && json.data.startChatResult.ContactId };
        } catch (error) {
          return { rejected: `${error.name}: ${error.message}` };
        }
      },
      { url: service.functionUrl, body, contentType },
    );
  // One JSON log record per request: "request handled" / "request refused" / ..., with method, status, origin.
  const records = () => service.functionRecords().filter((r) => r.request_id && r.method);
  const summary = (r) => [r.method, r.status, r.origin, r.error_code || r.outcome];

  await withContext(async (context) => {
    const before = records().length;
    const page = await newPage(context);
    await page.goto(elsewhere.origin + "/");
    // A "simple" request (text/plain, like the widget) is sent, refused with 403 and no ACAO: fetch rejects.
    assert.deepEqual(await post(page, null), { rejected: "TypeError: Failed to fetch" });
    // A JSON request needs a preflight, which is refused: the POST is never sent.
    assert.deepEqual(await post(page, "application/json"), { rejected: "TypeError: Failed to fetch" });
    const seen = await waitFor("the function's log of the refusals", () => {
      const r = records().slice(before);
      return r.length >= 2 && r;
    });
    assert.deepEqual(seen.map(summary), [
      ["POST", 403, "denied", "ORIGIN_NOT_ALLOWED"],
      ["OPTIONS", 403, "denied", "ORIGIN_NOT_ALLOWED"],
    ]);
  });

  await withContext(async (context) => {
    const before = records().length;
    const page = await newPage(context);
    await page.goto(service.demoUrl);
    const answer = await post(page, "application/json");
    assert.equal(answer.status, 200, JSON.stringify(answer));
    assert.ok(answer.contactId);
    // The page's own availability GET on load (a simple request: no preflight) may come before or between.
    const seen = await waitFor("the function's log of the page's GET and of the preflight", () => {
      const r = records().slice(before);
      return r.filter((x) => x.method !== "GET").length >= 2 && r.some((x) => x.method === "GET") && r;
    });
    assert.deepEqual(seen.filter((r) => r.method !== "GET").map(summary), [
      ["OPTIONS", 204, "allowed", "preflight"],
      ["POST", 200, "allowed", "chat_started"],
    ]);
    assert.deepEqual(seen.filter((r) => r.method === "GET").map(summary), [["GET", 200, "allowed", "availability"]]);
    await emulator(service, "POST", "/_emulator/agent/end", { contactId: answer.contactId });
    assert.deepEqual(page.problems, []);
  });
});
