// Organising the sidebar: folders (create, rename, delete, collapse, drag and drop), the row menu
// (pin, move, tags, duplicate, share, archive), and infinite scroll over the date-grouped list.
// The server renders the lists (templates/chat/_sidebar_lists_inner.html); after a change that
// moves rows between lists this module asks for them again instead of re-sorting in the page.
import { h, icon } from "./dom.js";
import { copyText } from "./clipboard.js";
import { postForm } from "./http.js";
import { gettext, interpolate } from "./i18n.js";

const ZERO_ID = "00000000-0000-0000-0000-000000000000";
const ROW_MIME = "application/x-librechat-conversation";

export function initOrganise(sidebar, { onError, currentId }) {
  const nav = document.getElementById("conversation-list");
  if (!nav || !nav.dataset.pageUrl) return null;
  return new Organiser(nav, sidebar, { onError, currentId });
}

class Organiser {
  constructor(nav, sidebar, { onError, currentId }) {
    this.nav = nav;
    this.sidebar = sidebar;
    this.onError = onError;
    this.currentId = currentId;
    this.loading = false;
    this.menu = null;
    this.nav.addEventListener("click", (event) => this.onClick(event));
    // <details> "toggle" does not bubble: listen while it goes down.
    this.nav.addEventListener("toggle", (event) => this.onToggle(event), true);
    this.bindDragAndDrop();
    document.addEventListener("click", (event) => {
      if (this.menu && !this.menu.contains(event.target) && !event.target.closest("[data-action='menu']")) this.closeMenu();
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && this.menu) {
        const button = this.menu.opener;
        this.closeMenu();
        button?.focus();
      }
    });
    this.observe();
  }

  url(name, id, extra) {
    let url = (this.nav.dataset[name] || "").replace(ZERO_ID, id);
    if (extra !== undefined) url = url.replace(/\/0\/remove\/$/, `/${extra}/remove/`);
    return url;
  }

  fail(error, fallback) {
    this.onError(error && error.readable ? error.message : fallback);
  }

  // --- clicks ----------------------------------------------------------------------------------
  onClick(event) {
    const menuButton = event.target.closest("[data-action='menu']");
    if (menuButton) {
      event.preventDefault();
      event.stopPropagation();
      const row = menuButton.closest(".conversation-row");
      if (this.menu && this.menu.opener === menuButton) this.closeMenu();
      else if (row) this.openMenu(row, menuButton);
      return;
    }
    if (event.target.closest("#folder-new")) {
      event.preventDefault();
      this.startFolderCreate();
      return;
    }
    const folderButton = event.target.closest("[data-folder-action]");
    if (folderButton) {
      event.preventDefault();
      const folder = folderButton.closest(".folder");
      const action = folderButton.dataset.folderAction;
      if (action === "rename") this.startFolderRename(folder);
      if (action === "delete") this.deleteFolder(folder);
      if (action === "more") this.loadFolderPage(folder, folderButton);
    }
  }

  // --- the server-rendered lists --------------------------------------------------------------
  async refreshLists() {
    const scroll = this.nav.scrollTop;
    try {
      const response = await fetch(this.nav.dataset.listsUrl, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      this.nav.innerHTML = await response.text();
    } catch {
      this.onError(gettext("The chat list could not be updated. Reload the page."));
      return;
    }
    const current = this.currentId();
    if (current) this.sidebar.setActive(current);
    this.nav.scrollTop = scroll;
    this.observe();
  }

  // --- infinite scroll -------------------------------------------------------------------------
  observe() {
    this.observer?.disconnect();
    const sentinel = document.getElementById("sidebar-sentinel");
    if (!sentinel || !("IntersectionObserver" in window)) return;
    this.observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) this.loadMore();
      },
      { root: this.nav, rootMargin: "0px 0px 400px 0px" },
    );
    this.observer.observe(sentinel);
  }

  async fetchPage(baseUrl, cursor) {
    const url = new URL(baseUrl, window.location.href);
    url.searchParams.set("cursor", cursor);
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    const data = await response.json().catch(() => null);
    if (!response.ok || !data || !data.ok) {
      const error = new Error((data && data.message) || `HTTP ${response.status}`);
      error.readable = Boolean(data && data.message);
      throw error;
    }
    return data;
  }

  async loadMore() {
    const groups = document.getElementById("conversation-groups");
    const cursor = groups?.dataset.nextCursor;
    if (!groups || !cursor || this.loading) return;
    this.loading = true;
    this.nav.setAttribute("aria-busy", "true");
    try {
      const data = await this.fetchPage(this.nav.dataset.pageUrl, cursor);
      if (groups.dataset.nextCursor !== cursor) return; // the lists were re-rendered meanwhile
      for (const item of data.items) this.appendToGroup(groups, item);
      groups.dataset.nextCursor = data.next || "";
    } catch (error) {
      this.fail(error, gettext("More chats could not be loaded. Please try again."));
    } finally {
      this.loading = false;
      this.nav.removeAttribute("aria-busy");
    }
    // Still at the bottom (a tall window): keep going.
    const sentinel = document.getElementById("sidebar-sentinel");
    if (groups.dataset.nextCursor && sentinel) {
      const box = sentinel.getBoundingClientRect();
      const view = this.nav.getBoundingClientRect();
      if (box.top < view.bottom + 400) this.loadMore();
    }
  }

  appendToGroup(groups, item) {
    if (this.sidebar.row(item.id)) return; // moved up since the first page: already shown
    const sections = groups.querySelectorAll(".conversation-group");
    let section = sections[sections.length - 1];
    if (!section || section.dataset.label !== item.group) {
      section = h(
        "section",
        { class: "conversation-group", dataset: { label: item.group } },
        h("h2", { class: "conversation-group__label" }, item.group),
        h("ul", { class: "conversation-group__items" }),
      );
      groups.append(section);
    }
    section.querySelector(".conversation-group__items").append(this.sidebar.buildRow(item));
  }

  async loadFolderPage(folder, button) {
    const cursor = folder.dataset.nextCursor;
    if (!cursor) return;
    button.disabled = true;
    try {
      const data = await this.fetchPage(folder.dataset.pageUrl, cursor);
      const items = folder.querySelector(".folder__items");
      for (const item of data.items) if (!this.sidebar.row(item.id)) items.append(this.sidebar.buildRow(item));
      folder.dataset.nextCursor = data.next || "";
      if (!data.next) button.remove();
    } catch (error) {
      this.fail(error, gettext("More chats could not be loaded. Please try again."));
    } finally {
      button.disabled = false;
    }
  }

  // --- folders ---------------------------------------------------------------------------------
  inlineInput({ value = "", label, onSave, onCancel }) {
    const input = h("input", { class: "folder__input", type: "text", value, maxlength: "100", "aria-label": label });
    let finished = false;
    const finish = (save) => {
      if (finished) return;
      finished = true;
      const wanted = input.value.trim();
      input.remove();
      if (save && wanted && wanted !== value) onSave(wanted);
      else onCancel?.();
    };
    input.addEventListener("keydown", (event) => {
      if (event.isComposing) return;
      // Space and Enter inside a <summary> would toggle the folder.
      if (event.key === " ") event.stopPropagation();
      if (event.key === "Enter") {
        event.preventDefault();
        finish(true);
      } else if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        finish(false);
      }
    });
    input.addEventListener("click", (event) => event.preventDefault());
    input.addEventListener("blur", () => finish(true));
    return input;
  }

  startFolderCreate() {
    const list = document.getElementById("folder-list");
    if (!list || list.querySelector(".folder__input--new")) return;
    const input = this.inlineInput({
      label: gettext("Folder name"),
      onSave: async (name) => {
        try {
          await postForm(this.nav.dataset.folderCreateUrl, { name });
        } catch (error) {
          this.fail(error, gettext("The folder could not be created. Please try again."));
          return;
        }
        await this.refreshLists();
      },
    });
    input.classList.add("folder__input--new");
    input.placeholder = gettext("Folder name");
    list.prepend(input);
    input.focus();
  }

  startFolderRename(folder) {
    const name = folder.querySelector(".folder__name");
    if (folder.querySelector(".folder__input")) return;
    const before = name.textContent;
    name.hidden = true;
    const input = this.inlineInput({
      value: before,
      label: gettext("Folder name"),
      onSave: async (wanted) => {
        name.hidden = false;
        name.textContent = wanted;
        try {
          const answer = await postForm(folder.dataset.renameUrl, { name: wanted });
          name.textContent = answer.folder.name;
        } catch (error) {
          name.textContent = before;
          this.fail(error, gettext("The folder could not be renamed. Please try again."));
        }
      },
      onCancel: () => {
        name.hidden = false;
      },
    });
    name.after(input);
    input.focus();
    input.select();
  }

  async deleteFolder(folder) {
    const name = folder.querySelector(".folder__name").textContent;
    const question = interpolate(gettext("Delete the folder “%s”? Its chats go back to the list; none is deleted."), [name]);
    if (!window.confirm(question)) return;
    try {
      await postForm(folder.dataset.deleteUrl);
    } catch (error) {
      this.fail(error, gettext("The folder could not be deleted. Please try again."));
      return;
    }
    await this.refreshLists();
  }

  onToggle(event) {
    const folder = event.target;
    if (!(folder instanceof HTMLDetailsElement) || !folder.classList.contains("folder")) return;
    postForm(folder.dataset.collapseUrl, { collapsed: folder.open ? "0" : "1" }).catch(() => {
      // Only a remembered preference: the folder is open or closed on screen either way.
    });
  }

  folders() {
    return Array.from(this.nav.querySelectorAll("#folder-list .folder")).map((folder) => ({
      id: folder.dataset.folderId,
      name: folder.querySelector(".folder__name").textContent,
    }));
  }

  async move(id, folderId) {
    try {
      await postForm(this.url("moveUrl", id), { folder: folderId || "" });
    } catch (error) {
      this.fail(error, gettext("The chat could not be moved. Please try again."));
      return;
    }
    await this.refreshLists();
  }

  // --- drag and drop: a row onto a folder files it; onto the main list takes it out ---------------
  bindDragAndDrop() {
    this.nav.addEventListener("dragstart", (event) => {
      const row = event.target.closest?.(".conversation-row");
      if (!row) return;
      event.dataTransfer.setData(ROW_MIME, row.dataset.conversationId);
      event.dataTransfer.effectAllowed = "move";
      row.classList.add("is-dragging");
    });
    this.nav.addEventListener("dragend", (event) => {
      event.target.closest?.(".conversation-row")?.classList.remove("is-dragging");
      for (const target of this.nav.querySelectorAll(".is-drop-target")) target.classList.remove("is-drop-target");
    });
    const targetOf = (event) => event.target.closest?.(".folder, #conversation-groups");
    this.nav.addEventListener("dragover", (event) => {
      if (!event.dataTransfer.types.includes(ROW_MIME)) return;
      const target = targetOf(event);
      if (!target) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      for (const other of this.nav.querySelectorAll(".is-drop-target")) if (other !== target) other.classList.remove("is-drop-target");
      target.classList.add("is-drop-target");
    });
    this.nav.addEventListener("drop", (event) => {
      const id = event.dataTransfer.getData(ROW_MIME);
      const target = targetOf(event);
      if (!id || !target) return;
      event.preventDefault();
      target.classList.remove("is-drop-target");
      const folderId = target.classList.contains("folder") ? target.dataset.folderId : "";
      const row = this.sidebar.row(id);
      if (row && (row.dataset.folderId || "") === folderId) return;
      this.move(id, folderId);
    });
  }

  // --- the row menu ----------------------------------------------------------------------------
  closeMenu() {
    if (!this.menu) return;
    this.menu.opener?.setAttribute("aria-expanded", "false");
    this.menu.remove();
    this.menu = null;
  }

  openMenu(row, opener) {
    this.closeMenu();
    const id = row.dataset.conversationId;
    const pinned = row.dataset.pinned === "true";
    const folderId = row.dataset.folderId || "";
    const item = (label, iconName, action, { danger = false } = {}) =>
      h(
        "button",
        { type: "button", role: "menuitem", class: `row-menu__item${danger ? " row-menu__item--danger" : ""}`, dataset: { menuAction: action } },
        icon(iconName),
        h("span", {}, label),
      );
    const moves = this.folders()
      .filter((folder) => folder.id !== folderId)
      .map((folder) =>
        h(
          "button",
          { type: "button", role: "menuitem", class: "row-menu__item row-menu__item--folder", dataset: { menuAction: "move", folder: folder.id } },
          icon("folder"),
          h("span", {}, folder.name),
        ),
      );
    const menu = h(
      "div",
      { class: "row-menu", role: "menu", "aria-label": gettext("Chat options") },
      item(pinned ? gettext("Unpin") : gettext("Pin"), "pin", pinned ? "unpin" : "pin"),
      item(gettext("Tags…"), "tag", "tags"),
      item(gettext("Duplicate"), "duplicate", "duplicate"),
      item(gettext("Share…"), "link", "share"),
      item(gettext("Archive"), "archive", "archive"),
      moves.length || folderId ? h("div", { class: "row-menu__label", role: "presentation" }, gettext("Move to folder")) : null,
      moves,
      folderId
        ? h(
            "button",
            { type: "button", role: "menuitem", class: "row-menu__item", dataset: { menuAction: "move", folder: "" } },
            icon("close"),
            h("span", {}, gettext("Remove from folder")),
          )
        : null,
    );
    menu.opener = opener;
    menu.addEventListener("click", (event) => {
      const button = event.target.closest("[data-menu-action]");
      if (!button) return;
      event.preventDefault();
      this.closeMenu();
      this.runMenuAction(button.dataset.menuAction, row, id, button.dataset.folder);
    });
    menu.addEventListener("keydown", (event) => {
      const items = Array.from(menu.querySelectorAll("[role='menuitem']"));
      const index = items.indexOf(document.activeElement);
      if (event.key === "ArrowDown") items[(index + 1) % items.length]?.focus();
      else if (event.key === "ArrowUp") items[(index - 1 + items.length) % items.length]?.focus();
      else return;
      event.preventDefault();
    });
    document.body.append(menu);
    const box = opener.getBoundingClientRect();
    const top = Math.min(box.bottom + 4, window.innerHeight - menu.offsetHeight - 8);
    menu.style.top = `${Math.max(8, top)}px`;
    menu.style.left = `${Math.max(8, Math.min(box.left, window.innerWidth - menu.offsetWidth - 8))}px`;
    opener.setAttribute("aria-expanded", "true");
    this.menu = menu;
    menu.querySelector("[role='menuitem']")?.focus();
  }

  async runMenuAction(action, row, id, folderId) {
    if (action === "move") return this.move(id, folderId);
    if (action === "tags") return this.openTags(row, id);
    if (action === "share") return this.openShare(row, id);
    try {
      if (action === "pin" || action === "unpin") {
        await postForm(this.url("pinUrl", id), { pinned: action === "pin" ? "1" : "0" });
      } else if (action === "archive") {
        await postForm(this.url("archiveUrl", id), { archived: "1" });
      } else if (action === "duplicate") {
        const answer = await postForm(this.url("duplicateUrl", id));
        window.location.assign(answer.url);
        return;
      }
    } catch (error) {
      this.fail(error, gettext("That did not work. Please try again."));
      return;
    }
    await this.refreshLists();
  }

  // --- dialogs ---------------------------------------------------------------------------------
  dialog(title, ...body) {
    const close = h(
      "button",
      { type: "button", class: "icon-button icon-button--small organise-dialog__close", title: gettext("Close"), "aria-label": gettext("Close") },
      icon("close"),
    );
    const dialog = h(
      "dialog",
      { class: "organise-dialog", "aria-label": title },
      h("div", { class: "organise-dialog__head" }, h("h2", { class: "organise-dialog__title" }, title), close),
      ...body,
    );
    close.addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => dialog.remove());
    document.body.append(dialog);
    dialog.showModal();
    return dialog;
  }

  openTags(row, id) {
    const chips = h("ul", { class: "organise-dialog__chips", "aria-label": gettext("Tags") });
    const error = h("p", { class: "alert alert--error", role: "alert", hidden: true });
    const input = h("input", { type: "text", name: "name", maxlength: "50", required: true, placeholder: gettext("New tag"), "aria-label": gettext("New tag") });
    const form = h("form", { class: "organise-dialog__form" }, input, h("button", { type: "submit", class: "button button--small" }, gettext("Add")));
    const show = (tags) => {
      chips.replaceChildren(
        ...tags.map((tag) => {
          const remove = h(
            "button",
            { type: "button", class: "tag-chip__remove", title: interpolate(gettext("Remove the tag “%s”"), [tag.name]), "aria-label": interpolate(gettext("Remove the tag “%s”"), [tag.name]) },
            "×",
          );
          remove.addEventListener("click", () => change(this.url("tagRemoveUrl", id, tag.id), {}));
          return h("li", { class: "tag-chip" }, h("span", {}, tag.name), remove);
        }),
      );
      if (!tags.length) chips.append(h("li", { class: "organise-dialog__hint" }, gettext("No tags yet.")));
    };
    const change = async (url, fields) => {
      error.hidden = true;
      try {
        const answer = await postForm(url, fields);
        show(answer.conversation.tags);
        changed = true;
        return true;
      } catch (failure) {
        error.textContent = failure.readable ? failure.message : gettext("That did not work. Please try again.");
        error.hidden = false;
        return false;
      }
    };
    let changed = false;
    show(Array.from(row.querySelectorAll(".tag-chip")).map((chip) => ({ id: chip.dataset.tagId, name: chip.textContent })));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (await change(this.url("tagAddUrl", id), { name: input.value })) input.value = "";
      input.focus();
    });
    const dialog = this.dialog(gettext("Tags"), chips, form, error);
    dialog.addEventListener("close", () => {
      if (changed) this.refreshLists();
    });
    input.focus();
  }

  openShare(row, id) {
    const title = row.querySelector(".conversation-row__title").textContent;
    const error = h("p", { class: "alert alert--error", role: "alert", hidden: true });
    const create = h("button", { type: "button", class: "button", "data-share-create": "" }, gettext("Create link"));
    const result = h("div", { class: "organise-dialog__share", hidden: true });
    const text = h(
      "p",
      { class: "organise-dialog__hint" },
      gettext("Anyone with the link can read the chat as it is now, without signing in. Messages you add later are not shared. You can revoke the link in Archived and shared."),
    );
    create.addEventListener("click", async () => {
      create.disabled = true;
      error.hidden = true;
      try {
        const answer = await postForm(this.url("shareUrl", id));
        const link = h("input", { type: "text", readonly: true, value: answer.url, class: "organise-dialog__link", "aria-label": gettext("Link") });
        const copy = h("button", { type: "button", class: "button button--small" }, gettext("Copy link"));
        copy.addEventListener("click", async () => {
          const copied = await copyText(answer.url);
          copy.textContent = copied ? gettext("Copied") : gettext("Copy failed");
        });
        result.replaceChildren(link, copy);
        result.hidden = false;
        create.hidden = true;
        link.select();
      } catch (failure) {
        error.textContent = failure.readable ? failure.message : gettext("The link could not be created. Please try again.");
        error.hidden = false;
        create.disabled = false;
      }
    });
    this.dialog(interpolate(gettext("Share “%s”"), [title]), text, create, result, error);
    create.focus();
  }
}

