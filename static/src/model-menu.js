// The model menu (#model-menu, options "endpoint|model"): remembers the choice for new chats.

const STORAGE_KEY = "librechat:model";

function readStored() {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // Storage blocked (private mode, policies): fall back to the server's choice.
  }
}

function store(value) {
  try {
    window.localStorage.setItem(STORAGE_KEY, value);
  } catch {
    // Not remembered; the choice still applies to this page.
  }
}

export class ModelMenu {
  /** An open conversation keeps its own model; a new chat starts from the remembered one. */
  constructor(select, { preferStored }) {
    this.select = select;
    if (!select) return;
    const stored = readStored();
    if (preferStored && stored && this.isSelectable(stored)) {
      select.value = stored;
    }
    if (!this.isSelectable(select.value)) {
      const first = Array.from(select.options).find((option) => this.isSelectable(option.value));
      if (first) select.value = first.value;
    }
    select.addEventListener("change", () => {
      if (this.isSelectable(select.value)) store(select.value);
    });
  }

  /** Select `endpoint|model` (a plain model, not a spec); false when it is not offered. */
  choose(endpoint, model, spec = "") {
    const value = spec ? `spec:${spec}` : `${endpoint}|${model}`;
    if (!this.isSelectable(value)) return false;
    this.select.value = value;
    store(value);
    return true;
  }

  isSelectable(value) {
    if (!value) return false;
    const option = Array.from(this.select.options).find((candidate) => candidate.value === value);
    return Boolean(option && !option.disabled && !(option.parentElement instanceof HTMLOptGroupElement && option.parentElement.disabled));
  }

  /** {endpoint, model} (and `spec` for an admin-defined preset), or null when nothing usable is selected. */
  get value() {
    if (!this.select || !this.isSelectable(this.select.value)) return null;
    const option = this.select.selectedOptions[0];
    if (option && option.dataset.spec) {
      return { endpoint: option.dataset.endpoint, model: option.dataset.model, spec: option.dataset.spec };
    }
    const value = this.select.value;
    const cut = value.indexOf("|");
    return { endpoint: value.slice(0, cut), model: value.slice(cut + 1) };
  }
}
