// Message management on the chat page: switch between versions (‹ 2 / 3 ›), edit, regenerate,
// continue, fork and delete a branch, and the tree view of the whole conversation. Branch
// switches and deletes are JSON POSTs answered with the new shown path; regenerate, continue and
// "Save & submit" are socket frames (docs/websocket.md) whose `created` the page renders.
import { h } from "./dom.js";
import { postForm } from "./http.js";
import { gettext, interpolate, ngettext } from "./i18n.js";

const FORK_MODES = [
  ["directPath", () => gettext("Only the visible messages")],
  ["includeBranches", () => gettext("Visible messages and their branches")],
  ["targetLevel", () => gettext("Everything up to this message")],
];

/** The conversation's URL for an action: /c/<id>/<suffix> built from the page's template URL. */
function conversationActionUrl(root, conversationId, suffix) {
  const base = root.dataset.conversationUrl.replace("00000000-0000-0000-0000-000000000000", conversationId);
  return `${base}${suffix}`;
}

export class BranchControls {
  constructor(page) {
    this.page = page;
    this.root = page.root;
    this.treePanel = document.getElementById("tree-panel");
    this.treeList = document.getElementById("tree-list");
    this.treeToggle = document.getElementById("tree-toggle");
    this.forkMenu = null;
  }

  start() {
    this.page.messagesElement?.addEventListener("click", (event) => this.onClick(event));
    this.treeToggle?.addEventListener("click", () => this.toggleTree());
    this.treePanel?.querySelector("[data-tree-close]")?.addEventListener("click", () => this.toggleTree(false));
    this.treeList?.addEventListener("click", (event) => this.onTreeClick(event));
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.closeForkMenu();
    });
    document.addEventListener("click", (event) => {
      if (this.forkMenu && !this.forkMenu.contains(event.target) && !event.target.closest('[data-action="fork"]')) {
        this.closeForkMenu();
      }
    });
    this.refreshTreeToggle();
  }

  url(suffix) {
    return conversationActionUrl(this.root, this.page.conversationId, suffix);
  }

  onClick(event) {
    const button = event.target.closest("[data-action]");
    if (!button || !this.page.messagesElement.contains(button)) return;
    const element = button.closest(".message");
    if (!element || !element.message) return;
    const message = element.message;
    switch (button.dataset.action) {
      case "sibling-previous":
        this.showSibling(message, -1);
        break;
      case "sibling-next":
        this.showSibling(message, 1);
        break;
      case "edit":
        this.openEditor(element);
        break;
      case "regenerate":
        this.page.answerAgain("regenerate", message.id);
        break;
      case "continue":
        this.page.answerAgain("continue", message.id);
        break;
      case "fork":
        this.openForkMenu(button, message);
        break;
      case "delete":
        this.deleteBranch(message);
        break;
      case "edit-cancel":
        this.closeEditor(element);
        break;
      case "edit-save":
        this.saveEdit(element, false);
        break;
      case "edit-submit":
        this.saveEdit(element, true);
        break;
      default:
        break;
    }
  }

  // --- versions ------------------------------------------------------------------------------
  async showSibling(message, step) {
    const siblings = message.siblings || [];
    const target = siblings[siblings.indexOf(String(message.id)) + step];
    if (target) await this.showBranch(target);
  }

  /** Show the branch through `messageId` (its newest continuation); the server remembers it. */
  async showBranch(messageId) {
    if (this.page.isBusy()) {
      this.page.showError(gettext("Wait for the reply to finish, or stop it, before switching versions."));
      return;
    }
    try {
      const data = await postForm(this.url("branch/"), { message: messageId });
      this.page.renderPath(data.messages);
      this.refreshTree();
    } catch (error) {
      this.page.showError(error.readable ? error.message : gettext("The version could not be shown. Please try again."));
    }
  }

  // --- edit ----------------------------------------------------------------------------------
  openEditor(element) {
    if (element.querySelector(".message-editor")) return;
    const message = element.message;
    const text = element.querySelector(".message__text");
    const input = h("textarea", { class: "message-editor__input", "aria-label": gettext("Edit message"), rows: 3 });
    input.value = message.text || "";
    const buttons = [];
    if (message.role === "user") {
      buttons.push(
        h("button", { type: "button", class: "button button--primary", "data-action": "edit-submit" }, gettext("Save & submit")),
      );
    }
    buttons.push(
      h("button", { type: "button", class: "button", "data-action": "edit-save" }, gettext("Save")),
      h("button", { type: "button", class: "button button--ghost", "data-action": "edit-cancel" }, gettext("Cancel")),
    );
    const editor = h("div", { class: "message-editor" }, input, h("div", { class: "message-editor__buttons" }, buttons));
    text.hidden = true;
    text.after(editor);
    element.dataset.editing = "true";
    input.style.blockSize = `${Math.min(input.scrollHeight + 4, 480)}px`;
    input.focus();
    input.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.closeEditor(element);
    });
  }

  closeEditor(element) {
    element.querySelector(".message-editor")?.remove();
    element.querySelector(".message__text").hidden = false;
    delete element.dataset.editing;
  }

  async saveEdit(element, submit) {
    const message = element.message;
    const text = element.querySelector(".message-editor__input").value;
    if (!text.trim()) {
      this.page.showError(gettext("Type a message first."));
      return;
    }
    if (submit) {
      // LibreChat's "Save & submit": a new version of the question beside the old one, answered.
      if (this.page.sendMessage(text, { parent: message.parent, restoreText: false })) this.closeEditor(element);
      return;
    }
    try {
      const data = await postForm(this.url(`m/${message.id}/edit/`), { text });
      this.closeEditor(element);
      this.page.refreshMessage(data.message);
    } catch (error) {
      this.page.showError(error.readable ? error.message : gettext("The message could not be saved. Please try again."));
    }
  }

  // --- fork ----------------------------------------------------------------------------------
  openForkMenu(button, message) {
    this.closeForkMenu();
    const options = FORK_MODES.map(([value, label], index) =>
      h(
        "label",
        { class: "fork-menu__option" },
        h("input", { type: "radio", name: "fork-mode", value, checked: index === 0 }),
        h("span", {}, label()),
      ),
    );
    const split = h("input", { type: "checkbox", name: "fork-split" });
    const menu = h(
      "div",
      { class: "fork-menu", role: "dialog", "aria-label": gettext("Fork conversation") },
      h("p", { class: "fork-menu__title" }, gettext("Fork into a new conversation")),
      options,
      h("label", { class: "fork-menu__option fork-menu__split" }, split, h("span", {}, gettext("Start the fork at this message"))),
      h(
        "div",
        { class: "fork-menu__buttons" },
        h("button", { type: "button", class: "button button--primary", "data-fork-go": "" }, gettext("Fork")),
      ),
    );
    menu.querySelector("[data-fork-go]").addEventListener("click", () => {
      const mode = menu.querySelector('input[name="fork-mode"]:checked')?.value || "directPath";
      this.fork(message, mode, split.checked);
    });
    button.closest(".message__actions").append(menu);
    this.forkMenu = menu;
    menu.querySelector("input")?.focus();
  }

  closeForkMenu() {
    this.forkMenu?.remove();
    this.forkMenu = null;
  }

  async fork(message, mode, split) {
    try {
      const data = await postForm(this.url(`m/${message.id}/fork/`), { mode, split: split ? "1" : "" });
      this.closeForkMenu();
      window.location.assign(data.url);
    } catch (error) {
      this.page.showError(error.readable ? error.message : gettext("The conversation could not be forked. Please try again."));
    }
  }

  // --- delete --------------------------------------------------------------------------------
  async deleteBranch(message) {
    if (this.page.isBusy()) {
      this.page.showError(gettext("Wait for the reply to finish, or stop it, before deleting messages."));
      return;
    }
    if (!window.confirm(gettext("Delete this message and every reply below it? This cannot be undone."))) return;
    try {
      const data = await postForm(this.url(`m/${message.id}/delete/`));
      this.page.renderPath(data.messages);
      this.refreshTree();
    } catch (error) {
      this.page.showError(error.readable ? error.message : gettext("The message could not be deleted. Please try again."));
    }
  }

  // --- the tree view -------------------------------------------------------------------------
  refreshTreeToggle() {
    if (this.treeToggle) this.treeToggle.hidden = !this.page.conversationId;
  }

  toggleTree(open = this.treePanel?.hidden) {
    if (!this.treePanel) return;
    this.treePanel.hidden = !open;
    this.treeToggle?.setAttribute("aria-expanded", String(Boolean(open)));
    if (open) this.refreshTree();
  }

  /** Reload the panel's branch list, when it is open. */
  async refreshTree() {
    this.refreshTreeToggle();
    if (!this.treePanel || this.treePanel.hidden || !this.page.conversationId) return;
    try {
      const response = await fetch(this.url("tree/"), { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const data = await response.json();
      this.renderTree(data.segments || []);
    } catch {
      this.treeList.replaceChildren(h("li", { class: "tree__empty" }, gettext("The tree could not be loaded.")));
    }
  }

  renderTree(segments) {
    if (!segments.length) {
      this.treeList.replaceChildren(h("li", { class: "tree__empty" }, gettext("No messages yet.")));
      return;
    }
    this.treeList.replaceChildren(
      ...segments.map((segment) =>
        h(
          "li",
          { class: `tree__item${segment.shown ? " is-shown" : ""}`, style: `--depth: ${Math.min(segment.depth, 12)}` },
          h(
            "button",
            {
              type: "button",
              class: "tree__jump",
              "data-message": segment.first,
              "aria-current": segment.shown ? "true" : false,
              title: segment.preview,
            },
            h("span", { class: "tree__role" }, segment.role === "user" ? gettext("You") : segment.model || gettext("Assistant")),
            h("span", { class: "tree__preview" }, segment.preview || "…"),
            h("span", { class: "tree__count" }, interpolate(ngettext("%s message", "%s messages", segment.count), [segment.count])),
          ),
        ),
      ),
    );
  }

  onTreeClick(event) {
    const button = event.target.closest(".tree__jump");
    if (!button) return;
    this.showBranch(button.dataset.message).then(() => {
      this.page.messageElement(button.dataset.message)?.scrollIntoView({ block: "center" });
    });
  }
}
