// "Can I chat now?": before offering a chat, the demo page asks the function with a GET to the URL it POSTs
// to (docs/api.md, "Availability"), and says what the answer means for the entry point its starts use:
//
//   available: true                        -> "Chat with us", the start form as usual (and the expected wait)
//   available: false, closed, with opensAt -> "Back at …" in the visitor's own time zone; no start form
//   available: false, nobody to answer     -> "No one is available to chat right now"; no start form
//   available: null, any other status, a network error or no answer within TIMEOUT_MS
//                                          -> unknown: the start form as usual, as if it had not asked
//
// It asks again when the page is shown again and when the answer says the state changes (opensAt,
// closesAt). The GET carries no custom header, so the browser sends no preflight; the browser's HTTP cache
// honours the answer's Cache-Control.
"use strict";

(function () {
  const TIMEOUT_MS = 3000;
  // Reasons that close the entry point by its hours; any other `available: false` means nobody can answer.
  const CLOSED = ["OUTSIDE_HOURS", "CLOSED_BY_OVERRIDE"];
  // setTimeout's longest delay (about 24.8 days).
  const LONGEST_TIMER_MS = 2 ** 31 - 1;
  const WHEN = new Intl.DateTimeFormat(undefined, {
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  });

  function instant(text) {
    if (typeof text !== "string") return null;
    const date = new Date(text);
    return Number.isNaN(date.getTime()) ? null : date;
  }

  // The answer for one entry point, as what the page does: {state: "open" | "closed" | "unavailable" |
  // "unknown", ...}.
  function interpret(answer) {
    if (!answer || typeof answer !== "object") return { state: "unknown", why: "no answer for this entry point" };
    if (answer.available === true) {
      const wait = Number.isInteger(answer.estimatedWaitSeconds) ? answer.estimatedWaitSeconds : null;
      return { state: "open", waitSeconds: wait, changesAt: instant(answer.closesAt) };
    }
    if (answer.available !== false) return { state: "unknown", why: answer.reason || "available is not a boolean" };
    if (CLOSED.includes(answer.reason)) {
      const opensAt = instant(answer.opensAt);
      return { state: "closed", reason: answer.reason, opensAt, openingText: answer.opensAt, changesAt: opensAt };
    }
    return { state: "unavailable", reason: answer.reason };
  }

  async function ask(url, entryPoint) {
    let response;
    let body;
    try {
      response = await fetch(url, { method: "GET", signal: AbortSignal.timeout(TIMEOUT_MS) });
      body = response.ok ? await response.json() : null;
    } catch (e) {
      return { state: "unknown", why: e && e.name === "TimeoutError" ? `no answer within ${TIMEOUT_MS} ms` : String(e) };
    }
    if (response.status !== 200) return { state: "unknown", why: `HTTP ${response.status}` };
    const entryPoints = body && body.data && body.data.entryPoints;
    return interpret(entryPoints && Object.hasOwn(entryPoints, entryPoint) ? entryPoints[entryPoint] : null);
  }

  function render(notice, offer, result) {
    notice.dataset.state = result.state;
    notice.replaceChildren();
    if (result.state === "open") {
      notice.append("Chat with us: an agent is available now.");
      if (result.waitSeconds >= 60) notice.append(` Expected wait: about ${Math.round(result.waitSeconds / 60)} min.`);
    } else if (result.state === "closed") {
      notice.append("Chat is closed right now.");
      if (result.opensAt) {
        const time = document.createElement("time");
        time.dateTime = result.openingText;
        time.textContent = WHEN.format(result.opensAt);
        notice.append(" Back at ", time, ".");
      }
    } else if (result.state === "unavailable") {
      notice.append("No one is available to chat right now. Please try again later.");
    }
    notice.hidden = result.state === "unknown";
    // Closed or nobody there: no start, as the widget contract says. Unknown: the form as before.
    offer.hidden = result.state === "closed" || result.state === "unavailable";
  }

  /**
   * Asks now, when the page is shown again, and when the answer changes; shows the result in `notice` and
   * hides `offer` (the start controls) while chat is closed. `entryPoint`: `default`, or the alias the page
   * sends as ContactFlowId. Returns { refresh }.
   */
  function watchAvailability({ url, entryPoint, notice, offer }) {
    let timer = null;
    let asking = 0;

    async function refresh() {
      const mine = ++asking;
      clearTimeout(timer);
      const result = await ask(url, entryPoint);
      if (mine !== asking) return; // a later question is under way
      if (result.state === "unknown") console.info("chat availability unknown:", result.why);
      render(notice, offer, result);
      const delay = result.changesAt ? result.changesAt.getTime() - Date.now() + 1000 : null;
      if (delay !== null && delay > 0 && delay <= LONGEST_TIMER_MS) timer = setTimeout(refresh, delay);
    }

    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") refresh();
    });
    refresh();
    return { refresh };
  }

  window.watchAvailability = watchAvailability;
})();
