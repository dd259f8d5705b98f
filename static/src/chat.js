// The chat page: hydrates the server-rendered messages and drives the socket protocol
// (docs/websocket.md), tying the composer, the sidebar and the model menu together.
import { Attachments } from "./attachments.js";
import { BranchControls } from "./branching.js";
import { Composer } from "./composer.js";
import { attributeSelector, h, readJsonScript } from "./dom.js";
import { gettext, interpolate } from "./i18n.js";
import { enableCodeCopy } from "./markdown.js";
import { createMessageElement, enableMessageCopy, renderBody, setStreaming, updateMessage } from "./messages.js";
import { ModelMenu } from "./model-menu.js";
import { ParametersPanel } from "./parameters.js";
import { initOrganise } from "./organise.js";
import { Sidebar } from "./sidebar.js";
import { ChatSocket } from "./socket.js";

// How close to the bottom (px) counts as "following" the reply while it streams.
const FOLLOW_SLACK_PX = 96;
// LibreChat's parent id of a conversation's first message.
const NO_PARENT = "00000000-0000-0000-0000-000000000000";

function newRequestId() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

export function initChat(root) {
  const page = new ChatPage(root);
  page.start();
  return page;
}

class ChatPage {
  constructor(root) {
    this.root = root;
    this.conversationId = root.dataset.conversationId || null;
    this.messagesElement = document.getElementById("messages");
    this.scroller = document.getElementById("messages-scroll") || this.messagesElement;
    this.endpoints = readJsonScript("endpoints-data", []);
    this.userInitial = (document.querySelector(".account__avatar")?.textContent || "").trim();
    this.appName = document.querySelector('meta[name="application-name"]')?.content || "LibreChat";
    // Replies this page follows, by assistant message id:
    // {seq, text, reasoning, live, resyncing, buffer, frame}
    this.streams = new Map();
    this.pending = null; // {request, text}: a `send` waiting for its `created`
    this.socket = new ChatSocket(root.dataset.wsPath || "/ws/chat/");

    const form = document.getElementById("composer-form");
    const input = document.getElementById("composer");
    this.composer =
      form && input
        ? new Composer({
            form,
            input,
            sendButton: document.getElementById("send-button"),
            stopButton: document.getElementById("stop-button"),
            errorBox: document.getElementById("composer-error"),
          })
        : null;
    this.sidebar = new Sidebar(root, {
      onError: (message) => this.showError(message),
      currentId: () => this.conversationId,
    });
    this.organiser = initOrganise(this.sidebar, {
      onError: (message) => this.showError(message),
      currentId: () => this.conversationId,
    });
    this.modelMenu = new ModelMenu(document.getElementById("model-menu"), { preferStored: !this.conversationId });
    this.parameters = new ParametersPanel({ modelMenu: this.modelMenu, conversationId: () => this.conversationId });
    const attachButton = document.getElementById("attach-button");
    this.attachments =
      form && attachButton
        ? new Attachments({
            form,
            strip: document.getElementById("attachments"),
            input: document.getElementById("attach-input"),
            button: attachButton,
            uploadUrl: root.dataset.uploadUrl,
            endpoint: () => this.modelMenu.value?.endpoint,
            onError: (message) => this.showError(message),
            onChange: () => this.composer?.clearError(),
          })
        : null;
    this.status = null;
    this.branches = new BranchControls(this);
  }

  start() {
    if (this.messagesElement) {
      enableCodeCopy(this.messagesElement);
      enableMessageCopy(this.messagesElement);
      this.hydrate();
    }
    this.branches.start();
    if (this.composer) {
      this.composer.onSend = (text) => this.sendMessage(text);
      this.composer.onStop = () => this.stop();
    }
    this.socket.addEventListener("open", () => this.onOpen());
    this.socket.addEventListener("close", (event) => this.onClose(event.detail));
    this.socket.addEventListener("frame", (event) => this.onFrame(event.detail));
    // The page was changed with pushState; going back means another page: load it.
    window.addEventListener("popstate", () => window.location.reload());
    this.refreshBusy();
    this.scrollToBottom();
    this.composer?.focus();
    this.socket.connect();
  }

  // --- the messages already on the page -----------------------------------------------------
  hydrate() {
    for (const message of readJsonScript("messages-data", [])) {
      const element = this.messageElement(message.id);
      if (!element) continue;
      updateMessage(element, message);
      this.decorateAvatar(element, message);
    }
    // Unfinished replies may still be generating: join each; a snapshot says it is live.
    for (const id of readJsonScript("streaming-data", [])) {
      const element = this.messageElement(id);
      if (!element) continue;
      const text = element.rawText || "";
      this.streams.set(String(id), this.newStream({ text, live: false, resyncing: true }));
    }
  }

  newStream({ text = "", reasoning = "", live = true, resyncing = false } = {}) {
    return { seq: 0, text, reasoning, live, resyncing, buffer: [], frame: 0 };
  }

  messageElement(id) {
    return this.messagesElement?.querySelector(`.message${attributeSelector("data-message-id", id)}`) || null;
  }

  lastMessageId() {
    const messages = this.messagesElement?.querySelectorAll(".message[data-message-id]");
    return messages && messages.length ? messages[messages.length - 1].dataset.messageId : null;
  }

  decorateAvatar(element, message) {
    if (message.role !== "assistant") return;
    const endpoint = this.endpoints.find((candidate) => candidate.name === message.endpoint);
    if (!endpoint || !endpoint.icon_url) return;
    const avatar = element.querySelector(".message__avatar");
    if (avatar) avatar.replaceChildren(h("img", { src: endpoint.icon_url, alt: "", loading: "lazy" }));
  }

  // --- socket life ---------------------------------------------------------------------------
  onOpen() {
    this.setStatus("");
    for (const [id, stream] of this.streams) {
      stream.resyncing = true;
      stream.buffer = [];
      this.socket.send({ type: "join", message: id });
    }
  }

  onClose({ willRetry }) {
    if (this.pending) {
      // The frame may never have arrived: give the text back so nothing typed is lost.
      this.restorePendingText();
      this.pending = null;
      this.showError(gettext("The connection was lost before the message was sent. Please try again."));
    }
    if (willRetry) {
      this.setStatus(gettext("Connection lost. Reconnecting…"));
    } else {
      this.setStatus("");
      this.showError(gettext("Your session has ended. Please sign in again."));
    }
    this.refreshBusy();
  }

  setStatus(text) {
    if (!this.composer) return;
    if (!this.status) {
      this.status = h("p", { class: "connection-status", id: "connection-status", role: "status", hidden: true });
      this.composer.form.before(this.status);
    }
    this.status.textContent = text;
    this.status.hidden = !text;
  }

  onFrame(frame) {
    switch (frame.type) {
      case "created":
        this.onCreated(frame);
        break;
      case "delta":
        this.onDelta(frame);
        break;
      case "snapshot":
        this.onSnapshot(frame);
        break;
      case "final":
        this.onFinal(frame);
        break;
      case "title":
        this.onTitle(frame);
        break;
      case "error":
        this.onError(frame);
        break;
      default:
        break;
    }
  }

  // --- sending -------------------------------------------------------------------------------
  /**
   * Send `text` as a reply to `parent` (by default the last message shown; for an edited question,
   * the parent of the original). True when the frame went out.
   */
  sendMessage(text, { parent = this.lastMessageId(), restoreText = true } = {}) {
    const choice = this.chosenModel();
    if (!choice) return false;
    // Attachments go with what is typed in the composer (not with an edited question).
    const files = restoreText ? this.attachmentIds(choice) : [];
    if (files === null) return false;
    const frame = {
      type: "send", conversation: this.conversationId, parent, text, endpoint: choice.endpoint, model: choice.model,
      parameters: this.parameters.value,
    };
    if (files.length) frame.files = files;
    return this.sendFrame(frame, { text, restoreText });
  }

  /** The uploads to send with the composer's text, or null (with a message) if they cannot go. */
  attachmentIds(choice) {
    if (!this.attachments) return [];
    if (this.attachments.uploading) {
      this.showError(gettext("Wait until the attachments have finished uploading."));
      return null;
    }
    if (this.attachments.hasImages && !this.canSeeImages(choice)) {
      this.showError(
        interpolate(
          gettext("The model “%s” cannot see images. Choose a vision model (such as GPT-4o, Claude or Gemini) or remove the images."),
          [choice.model],
        ),
      );
      return null;
    }
    return this.attachments.ids();
  }

  /** Regenerate a reply (a new version beside it) or continue it (appended), with the chosen model. */
  answerAgain(kind, messageId) {
    if (this.isBusy()) {
      this.showError(gettext("Wait for the reply to finish, or stop it, first."));
      return false;
    }
    const choice = this.chosenModel();
    if (!choice) return false;
    const frame = { type: kind, message: messageId, endpoint: choice.endpoint, model: choice.model };
    return this.sendFrame({ ...frame, parameters: this.parameters.value }, { text: "" });
  }

  chosenModel() {
    const choice = this.modelMenu.value;
    if (!choice) this.showError(gettext("Choose an available model first."));
    return choice;
  }

  sendFrame(frame, { text, restoreText = false }) {
    const request = newRequestId();
    if (!this.socket.send({ ...frame, request })) {
      this.showError(gettext("Not connected to the server yet. Please try again in a moment."));
      return false;
    }
    this.pending = { request, text, restoreText };
    this.composer?.clearError();
    if (restoreText && this.composer) this.composer.text = "";
    this.refreshBusy();
    return true;
  }

  restorePendingText() {
    if (this.pending?.restoreText && this.composer && !this.composer.text) this.composer.text = this.pending.text;
  }

  canSeeImages(choice) {
    const endpoint = this.endpoints.find((candidate) => candidate.name === choice.endpoint);
    return Boolean(endpoint && (endpoint.vision_models || []).includes(choice.model));
  }

  stop() {
    for (const [id, stream] of this.streams) {
      if (stream.live && !this.socket.send({ type: "stop", message: id })) {
        this.showError(gettext("Not connected to the server. The reply will stop when the connection is back."));
      }
    }
  }

  onCreated(frame) {
    if (!this.pending || frame.request !== this.pending.request) return;
    // What was typed in the composer went out, and its attachments with it.
    if (frame.kind === "send" && this.pending.restoreText) this.attachments?.clear();
    this.pending = null;
    const conversation = frame.conversation || {};
    if (conversation.id && conversation.id !== this.conversationId) {
      this.conversationId = conversation.id;
      this.root.dataset.conversationId = conversation.id;
      window.history.pushState({ conversation: conversation.id }, "", this.sidebar.urlFor("conversationUrl", conversation.id));
      this.setDocumentTitle(conversation.title);
    }
    if (conversation.id) {
      this.sidebar.bringToTop(conversation);
      this.sidebar.setActive(conversation.id);
    }
    document.getElementById("empty-state")?.remove();

    // The new messages continue the path at their parent: whatever was shown below it (the old
    // version, after an edit or a regenerate) leaves the page; it stays in the tree.
    this.truncateAfter(frame.user_message?.parent);
    for (const message of [frame.user_message, frame.assistant_message]) {
      if (!message) continue;
      const streaming = message.role === "assistant";
      let element = this.messageElement(message.id);
      if (element) {
        if (message.role === "user") this.truncateAfter(message.id);
        updateMessage(element, message, { streaming });
      } else {
        element = createMessageElement(message, { userInitial: this.userInitial });
        this.messagesElement.append(element);
        updateMessage(element, message, { streaming });
        this.decorateAvatar(element, message);
      }
      if (streaming) {
        this.streams.set(message.id, this.newStream({ text: message.text || "", reasoning: message.reasoning || "" }));
      }
    }
    this.refreshBusy();
    this.scrollToBottom();
    this.branches.refreshTree();
  }

  /** Remove every message shown below `parentId` (all of them for a root message). */
  truncateAfter(parentId) {
    if (!this.messagesElement || parentId === undefined) return;
    const anchor = parentId ? this.messageElement(parentId) : null;
    if (parentId && parentId !== NO_PARENT && !anchor) return;
    const elements = Array.from(this.messagesElement.querySelectorAll(".message[data-message-id]"));
    const from = anchor ? elements.indexOf(anchor) + 1 : 0;
    for (const element of elements.slice(from)) {
      this.streams.delete(element.dataset.messageId);
      element.remove();
    }
  }

  /** Replace the shown messages with `messages` (a branch switch); join the ones still streaming. */
  renderPath(messages) {
    if (!this.messagesElement) return;
    this.streams.clear();
    const elements = messages.map((message) => {
      const element = createMessageElement(message, { userInitial: this.userInitial });
      updateMessage(element, message, { streaming: Boolean(message.streaming) });
      this.decorateAvatar(element, message);
      return element;
    });
    this.messagesElement.replaceChildren(...elements);
    for (const message of messages) {
      if (!message.streaming) continue;
      this.streams.set(String(message.id), this.newStream({ text: message.text || "", live: false, resyncing: true }));
      this.socket.send({ type: "join", message: message.id });
    }
    this.refreshBusy();
  }

  /** Show a message's new state (after an in-place edit). */
  refreshMessage(message) {
    const element = this.messageElement(message.id);
    if (element) updateMessage(element, message);
  }

  // --- streaming -----------------------------------------------------------------------------
  onDelta(frame) {
    const stream = this.streams.get(frame.message);
    if (!stream) return;
    if (stream.resyncing) {
      stream.buffer.push(frame); // applied after the snapshot, those beyond its seq
      return;
    }
    if (frame.seq <= stream.seq) return;
    if (frame.seq > stream.seq + 1) {
      // A frame went missing: ask for the whole text again.
      stream.resyncing = true;
      stream.buffer = [frame];
      this.socket.send({ type: "join", message: frame.message });
      return;
    }
    this.applyDelta(frame.message, stream, frame);
  }

  applyDelta(id, stream, frame) {
    stream.seq = frame.seq;
    stream.text += frame.text || "";
    stream.reasoning += frame.reasoning || "";
    if (!stream.live) this.makeLive(id, stream);
    this.scheduleRender(id, stream);
  }

  onSnapshot(frame) {
    const id = frame.message;
    const stream = this.streams.get(id);
    if (!stream) return;
    stream.seq = frame.seq || 0;
    stream.text = frame.text || "";
    stream.reasoning = frame.reasoning || "";
    stream.resyncing = false;
    const buffered = stream.buffer.sort((a, b) => a.seq - b.seq);
    stream.buffer = [];
    if (!frame.done) this.makeLive(id, stream);
    this.scheduleRender(id, stream);
    for (const delta of buffered) this.onDelta(delta);
  }

  makeLive(id, stream) {
    stream.live = true;
    const element = this.messageElement(id);
    if (element) setStreaming(element, true);
    this.refreshBusy();
  }

  scheduleRender(id, stream) {
    if (stream.frame) return;
    stream.frame = window.requestAnimationFrame(() => {
      stream.frame = 0;
      const element = this.messageElement(id);
      if (!element) return;
      const follow = this.isNearBottom();
      renderBody(element, stream.text, stream.reasoning, "assistant");
      if (follow) this.scrollToBottom();
    });
  }

  onFinal(frame) {
    const message = frame.message;
    if (!message || !message.id) return;
    const stream = this.streams.get(message.id);
    if (stream && stream.frame) window.cancelAnimationFrame(stream.frame);
    this.streams.delete(message.id);
    const element = this.messageElement(message.id);
    if (element) {
      const follow = this.isNearBottom();
      updateMessage(element, message, { streaming: false });
      if (follow) this.scrollToBottom();
    }
    this.refreshBusy();
    this.composer?.focus();
  }

  onTitle(frame) {
    this.sidebar.setTitle(frame.conversation, frame.title);
    if (frame.conversation === this.conversationId) this.setDocumentTitle(frame.title);
  }

  onError(frame) {
    if (this.pending && frame.request && frame.request === this.pending.request) {
      this.restorePendingText();
      this.pending = null;
    } else if (!frame.request) {
      // A refused `join` (the reply is gone): stop waiting for it.
      for (const [id, stream] of this.streams) {
        if (stream.resyncing && !stream.live) this.streams.delete(id);
      }
    }
    this.showError(frame.message || gettext("Something went wrong. Please try again."));
    this.refreshBusy();
  }

  // --- page state ----------------------------------------------------------------------------
  isBusy() {
    return Boolean(this.pending) || Array.from(this.streams.values()).some((stream) => stream.live);
  }

  refreshBusy() {
    if (!this.composer) return;
    const live = Array.from(this.streams.values()).some((stream) => stream.live);
    const wasBusy = this.composer.busy;
    this.composer.setBusy(Boolean(this.pending) || live, live);
    if (wasBusy && !this.composer.busy) this.composer.focus();
  }

  showError(message) {
    if (this.composer) {
      this.composer.showError(message);
    } else {
      window.alert(message);
    }
  }

  setDocumentTitle(title) {
    document.title = `${title || gettext("New chat")} · ${this.appName}`;
  }

  isNearBottom() {
    const scroller = this.scroller;
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < FOLLOW_SLACK_PX;
  }

  scrollToBottom() {
    this.scroller.scrollTop = this.scroller.scrollHeight;
  }
}
