// Message elements: built for new messages, and brought up to date from message objects
// (docs/websocket.md). Mirrors templates/chat/_message.html.
import { renderAttachments } from "./attachments.js";
import { copyText } from "./clipboard.js";
import { h, icon } from "./dom.js";
import { gettext, interpolate } from "./i18n.js";
import { flashCopied, renderMarkdown } from "./markdown.js";

/** A new, empty message element for `message`; fill it with `updateMessage`. */
export function createMessageElement(message, { userInitial = "" } = {}) {
  const isUser = message.role === "user";
  return h(
    "article",
    { class: `message message--${message.role}`, dataset: { messageId: message.id, role: message.role } },
    h("div", { class: "message__avatar", "aria-hidden": "true" }, isUser ? userInitial : icon("sparkle")),
    h(
      "div",
      { class: "message__main" },
      h("div", { class: "message__meta" }, h("span", { class: "message__sender" })),
      h("div", { class: "markdown message__text", "data-raw": "" }),
      h("div", { class: "message__actions" }),
    ),
  );
}

function senderLabel(message) {
  if (message.role === "user") return gettext("You");
  return message.sender || gettext("Assistant");
}

/**
 * Bring `element` up to date with a stored message object (attributes, badge, reasoning, text,
 * error). While `streaming`, the "Unfinished" badge is hidden: the reply is still being written.
 */
export function updateMessage(element, message, { streaming = false } = {}) {
  // Keep what the page knows of the message (siblings included) for the actions.
  element.message = { ...(element.message || {}), ...message };
  message = element.message;
  setFlag(element, "unfinished", Boolean(message.unfinished));
  setFlag(element, "error", Boolean(message.error));
  setFlag(element, "streaming", streaming);
  element.querySelector(".message__sender").textContent = senderLabel(message);
  setModelLabel(element, message);
  setBadge(element, Boolean(message.unfinished) && !streaming);
  setEditedBadge(element, Boolean(message.edited));
  renderAttachments(element, message.files);
  renderBody(element, message.text || "", message.reasoning || "", message.role);
  setError(element, message.error ? message.error_message || gettext("The reply could not be completed.") : "");
  renderActions(element, message);
}

/** "Which model": the endpoint and model that wrote an assistant reply, beside its sender. */
function setModelLabel(element, message) {
  const meta = element.querySelector(".message__meta");
  let label = meta.querySelector(".message__model");
  const text = message.role === "assistant" && message.model ? message.model : "";
  if (!text) {
    if (label) label.remove();
    return;
  }
  if (!label) {
    label = h("span", { class: "message__model" });
    meta.querySelector(".message__sender").after(label);
  }
  label.textContent = text;
  label.title = message.endpoint ? `${message.endpoint} · ${message.model}` : message.model;
}

function setEditedBadge(element, on) {
  let badge = element.querySelector(".badge--edited");
  if (on && !badge) {
    badge = h("span", { class: "badge badge--edited" }, gettext("edited"));
    element.querySelector(".message__meta").append(badge);
  } else if (!on && badge) {
    badge.remove();
  }
}

/** Re-render only the text and reasoning (while a reply streams). */
export function renderBody(element, text, reasoning, role = element.dataset.role) {
  element.rawText = text;
  setReasoning(element, reasoning, element.dataset.streaming === "true");
  const textElement = element.querySelector(".message__text");
  if (role === "assistant") {
    renderMarkdown(textElement, text);
  } else if (textElement.textContent !== text) {
    textElement.textContent = text;
  }
}

/** Mark or unmark the element as streaming (the typing cursor, the test hook). */
export function setStreaming(element, streaming) {
  setFlag(element, "streaming", streaming);
  if (streaming) setBadge(element, false);
}

function setFlag(element, name, on) {
  if (on) {
    element.dataset[name] = "true";
  } else {
    delete element.dataset[name];
  }
}

function setBadge(element, on) {
  let badge = element.querySelector(".badge--unfinished");
  if (on && !badge) {
    badge = h("span", { class: "badge badge--unfinished" }, gettext("Unfinished"));
    element.querySelector(".message__meta").append(badge);
  } else if (!on && badge) {
    badge.remove();
  }
}

function setReasoning(element, reasoning, streaming) {
  let details = element.querySelector(".thoughts");
  if (!reasoning) {
    if (details) details.remove();
    return;
  }
  if (!details) {
    details = h(
      "details",
      { class: "thoughts" },
      h("summary", {}, gettext("Thoughts")),
      h("div", { class: "markdown thoughts__text" }),
    );
    element.querySelector(".message__text").before(details);
  }
  details.classList.toggle("is-thinking", streaming);
  renderMarkdown(details.querySelector(".thoughts__text"), reasoning);
}

function setError(element, text) {
  let alert = element.querySelector(".message__error");
  if (!text) {
    if (alert) alert.remove();
    return;
  }
  if (!alert) {
    alert = h("div", { class: "alert alert--error message__error", role: "alert" });
    element.querySelector(".message__text").after(alert);
  }
  alert.textContent = text;
}

function actionButton(action, iconName, label, extra = {}) {
  return h(
    "button",
    { type: "button", class: "message__action", "data-action": action, title: label, "aria-label": label, ...extra },
    icon(iconName),
    h("span", { class: "message__action-label" }, label),
  );
}

/** Whether "Continue" makes sense: the reply was stopped, failed, or hit the length limit. */
export function canContinue(message) {
  return message.role === "assistant" && Boolean(message.unfinished || message.error || message.finish_reason === "length");
}

/**
 * The row under a message: "‹ 2 / 3 ›" when it has siblings, then copy, edit, and for replies
 * regenerate / continue, then fork and delete. Handled by static/src/branching.js.
 */
function renderActions(element, message) {
  const actions = element.querySelector(".message__actions");
  if (!actions) return;
  const siblings = Array.isArray(message.siblings) ? message.siblings : [];
  const children = [];
  if (siblings.length > 1) {
    const index = siblings.indexOf(String(message.id));
    children.push(
      h(
        "div",
        { class: "sibling-nav", role: "group", "aria-label": gettext("Versions of this message") },
        h(
          "button",
          {
            type: "button",
            class: "sibling-nav__button",
            "data-action": "sibling-previous",
            title: gettext("Previous version"),
            "aria-label": gettext("Previous version"),
            disabled: index <= 0,
          },
          icon("chevron-left"),
        ),
        h("span", { class: "sibling-nav__count" }, interpolate(gettext("%(index)s / %(count)s"), { index: index + 1, count: siblings.length }, true)),
        h(
          "button",
          {
            type: "button",
            class: "sibling-nav__button",
            "data-action": "sibling-next",
            title: gettext("Next version"),
            "aria-label": gettext("Next version"),
            disabled: index < 0 || index >= siblings.length - 1,
          },
          icon("chevron-right"),
        ),
      ),
    );
  }
  children.push(
    h(
      "button",
      { type: "button", class: "message__action", "data-copy": "message", title: gettext("Copy") },
      icon("copy"),
      h("span", { class: "message__action-label" }, gettext("Copy")),
    ),
    actionButton("edit", "pencil", gettext("Edit")),
  );
  if (message.role === "assistant") {
    children.push(actionButton("regenerate", "refresh", gettext("Regenerate")));
    if (canContinue(message)) children.push(actionButton("continue", "continue", gettext("Continue")));
  }
  children.push(actionButton("fork", "fork", gettext("Fork")), actionButton("delete", "trash", gettext("Delete")));
  actions.replaceChildren(...children);
}

/** One delegated listener for every message's "Copy" button under `root`. */
export function enableMessageCopy(root) {
  root.addEventListener("click", async (event) => {
    const button = event.target.closest('[data-copy="message"]');
    if (!button || !root.contains(button)) return;
    const element = button.closest(".message");
    const text = element.rawText ?? element.querySelector(".message__text").textContent;
    const copied = await copyText(text);
    flashCopied(button, copied, ".message__action-label", gettext("Copy"));
  });
}
