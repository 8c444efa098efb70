// Starts the service exactly as `make local` does (scripts/local.sh, every port 0), reads the URLs it prints,
// and stops it (its whole process group) afterwards, also when a test fails or the run is interrupted.
"use strict";

const { spawn } = require("node:child_process");
const { randomUUID } = require("node:crypto");
const http = require("node:http");
const fs = require("node:fs");
const path = require("node:path");
const readline = require("node:readline");

const REPO = path.resolve(__dirname, "..", "..", "..");
// The first run on a fresh machine builds the emulator and the function in debug: minutes on 2 cores.
const STARTUP_TIMEOUT_MS = 15 * 60 * 1000;

const running = new Set();
function stopAllNow() {
  for (const child of running) {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
}
process.once("exit", stopAllNow);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    stopAllNow();
    process.exit(130);
  });
}

/**
 * Runs scripts/local.sh with FUNCTION_PORT, EMULATOR_PORT, PARTICIPANT_PORT and DEMO_PORT set to 0.
 * Resolves to { functionUrl, participantEndpoint, demoUrl, emulatorUrl, logs, stop() } once it has printed
 * `Listening:`, `Participant endpoint:` and `Demo:` on stdout. The function logs JSON lines (AWS_LAMBDA_LOG_FORMAT).
 * `env`: more environment for local.sh, e.g. { JWT_SIGNING_KEYS } for signed-customer mode.
 */
async function startService({ env = {} } = {}) {
  const child = spawn(path.join(REPO, "scripts", "local.sh"), [], {
    cwd: REPO,
    detached: true, // its own process group: stop() signals local.sh, which stops everything it started
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      FUNCTION_PORT: "0",
      EMULATOR_PORT: "0",
      PARTICIPANT_PORT: "0",
      DEMO_PORT: "0",
      AWS_LAMBDA_LOG_FORMAT: "JSON",
      LOG_LEVEL: "info",
      JWT_SIGNING_KEYS: "", // anonymous customers unless a test asks for signed ones
      ...env,
    },
  });
  running.add(child);
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const logs = []; // every stderr line: "[emulator] …", "[function] {json}", "[demo] …", "local: …"
  const stdout = [];
  readline.createInterface({ input: child.stderr }).on("line", (line) => {
    logs.push(line);
    if (process.env.E2E_VERBOSE) process.stderr.write(`  ${line}\n`);
  });
  const lines = readline.createInterface({ input: child.stdout });
  lines.on("line", (line) => stdout.push(line));

  let stopped = false;
  async function stop() {
    if (stopped) return exited;
    stopped = true;
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      // already gone
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }, 20000);
    const result = await exited;
    clearTimeout(timer);
    running.delete(child);
    return result;
  }

  const value = (prefix) => {
    const line = stdout.find((l) => l.startsWith(prefix));
    return line && line.slice(prefix.length).trim();
  };
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("scripts/local.sh did not print its URLs in time")), STARTUP_TIMEOUT_MS);
      lines.on("line", () => {
        if (value("Demo:")) {
          clearTimeout(timer);
          resolve();
        }
      });
      exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`scripts/local.sh exited early (${code ?? signal}):\n${logs.slice(-30).join("\n")}`));
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const emulatorLine = logs.find((l) => l.startsWith("[emulator] Connect emulator listening: "));
  if (!emulatorLine) {
    await stop();
    throw new Error("the emulator's control URL was not in local.sh's output");
  }
  // Exactly these three lines, `Demo:` last (what the README promises).
  const printed = stdout.map((l) => l.split(":")[0]);
  if (JSON.stringify(printed) !== JSON.stringify(["Listening", "Participant endpoint", "Demo"])) {
    await stop();
    throw new Error(`unexpected stdout from scripts/local.sh: ${JSON.stringify(stdout)}`);
  }
  return {
    functionUrl: value("Listening:"),
    participantEndpoint: value("Participant endpoint:"),
    demoUrl: value("Demo:"),
    emulatorUrl: emulatorLine.split(": ")[1].trim(),
    logs,
    stdout,
    /** The function's JSON log records (one per request handled, among others). */
    functionRecords() {
      return logs
        .filter((l) => l.startsWith("[function] {"))
        .map((l) => {
          try {
            return JSON.parse(l.slice("[function] ".length));
          } catch {
            return null;
          }
        })
        .filter(Boolean);
    },
    /**
     * Waits until every line the emulator logged before this call has been read: it requests a unique
     * marker path from the participant endpoint (a 404 in the emulator's access log) and waits for it.
     * Logs pass through local.sh's pipes, so a count read without this may miss the newest lines.
     */
    async syncLogs() {
      const marker = `/e2e-log-marker/${randomUUID()}`;
      await fetch(new URL(marker, value("Participant endpoint:")));
      await waitFor("the emulator's log to catch up", () => logs.some((l) => l.startsWith("[emulator]") && l.includes(marker)));
    },
    stop,
  };
}

/** JSON over HTTP to the emulator's control API (`/_emulator/...`). */
async function emulator(service, method, route, body) {
  const response = await fetch(new URL(route, service.emulatorUrl), {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** A static file server on 127.0.0.1:<ephemeral> (for a page on an origin of our choosing). */
async function staticServer(files) {
  const server = http.createServer((req, res) => {
    const name = new URL(req.url, "http://x").pathname;
    const file = files[name];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": file.type, "cache-control": "no-store" }).end(file.body);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}

/** Polls `check` (sync or async) until it returns a truthy value. */
async function waitFor(what, check, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await check();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${last && (last.stack || JSON.stringify(last))})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function readFile(...parts) {
  return fs.readFileSync(path.join(REPO, ...parts));
}

module.exports = { REPO, startService, emulator, staticServer, waitFor, readFile };
