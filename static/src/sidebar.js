// The conversation list: open/close on small screens, inline rename, delete, and the rows that
// the socket adds or renames. Mirrors templates/chat/_conversation_row.html.
import { attributeSelector, h, icon } from "./dom.js";
import { postForm } from "./http.js";
import { gettext, interpolate } from "./i18n.js";

const ZERO_ID = "00000000-0000-0000-0000-000000000000";

export class Sidebar {
  /**
   * root: the #chat element (carries the URL patterns); onError(message) shows a readable
   * failure; currentId() is the conversation on screen.
   */
  constructor(root, { onError, currentId }) {
    this.root = root;
    this.sidebar = document.getElementById("sidebar");
    this.list = document.getElementById("conversation-list");
    this.toggle = document.getElementById("sidebar-toggle");
    this.onError = onError;
    this.currentId = currentId;
    this.bindOpenClose();
    if (this.list) this.bindRowActions();
  }

  urlFor(pattern, id) {
    return (this.root.dataset[pattern] || "").replace(ZERO_ID, id);
  }

  // --- small screens: the sidebar slides over the page --------------------------------------
  bindOpenClose() {
    if (this.toggle) {
      this.toggle.addEventListener("click", () => this.setOpen(!document.body.classList.contains("sidebar-open")));
    }
    for (const closer of document.querySelectorAll("[data-sidebar-close]")) {
      closer.addEventListener("click", () => this.setOpen(false));
    }
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && document.body.classList.contains("sidebar-open")) {
        this.setOpen(false);
        this.toggle?.focus();
      }
    });
  }

  setOpen(open) {
    document.body.classList.toggle("sidebar-open", open);
    this.toggle?.setAttribute("aria-expanded", String(open));
    if (open) this.sidebar?.querySelector("a, button")?.focus();
  }

  // --- rename and delete ---------------------------------------------------------------------
  bindRowActions() {
    this.list.addEventListener("click", (event) => {
      const button = event.target.closest("[data-action]");
      if (!button || !this.list.contains(button)) return;
      const row = button.closest(".conversation-row");
      if (!row) return;
      event.preventDefault();
      if (button.dataset.action === "rename") this.startRename(row);
      if (button.dataset.action === "delete") this.remove(row);
    });
  }

  startRename(row) {
    if (row.querySelector(".conversation-row__input")) return;
    const title = row.querySelector(".conversation-row__title");
    const link = row.querySelector(".conversation-row__link");
    const before = title.textContent;
    const input = h("input", {
      class: "conversation-row__input",
      type: "text",
      value: before,
      maxlength: "200",
      "aria-label": gettext("Chat title"),
    });
    link.hidden = true;
    row.classList.add("is-editing");
    row.prepend(input);
    input.focus();
    input.select();

    let finished = false;
    const finish = async (save) => {
      if (finished) return;
      finished = true;
      const wanted = input.value.trim();
      input.remove();
      link.hidden = false;
      row.classList.remove("is-editing");
      if (!save || !wanted || wanted === before) return;
      title.textContent = wanted;
      try {
        const answer = await postForm(row.dataset.renameUrl, { title: wanted });
        const saved = answer && typeof answer.title === "string" ? answer.title : wanted;
        this.setTitle(row.dataset.conversationId, saved);
      } catch (error) {
        title.textContent = before;
        this.onError(error.readable ? error.message : gettext("The chat could not be renamed. Please try again."));
      }
    };
    input.addEventListener("keydown", (event) => {
      if (event.isComposing) return;
      if (event.key === "Enter") {
        event.preventDefault();
        finish(true);
      } else if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        finish(false);
      }
    });
    input.addEventListener("blur", () => finish(true));
  }

  async remove(row) {
    const title = row.querySelector(".conversation-row__title").textContent;
    if (!window.confirm(interpolate(gettext("Delete the chat “%s”?"), [title]))) return;
    const id = row.dataset.conversationId;
    try {
      await postForm(row.dataset.deleteUrl);
    } catch (error) {
      this.onError(error.readable ? error.message : gettext("The chat could not be deleted. Please try again."));
      return;
    }
    if (id === this.currentId()) {
      window.location.assign(this.root.dataset.newChatUrl || "/");
      return;
    }
    this.removeRow(row);
  }

  removeRow(row) {
    const group = row.closest(".conversation-group");
    row.remove();
    if (group && !group.querySelector(".conversation-row")) group.remove();
  }

  // --- rows driven by the socket -------------------------------------------------------------
  row(id) {
    return this.list ? this.list.querySelector(`.conversation-row${attributeSelector("data-conversation-id", id)}`) : null;
  }

  /** Put the conversation at the top of "Today" (adding its row if it is new). */
  bringToTop(conversation) {
    if (!this.list) return;
    const existing = this.row(conversation.id);
    // Pinned and filed chats keep their place (static/src/organise.js owns those lists).
    if (existing && existing.closest("#pinned-section, .folder")) return;
    const row = existing || this.buildRow(conversation);
    const oldGroup = row.closest(".conversation-group");
    this.todayItems().prepend(row);
    if (oldGroup && !oldGroup.querySelector(".conversation-row")) oldGroup.remove();
    this.list.querySelector(".conversation-list__empty")?.remove();
  }

  todayItems() {
    const today = gettext("Today");
    const groups = document.getElementById("conversation-groups") || this.list;
    const first = groups.querySelector(".conversation-group");
    if (first && first.dataset.label === today) return first.querySelector(".conversation-group__items");
    const items = h("ul", { class: "conversation-group__items" });
    const group = h(
      "section",
      { class: "conversation-group", dataset: { label: today } },
      h("h2", { class: "conversation-group__label" }, today),
      items,
    );
    groups.prepend(group);
    return items;
  }

  buildRow(conversation) {
    const id = conversation.id;
    const tags = conversation.tags || [];
    return h(
      "li",
      {
        class: "conversation-row",
        draggable: "true",
        dataset: {
          conversationId: id,
          renameUrl: this.urlFor("renameUrl", id),
          deleteUrl: this.urlFor("deleteUrl", id),
          pinned: String(Boolean(conversation.pinned)),
          folderId: conversation.folder || "",
        },
      },
      h(
        "a",
        { class: "conversation-row__link", href: this.urlFor("conversationUrl", id) },
        h("span", { class: "conversation-row__title" }, conversation.title || gettext("New chat")),
        tags.length
          ? h("span", { class: "tag-chips" }, tags.map((tag) => h("span", { class: "tag-chip", dataset: { tagId: String(tag.id) } }, tag.name)))
          : null,
      ),
      h(
        "div",
        { class: "conversation-row__actions" },
        h(
          "button",
          { type: "button", class: "icon-button icon-button--small", "data-action": "rename", title: gettext("Rename"), "aria-label": gettext("Rename") },
          icon("pencil"),
        ),
        h(
          "button",
          {
            type: "button",
            class: "icon-button icon-button--small",
            "data-action": "menu",
            title: gettext("More options"),
            "aria-label": gettext("More options"),
            "aria-haspopup": "menu",
          },
          icon("dots"),
        ),
        h(
          "button",
          {
            type: "button",
            class: "icon-button icon-button--small icon-button--danger",
            "data-action": "delete",
            title: gettext("Delete"),
            "aria-label": gettext("Delete"),
          },
          icon("trash"),
        ),
      ),
    );
  }

  setTitle(id, title) {
    const row = this.row(id);
    if (row) row.querySelector(".conversation-row__title").textContent = title || gettext("New chat");
  }

  setActive(id) {
    if (!this.list) return;
    for (const row of this.list.querySelectorAll(".conversation-row")) {
      const active = row.dataset.conversationId === id;
      row.classList.toggle("is-active", active);
      const link = row.querySelector(".conversation-row__link");
      if (active) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
  }
}
