// AWS's official chat clients from amazon-connect-chat-ui-examples, vendored unmodified in official-widget/
// (see NOTE.md there): the startChatContactAPI sample page with its prebuilt ChatInterface bundle, and the
// prebuilt customChatWidget (ACChat.js). In Debian's headless Chromium, against the service started exactly as
// `make local` starts it. The pages get only what an integrator fills in; their ChatJS talks to the emulator;
// nothing the browser sends leaves 127.0.0.1.
"use strict";

const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { REPO, startService, emulator, waitFor } = require("./lib/service");
const { launchBrowser, newPage } = require("./lib/browser");
const { vendoredChecksums, widgetSite, refusingProxy, fenceNetwork, isLoopback } = require("./lib/official-widget");

const REGION = "us-east-1";
const INSTANCE_ID = "3f0a7c1e-8b5d-4e2a-9c6f-1d2e3f4a5b6c";
const DEFAULT_FLOW_ID = "6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const SALES_FLOW_ID = "7b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e";
const GREETING = "Hello, thanks for contacting us. This is an example of what the Amazon Connect virtual contact center can enable you to do.";
const ARTIFACTS = path.join(REPO, "target", "e2e");
// What the sample page as shipped sends for the name "Ada", byte for byte (key order included): the ids it
// leaves empty, the attributes it builds from the name, its content types and chat duration. No Username
// (undefined), no InitialMessage, no PersistentChat (its values are empty).
const EXPECTED_START_BODY =
  '{"InstanceId":"","ContactFlowId":"","ParticipantDetails":{"DisplayName":"Ada"},' +
  '"Attributes":{"customerName":"Ada"},"SupportedMessagingContentTypes":["text/plain","text/markdown"],' +
  '"ChatDurationInMinutes":1500}';
// The telemetry host of the ChatJS copy inside the bundle (client-side metrics, sent from a SharedWorker that
// request routing does not see): the only destination the refusing proxy may be asked for.
const CSM_TELEMETRY = `ieluqbvv.telemetry.connect.${REGION}.amazonaws.com:443`;

const PLACEHOLDER_ID = "'XXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXX'";
// What an integrator types into each page (the function URL once local.sh has printed it): [the exact line,
// the placeholder in it, the value]. The sample page: only the endpoint and the region, its ids left empty
// as shipped. customChatWidget's page has example ids in place of empty ones: they get the local instance and
// the `sales` flow alias.
const fills = {
  "widgetIndex.html": () => [
    ['var apiGatewayEndpoint = ""; // TODO: Fill in with the API Gateway endpoint', '""', service.functionUrl],
    ['region: "", // TODO: Fill in', '""', REGION],
  ],
  "customChatWidget/index.html": () => [
    ['region: "us-west-2",', '"us-west-2"', REGION],
    [
      'apiGateway: "https://${apiId}.execute-api.${region}.amazonaws.com/Prod", // **** Mandatory',
      '"https://${apiId}.execute-api.${region}.amazonaws.com/Prod"',
      service.functionUrl,
    ],
    [`contactFlowId: ${PLACEHOLDER_ID}, // This is the contact flow ID`, PLACEHOLDER_ID, "sales"],
    [`instanceId: ${PLACEHOLDER_ID}, // This is the connect instance ID`, PLACEHOLDER_ID, INSTANCE_ID],
  ],
};
let allowedSite; // the pages on an origin the function allows (EXTRA_ALLOWED_ORIGINS)
let otherSite; // the same pages on an origin it does not allow
let proxy;
let service;
let browser;

before(async () => {
  proxy = await refusingProxy();
  allowedSite = await widgetSite(fills);
  otherSite = await widgetSite(fills);
  // local.sh appends EXTRA_ALLOWED_ORIGINS to the function's ALLOWED_ORIGINS (startService passes the
  // environment through); node --test runs this file in its own process.
  process.env.EXTRA_ALLOWED_ORIGINS = allowedSite.origin;
  service = await startService();
  // Chromium's Autofill asks a Google service about the page's form; off, so the proxy sees only the page.
  browser = await launchBrowser({ extraArgs: ["--disable-features=AutofillServerCommunication"] });
});

after(async () => {
  await Promise.allSettled([browser && browser.close(), allowedSite && allowedSite.close(), otherSite && otherSite.close()]);
  if (service) await service.stop();
  if (proxy) await proxy.close();
});

/**
 * Runs `drive(page, network)` in a fresh browser context whose traffic is fenced (see fenceNetwork) and
 * proxied through the refusing proxy, then asserts that every request the page made went to loopback or was
 * answered by the test, and that nothing but the ChatJS telemetry tried to leave. On failure the page's DOM
 * and a screenshot go to target/e2e/.
 */
async function withWidget(t, name, drive) {
  const context = await browser.newContext({
    viewport: { width: 1100, height: 820 },
    deviceScaleFactor: 1,
    proxy: { server: proxy.server, bypass: "127.0.0.1,localhost" },
  });
  const proxyAskedBefore = proxy.asked.length;
  let page;
  try {
    const network = await fenceNetwork(context, { region: REGION, participantEndpoint: service.participantEndpoint });
    network.requests = [];
    network.sockets = [];
    context.on("request", (request) => network.requests.push(request.url()));
    page = await newPage(context);
    network.lastChatItemAt = Date.now();
    page.on("websocket", (socket) => {
      network.sockets.push(socket.url());
      socket.on("framereceived", (frame) => {
        if (String(frame.payload).includes('"topic":"aws/chat"')) network.lastChatItemAt = Date.now();
      });
    });
    page.setDefaultTimeout(20000);
    await drive(page, network);

    const relayed = new Set(network.relayed.map((line) => line.split(" ")[1]));
    const elsewhere = network.requests.filter((url) => !isLoopback(url) && !url.startsWith("blob:") && !relayed.has(url));
    assert.deepEqual(elsewhere, [], "every request went to 127.0.0.1 or was answered by the test");
    assert.deepEqual(network.refused, [], "no request to a host the test does not answer");
    assert.ok(network.sockets.every(isLoopback), `WebSockets on loopback only: ${network.sockets}`);
    t.diagnostic(`relayed to the emulator: ${network.relayed.length} participant service calls`);
    t.diagnostic(`asked of the refusing proxy: ${JSON.stringify(proxy.asked.slice(proxyAskedBefore))}`);
    const asked = proxy.asked.slice(proxyAskedBefore).filter((line) => line !== `CONNECT ${CSM_TELEMETRY}`);
    assert.deepEqual(asked, [], "nothing but the ChatJS telemetry tried to leave (and the proxy refused it)");
  } catch (error) {
    if (page) {
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, `official-widget-${name}.png`) }).catch(() => {});
      fs.writeFileSync(path.join(ARTIFACTS, `official-widget-${name}.html`), await page.content().catch(() => ""));
    }
    throw error;
  } finally {
    await context.close();
  }
}

/** Types a name in the sample page's form and presses Start Chat; resolves to the start request. */
async function startChat(page, name) {
  await page.fill("#firstName", name);
  const request = page.waitForRequest((r) => r.url() === service.functionUrl && r.method() === "POST");
  await page.click("#startChat");
  return request;
}

const widget = (page) => page.locator('[data-testid="amazon-connect-chat-wrapper"]');
// One transcript entry: a message (header, body, receipt) or an event line ("X has joined the chat").
const message = (page, text) => widget(page).locator('[data-testid="main-message"]', { hasText: text });

async function chatSummary(contactId) {
  const chats = await emulator(service, "GET", "/_emulator/chats");
  return chats.find((c) => c.contactId === contactId);
}

// ChatJS in the bundle sends the widget's read and delivered receipts at most once per 5 s window
// (messageReceiptThrottleTime); a receipt still queued when the chat ends reaches an ended chat, gets 403, and
// the bundle leaves that rejection unhandled (three "Uncaught (in promise)" page errors). A customer takes
// longer than that to end a chat: before ending one, the test waits until no chat item has arrived for longer
// than the window, so every receipt has been sent.
const RECEIPT_WINDOW_MS = 5000;
async function receiptsSent(network) {
  await waitFor("the widget's queued receipts", () => Date.now() - network.lastChatItemAt > RECEIPT_WINDOW_MS + 1000, 30000);
}

function participantCalls(pathName) {
  return service.logs.filter((l) => l.startsWith("[emulator]") && l.includes(` ${pathName} -> 200`)).length;
}

test("the vendored files are byte for byte AWS's (the checksums in NOTE.md)", () => {
  const { expected, actual } = vendoredChecksums();
  assert.deepEqual(Object.keys(expected).sort(), [
    "LICENSE",
    "NOTICE.txt",
    "customChatWidget/ACChat.js",
    "customChatWidget/ACChat.js.LICENSE.txt",
    "customChatWidget/amazon-connect-chat-interface.js",
    "customChatWidget/amazon-connect-chat-interface.js.LICENSE.txt",
    "customChatWidget/index.html",
    "js/amazon-connect-chat-interface.js",
    "widgetIndex.html",
  ]);
  assert.deepEqual(actual, expected);
});

test("the official sample page as shipped, on an allowed origin: a whole chat, a file, End chat; the agent ends the next one", async (t) => {
  await emulator(service, "POST", "/_emulator/reset");
  await emulator(service, "POST", "/_emulator/agent", {
    joinDelayMs: 200,
    // An agent's receipts come a while after the message (their own ChatJS batches them). Much sooner, and
    // they can reach the widget before it has the sent message's Id, and it drops them.
    receiptDelayMs: 1000,
    replyDelayMs: 300,
    replies: ["Thanks, Ada! Order #1042 ships tomorrow.", "Got your file, thank you."],
  });
  await withWidget(t, "allowed", async (page, network) => {
    await page.goto(`${allowedSite.origin}/widgetIndex.html`);
    assert.equal(await page.locator("#startChat").getAttribute("value"), "Start Chat");

    // Start Chat: the page's request, exactly as the widget builds it; a simple request (text/plain), so no
    // preflight.
    const startRequest = await startChat(page, "Ada");
    assert.equal(startRequest.postData(), EXPECTED_START_BODY);
    assert.equal(startRequest.headers()["content-type"], "text/plain;charset=UTF-8");
    const started = await (await startRequest.response()).json();
    const contactId = started.data.startChatResult.ContactId;
    assert.deepEqual(started.data.featurePermissions, { MESSAGING_MARKDOWN: true, ATTACHMENTS: true });

    // The function filled in its defaults for the empty ids and passed the rest on.
    const calls = await emulator(service, "GET", "/_emulator/start-chat-calls");
    const sent = calls.find((c) => c.contactId === contactId).body;
    t.diagnostic(`StartChatContact as the emulator got it: ${JSON.stringify({ ...sent, ClientToken: sent.ClientToken && "…" })}`);
    assert.equal(sent.InstanceId, INSTANCE_ID);
    assert.equal(sent.ContactFlowId, DEFAULT_FLOW_ID);
    assert.deepEqual(sent.ParticipantDetails, { DisplayName: "Ada" });
    assert.deepEqual(sent.Attributes, { customerName: "Ada" });
    assert.equal(sent.ChatDurationInMinutes, 1500);
    assert.deepEqual(sent.SupportedMessagingContentTypes, ["text/plain", "text/markdown"]);

    // The widget: the customer's join, the flow's greeting, the agent's join and welcome.
    await widget(page).getByText("Ada has joined the chat").waitFor();
    await message(page, GREETING).waitFor();
    await widget(page).getByText("Agent Alex has joined the chat").waitFor();
    await message(page, "Hi, I'm Alex. How can I help you today?").waitFor();
    assert.equal(await page.locator("#section-chat").evaluate((e) => e.style.opacity), "1", "the page's successHandler ran");

    // A message typed in the widget's editor and sent with its Send button; the agent's reply; Read.
    await page.click('[data-testid="rich-text-editor"]');
    await page.keyboard.type("Hi! Where is my order #1042?");
    await page.click('[data-testid="chat-send-message-button"]');
    await message(page, "Thanks, Ada! Order #1042 ships tomorrow.").waitFor();
    await message(page, "Where is my order #1042?").getByText("Read", { exact: true }).waitFor();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, "official-widget.png") });
    // With MESSAGING_MARKDOWN on, the widget sends what was typed as Markdown.
    const typed = (await emulator(service, "GET", `/_emulator/chats/${contactId}/transcript`)).find(
      (item) => item.Type === "MESSAGE" && item.ParticipantRole === "CUSTOMER",
    );
    assert.deepEqual([typed.ContentType, typed.Content], ["text/markdown", "Hi! Where is my order #1042?"]);

    // Attachments: on (the function's featurePermissions; the page's own flag is false as shipped). A file
    // chosen with the widget's attach button and sent with Send goes through the emulator's upload URL...
    const attach = page.locator('[data-testid="chat-file-select-attachments"]');
    await attach.setInputFiles({ name: "receipt.txt", mimeType: "text/plain", buffer: Buffer.from("order #1042, paid") });
    await page.click('[data-testid="chat-send-message-button"]');
    await message(page, "Got your file, thank you.").waitFor();
    const link = widget(page).getByRole("link", { name: "receipt.txt" });
    await link.waitFor();
    // ...and comes back through GetAttachment and the emulator's download URL, byte for byte.
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    assert.equal(download.suggestedFilename(), "receipt.txt");
    assert.equal(fs.readFileSync(await download.path(), "utf8"), "order #1042, paid");
    const transcript = await emulator(service, "GET", `/_emulator/chats/${contactId}/transcript`);
    assert.ok(transcript.some((item) => item.Type === "ATTACHMENT" && item.Attachments[0].AttachmentName === "receipt.txt"));
    await service.syncLogs();
    for (const call of ["/participant/start-attachment-upload", "/participant/complete-attachment-upload", "/participant/attachment"]) {
      assert.ok(participantCalls(call) >= 1, `the emulator answered ${call}`);
    }

    await receiptsSent(network);
    assert.ok((await chatSummary(contactId)).agentMessagesReadByCustomer >= 1, "the agent got the widget's read receipts");

    // End chat: the widget disconnects and resets; the page hides the chat (its onChatDisconnected handler).
    await page.getByRole("button", { name: "End chat" }).click();
    await waitFor("the chat to end in the emulator", async () => (await chatSummary(contactId)).state === "ENDED");
    await widget(page).waitFor({ state: "detached" });
    await waitFor("the page to hide the chat", () => page.locator("#section-chat").evaluate((e) => e.style.opacity === "0"));

    // A second chat from the same page; this time the agent ends it.
    await startChat(page, "Ada");
    await message(page, "Hi, I'm Alex. How can I help you today?").waitFor();
    const second = (await emulator(service, "GET", "/_emulator/chats")).filter((c) => c.state === "ACTIVE");
    assert.equal(second.length, 1);
    await receiptsSent(network);
    await emulator(service, "POST", "/_emulator/agent/end", { contactId: second[0].contactId });
    await widget(page).getByText("Agent Alex has left the chat").waitFor();
    await widget(page).getByText("Chat has ended!").waitFor();
    await page.getByRole("button", { name: "Close" }).waitFor();
    assert.equal(await page.getByRole("button", { name: "End chat" }).count(), 0);
    assert.equal(await page.locator('[data-testid="rich-text-editor"]').count(), 0, "no composer once ended");

    assert.ok(network.relayed.some((line) => line.endsWith("/participant/connection")), "ChatJS's calls were relayed");
    assert.deepEqual(page.problems, [], "no page errors or console errors");
  });
});

test("the official sample page on an origin the function does not allow: the browser blocks the start", async (t) => {
  await emulator(service, "POST", "/_emulator/reset");
  const records = () => service.functionRecords().filter((r) => r.request_id && r.method);
  const before = records().length;
  await withWidget(t, "disallowed", async (page, network) => {
    const logged = [];
    page.on("console", (m) => m.type() === "log" && logged.push(m.text()));
    await page.goto(`${otherSite.origin}/widgetIndex.html`);
    const startRequest = await startChat(page, "Ada");
    assert.equal(startRequest.postData(), EXPECTED_START_BODY);
    // The function answers 403 without Access-Control-Allow-Origin: fetch rejects, the widget gives up and
    // calls the page's failureHandler. (The sample page shows its chat section only on success, so the
    // widget's "Initialization failed" stays at opacity 0: the customer sees nothing happen.)
    await page.locator("#root").getByText("Initialization failed").waitFor();
    await page.locator("#root").getByRole("button", { name: "Go Back" }).waitFor();
    assert.equal(startRequest.failure()?.errorText, "net::ERR_FAILED");
    await waitFor("the page's failureHandler", () => logged.includes("There was an error: "));
    assert.equal(await page.locator("#section-chat").evaluate((e) => e.style.opacity), "0");
    const seen = await waitFor("the function's log of the refusal", () => records().slice(before).length >= 1 && records().slice(before));
    assert.deepEqual(
      seen.map((r) => [r.method, r.status, r.origin, r.error_code]),
      [["POST", 403, "denied", "ORIGIN_NOT_ALLOWED"]],
    );
    assert.deepEqual(await emulator(service, "GET", "/_emulator/start-chat-calls"), [], "Connect was never called");
    assert.deepEqual(network.relayed, [], "no participant service call");
    // The browser reports the blocked request on the console (expected here, and only this).
    const corsBlocked = `Access to fetch at '${service.functionUrl}' from origin '${otherSite.origin}' has been blocked by CORS policy`;
    assert.deepEqual(
      page.problems.filter((p) => !p.startsWith(`console.error: ${corsBlocked}`) && p !== "console.error: Failed to load resource: net::ERR_FAILED"),
      [],
      `only the CORS block on the console: ${page.problems}`,
    );
  });
});

test("customChatWidget (ACChat.js), prebuilt as shipped: the chat icon, its form, a chat, End chat", async (t) => {
  await emulator(service, "POST", "/_emulator/reset");
  await emulator(service, "POST", "/_emulator/agent", {
    joinDelayMs: 200,
    // An agent's receipts come a while after the message (their own ChatJS batches them). Much sooner, and
    // they can reach the widget before it has the sent message's Id, and it drops them.
    receiptDelayMs: 1000,
    replyDelayMs: 300,
    replies: ["Hello Grace, happy to help."],
  });
  await withWidget(t, "custom-chat-widget", async (page, network) => {
    await page.goto(`${allowedSite.origin}/customChatWidget/index.html`);
    // The chat icon opens the pre-chat form (Name, UserName, Email); Submit starts the chat.
    await page.locator("#root button").first().click();
    await page.fill('input[name="Name"]', "Grace Hopper");
    await page.fill('input[name="UserName"]', "grace");
    await page.fill('input[name="Email"]', "grace@example.com");
    const request = page.waitForRequest((r) => r.url() === service.functionUrl && r.method() === "POST");
    await page.getByRole("button", { name: "Submit" }).click();
    const startRequest = await request;
    // What ACChat.js sends: the ids typed in, Username, the form as attributes (its `customerName` is the
    // fixed "Customer" when the name comes from the form), the page's contactAttr. Not the page's
    // chatDurationInMinutes, and no content types (so no Markdown).
    assert.equal(
      startRequest.postData(),
      `{"InstanceId":"${INSTANCE_ID}","ContactFlowId":"sales","ParticipantDetails":{"DisplayName":"Grace Hopper"},` +
        '"Username":"grace","Attributes":{"customerName":"Customer","Name":"Grace Hopper","UserName":"grace",' +
        '"Email":"grace@example.com","SomeContactAttributeKey":"SomeContactAttributeValue"}}',
    );
    const started = await (await startRequest.response()).json();
    const contactId = started.data.startChatResult.ContactId;
    const sent = (await emulator(service, "GET", "/_emulator/start-chat-calls")).find((c) => c.contactId === contactId).body;
    t.diagnostic(`StartChatContact as the emulator got it: ${JSON.stringify({ ...sent, ClientToken: sent.ClientToken && "…" })}`);
    assert.equal(sent.ContactFlowId, SALES_FLOW_ID, "the alias resolved");

    await widget(page).getByText("Grace Hopper has joined the chat").waitFor();
    await message(page, GREETING).waitFor();
    await widget(page).getByText("Agent Alex has joined the chat").waitFor();
    await message(page, "Hi, I'm Alex. How can I help you today?").waitFor();

    await page.fill('[data-testid="customer-chat-text-input"]', "Can I change my email address?");
    await page.click('[data-testid="customer-chat-send-message-button"]');
    await message(page, "Hello Grace, happy to help.").waitFor();
    await message(page, "Can I change my email address?").getByText("Read", { exact: true }).waitFor();
    const typed = (await emulator(service, "GET", `/_emulator/chats/${contactId}/transcript`)).find(
      (item) => item.Type === "MESSAGE" && item.ParticipantRole === "CUSTOMER",
    );
    assert.deepEqual([typed.ContentType, typed.Content], ["text/plain", "Can I change my email address?"]);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, "custom-chat-widget.png") });

    await receiptsSent(network);
    await page.getByRole("button", { name: "End chat" }).click();
    await waitFor("the chat to end in the emulator", async () => (await chatSummary(contactId)).state === "ENDED");
    await widget(page).waitFor({ state: "detached" });
    assert.deepEqual(page.problems, [], "no page errors or console errors");
  });
});
