// Debian's Chromium (never a downloaded browser build) driven by playwright-core.
"use strict";

const fs = require("node:fs");
const { chromium } = require("playwright-core");

const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

/** `extraArgs`: more Chromium switches for one test file (the ones below always apply). */
async function launchBrowser({ extraArgs = [] } = {}) {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: run \`make e2e-chromium\` (apt-get install chromium)`);
  }
  // playwright gives every launch a fresh temporary profile (--user-data-dir) and deletes it on close.
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    chromiumSandbox: false,
    timeout: 120000,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-quic",
      "--no-first-run",
      "--disable-component-update",
      "--disable-sync",
      // Filling a form would otherwise ask Google's autofill servers (seen by the official widget's proxy check).
      "--disable-features=AutofillServerCommunication",
      ...extraArgs,
    ],
  });
}

/**
 * A new page that records console errors, page errors and failed requests, so a test can assert the page ran
 * clean (CSP violations and uncaught exceptions show up there).
 */
async function newPage(context) {
  const page = await context.newPage();
  page.problems = [];
  page.on("pageerror", (error) => page.problems.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") page.problems.push(`console.error: ${message.text()}`);
    if (process.env.E2E_VERBOSE) process.stderr.write(`  [page ${message.type()}] ${message.text()}\n`);
  });
  return page;
}

module.exports = { launchBrowser, newPage, CHROMIUM };
