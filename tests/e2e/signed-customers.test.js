// Signed-customer mode, as `JWT_SIGNING_KEYS=<key>,<key> make local` runs it: the demo page asks the local
// signer (scripts/demo-server.py, playing the website's server after a login) for a token before every start
// and sends it as `Authorization: Bearer`; the function takes the customer from the token. In Debian's headless
// Chromium with the real ChatJS, against the service started exactly as `make local` starts it.
"use strict";

const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const { REPO, startService, emulator } = require("./lib/service");
const { launchBrowser, newPage } = require("./lib/browser");

// Two keys, as while rotating: the signer signs with the first, the function accepts either.
const SIGNING_KEY = "e2e-signing-key-0123456789abcdef-0123456789abcdef";
const NEXT_KEY = "e2e-next-signing-key-fedcba9876543210-fedcba98765";
// The demo customer the signer vouches for (scripts/demo-server.py).
const CUSTOMER_ID = "demo-customer-1";
const CUSTOMER_NAME = "Jordan Rivera";
const SIGNED_ATTRIBUTES = { plan: "gold", accountNumber: "1001" };
const AUTHENTICATED = { "connect:CustomerAuthenticationStatus": { ValueString: "AUTHENTICATED" } };

let service;
let browser;
const tokensSeen = new Set();

before(async () => {
  service = await startService({ env: { JWT_SIGNING_KEYS: `${SIGNING_KEY},${NEXT_KEY}` } });
  browser = await launchBrowser();
  fs.mkdirSync(path.join(REPO, "target", "e2e"), { recursive: true });
});

after(async () => {
  if (browser) await browser.close();
  if (service) await service.stop();
});

async function withPage(run) {
  const context = await browser.newContext({ viewport: { width: 520, height: 820 } });
  try {
    const page = await newPage(context);
    page.setDefaultTimeout(20000);
    await run(page);
  } finally {
    await context.close();
  }
}

const b64url = (data) => Buffer.from(data).toString("base64url");

function hs256(key, claims) {
  const header = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const payload = b64url(JSON.stringify(claims));
  const signature = crypto.createHmac("sha256", key).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}

/** The token's header and claims, and whether it is signed with `key`. */
function decode(token, key) {
  const [header, payload, signature] = token.split(".");
  const expected = crypto.createHmac("sha256", key).update(`${header}.${payload}`).digest("base64url");
  return {
    header: JSON.parse(Buffer.from(header, "base64url")),
    claims: JSON.parse(Buffer.from(payload, "base64url")),
    signedWithKey: signature === expected,
  };
}

/** Clicks `selector` and returns the token the signer minted and the start request the page then sent. */
async function startThroughPage(page, selector) {
  const [signerResponse, startRequest] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith("/customer-token")),
    page.waitForRequest((r) => r.url() === service.functionUrl && r.method() === "POST"),
    page.click(selector),
  ]);
  const { token } = await signerResponse.json();
  tokensSeen.add(token);
  return {
    signerRequest: JSON.parse(signerResponse.request().postData()),
    token,
    authorization: (await startRequest.allHeaders()).authorization,
    body: JSON.parse(startRequest.postData()),
  };
}

async function currentContact(page) {
  return JSON.parse(await page.evaluate(() => sessionStorage.getItem("start-chat-demo"))).chatDetails.ContactId;
}

async function startChatCalls() {
  return emulator(service, "GET", "/_emulator/start-chat-calls");
}

test("the demo page gets a token from the local signer, chats as the signed customer, and continues the chat through the token's claim", async () => {
  await emulator(service, "POST", "/_emulator/reset");
  await emulator(service, "POST", "/_emulator/agent", { joinDelayMs: 100, receiptDelayMs: 20, replyDelayMs: 200 });
  await withPage(async (page) => {
    await page.goto(service.demoUrl);
    await page.waitForSelector(`#signed-in >> text=Signed in as ${CUSTOMER_NAME}`);
    assert.equal(await page.isVisible("#name"), false, "the name comes from the token");

    // Start: a fresh token from the signer, signed with the first key, sent as the bearer token.
    await page.fill("#question", "Is my order on its way?");
    const first = await startThroughPage(page, "#start");
    const minted = decode(first.token, SIGNING_KEY);
    assert.equal(minted.signedWithKey, true, "signed with the first key");
    assert.deepEqual(minted.header, { alg: "HS256", typ: "JWT" });
    const { iat, exp, ...claims } = minted.claims;
    assert.deepEqual(claims, { sub: CUSTOMER_ID, displayName: CUSTOMER_NAME, attributes: SIGNED_ATTRIBUTES, segmentAttributes: AUTHENTICATED });
    assert.equal(exp - iat, 300);
    assert.ok(Math.abs(iat - Date.now() / 1000) < 60, "minted just now");
    assert.equal(first.authorization, `Bearer ${first.token}`);
    assert.equal(first.body.ParticipantDetails, undefined, "the page sends no name of its own");
    assert.equal(first.body.InitialMessage.Content, "Is my order on its way?");

    await page.waitForSelector('#status[data-state="connected"]');
    await page.waitForSelector('.msg[data-role="AGENT"] >> text=You said: Is my order on its way?');
    const firstContact = await currentContact(page);
    // Connect received the customer the website vouched for.
    const received = (await startChatCalls()).find((c) => c.contactId === firstContact).body;
    assert.equal(received.CustomerId, CUSTOMER_ID);
    assert.deepEqual(received.ParticipantDetails, { DisplayName: CUSTOMER_NAME });
    assert.deepEqual(received.Attributes, SIGNED_ATTRIBUTES);
    assert.deepEqual(received.SegmentAttributes, AUTHENTICATED);
    assert.equal(received.PersistentChat, undefined);
    await page.fill("#message", "Thanks!");
    await page.press("#message", "Enter");
    await page.waitForSelector('.msg[data-role="AGENT"] >> text=You said: Thanks!');
    await page.screenshot({ path: path.join(REPO, "target", "e2e", "demo-signed.png") });
    await page.click("#end");
    await page.waitForSelector("#ended >> text=The chat has ended");

    // Continue: the signer names the chat in the token's persistentChat claim; the body names nothing.
    const second = await startThroughPage(page, "#continue-ended");
    assert.deepEqual(second.signerRequest, { continueContactId: firstContact });
    assert.deepEqual(decode(second.token, SIGNING_KEY).claims.persistentChat, {
      SourceContactId: firstContact,
      RehydrationType: "ENTIRE_PAST_SESSION",
    });
    assert.equal(second.authorization, `Bearer ${second.token}`);
    assert.equal(second.body.PersistentChat, undefined);
    assert.equal(second.body.ContinuationToken, undefined);
    await page.waitForSelector('#status[data-state="connected"]');
    await page.waitForSelector('.msg[data-past][data-mine] >> text=Is my order on its way?');
    await page.waitForSelector('.msg[data-past][data-role="AGENT"] >> text=You said: Thanks!');
    await page.waitForSelector(".divider >> text=Continued from your previous chat");
    const secondContact = await currentContact(page);
    const continued = (await startChatCalls()).find((c) => c.contactId === secondContact).body;
    assert.deepEqual(continued.PersistentChat, { SourceContactId: firstContact, RehydrationType: "ENTIRE_PAST_SESSION" });
    assert.equal(continued.CustomerId, CUSTOMER_ID);
    assert.equal((await emulator(service, "GET", "/_emulator/chats")).find((c) => c.contactId === secondContact).continuedFromContactId, firstContact);
    await page.fill("#message", "Any news?");
    await page.press("#message", "Enter");
    await page.waitForSelector('.msg[data-role="AGENT"]:not([data-past]) >> text=You said: Any news?');
    await page.click("#end");
    await page.waitForSelector("#ended >> text=The chat has ended");
    assert.deepEqual(page.problems, [], "no page errors, CSP violations or console errors");
  });
});

test("refusals the page can read: no token (401 TOKEN_MISSING, with CORS), a forged token shown as an error, a PersistentChat in the body", async () => {
  await emulator(service, "POST", "/_emulator/reset");
  await withPage(async (page) => {
    await page.goto(service.demoUrl);
    await page.waitForSelector(`#signed-in >> text=Signed in as ${CUSTOMER_NAME}`);

    // A plain fetch from the page, no token: the answer and its error body are readable (CORS headers).
    const missing = await page.evaluate(async (url) => {
      const response = await fetch(url, { method: "POST", body: JSON.stringify({ ParticipantDetails: { DisplayName: "Mallory" } }) });
      return { status: response.status, body: await response.json() };
    }, service.functionUrl);
    assert.equal(missing.status, 401);
    assert.equal(missing.body.error.code, "TOKEN_MISSING");
    const origin = new URL(service.demoUrl).origin;
    const direct = await fetch(service.functionUrl, { method: "POST", headers: { origin }, body: "{}" });
    assert.equal(direct.status, 401);
    assert.equal(direct.headers.get("access-control-allow-origin"), origin);
    assert.equal(direct.headers.get("www-authenticate"), "Bearer");

    // The body may not name a chat to continue when customers are signed, even with a valid token.
    const fromBody = await page.evaluate(
      async ({ url, contactId }) => {
        const minted = await (await fetch("/customer-token", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" })).json();
        const response = await fetch(url, {
          method: "POST",
          headers: { Authorization: `Bearer ${minted.token}`, "Content-Type": "application/json" },
          body: JSON.stringify({ PersistentChat: { SourceContactId: contactId, RehydrationType: "ENTIRE_PAST_SESSION" } }),
        });
        return { status: response.status, body: await response.json(), token: minted.token };
      },
      { url: service.functionUrl, contactId: "5d0c1a2b-3e4f-4a5b-8c6d-7e8f9a0b1c2d" },
    );
    tokensSeen.add(fromBody.token);
    assert.equal(fromBody.status, 403, JSON.stringify(fromBody.body));
    assert.equal(fromBody.body.error.code, "PERSISTENT_CHAT_NOT_ALLOWED");

    // A token signed with a key the function does not have: the page shows the 401 clearly.
    const now = Math.floor(Date.now() / 1000);
    const forged = hs256("not-the-website-key-0123456789abcdef-0123456789", { sub: "someone-else", iat: now, exp: now + 300 });
    await page.route("**/customer-token", (route) => route.fulfill({ json: { token: forged, expiresIn: 300 } }));
    await page.fill("#question", "Let me in");
    await page.click("#start");
    await page.waitForSelector("#error >> text=Your sign-in was not accepted");
    await page.waitForSelector("#error >> text=TOKEN_SIGNATURE_INVALID");
    assert.equal(await page.isEnabled("#start"), true, "the customer can try again");
    assert.equal(await page.isVisible("#chat"), false);
  });
  assert.deepEqual(await startChatCalls(), [], "no refused start reached Connect");

  // The signer mints only for its own page: not for another site's, not for a form post.
  const signer = new URL("/customer-token", service.demoUrl);
  const json = { "content-type": "application/json" };
  assert.equal((await fetch(signer, { method: "POST", headers: { ...json, origin: "http://127.0.0.1:1" }, body: "{}" })).status, 403);
  assert.equal((await fetch(signer, { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" })).status, 415);
  assert.equal((await fetch(signer, { method: "POST", headers: json, body: '{"continueContactId":"<script>"}' })).status, 400);
});

test("neither the signing keys nor a customer token reach a log line", async () => {
  await service.syncLogs();
  assert.ok(tokensSeen.size >= 3, "the tests above saw the tokens");
  for (const secret of [SIGNING_KEY, NEXT_KEY, ...tokensSeen]) {
    const leaks = service.logs.filter((line) => line.includes(secret));
    assert.deepEqual(leaks, [], "a secret in the logs");
  }
});
