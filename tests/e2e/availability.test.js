// The demo page asks whether chat is open before it offers a chat (issue 17), in Debian's headless Chromium
// against the service started as `make local` starts it: open, nobody to answer, unknown (Connect throttled,
// or no usable answer at all) and closed (a holiday override, at a moved emulator clock), each state set
// through the emulator's admin API.
"use strict";

const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const { startService, emulator, waitFor } = require("./lib/service");
const { launchBrowser, newPage } = require("./lib/browser");

// connect_emulator::local: the default entry point's queue and its hours (Europe/London).
const DEFAULT_QUEUE_ID = "8c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f";
const DEFAULT_HOURS_ID = "ae5f6a7b-8c9d-4e0f-9a1b-3c4d5e6f7a8b";
// The visitor's time zone: neither UTC nor the hours' own, so the page's rendering shows which it used.
const VISITOR = { timezoneId: "Asia/Tokyo", locale: "en-GB" };
const STAFFED = { agentsOnline: 2, agentsStaffed: 2, agentsAvailable: 1 };
// Each state change reaches the function's cache within its TTLs: metrics 1 s, schedules 10 s (the least
// allowed), polled for rather than slept.
const STATE_CHANGE_TIMEOUT_MS = 30000;

let service;
let browser;

before(async () => {
  service = await startService({
    env: {
      // One instance, one cache: the state the test's own GET sees is the state the page gets next.
      FUNCTION_CONCURRENCY: "1",
      AVAILABILITY_METRICS_TTL_SECONDS: "1",
      AVAILABILITY_SCHEDULE_TTL_SECONDS: "10",
    },
  });
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (service) await service.stop();
});

/** The function's answer for the default entry point (a GET without Origin, as a server sends it). */
async function defaultEntryPoint() {
  const response = await fetch(service.functionUrl);
  const body = await response.json();
  assert.equal(response.status, 200, JSON.stringify(body));
  return body.data.entryPoints.default;
}

/** Polls the function until its answer for the default entry point passes `check`; returns that answer. */
async function untilAnswer(what, check) {
  return waitFor(
    `the function to answer ${what}`,
    async () => {
      const answer = await defaultEntryPoint();
      if (check(answer)) return answer;
      await new Promise((resolve) => setTimeout(resolve, 200));
      return null;
    },
    STATE_CHANGE_TIMEOUT_MS,
  );
}

/** A fresh browser context (no HTTP cache, no storage) in the visitor's time zone, on the demo page once it has its answer. */
async function withDemoPage(run, { route } = {}) {
  const context = await browser.newContext({ ...VISITOR, viewport: { width: 520, height: 820 } });
  try {
    const page = await newPage(context);
    page.setDefaultTimeout(20000);
    if (route) await page.route(service.functionUrl, route);
    await page.goto(service.demoUrl);
    await page.waitForSelector('#availability:not([data-state="checking"])', { state: "attached" });
    await run(page);
  } finally {
    await context.close();
  }
}

/** The start form works as before: a name, Start chat, a connected chat with the agent. */
async function startsChat(page, name) {
  assert.equal(await page.isVisible("#start"), true, "the start button is offered");
  await page.fill("#name", name);
  await page.click("#start");
  await page.waitForSelector('#status[data-state="connected"]');
  await page.waitForSelector('.event[data-event="participant.joined"] >> text=Agent Alex joined the chat');
  const saved = JSON.parse(await page.evaluate(() => sessionStorage.getItem("start-chat-demo")));
  await emulator(service, "POST", "/_emulator/agent/end", { contactId: saved.chatDetails.ContactId });
  await page.waitForSelector("#ended >> text=The chat has ended");
}

test("open: the page says chat with us, with the expected wait, and a chat starts", async () => {
  await emulator(service, "POST", "/_emulator/agents", { queueId: DEFAULT_QUEUE_ID, ...STAFFED, estimatedWaitSeconds: 240 });
  const answer = await untilAnswer("OPEN with a 4-minute wait", (a) => a.reason === "OPEN" && a.estimatedWaitSeconds === 240);
  assert.equal(answer.available, true);
  await withDemoPage(async (page) => {
    assert.equal(await page.getAttribute("#availability", "data-state"), "open");
    assert.equal(await page.innerText("#availability"), "Chat with us: an agent is available now. Expected wait: about 4 min.");
    // The page asked with a simple GET: no preflight, read under CORS.
    await startsChat(page, "Ada Lovelace");
    assert.deepEqual(page.problems, [], "no page errors, CSP violations or console errors");
  });
});

test("nobody to answer: no agent staffed, then the queue disabled; no start form", async () => {
  await emulator(service, "POST", "/_emulator/agents", { queueId: DEFAULT_QUEUE_ID, agentsOnline: 0, agentsStaffed: 0, agentsAvailable: 0 });
  await untilAnswer("NO_AGENTS_STAFFED", (a) => a.reason === "NO_AGENTS_STAFFED" && a.available === false);
  await withDemoPage(async (page) => {
    assert.equal(await page.getAttribute("#availability", "data-state"), "unavailable");
    assert.equal(await page.innerText("#availability"), "No one is available to chat right now. Please try again later.");
    assert.equal(await page.isVisible("#start"), false, "no start button while nobody can answer");
    assert.equal(await page.isVisible("#name"), false);
    assert.deepEqual(page.problems, []);
  });

  await emulator(service, "POST", "/_emulator/agents", { queueId: DEFAULT_QUEUE_ID, ...STAFFED });
  await emulator(service, "POST", `/_emulator/queues/${DEFAULT_QUEUE_ID}`, { status: "DISABLED" });
  await untilAnswer("QUEUE_DISABLED", (a) => a.reason === "QUEUE_DISABLED" && a.available === false);
  await withDemoPage(async (page) => {
    assert.equal(await page.getAttribute("#availability", "data-state"), "unavailable");
    assert.match(await page.innerText("#availability"), /^No one is available to chat right now/);
    assert.equal(await page.isVisible("#start"), false);
  });
  await emulator(service, "POST", `/_emulator/queues/${DEFAULT_QUEUE_ID}`, { status: "ENABLED" });
});

test("unknown: Connect throttled, the function answers available null, and the page offers the chat as before", async () => {
  // Every metrics refresh is throttled (a refresh is made at most once per metrics TTL): the hours say open,
  // the agents cannot be known.
  await emulator(service, "POST", "/_emulator/faults", { operation: "GetCurrentMetricData", error: "ThrottlingException", count: 1000 });
  try {
    const answer = await untilAnswer("UNKNOWN", (a) => a.reason === "UNKNOWN");
    assert.equal(answer.available, null);
    await withDemoPage(async (page) => {
      assert.equal(await page.getAttribute("#availability", "data-state"), "unknown");
      assert.equal(await page.isVisible("#availability"), false, "nothing said: the page behaves as it did before it asked");
      await startsChat(page, "Grace Hopper");
      assert.deepEqual(page.problems, []);
    });
  } finally {
    await emulator(service, "POST", "/_emulator/reset"); // the pending faults go
  }
});

test("unknown: an error status, a network failure or no answer within the page's timeout leave the chat offered", async () => {
  const gets = (handle) => async (route) => (route.request().method() === "GET" ? handle(route) : route.fallback());
  const variants = [
    ["an error status", gets((route) => route.fulfill({ status: 503, contentType: "application/json", body: '{"message":"Service Unavailable"}' }))],
    ["a network failure", gets((route) => route.abort("connectionrefused"))],
    ["a 200 without the entry point", gets((route) => route.fulfill({ status: 200, contentType: "application/json", body: '{"data":{"entryPoints":{}}}' }))],
    // Never answered: the page gives up after its few seconds.
    ["no answer", gets(() => new Promise(() => {}))],
  ];
  for (const [what, route] of variants) {
    await withDemoPage(
      async (page) => {
        assert.equal(await page.getAttribute("#availability", "data-state"), "unknown", what);
        assert.equal(await page.isVisible("#availability"), false, what);
        assert.equal(await page.isEnabled("#start"), true, what);
        if (what === "no answer") await startsChat(page, "Katherine Johnson");
      },
      { route },
    );
  }
});

test("closed: a holiday override; the page says Back at … in the visitor's time zone and offers no start", async () => {
  // A winter day (London is on UTC) far from today: the function's cached hours cover no such date, so it
  // asks again once Connect's clock (the metrics' DataSnapshotTime) says it is that day.
  const year = new Date().getUTCFullYear() + 2;
  const day = `${year}-01-10`;
  await emulator(service, "POST", "/_emulator/clock", { now: `${day}T12:00:00Z` });
  await emulator(service, "POST", `/_emulator/hours/${DEFAULT_HOURS_ID}/overrides`, {
    name: "Closed for the holiday",
    status: "CLOSED",
    effectiveFrom: day,
    effectiveTill: day,
    config: [{ start: "00:00", end: "00:00" }],
  });
  try {
    const answer = await untilAnswer("CLOSED_BY_OVERRIDE", (a) => a.reason === "CLOSED_BY_OVERRIDE");
    assert.equal(answer.available, false);
    // Open again at midnight after the holiday, London time: 00:00 UTC in January, 09:00 in Tokyo.
    assert.equal(answer.opensAt, `${year}-01-11T00:00:00Z`);
    const weekday = new Intl.DateTimeFormat("en-GB", { weekday: "short", timeZone: "Asia/Tokyo" }).format(new Date(answer.opensAt));
    await withDemoPage(async (page) => {
      assert.equal(await page.getAttribute("#availability", "data-state"), "closed");
      const time = page.locator("#availability time");
      assert.equal(await time.getAttribute("datetime"), answer.opensAt);
      const shown = await time.innerText();
      assert.match(shown, /\b09:00\b/, `opensAt in the visitor's time (Tokyo), not UTC's or London's 00:00: ${shown}`);
      assert.match(shown, new RegExp(`^${weekday}\\b.*\\b11 Jan\\b`), shown);
      assert.equal(await page.innerText("#availability"), `Chat is closed right now. Back at ${shown}.`);
      assert.equal(await page.isVisible("#start"), false, "no start button while closed");
      assert.equal(await page.isVisible("#continue-last"), false);
      assert.deepEqual(page.problems, []);
    });
  } finally {
    await emulator(service, "DELETE", `/_emulator/hours/${DEFAULT_HOURS_ID}/overrides`);
    await emulator(service, "POST", "/_emulator/clock", { now: null });
  }
});
