// A small, safe Markdown renderer for chat messages (the subset chat agents use): paragraphs and line
// breaks, "- " / "1. " lists, **bold**, *italic* / _italic_, `code`, and [links](https://…).
// Safe by construction: it builds DOM nodes and sets only textContent and vetted href values; no HTML
// from a message is ever parsed. Links are kept only for http:, https: and mailto: URLs.
"use strict";

(function () {
  const INLINE = /`([^`\n]+)`|\*\*([^*\n]+?)\*\*|__([^_\n]+?)__|\*([^*\s][^*\n]*?)\*|_([^_\s][^_\n]*?)_|\[([^\]\n]+)\]\(([^)\s]+)\)/g;
  const SAFE_PROTOCOLS = new Set(["http:", "https:", "mailto:"]);

  function safeHref(raw) {
    try {
      const url = new URL(raw);
      return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
    } catch {
      return null;
    }
  }

  function appendInline(parent, text) {
    let last = 0;
    for (const m of text.matchAll(INLINE)) {
      if (m.index > last) parent.append(text.slice(last, m.index));
      last = m.index + m[0].length;
      const [whole, code, bold1, bold2, em1, em2, label, href] = m;
      let node;
      if (code !== undefined) {
        node = document.createElement("code");
        node.textContent = code;
      } else if (bold1 !== undefined || bold2 !== undefined) {
        node = document.createElement("strong");
        appendInline(node, bold1 ?? bold2);
      } else if (em1 !== undefined || em2 !== undefined) {
        node = document.createElement("em");
        appendInline(node, em1 ?? em2);
      } else {
        const url = safeHref(href);
        if (url === null) {
          parent.append(whole);
          continue;
        }
        node = document.createElement("a");
        node.href = url;
        node.target = "_blank";
        node.rel = "noopener noreferrer";
        appendInline(node, label);
      }
      parent.append(node);
    }
    if (last < text.length) parent.append(text.slice(last));
  }

  function renderMarkdown(text) {
    const fragment = document.createDocumentFragment();
    let paragraph = null;
    let list = null;
    for (const line of String(text).split(/\r?\n/)) {
      const bullet = /^\s*[-*+]\s+(.*)$/.exec(line);
      const numbered = /^\s*\d{1,9}[.)]\s+(.*)$/.exec(line);
      if (bullet || numbered) {
        const tag = bullet ? "UL" : "OL";
        if (!list || list.tagName !== tag) {
          list = document.createElement(tag);
          fragment.append(list);
        }
        paragraph = null;
        const item = document.createElement("li");
        appendInline(item, (bullet || numbered)[1]);
        list.append(item);
      } else if (line.trim() === "") {
        paragraph = null;
        list = null;
      } else {
        list = null;
        if (paragraph) {
          paragraph.append(document.createElement("br"));
        } else {
          paragraph = document.createElement("p");
          fragment.append(paragraph);
        }
        appendInline(paragraph, line);
      }
    }
    return fragment;
  }

  window.renderMarkdown = renderMarkdown;
})();
