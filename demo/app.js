// The demo chat page: starts a chat through the start-chat function, then talks to the participant service
// with the real Amazon Connect ChatJS (`window.connect`), as a website's chat widget would.
//
// 0. First ask whether an agent can answer now (availability.js): "Chat with us", "Back at …" or the form as before.
// 1. POST the official widget's request to DEMO_CONFIG.startChatUrl (as text/plain, like the widget: no preflight).
//    With signed customers (DEMO_CONFIG.signedCustomers), first ask the website's server for a token
//    (DEMO_CONFIG.customerTokenUrl) and send it as `Authorization: Bearer`; the name comes from the token.
// 2. connect.ChatSession.create({ chatDetails: data.startChatResult, type: "CUSTOMER" }), connect(), and render
//    the transcript and every live event (messages, joins and leaves, typing, receipts, the end of the chat).
// 3. The chat details are kept in sessionStorage, so a reload reconnects to the same chat with the same token.
// 4. The last chat's contact id and continuation token are kept in localStorage: once it has ended, "Continue
//    my last chat" starts a persistent chat from it (PersistentChat + ContinuationToken, or the signed token's
//    persistentChat claim), and ChatJS shows its transcript before the new messages.
"use strict";

(function () {
  const config = window.DEMO_CONFIG;
  const STORAGE_KEY = "start-chat-demo";
  const LAST_CHAT_KEY = "start-chat-demo-last-chat";
  const signed = config && config.signedCustomers === true;
  const EVENT = "application/vnd.amazonaws.connect.event.";
  const CT = {
    typing: EVENT + "typing",
    read: EVENT + "message.read",
    joined: EVENT + "participant.joined",
    left: EVENT + "participant.left",
    ended: EVENT + "chat.ended",
  };
  // Answers that mean the stored last chat can never be continued.
  const LAST_CHAT_GONE = ["CONTINUATION_TOKEN_INVALID", "CONTINUATION_TOKEN_REQUIRED", "CHAT_RESOURCE_NOT_FOUND"];
  const TYPING_SHOWN_MS = 6000;

  const ui = {};
  for (const id of ["status", "signed-in", "start-form", "availability", "start-fields", "name-label", "name", "question", "start", "continue-last",
    "error", "chat", "log", "typing", "ended", "restart", "continue-ended", "composer", "message", "file", "attach",
    "send", "end", "footnote"]) {
    ui[id.replace(/-(\w)/g, (_, c) => c.toUpperCase())] = document.getElementById(id);
  }

  let session = null;
  let me = null; // this customer's ParticipantId
  let contactId = null; // the chat's ContactId: items of the chat it continues come without it
  let signedName = null; // in signed mode: the name the website vouches for
  let starting = false;
  let divider = null; // "Continued from your previous chat", between the past and the new items
  let permissions = {};
  const items = new Map(); // item Id -> <li>, so live events and the transcript never show an item twice
  const pendingReceipts = new Map(); // receipts that arrived before their message
  const unread = []; // message ids to acknowledge once the page is visible
  let typingTimer = null;

  // ---------------------------------------------------------------- small helpers

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function setStatus(state, text) {
    ui.status.dataset.state = state;
    ui.status.textContent = text;
  }

  // Shows our API's error JSON ({"error":{code,message,fields,requestId}}) or any other failure.
  function showError(title, error) {
    const detail = error || {};
    const box = ui.error;
    box.replaceChildren(el("strong", "error-title", title));
    const line = el("p", "error-message");
    if (detail.code) line.append(el("code", "error-code", detail.code), " ");
    line.append(detail.message || "Something went wrong.");
    box.append(line);
    if (Array.isArray(detail.fields) && detail.fields.length) {
      const list = el("ul", "error-fields");
      for (const field of detail.fields) {
        const item = el("li");
        item.append(el("code", null, field.path), " " + field.message);
        list.append(item);
      }
      box.append(list);
    }
    if (detail.requestId) box.append(el("p", "error-request", "Request id: " + detail.requestId));
    box.hidden = false;
  }

  function clearError() {
    ui.error.hidden = true;
    ui.error.replaceChildren();
  }

  // chatjs rejects with plain objects ({type, message, statusCode}), connect() with them wrapped in {_debug}s.
  function describe(failure) {
    let inner = failure || {};
    while (inner._debug) inner = inner._debug;
    return { code: inner.type || inner.name, message: inner.message || inner.reason || String(inner) };
  }

  function timeOf(item) {
    const date = new Date(item.AbsoluteTime);
    return Number.isNaN(date.getTime()) ? "" : date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  // Items of the chat this one continues: from Connect's rehydration, marked with RelatedContactId.
  function isPast(item) {
    return Boolean(item.RelatedContactId) || Boolean(item.ContactId && contactId && item.ContactId !== contactId);
  }

  function whoIs(item) {
    if (item.ParticipantId && item.ParticipantId === me) return "You";
    if (item.ParticipantRole === "CUSTOMER" && isPast(item)) return "You";
    if (item.ParticipantRole === "SYSTEM" && (!item.DisplayName || item.DisplayName === "SYSTEM_MESSAGE")) return "Automated message";
    return item.DisplayName || item.ParticipantRole || "Someone";
  }

  // ---------------------------------------------------------------- the conversation

  function messageItem(item) {
    const mine = item.ParticipantRole === "CUSTOMER";
    const li = el("li", "msg");
    li.dataset.role = item.ParticipantRole || "SYSTEM";
    if (mine) li.dataset.mine = "true";
    const meta = el("div", "meta");
    meta.append(el("span", "who", whoIs(item)), el("time", null, timeOf(item)));
    const bubble = el("div", "bubble");
    if (item.ContentType === "text/markdown") {
      bubble.classList.add("markdown");
      bubble.append(window.renderMarkdown(item.Content || ""));
    } else {
      bubble.append(el("p", "plain", item.Content || ""));
    }
    li.append(meta, bubble);
    if (mine) li.append(el("div", "receipt"));
    return li;
  }

  function attachmentItem(item) {
    const li = messageItem({ ...item, Content: "", ContentType: "text/plain" });
    const bubble = li.querySelector(".bubble");
    bubble.replaceChildren();
    for (const attachment of item.Attachments || []) {
      const button = el("button", "attachment", attachment.AttachmentName);
      button.type = "button";
      button.addEventListener("click", () => download(attachment));
      bubble.append(button);
    }
    return li;
  }

  function eventItem(item) {
    const text = {
      [CT.joined]: `${whoIs(item)} joined the chat`,
      [CT.left]: `${whoIs(item)} left the chat`,
      [CT.ended]: isPast(item) ? "Your previous chat ended" : "The chat has ended",
    }[item.ContentType];
    if (!text) return null;
    const li = el("li", "event", text);
    li.dataset.event = item.ContentType.slice(EVENT.length);
    return li;
  }

  // Adds a transcript item in time order (live items and a loaded transcript may interleave).
  function addItem(item, live) {
    if (!item || !item.Id || items.has(item.Id)) return;
    let li = null;
    if (item.Type === "MESSAGE") li = messageItem(item);
    else if (item.Type === "ATTACHMENT") li = attachmentItem(item);
    else if (item.Type === "EVENT") li = eventItem(item);
    if (!li) return;
    li.dataset.id = item.Id;
    li.dataset.time = item.AbsoluteTime || "";
    if (isPast(item)) li.dataset.past = "true";
    items.set(item.Id, li);
    const later = [...ui.log.children].find((other) => other.dataset.time > li.dataset.time);
    ui.log.insertBefore(li, later || null);
    if (li.dataset.past) placeDivider();
    if (!later) li.scrollIntoView({ block: "end" });

    const receipts = (item.MessageMetadata && item.MessageMetadata.Receipts) || [];
    if (receipts.some((r) => r.ReadTimestamp)) setReceipt(item.Id, "Read");
    else if (receipts.some((r) => r.DeliveredTimestamp)) setReceipt(item.Id, "Delivered");
    if (pendingReceipts.has(item.Id)) setReceipt(item.Id, pendingReceipts.get(item.Id));

    const fromOther = item.ParticipantRole !== "CUSTOMER" && item.Type !== "EVENT";
    if (fromOther) {
      if (ui.typing.dataset.participant === item.ParticipantId) hideTyping();
      if (live) acknowledge(item.Id);
    }
  }

  // Keeps the divider right after the last item of the previous chat.
  function placeDivider() {
    if (!divider) {
      divider = el("li", "event divider", "Continued from your previous chat");
      divider.dataset.event = "continued";
    }
    const pastItems = ui.log.querySelectorAll("li[data-past]");
    const lastPast = pastItems[pastItems.length - 1];
    if (lastPast && lastPast.nextSibling !== divider) lastPast.after(divider);
  }

  // The agent's receipts for this customer's messages.
  function setReceipt(messageId, label) {
    const li = items.get(messageId);
    if (!li) {
      if (pendingReceipts.get(messageId) !== "Read") pendingReceipts.set(messageId, label);
      return;
    }
    pendingReceipts.delete(messageId);
    const receipt = li.querySelector(".receipt");
    if (!receipt || receipt.textContent === "Read") return;
    receipt.textContent = label;
  }

  // This customer's read receipts for the other side's messages, sent while the page is visible.
  function acknowledge(messageId) {
    unread.push(messageId);
    flushReadReceipts();
  }

  function flushReadReceipts() {
    if (document.visibilityState !== "visible" || !session) return;
    for (const messageId of unread.splice(0)) {
      session.sendEvent({ contentType: CT.read, content: JSON.stringify({ messageId }) })
        .catch((e) => console.warn("read receipt not sent", describe(e)));
    }
  }

  function showTyping(item) {
    if (item.ParticipantRole === "CUSTOMER" || item.ParticipantId === me) return;
    ui.typing.textContent = `${whoIs(item)} is typing…`;
    ui.typing.dataset.participant = item.ParticipantId || "";
    ui.typing.hidden = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(hideTyping, TYPING_SHOWN_MS);
  }

  function hideTyping() {
    clearTimeout(typingTimer);
    ui.typing.hidden = true;
    delete ui.typing.dataset.participant;
  }

  async function download(attachment) {
    try {
      const blob = await session.downloadAttachment({ attachmentId: attachment.AttachmentId });
      const link = el("a");
      link.href = URL.createObjectURL(blob);
      link.download = attachment.AttachmentName;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 60000);
    } catch (e) {
      showError("The file could not be downloaded", describe(e));
    }
  }

  // ---------------------------------------------------------------- starting, resuming, ending

  function showChat() {
    clearError();
    ui.startForm.hidden = true;
    ui.chat.hidden = false;
    ui.ended.hidden = true;
    ui.composer.hidden = false;
    ui.end.hidden = false;
    ui.end.disabled = false;
    ui.attach.hidden = !permissions.ATTACHMENTS;
    ui.message.title = permissions.MESSAGING_MARKDOWN ? "Markdown works: **bold**, *italic*, `code`, [links](https://…)" : "";
  }

  function clearConversation() {
    items.clear();
    pendingReceipts.clear();
    unread.length = 0;
    divider = null;
    ui.log.replaceChildren();
    hideTyping();
  }

  function showStartForm() {
    session = null;
    clearConversation();
    ui.chat.hidden = true;
    ui.startForm.hidden = false;
    setStarting(false);
    offerContinue();
    setStatus("idle", "Not connected");
  }

  // ---------------------------------------------------------------- the last chat, to continue it later

  function lastChat() {
    try {
      const last = JSON.parse(localStorage.getItem(LAST_CHAT_KEY));
      return last && typeof last.contactId === "string" ? last : null;
    } catch {
      return null;
    }
  }

  function forgetLastChat() {
    localStorage.removeItem(LAST_CHAT_KEY);
    offerContinue();
  }

  // "Continue my last chat" is offered wherever no chat is going on: the start form and the ended panel.
  function offerContinue() {
    const available = Boolean(lastChat()) && !session;
    ui.continueLast.hidden = !available;
    ui.continueEnded.hidden = !available;
  }

  function setStarting(busy, label) {
    starting = busy;
    ui.start.disabled = busy;
    ui.start.textContent = busy && label === "start" ? "Starting…" : "Start chat";
    for (const button of [ui.continueLast, ui.continueEnded]) {
      button.disabled = busy;
      button.textContent = busy && label === "continue" ? "Continuing…" : "Continue my last chat";
    }
    ui.restart.disabled = busy;
  }

  // ---------------------------------------------------------------- signed customers

  // The website's server vouches for the signed-in customer with a short-lived token, minted for each start
  // (here scripts/demo-server.py; on a real site, its own server after its own login).
  async function customerToken(continueContactId) {
    let response;
    let body = null;
    try {
      response = await fetch(config.customerTokenUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(continueContactId ? { continueContactId } : {}),
        signal: AbortSignal.timeout(15000),
      });
      body = await response.json().catch(() => null);
    } catch (e) {
      throw { title: "Could not reach this website's sign-in", error: { message: e.message } };
    }
    if (!response.ok || !body || typeof body.token !== "string") {
      throw {
        title: "This website could not sign you in",
        error: { code: `HTTP ${response.status}`, message: (body && body.error) || "No token in the answer." },
      };
    }
    return body.token;
  }

  async function showSignedCustomer() {
    ui.nameLabel.hidden = true;
    ui.name.hidden = true;
    ui.name.required = false;
    try {
      const response = await fetch(config.customerUrl);
      const customer = await response.json();
      if (!response.ok || typeof customer.displayName !== "string") throw new Error(`HTTP ${response.status}`);
      signedName = customer.displayName;
      ui.signedIn.textContent = `Signed in as ${signedName} · verified by this website`;
      ui.signedIn.hidden = false;
    } catch (e) {
      showError("Could not reach this website's sign-in", { message: e.message });
    }
  }

  // Starts a chat; `last` (the stored last chat) makes it continue that one.
  async function startChat(name, question, last) {
    // The official widget's request; InstanceId/ContactFlowId fall back to the function's defaults when unset.
    const request = { InstanceId: config.instanceId, ContactFlowId: config.contactFlowId };
    // Signed: the name and the attributes come from the token, which the browser cannot forge.
    if (!signed) {
      request.ParticipantDetails = { DisplayName: name };
      request.Attributes = { customerName: name };
    }
    request.SupportedMessagingContentTypes = ["text/plain", "text/markdown"];
    if (question) request.InitialMessage = { ContentType: "text/plain", Content: question };
    const headers = {}; // none: sent as text/plain;charset=UTF-8, like the widget (no preflight)
    try {
      if (signed) {
        // Only the token may name the chat to continue when customers are signed.
        headers.Authorization = "Bearer " + (await customerToken(last && last.contactId));
        headers["Content-Type"] = "application/json";
      } else if (last) {
        request.PersistentChat = { RehydrationType: "ENTIRE_PAST_SESSION", SourceContactId: last.contactId };
        request.ContinuationToken = last.continuationToken;
      }
    } catch (failure) {
      showError(failure.title, failure.error);
      return false;
    }

    let response;
    let body = null;
    try {
      response = await fetch(config.startChatUrl, {
        method: "POST",
        headers,
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(15000),
      });
      body = await response.json().catch(() => null);
    } catch (e) {
      const timedOut = e && e.name === "TimeoutError";
      showError("Could not reach the chat service", {
        message: timedOut ? "No answer within 15 seconds." : `${e.message} (is \`make local\` running, and is this page's origin allowed?)`,
      });
      return false;
    }
    const result = body && body.data && body.data.startChatResult;
    if (!response.ok || !result) {
      const error = (body && body.error) || { code: `HTTP ${response.status}`, message: "Unexpected answer from the service." };
      if (response.status === 401) {
        showError("Your sign-in was not accepted", { ...error, message: `${error.message} Sign in again, then start the chat again.` });
      } else if (last && LAST_CHAT_GONE.includes(error.code)) {
        forgetLastChat();
        showError("Your last chat can no longer be continued", error);
      } else {
        showError(last ? "Your last chat could not be continued" : "The chat could not start", error);
      }
      return false;
    }
    // What continuing this chat later needs. The continuation token lets whoever holds it read the transcript:
    // it stays in this browser, like the chat itself.
    const continuationToken = body.ContinuationToken || (body.data && body.data.continuationToken);
    if (continuationToken || signed) {
      localStorage.setItem(LAST_CHAT_KEY, JSON.stringify({ contactId: result.ContactId, continuationToken, name }));
    }
    const saved = { chatDetails: result, featurePermissions: body.data.featurePermissions || {}, name };
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(saved));
    return openSession(saved, false);
  }

  async function openSession(saved, resumed) {
    me = saved.chatDetails.ParticipantId;
    contactId = saved.chatDetails.ContactId;
    permissions = saved.featurePermissions || {};
    clearConversation();
    showChat();
    setStatus("connecting", resumed ? "Reconnecting…" : "Connecting…");

    const chat = connect.ChatSession.create({
      chatDetails: saved.chatDetails,
      type: "CUSTOMER",
      disableCSM: true, // no telemetry worker: this page talks only to the participant endpoint
      options: { region: config.region },
    });
    session = chat;
    offerContinue();
    chat.onConnectionEstablished(() => setStatus("connected", "Connected"));
    chat.onConnectionLost(() => setStatus("connecting", "Reconnecting…"));
    chat.onConnectionBroken(() => setStatus("broken", "Connection lost"));
    chat.onMessage((event) => addItem(event.data, true));
    chat.onTyping((event) => showTyping(event.data));
    chat.onDeliveredReceipt((event) => setReceipt(event.data.MessageMetadata.MessageId, "Delivered"));
    chat.onReadReceipt((event) => setReceipt(event.data.MessageMetadata.MessageId, "Read"));
    chat.onEnded(() => chatEnded(chat));
    // A continued chat: Connect says when the previous chat's transcript is there to load.
    chat.onChatRehydrated(() => loadTranscript(chat));

    try {
      await chat.connect();
    } catch (failure) {
      sessionStorage.removeItem(STORAGE_KEY);
      showStartForm();
      const { code, message } = describe(failure);
      if (resumed && code === "AccessDeniedException") {
        showError("Your previous chat has ended", { message: "Start a new chat whenever you like." });
      } else {
        showError("Could not connect to the chat", { code, message });
      }
      return false;
    }
    // Items from before this connection (the flow's greeting, or everything before a reload).
    await loadTranscript(chat);
    return true;
  }

  async function loadTranscript(chat) {
    if (chat !== session) return;
    try {
      const transcript = await chat.getTranscript({ maxResults: 100, sortOrder: "ASCENDING", scanDirection: "BACKWARD" });
      if (chat === session) for (const item of transcript.data.Transcript) addItem(item, false);
    } catch (e) {
      console.warn("transcript not loaded", describe(e));
    }
  }

  function chatEnded(chat) {
    if (chat !== session) return;
    sessionStorage.removeItem(STORAGE_KEY);
    session = null;
    hideTyping();
    setStatus("ended", "Chat ended");
    ui.composer.hidden = true;
    ui.end.hidden = true;
    ui.ended.hidden = false;
    offerContinue();
    ui.ended.scrollIntoView({ block: "end" });
  }

  async function sendMessage() {
    const text = ui.message.value;
    if (!text.trim() || !session) return;
    const contentType = permissions.MESSAGING_MARKDOWN ? "text/markdown" : "text/plain";
    ui.message.value = "";
    try {
      const sent = await session.sendMessage({ contentType, message: text });
      addItem({
        Id: sent.data.Id, AbsoluteTime: sent.data.AbsoluteTime, Type: "MESSAGE", ContentType: contentType, Content: text,
        ParticipantId: me, ParticipantRole: "CUSTOMER",
      }, false);
    } catch (e) {
      ui.message.value = text;
      showError("The message was not sent", describe(e));
    }
  }

  // ---------------------------------------------------------------- wiring

  if (!config || !window.connect || !window.renderMarkdown) {
    ui.start.disabled = true;
    showError("This page is not configured", { message: "Run `make local` and open the Demo: URL it prints." });
    return;
  }

  connect.ChatSession.setGlobalConfig({
    region: config.region,
    endpoint: config.participantEndpoint, // the participant service (here: the Connect emulator)
    loggerConfig: { level: connect.LogLevel.WARN },
    features: { messageReceipts: { shouldSendMessageReceipts: true, throttleTime: 1000 } },
  });
  ui.footnote.textContent = `Local demo${signed ? " (signed customers)" : ""} · chats start at ${config.startChatUrl} · participant service ${config.participantEndpoint}`;
  if (signed) showSignedCustomer();
  // Before offering a chat: can an agent answer now, at the entry point this page's starts go to?
  // Without availability.js (or without an answer) the page offers the chat as before.
  const availability = window.watchAvailability
    ? window.watchAvailability({
      url: config.startChatUrl,
      entryPoint: config.contactFlowId || "default",
      notice: ui.availability,
      offer: ui.startFields,
    })
    : null;

  ui.startForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (starting) return;
    clearError();
    setStarting(true, "start");
    await startChat(signed ? signedName : ui.name.value, ui.question.value.trim(), null);
    setStarting(false);
  });

  async function continueLastChat() {
    const last = lastChat();
    if (!last || starting || session) return;
    clearError();
    setStarting(true, "continue");
    const name = signed ? signedName : ui.name.value.trim() || last.name || "Customer";
    await startChat(name, ui.startForm.hidden ? "" : ui.question.value.trim(), last);
    setStarting(false);
  }
  ui.continueLast.addEventListener("click", continueLastChat);
  ui.continueEnded.addEventListener("click", continueLastChat);

  ui.composer.addEventListener("submit", (event) => {
    event.preventDefault();
    sendMessage();
  });
  ui.message.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      sendMessage();
    }
  });
  ui.message.addEventListener("input", () => {
    // ChatJS sends at most one typing event per 10 seconds.
    if (session) session.sendEvent({ contentType: CT.typing }).catch(() => {});
  });
  ui.attach.addEventListener("click", () => ui.file.click());
  ui.file.addEventListener("change", async () => {
    const file = ui.file.files[0];
    ui.file.value = "";
    if (!file || !session) return;
    try {
      await session.sendAttachment({ attachment: file });
    } catch (e) {
      showError("The file was not sent", describe(e));
    }
  });
  ui.end.addEventListener("click", async () => {
    if (!session) return;
    ui.end.disabled = true;
    try {
      await session.disconnectParticipant(); // the service answers with chat.ended, which fires onEnded
    } catch (e) {
      ui.end.disabled = false;
      showError("The chat could not be ended", describe(e));
    }
  });
  ui.restart.addEventListener("click", () => {
    showStartForm();
    if (availability) availability.refresh();
    ui.name.focus();
  });
  document.addEventListener("visibilitychange", flushReadReceipts);

  const saved = sessionStorage.getItem(STORAGE_KEY);
  if (saved) {
    try {
      const parsed = JSON.parse(saved);
      if (!signed) ui.name.value = parsed.name || "";
      openSession(parsed, true);
    } catch {
      sessionStorage.removeItem(STORAGE_KEY);
    }
  }
  offerContinue();
})();
