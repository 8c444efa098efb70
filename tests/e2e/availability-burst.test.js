// A marketing spike of page views costs Connect nothing beyond the documented bound (issue 17, docs/api.md
// "What it costs Connect"): 1,000 availability GETs, 20 at a time, through the service started as `make local`
// starts it (10 instances of the function, Connect's quotas on), each a 200 of the documented shape; then
// the emulator's records of DescribeQueue, GetEffectiveHoursOfOperations and GetCurrentMetricData must
// number at most N × (1 metrics call per metrics TTL + 2 calls per queue per schedule TTL, per metrics TTL
// while a schedule refresh fails) over the time
// the burst took.
"use strict";

const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const { startService, emulator } = require("./lib/service");

const REQUESTS = 1000;
const CONCURRENCY = 20;
// make local's defaults for the instance count; short TTLs so that the burst spans more than one of them.
const INSTANCES = 10;
const METRICS_TTL_SECONDS = 2;
const SCHEDULE_TTL_SECONDS = 10;
// connect_emulator::local::function_env's AVAILABILITY_QUEUES: default and sales, one queue each.
const ENTRY_POINTS = ["default", "sales"];
const QUEUES = 2;
const AVAILABILITY_OPERATIONS = ["DescribeQueue", "GetEffectiveHoursOfOperations", "GetCurrentMetricData"];
const REASONS = ["OPEN", "OUTSIDE_HOURS", "CLOSED_BY_OVERRIDE", "QUEUE_DISABLED", "NO_AGENTS_STAFFED", "UNKNOWN"];
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

let service;

before(async () => {
  service = await startService({
    env: {
      FUNCTION_CONCURRENCY: String(INSTANCES),
      AVAILABILITY_METRICS_TTL_SECONDS: String(METRICS_TTL_SECONDS),
      AVAILABILITY_SCHEDULE_TTL_SECONDS: String(SCHEDULE_TTL_SECONDS),
    },
  });
});

after(async () => {
  if (service) await service.stop();
});

/** Every way one answer differs from the documented GET answer; empty when it is right. */
function problemsOf(status, headers, text, origin) {
  const problems = [];
  if (status !== 200) return [`status ${status}: ${text}`];
  const cacheControl = headers.get("cache-control") || "";
  const maxAge = /^public, max-age=(\d+)$/.exec(cacheControl);
  if (!maxAge || Number(maxAge[1]) < 1 || Number(maxAge[1]) > METRICS_TTL_SECONDS) {
    problems.push(`cache-control ${JSON.stringify(cacheControl)}, expected public, max-age=1..${METRICS_TTL_SECONDS}`);
  }
  if (!/(^|,\s*)origin(\s*,|$)/i.test(headers.get("vary") || "")) problems.push(`vary ${headers.get("vary")}`);
  if (headers.get("access-control-allow-origin") !== origin) problems.push(`access-control-allow-origin ${headers.get("access-control-allow-origin")}`);
  if (!(headers.get("content-type") || "").startsWith("application/json")) problems.push(`content-type ${headers.get("content-type")}`);
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    return [...problems, `not JSON: ${text}`];
  }
  const data = body && body.data;
  if (!data || Object.keys(body).join() !== "data") return [...problems, `not {"data": …}: ${text}`];
  if (!INSTANT.test(data.checkedAt)) problems.push(`checkedAt ${data.checkedAt}`);
  if (Object.keys(data.entryPoints || {}).join() !== ENTRY_POINTS.join()) {
    return [...problems, `entry points ${Object.keys(data.entryPoints || {})}`];
  }
  for (const name of ENTRY_POINTS) {
    const e = data.entryPoints[name];
    const members = ["available", "reason", "opensAt", "closesAt", "estimatedWaitSeconds", "timeZone"];
    if (Object.keys(e).sort().join() !== members.sort().join()) problems.push(`${name}: members ${Object.keys(e)}`);
    if (![true, false, null].includes(e.available)) problems.push(`${name}: available ${e.available}`);
    if (!REASONS.includes(e.reason)) problems.push(`${name}: reason ${e.reason}`);
    if ((e.available === true) !== (e.reason === "OPEN") || (e.available === null) !== (e.reason === "UNKNOWN")) {
      problems.push(`${name}: available ${e.available} with reason ${e.reason}`);
    }
    for (const at of ["opensAt", "closesAt"]) {
      if (e[at] !== null && !INSTANT.test(e[at])) problems.push(`${name}: ${at} ${e[at]}`);
    }
    if (e.estimatedWaitSeconds !== null && !(Number.isInteger(e.estimatedWaitSeconds) && e.estimatedWaitSeconds >= 0)) {
      problems.push(`${name}: estimatedWaitSeconds ${e.estimatedWaitSeconds}`);
    }
    if (e.timeZone !== null && typeof e.timeZone !== "string") problems.push(`${name}: timeZone ${e.timeZone}`);
  }
  return problems;
}

test("1,000 availability GETs cost Connect at most the documented bound, and each is a documented 200", async () => {
  const origin = new URL(service.demoUrl).origin; // an allowed origin, as a page's GET carries
  await emulator(service, "POST", "/_emulator/reset"); // the call records start empty
  const started = performance.now();
  let next = 0;
  const failures = [];
  const reasons = new Map();
  async function worker() {
    while (next < REQUESTS) {
      next += 1;
      const response = await fetch(service.functionUrl, { headers: { origin } });
      const text = await response.text();
      const problems = problemsOf(response.status, response.headers, text, origin);
      if (problems.length) failures.push(problems.join("; "));
      else {
        const reason = JSON.parse(text).data.entryPoints.default.reason;
        reasons.set(reason, (reasons.get(reason) || 0) + 1);
      }
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const calls = (await emulator(service, "GET", "/_emulator/calls")).filter((c) => AVAILABILITY_OPERATIONS.includes(c.operation));
  const elapsedSeconds = (performance.now() - started) / 1000;

  assert.deepEqual(failures.slice(0, 10), [], `${failures.length} of ${REQUESTS} answers are not the documented 200`);
  // A refresh begins at most once per TTL in each instance: over the elapsed time, at most
  // floor(elapsed / TTL) + 1 of them, the first at the instance's first request. A schedule refresh that
  // failed (the instances' first ones meet DescribeQueue's burst of 5) is asked again after the metrics TTL,
  // so the schedule's interval is the shorter TTL.
  const windows = (ttl) => Math.floor(elapsedSeconds / ttl) + 1;
  const scheduleWindows = windows(Math.min(METRICS_TTL_SECONDS, SCHEDULE_TTL_SECONDS));
  const bound = INSTANCES * (windows(METRICS_TTL_SECONDS) + 2 * QUEUES * scheduleWindows);
  const byOperation = Object.fromEntries(AVAILABILITY_OPERATIONS.map((op) => [op, calls.filter((c) => c.operation === op).length]));
  const summary = `${calls.length} calls ${JSON.stringify(byOperation)} in ${elapsedSeconds.toFixed(1)} s; bound ${bound}; default entry point: ${JSON.stringify(Object.fromEntries(reasons))}`;
  process.stderr.write(`  availability burst: ${summary}\n`);
  assert.ok(calls.length >= 1, `the burst asked Connect nothing: ${summary}`);
  assert.ok(calls.length <= bound, `more Connect calls than the documented bound: ${summary}`);
  // Per operation too: metrics at most N per metrics TTL, each schedule operation N × queues per schedule TTL.
  assert.ok(byOperation.GetCurrentMetricData <= INSTANCES * windows(METRICS_TTL_SECONDS), summary);
  assert.ok(byOperation.DescribeQueue <= INSTANCES * QUEUES * scheduleWindows, summary);
  assert.ok(byOperation.GetEffectiveHoursOfOperations <= INSTANCES * QUEUES * scheduleWindows, summary);
});
