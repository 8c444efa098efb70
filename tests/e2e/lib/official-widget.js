// AWS's official sample chat widgets (vendored unmodified in ../official-widget/, see NOTE.md there): their
// checksums, a static server that fills in the integrator's values in the copies it serves, and the network
// fences that keep the pages on 127.0.0.1.
"use strict";

const { createHash } = require("node:crypto");
const fs = require("node:fs");
const http = require("node:http");
const path = require("node:path");

const WIDGET_DIR = path.join(__dirname, "..", "official-widget");

/** The SHA-256 lines of NOTE.md (`sha256sum -c` format) against the files' actual sums. */
function vendoredChecksums() {
  const note = fs.readFileSync(path.join(WIDGET_DIR, "NOTE.md"), "utf8");
  const expected = {};
  for (const match of note.matchAll(/^([0-9a-f]{64}) {2}(\S+)$/gm)) expected[match[2]] = match[1];
  const actual = {};
  for (const name of Object.keys(expected)) {
    actual[name] = createHash("sha256").update(fs.readFileSync(path.join(WIDGET_DIR, name))).digest("hex");
  }
  return { expected, actual };
}

/**
 * `page` with the integrator's values typed in: each edit is [line, placeholder, value], the placeholder (an
 * empty or example JS string) in that exact line replaced by `value` as a JS string. Each line must occur
 * exactly once, so a changed page fails loudly instead of being served half filled in.
 */
function fillIn(page, edits) {
  let filled = page;
  for (const [line, placeholder, value] of edits) {
    const count = filled.split(line).length - 1;
    if (count !== 1) throw new Error(`the page has ${count} copies of ${JSON.stringify(line)}, expected 1`);
    if (!line.includes(placeholder)) throw new Error(`${JSON.stringify(placeholder)} is not in ${JSON.stringify(line)}`);
    if (!/^[A-Za-z0-9:/._-]*$/.test(value)) throw new Error(`not a value to put in a JS string: ${value}`);
    filled = filled.replace(line, line.replace(placeholder, JSON.stringify(value)));
  }
  return filled;
}

/**
 * Serves the vendored files (those NOTE.md lists; it refuses to start if one differs from its checksum) on
 * http://127.0.0.1:<ephemeral>, as they are on disk, except the pages named in `fills`
 * ({ "<path>": () => edits }), which are filled in at request time (the values may be set after the server
 * started). Anything else: 404.
 */
async function widgetSite(fills) {
  const { expected, actual } = vendoredChecksums();
  const files = new Map();
  for (const name of Object.keys(expected)) {
    if (actual[name] !== expected[name]) throw new Error(`official-widget/${name} is not the vendored file (NOTE.md)`);
    files.set(`/${name}`, fs.readFileSync(path.join(WIDGET_DIR, name)));
  }
  const served = [];
  const server = http.createServer((req, res) => {
    const name = new URL(req.url, "http://x").pathname;
    served.push(`${req.method} ${name}`);
    const body = files.get(name);
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    const type = name.endsWith(".html") ? "text/html" : name.endsWith(".js") ? "text/javascript" : "text/plain";
    res.writeHead(200, { "content-type": `${type}; charset=utf-8`, "cache-control": "no-store" });
    const fill = fills[name.slice(1)];
    res.end(fill ? fillIn(body.toString("utf8"), fill()) : body);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    served,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}

/**
 * An HTTP proxy on 127.0.0.1 that forwards nothing: it records each destination asked of it and answers
 * 403. A browser context using it cannot reach any other host, even from places request routing does not
 * see (the ChatJS telemetry SharedWorker, the browser's own services); loopback bypasses it.
 */
async function refusingProxy() {
  const asked = [];
  const server = http.createServer((req, res) => {
    asked.push(`${req.method} ${req.url}`);
    res.writeHead(403).end();
  });
  server.on("connect", (req, socket) => {
    asked.push(`CONNECT ${req.url}`);
    socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    server: `http://127.0.0.1:${server.address().port}`,
    asked,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * Routes every request of the browser context: loopback goes out as is; the Connect participant service
 * (`https://participant.connect.<region>.amazonaws.com`, where the widget's ChatJS sends its calls since
 * the sample page sets no endpoint) is answered by relaying the same request to the emulator's participant
 * endpoint; anything else is aborted and recorded as a leak. Returns the record of what was relayed and
 * refused. (Playwright answers CORS preflights itself while routing is on; the actual responses, and the
 * widget's start request, which is a simple request without a preflight, keep the servers' CORS headers.)
 */
async function fenceNetwork(context, { region, participantEndpoint }) {
  const awsParticipant = `https://participant.connect.${region}.amazonaws.com`;
  const record = { relayed: [], refused: [] };
  await context.route("**/*", async (route) => {
    const request = route.request();
    const url = new URL(request.url());
    if (LOOPBACK.has(url.hostname)) return route.continue();
    if (url.origin === awsParticipant) {
      record.relayed.push(`${request.method()} ${url.href}`);
      const response = await route.fetch({ url: new URL(url.pathname + url.search, participantEndpoint).href });
      return route.fulfill({ response });
    }
    record.refused.push(`${request.method()} ${url.href}`);
    return route.abort("blockedbyclient");
  });
  return record;
}

/** Whether `url` is on loopback (what the page may reach directly). */
function isLoopback(url) {
  return LOOPBACK.has(new URL(url).hostname);
}

module.exports = { WIDGET_DIR, vendoredChecksums, fillIn, widgetSite, refusingProxy, fenceNetwork, isLoopback };
