// The demo chat page: starts a chat through the start-chat function, then talks to the participant service
// with the real Amazon Connect ChatJS (`window.connect`), as a website's chat widget would.
//
// 1. POST the official widget's request to DEMO_CONFIG.startChatUrl (as text/plain, like the widget: no preflight).
// 2. connect.ChatSession.create({ chatDetails: data.startChatResult, type: "CUSTOMER" }), connect(), and render
//    the transcript and every live event (messages, joins and leaves, typing, receipts, the end of the chat).
// 3. The chat details are kept in sessionStorage, so a reload reconnects to the same chat with the same token.
"use strict";

(function () {
  const config = window.DEMO_CONFIG;
  const STORAGE_KEY = "start-chat-demo";
  const EVENT = "application/vnd.amazonaws.connect.event.";
  const CT = {
    typing: EVENT + "typing",
    read: EVENT + "message.read",
    joined: EVENT + "participant.joined",
    left: EVENT + "participant.left",
    ended: EVENT + "chat.ended",
  };
  const TYPING_SHOWN_MS = 6000;

  const ui = {};
  for (const id of ["status", "start-form", "name", "question", "start", "error", "chat", "log", "typing", "ended",
    "restart", "composer", "message", "file", "attach", "send", "end", "footnote"]) {
    ui[id.replace(/-(\w)/g, (_, c) => c.toUpperCase())] = document.getElementById(id);
  }

  let session = null;
  let me = null; // this customer's ParticipantId
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

  function whoIs(item) {
    if (item.ParticipantId && item.ParticipantId === me) return "You";
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
      [CT.ended]: "The chat has ended",
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
    items.set(item.Id, li);
    const later = [...ui.log.children].find((other) => other.dataset.time > li.dataset.time);
    ui.log.insertBefore(li, later || null);
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

  function showStartForm() {
    session = null;
    items.clear();
    pendingReceipts.clear();
    unread.length = 0;
    ui.log.replaceChildren();
    hideTyping();
    ui.chat.hidden = true;
    ui.startForm.hidden = false;
    ui.start.disabled = false;
    ui.start.textContent = "Start chat";
    setStatus("idle", "Not connected");
  }

  async function startChat(name, question) {
    // The official widget's request; InstanceId/ContactFlowId fall back to the function's defaults when unset.
    const request = {
      InstanceId: config.instanceId,
      ContactFlowId: config.contactFlowId,
      ParticipantDetails: { DisplayName: name },
      Attributes: { customerName: name },
      SupportedMessagingContentTypes: ["text/plain", "text/markdown"],
    };
    if (question) request.InitialMessage = { ContentType: "text/plain", Content: question };

    let response;
    let body = null;
    try {
      response = await fetch(config.startChatUrl, {
        method: "POST",
        body: JSON.stringify(request), // sent as text/plain;charset=UTF-8, like the widget
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
      showError("The chat could not start", (body && body.error) || { code: `HTTP ${response.status}`, message: "Unexpected answer from the service." });
      return false;
    }
    const saved = { chatDetails: result, featurePermissions: body.data.featurePermissions || {}, name };
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(saved));
    return openSession(saved, false);
  }

  async function openSession(saved, resumed) {
    me = saved.chatDetails.ParticipantId;
    permissions = saved.featurePermissions || {};
    showChat();
    setStatus("connecting", resumed ? "Reconnecting…" : "Connecting…");

    const chat = connect.ChatSession.create({
      chatDetails: saved.chatDetails,
      type: "CUSTOMER",
      disableCSM: true, // no telemetry worker: this page talks only to the participant endpoint
      options: { region: config.region },
    });
    session = chat;
    chat.onConnectionEstablished(() => setStatus("connected", "Connected"));
    chat.onConnectionLost(() => setStatus("connecting", "Reconnecting…"));
    chat.onConnectionBroken(() => setStatus("broken", "Connection lost"));
    chat.onMessage((event) => addItem(event.data, true));
    chat.onTyping((event) => showTyping(event.data));
    chat.onDeliveredReceipt((event) => setReceipt(event.data.MessageMetadata.MessageId, "Delivered"));
    chat.onReadReceipt((event) => setReceipt(event.data.MessageMetadata.MessageId, "Read"));
    chat.onEnded(() => chatEnded(chat));

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
    try {
      const transcript = await chat.getTranscript({ maxResults: 100, sortOrder: "ASCENDING", scanDirection: "BACKWARD" });
      for (const item of transcript.data.Transcript) addItem(item, false);
    } catch (e) {
      console.warn("transcript not loaded", describe(e));
    }
    return true;
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
  ui.footnote.textContent = `Local demo · chats start at ${config.startChatUrl} · participant service ${config.participantEndpoint}`;

  ui.startForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearError();
    ui.start.disabled = true;
    ui.start.textContent = "Starting…";
    const ok = await startChat(ui.name.value, ui.question.value.trim());
    if (!ok && !session) {
      ui.start.disabled = false;
      ui.start.textContent = "Start chat";
    }
  });

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
    ui.name.focus();
  });
  document.addEventListener("visibilitychange", flushReadReceipts);

  const saved = sessionStorage.getItem(STORAGE_KEY);
  if (saved) {
    try {
      const parsed = JSON.parse(saved);
      ui.name.value = parsed.name || "";
      openSession(parsed, true);
    } catch {
      sessionStorage.removeItem(STORAGE_KEY);
    }
  }
})();
