/*
 * Chat widget for the CMMI / ISO 9001 advisor. Talks to Rasa's socket.io channel
 * (session_request / session_confirm, user_uttered, bot_uttered).
 *
 * Embed:  <link rel="stylesheet" href="widget/chat-widget.css">
 *         <script src="vendor/socket.io/socket.io.min.js"></script>
 *         <script src="widget/chat-widget.js" data-server="https://rasa.example.org" data-start-open="true"></script>
 *
 * Rasa's URL: data-server if given; else "rasaUrl" of config.json next to the page,
 * served by every server of the page (the development server names Rasa there, the
 * static file says "" = this page's own origin, which nginx proxies to Rasa).
 * socket.io tries websocket and falls back to long-polling.
 *
 * Bot text is never parsed as HTML: it is rendered with DOM nodes and textContent,
 * with a small markdown subset (**bold**, line breaks, [label](url) and bare
 * http/https links; any other link scheme is shown as plain text).
 *
 * History: Rasa keys the conversation by the session id (session_persistence: true)
 * but does not replay it to the client, and its tracker API is not open to browsers
 * (that would let anyone read any conversation). So the widget keeps the session id
 * and a display transcript, keyed by that id, in this browser's localStorage: a
 * reload shows the same conversation and continues it under the same session.
 * The session id is issued (and signed) by the server; an id it did not issue is
 * replaced by a new one.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var CONFIGURED_SERVER = script && script.dataset.server;
  var START_OPEN = !!(script && script.dataset.startOpen === "true");
  var PREFIX = "cmmi-advisor:";
  var MAX_TRANSCRIPT = 200;
  var TYPING_TIMEOUT_MS = 30000;

  // localStorage when allowed (private modes may refuse it), else memory only.
  var storage = (function () {
    var memory = {};
    try {
      var probe = PREFIX + "probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (e) {
      return {
        getItem: function (k) { return Object.prototype.hasOwnProperty.call(memory, k) ? memory[k] : null; },
        setItem: function (k, v) { memory[k] = String(v); },
        removeItem: function (k) { delete memory[k]; }
      };
    }
  })();

  function readJson(key, fallback) {
    try {
      var raw = storage.getItem(key);
      return raw ? JSON.parse(raw) : fallback;
    } catch (e) {
      return fallback;
    }
  }

  var sessionId = storage.getItem(PREFIX + "session");
  var transcript = sessionId ? readJson(PREFIX + "transcript:" + sessionId, []) : [];
  var confirmed = false;
  var pending = [];
  var typingTimer = null;
  var replyGroups = new Map(); // transcript entry -> its buttons' element (not stored)

  // ---- DOM ---------------------------------------------------------------

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  var launcher = el("button", { type: "button", "class": "cw-launcher", "aria-controls": "cw-panel", "aria-expanded": "false" }, "Chat with our advisor");
  var panel = el("section", { id: "cw-panel", "class": "cw-panel", "aria-labelledby": "cw-title" });
  var header = el("header", { "class": "cw-header" });
  header.appendChild(el("h2", { id: "cw-title", "class": "cw-title" }, "CMMI or ISO 9001 advisor"));
  var restartButton = el("button", { type: "button", "class": "cw-restart" }, "New conversation");
  var closeButton = el("button", { type: "button", "class": "cw-close", "aria-label": "Close chat" }, "\u00d7");
  header.appendChild(restartButton);
  header.appendChild(closeButton);
  var status = el("div", { "class": "cw-status", role: "status", "aria-live": "polite" });
  var log = el("div", { "class": "cw-log", role: "log", "aria-live": "polite", "aria-label": "Conversation", tabindex: "0" });
  var typing = el("div", { "class": "cw-typing", role: "status" });
  typing.appendChild(el("span", { "class": "cw-visually-hidden" }, "The advisor is typing"));
  typing.appendChild(el("span", { "class": "cw-dot", "aria-hidden": "true" }));
  typing.appendChild(el("span", { "class": "cw-dot", "aria-hidden": "true" }));
  typing.appendChild(el("span", { "class": "cw-dot", "aria-hidden": "true" }));
  typing.hidden = true;
  var form = el("form", { "class": "cw-form" });
  form.appendChild(el("label", { "for": "cw-input", "class": "cw-visually-hidden" }, "Your message"));
  var input = el("input", { id: "cw-input", type: "text", autocomplete: "off", maxlength: "1000", placeholder: "Ask about CMMI or ISO 9001\u2026" });
  var sendButton = el("button", { type: "submit", "class": "cw-send" }, "Send");
  form.appendChild(input);
  form.appendChild(sendButton);
  [header, status, log, typing, form].forEach(function (node) { panel.appendChild(node); });
  document.body.appendChild(launcher);
  document.body.appendChild(panel);

  // ---- Rendering bot text safely ------------------------------------------

  function safeUrl(candidate) {
    try {
      var url = new URL(candidate);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function appendLink(parent, label, href) {
    var url = safeUrl(href);
    if (!url) {
      parent.appendChild(document.createTextNode(label));
      return;
    }
    var a = el("a", { href: url, target: "_blank", rel: "noopener noreferrer nofollow" }, label);
    parent.appendChild(a);
  }

  // **bold**, [label](url), bare http(s) URLs; everything else is text.
  var INLINE = /\*\*([^*\n]+?)\*\*|\[([^\]\n]+)\]\(([^)\s]+)\)|(https?:\/\/[^\s<>"]+)/g;

  function appendInline(parent, line) {
    var last = 0;
    var match;
    INLINE.lastIndex = 0;
    while ((match = INLINE.exec(line)) !== null) {
      if (match.index > last) parent.appendChild(document.createTextNode(line.slice(last, match.index)));
      if (match[1] !== undefined) {
        parent.appendChild(el("strong", {}, match[1]));
      } else if (match[2] !== undefined) {
        appendLink(parent, match[2], match[3]);
      } else {
        var url = match[4];
        var trailing = /[.,;:!?)\]]+$/.exec(url);
        if (trailing) url = url.slice(0, -trailing[0].length);
        appendLink(parent, url, url);
        if (trailing) parent.appendChild(document.createTextNode(trailing[0]));
      }
      last = INLINE.lastIndex;
    }
    if (last < line.length) parent.appendChild(document.createTextNode(line.slice(last)));
  }

  function appendLines(parent, text) {
    String(text).split("\n").forEach(function (line, i) {
      if (i > 0) parent.appendChild(el("br"));
      appendInline(parent, line);
    });
  }

  // The answer, then its footnotes ("Sources:" and "[1] ..." lines) small, in the same bubble.
  // The same separator as bot/answers.py SOURCES_SEPARATOR (tests/test_answers.py checks).
  var SOURCES = /\nSources:\n/;

  function appendRich(parent, text) {
    var parts = String(text).split(SOURCES);
    appendLines(parent, parts[0]);
    if (parts.length > 1) {
      var notes = el("div", { "class": "cw-sources" });
      notes.appendChild(el("span", { "class": "cw-visually-hidden" }, "Sources: "));
      appendLines(notes, parts.slice(1).join("\n"));
      parent.appendChild(notes);
    }
  }

  // ---- Transcript ---------------------------------------------------------

  function saveTranscript() {
    if (!sessionId) return;
    if (transcript.length > MAX_TRANSCRIPT) transcript = transcript.slice(-MAX_TRANSCRIPT);
    try {
      storage.setItem(PREFIX + "transcript:" + sessionId, JSON.stringify(transcript));
    } catch (e) {
      // Storage full: the conversation goes on, only its replay after a reload is shortened.
      transcript = transcript.slice(-Math.floor(MAX_TRANSCRIPT / 4));
    }
  }

  function renderEntry(entry) {
    var fromBot = entry.from === "bot";
    var bubble = el("div", { "class": "cw-msg " + (fromBot ? "cw-msg--bot" : "cw-msg--user") });
    bubble.appendChild(el("span", { "class": "cw-visually-hidden" }, fromBot ? "Advisor: " : "You: "));
    var body = el("div", { "class": "cw-text" });
    if (fromBot) appendRich(body, entry.text || ""); else body.textContent = entry.text || "";
    bubble.appendChild(body);
    if (entry.link) {
      var linkLine = el("div", { "class": "cw-text" });
      appendLink(linkLine, "Open image", entry.link);
      bubble.appendChild(linkLine);
    }
    if (entry.buttons && entry.buttons.length) {
      var group = el("div", { "class": "cw-replies", role: "group", "aria-label": "Suggested replies" });
      entry.buttons.forEach(function (button, index) {
        var b = el("button", { type: "button", "class": "cw-reply" }, button.title);
        if (entry.answered) b.disabled = true;
        if (entry.chosen === index) b.classList.add("cw-reply--chosen");
        b.addEventListener("click", function () { choose(entry, group, index); });
        group.appendChild(b);
      });
      replyGroups.set(entry, group);
      bubble.appendChild(group);
    }
    log.appendChild(bubble);
    log.scrollTop = log.scrollHeight;
  }

  function addEntry(entry) {
    transcript.push(entry);
    saveTranscript();
    renderEntry(entry);
  }

  // Replies can be chosen once: after a choice or a typed message, older ones are closed.
  function closeOpenReplies() {
    // A keyboard user whose focused button gets disabled continues in the input
    // (a mouse or touch user doesn't get the phone keyboard popping up).
    var active = document.activeElement;
    var hadFocus = active && active.classList.contains("cw-reply") && active.matches(":focus-visible");
    transcript.forEach(function (entry) {
      if (entry.buttons && entry.buttons.length && !entry.answered) {
        entry.answered = true;
        var group = replyGroups.get(entry);
        if (group) Array.prototype.forEach.call(group.children, function (b) { b.disabled = true; });
      }
    });
    if (hadFocus) input.focus();
  }

  // ---- Talking to Rasa ----------------------------------------------------

  function showTyping() {
    typing.hidden = false;
    log.scrollTop = log.scrollHeight;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(hideTyping, TYPING_TIMEOUT_MS);
  }

  function hideTyping() {
    clearTimeout(typingTimer);
    typing.hidden = true;
  }

  function setStatus(text) {
    status.textContent = text;
    status.hidden = !text;
  }

  var socket = null; // created once Rasa's URL is known

  function emitMessage(message) {
    socket.emit("user_uttered", { message: message, session_id: sessionId });
  }

  function send(text, message) {
    text = String(text || "").trim();
    if (!text) return;
    closeOpenReplies();
    addEntry({ from: "user", text: text });
    if (confirmed) emitMessage(message || text); else pending.push(message || text);
    showTyping();
  }

  function choose(entry, group, index) {
    if (entry.answered) return;
    var button = entry.buttons[index];
    entry.chosen = index;
    group.children[index].classList.add("cw-reply--chosen");
    send(button.title, button.payload);
  }

  function rasaUrl() {
    if (CONFIGURED_SERVER) return Promise.resolve(CONFIGURED_SERVER);
    return fetch("config.json", { cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : {}; })
      .catch(function () { return {}; })
      .then(function (config) { return (config && config.rasaUrl) || window.location.origin; });
  }

  function connect(server) {
    socket = window.io(server, { path: "/socket.io", reconnection: true });

    socket.on("connect", function () {
      setStatus("");
      confirmed = false;
      socket.emit("session_request", { session_id: sessionId });
    });

    socket.on("session_confirm", function (data) {
      var id = typeof data === "string" ? data : data && data.session_id;
      if (id && id !== sessionId) {
        sessionId = id;
        storage.setItem(PREFIX + "session", id);
        saveTranscript();
      }
      confirmed = true;
      pending.splice(0).forEach(emitMessage);
    });

    socket.on("bot_uttered", function (data) {
      hideTyping();
      if (!data) return;
      var replies = data.quick_replies || data.buttons || [];
      var attachment = data.attachment && data.attachment.payload;
      addEntry({
        from: "bot",
        text: typeof data.text === "string" ? data.text : "",
        buttons: replies.map(function (r) { return { title: String(r.title), payload: String(r.payload) }; }),
        link: attachment && attachment.src ? String(attachment.src) : undefined
      });
    });

    socket.on("disconnect", function (reason) {
      confirmed = false;
      if (reason !== "io client disconnect") setStatus("Connection lost. Reconnecting\u2026");
    });

    socket.on("connect_error", function () {
      hideTyping();
      setStatus("The advisor can't be reached right now. Retrying\u2026");
    });
  }

  // ---- User interface -----------------------------------------------------

  function setOpen(open, focus) {
    panel.hidden = !open;
    launcher.hidden = open;
    launcher.setAttribute("aria-expanded", String(open));
    storage.setItem(PREFIX + "open", open ? "1" : "0");
    if (focus) (open ? input : launcher).focus();
    if (open) log.scrollTop = log.scrollHeight;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    send(input.value);
    input.value = "";
    input.focus();
  });

  launcher.addEventListener("click", function () { setOpen(true, true); });
  closeButton.addEventListener("click", function () { setOpen(false, true); });
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") setOpen(false, true);
  });

  restartButton.addEventListener("click", function () {
    if (sessionId) storage.removeItem(PREFIX + "transcript:" + sessionId);
    storage.removeItem(PREFIX + "session");
    sessionId = null;
    transcript = [];
    pending = [];
    replyGroups.clear();
    log.textContent = "";
    hideTyping();
    // A new socket connection leaves the old session's room; the server makes a new session id.
    if (socket) {
      socket.disconnect();
      socket.connect();
    }
    input.focus();
  });

  transcript.forEach(renderEntry);
  var stored = storage.getItem(PREFIX + "open");
  setOpen(stored === null ? START_OPEN : stored === "1", false);
  setStatus("");
  rasaUrl().then(connect);
})();
