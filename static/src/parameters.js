// The parameters panel (#parameters-panel): the conversation's parameters for the chosen endpoint
// and model (only those it takes, from providers/parameters.py's table in #panel-data), and the
// presets menu: apply, save, update, delete, default, share, import and export.
import { h, readJsonScript } from "./dom.js";
import { csrfToken } from "./http.js";
import { gettext, interpolate, ngettext } from "./i18n.js";

const ZERO_ID = "00000000-0000-0000-0000-000000000000";
const SAVE_DELAY_MS = 500;

async function request(url, { method = "POST", json = undefined, form = undefined } = {}) {
  const headers = { "X-CSRFToken": csrfToken(), "X-Requested-With": "XMLHttpRequest", Accept: "application/json" };
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (form !== undefined) {
    body = form instanceof FormData ? form : new URLSearchParams(form);
  }
  const response = await fetch(url, { method, body, headers, credentials: "same-origin" });
  const type = response.headers.get("Content-Type") || "";
  const data = type.includes("application/json") ? await response.json() : null;
  if (!response.ok || (data && data.ok === false)) {
    throw new Error((data && data.message) || gettext("Something went wrong. Please try again."));
  }
  return data;
}

export class ParametersPanel {
  /**
   * @param {object} options
   * @param {import("./model-menu.js").ModelMenu} options.modelMenu
   * @param {() => string|null} options.conversationId  the open conversation, null for a new chat
   */
  constructor({ modelMenu, conversationId }) {
    this.panel = document.getElementById("parameters-panel");
    this.toggle = document.getElementById("parameters-toggle");
    this.modelMenu = modelMenu;
    this.conversationId = conversationId;
    const data = readJsonScript("panel-data", {});
    this.specs = data.specs || {};
    this.table = data.endpoints || {};
    this.presets = data.presets || [];
    this.values = { ...(data.parameters || {}) };
    this.start = data.start || null;
    this.saveTimer = 0;
    if (!this.panel) return;
    this.element = (id) => document.getElementById(id);
    this.fields = this.element("parameters-fields");
    this.presetSelect = this.element("preset-select");
    this.bind();
    this.renderPresets();
    if (!this.conversationId() && this.start) {
      // A new chat starts from the default spec or preset.
      this.applyPreset(this.start, { quiet: true });
    } else {
      this.render();
    }
  }

  // --- what a send carries ---------------------------------------------------------------------
  /** The parameters the chosen model takes, with the values set in the panel. */
  get value() {
    const result = {};
    for (const key of this.visibleKeys()) {
      const value = this.values[key];
      if (value !== undefined && value !== null && value !== "" && !(Array.isArray(value) && !value.length)) {
        result[key] = value;
      }
    }
    return result;
  }

  choice() {
    return this.modelMenu ? this.modelMenu.value : null;
  }

  family() {
    const choice = this.choice();
    return (choice && this.table[choice.endpoint]?.family) || "demo";
  }

  visibleKeys() {
    const choice = this.choice();
    if (!choice) return [];
    return this.table[choice.endpoint]?.models?.[choice.model] || [];
  }

  spec(key) {
    return this.specs[`${this.family()}:${key}`];
  }

  // --- events ----------------------------------------------------------------------------------
  bind() {
    this.toggle?.addEventListener("click", () => this.setOpen(this.panel.hidden));
    this.element("parameters-close")?.addEventListener("click", () => this.setOpen(false));
    this.panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.setOpen(false);
    });
    this.modelMenu?.select?.addEventListener("change", () => {
      const choice = this.choice();
      const spec = choice && choice.spec ? this.presets.find((preset) => preset.kind === "spec" && preset.name === choice.spec) : null;
      if (spec) {
        this.applyPreset(spec);
      } else {
        this.render();
        this.scheduleSave();
      }
    });
    this.presetSelect.addEventListener("change", () => this.showPreset());
    this.element("preset-apply").addEventListener("click", () => {
      const preset = this.selectedPreset();
      if (preset) this.applyPreset(preset);
    });
    this.element("preset-save").addEventListener("click", () => this.saveNew());
    this.element("preset-update").addEventListener("click", () => this.updateSelected());
    this.element("preset-delete").addEventListener("click", () => this.deleteSelected());
    this.element("preset-default").addEventListener("change", (event) => this.setDefault(event.target.checked));
    this.element("preset-share-save").addEventListener("click", () => this.share());
    this.element("preset-import-file").addEventListener("change", (event) => this.importFile(event.target));
    this.element("parameters-reset").addEventListener("click", () => {
      this.values = {};
      this.render();
      this.scheduleSave();
      this.setStatus(gettext("Parameters reset to the model's defaults."));
    });
  }

  setOpen(open) {
    this.panel.hidden = !open;
    this.toggle?.setAttribute("aria-expanded", String(open));
    document.body.classList.toggle("parameters-open", open);
    if (open) this.presetSelect.focus();
    else this.toggle?.focus();
  }

  setStatus(text) {
    this.element("parameters-status").textContent = text;
    if (text) this.showError("");
  }

  showError(message) {
    const box = this.element("parameters-error");
    box.textContent = message;
    box.hidden = !message;
  }

  // --- the fields ------------------------------------------------------------------------------
  render() {
    const choice = this.choice();
    const keys = this.visibleKeys();
    this.adoptAliases(keys);
    this.element("parameters-model").textContent = choice
      ? interpolate(gettext("For %(model)s"), { model: choice.model }, true)
      : gettext("Choose a model to see its parameters.");
    this.fields.replaceChildren(...keys.map((key) => this.field(key)).filter(Boolean));
  }

  /** Values saved under another provider's name (top_p / topP, max_tokens / maxOutputTokens) move over. */
  adoptAliases(keys) {
    for (const key of keys) {
      if (this.values[key] !== undefined) continue;
      for (const alias of this.spec(key)?.aliases || []) {
        if (this.values[alias] !== undefined) {
          this.values[key] = this.values[alias];
          delete this.values[alias];
          break;
        }
      }
    }
  }

  field(key) {
    const spec = this.spec(key);
    if (!spec) return null;
    const id = `parameter-${key}`;
    const value = this.values[key];
    let input;
    if (spec.kind === "text") {
      input = h("textarea", { id, class: "field__input field__input--text", rows: 4 });
      input.value = value ?? "";
    } else if (spec.kind === "list") {
      input = h("textarea", { id, class: "field__input", rows: 2, placeholder: gettext("One per line") });
      input.value = Array.isArray(value) ? value.join("\n") : value ?? "";
    } else if (spec.kind === "choice" || spec.kind === "bool") {
      const options = spec.kind === "bool"
        ? [["true", gettext("On")], ["false", gettext("Off")]]
        : spec.choices.map((choice) => [choice, choice]);
      input = h("select", { id, class: "field__input" }, h("option", { value: "" }, gettext("Default")),
        options.map(([optionValue, label]) => h("option", { value: optionValue }, label)));
      input.value = value === undefined || value === null ? "" : String(value);
    } else {
      input = h("input", {
        id, class: "field__input", type: "number", inputmode: spec.kind === "int" ? "numeric" : "decimal",
        min: spec.min, max: spec.max, step: spec.step || "any",
        placeholder: spec.default !== null && spec.default !== undefined
          ? interpolate(gettext("Default: %(value)s"), { value: spec.default }, true)
          : gettext("Default"),
      });
      input.value = value ?? "";
    }
    input.dataset.parameter = key;
    input.addEventListener("change", () => this.onInput(spec, input));
    const range = spec.min !== null && spec.max !== null && (spec.kind === "float" || spec.kind === "int")
      ? h("span", { class: "field__range" }, `${spec.min} – ${spec.max}`)
      : null;
    return h("div", { class: "field", dataset: { parameter: key } },
      h("label", { class: "field__label", for: id }, spec.label, range),
      input,
      spec.description ? h("p", { class: "field__help" }, spec.description) : null);
  }

  onInput(spec, input) {
    const raw = input.value;
    let value;
    if (raw === "") value = undefined;
    else if (spec.kind === "float" || spec.kind === "int") value = Number(raw);
    else if (spec.kind === "bool") value = raw === "true";
    else if (spec.kind === "list") value = raw.split("\n").map((line) => line.trim()).filter(Boolean);
    else value = raw;
    if (value === undefined) delete this.values[spec.key];
    else this.values[spec.key] = value;
    this.scheduleSave();
  }

  // --- storing on the conversation --------------------------------------------------------------
  scheduleSave() {
    if (!this.conversationId()) {
      this.setStatus(gettext("These settings apply to your next message."));
      return;
    }
    window.clearTimeout(this.saveTimer);
    this.saveTimer = window.setTimeout(() => this.saveNow(), SAVE_DELAY_MS);
  }

  async saveNow() {
    window.clearTimeout(this.saveTimer);
    const id = this.conversationId();
    const choice = this.choice();
    if (!id || !choice) return;
    const url = this.panel.dataset.parametersUrl.replace(ZERO_ID, id);
    try {
      const data = await request(url, {
        form: { endpoint: choice.endpoint, model: choice.model, parameters: JSON.stringify(this.value) },
      });
      this.values = { ...data.parameters };
      this.setStatus(gettext("Saved for this conversation."));
    } catch (error) {
      this.showError(error.message);
    }
  }

  // --- presets ---------------------------------------------------------------------------------
  renderPresets(selectedId = this.presetSelect.value) {
    const groups = [
      [gettext("Presets from the administrator"), this.presets.filter((preset) => preset.kind === "spec")],
      [gettext("My presets"), this.presets.filter((preset) => preset.kind === "preset" && preset.own)],
      [gettext("Shared with me"), this.presets.filter((preset) => preset.kind === "preset" && !preset.own)],
    ];
    const children = [h("option", { value: "" }, this.presets.length ? gettext("Choose a preset") : gettext("No presets yet"))];
    for (const [label, presets] of groups) {
      if (!presets.length) continue;
      children.push(h("optgroup", { label }, presets.map((preset) => h("option", {
        value: preset.id, disabled: preset.available === false,
      }, preset.is_default ? `${preset.title} ★` : preset.title))));
    }
    this.presetSelect.replaceChildren(...children);
    this.presetSelect.value = this.presets.some((preset) => preset.id === selectedId) ? selectedId : "";
    this.showPreset();
  }

  selectedPreset() {
    return this.presets.find((preset) => preset.id === this.presetSelect.value) || null;
  }

  showPreset() {
    const preset = this.selectedPreset();
    const own = Boolean(preset && preset.own);
    this.element("preset-owner-actions").hidden = !own;
    this.element("preset-share").hidden = !own;
    this.element("preset-apply").disabled = !preset;
    const exportLink = this.element("preset-export");
    exportLink.hidden = !preset || preset.kind !== "preset";
    if (preset && preset.kind === "preset") {
      exportLink.href = `${this.panel.dataset.exportUrl}?id=${encodeURIComponent(preset.id)}`;
    }
    let info = "";
    if (preset) {
      info = `${preset.endpoint} · ${preset.model}`;
      if (preset.kind === "spec") info = [preset.description, info].filter(Boolean).join(" — ");
      if (preset.owner) info += ` · ${interpolate(gettext("shared by %(owner)s (read-only)"), { owner: preset.owner }, true)}`;
      if (preset.available === false) info += ` · ${preset.unavailable_reason}`;
    }
    this.element("preset-info").textContent = info;
    if (own) {
      this.element("preset-default").checked = Boolean(preset.is_default);
      this.element("preset-share-users").value = (preset.shared_with_users || []).join(", ");
      this.element("preset-share-groups").value = (preset.shared_with_groups || []).join(", ");
      this.element("preset-title").value = preset.title;
    }
  }

  /** Use a preset's endpoint, model and parameters for this chat (stored at once on an open one). */
  applyPreset(preset, { quiet = false } = {}) {
    const chosen = this.modelMenu && this.modelMenu.choose(preset.endpoint, preset.model, preset.kind === "spec" ? preset.name : "");
    if (!chosen && !(this.modelMenu && this.modelMenu.choose(preset.endpoint, preset.model))) {
      this.render();
      if (!quiet) {
        this.showError(interpolate(gettext("The model “%(model)s” of this preset is not available."), { model: preset.model }, true));
      }
      return false;
    }
    this.values = { ...(preset.parameters || {}) };
    this.render();
    if (this.conversationId()) this.saveNow();
    if (!quiet) this.setStatus(interpolate(gettext("Applied the preset “%(title)s”."), { title: preset.title }, true));
    this.element("preset-select").value = preset.id;
    this.showPreset();
    return true;
  }

  currentPresetFields(title) {
    const choice = this.choice();
    if (!choice) throw new Error(gettext("Choose an available model first."));
    return { title, endpoint: choice.endpoint, model: choice.model, parameters: this.value };
  }

  async run(action, success) {
    try {
      const data = await action();
      if (data && data.presets) {
        this.presets = data.presets;
        this.renderPresets(data.preset ? data.preset.id : undefined);
      }
      this.setStatus(typeof success === "function" ? success(data) : success);
      return data;
    } catch (error) {
      this.showError(error.message);
      return null;
    }
  }

  saveNew() {
    const title = this.element("preset-title").value;
    return this.run(
      () => request(this.panel.dataset.createUrl, { json: this.currentPresetFields(title) }),
      (data) => interpolate(gettext("Saved the preset “%(title)s”."), { title: data.preset.title }, true),
    );
  }

  presetUrl(suffix = "") {
    return this.panel.dataset.presetUrl.replace(ZERO_ID, this.presetSelect.value) + suffix;
  }

  updateSelected() {
    const title = this.element("preset-title").value || this.selectedPreset()?.title;
    return this.run(
      () => request(this.presetUrl(), { json: this.currentPresetFields(title) }),
      gettext("The preset was updated."),
    );
  }

  deleteSelected() {
    const preset = this.selectedPreset();
    if (!preset || !window.confirm(interpolate(gettext("Delete the preset “%(title)s”?"), { title: preset.title }, true))) return null;
    return this.run(() => request(this.presetUrl("delete/")), gettext("The preset was deleted."));
  }

  setDefault(on) {
    return this.run(
      () => request(this.presetUrl("default/"), { json: { on } }),
      on ? gettext("New chats will start from this preset.") : gettext("New chats will start without a preset."),
    );
  }

  share() {
    return this.run(
      () => request(this.presetUrl("share/"), {
        json: { users: this.element("preset-share-users").value, groups: this.element("preset-share-groups").value },
      }),
      gettext("Sharing saved."),
    );
  }

  importFile(input) {
    const file = input.files && input.files[0];
    if (!file) return null;
    const form = new FormData();
    form.append("file", file);
    input.value = "";
    return this.run(
      () => request(this.panel.dataset.importUrl, { form }),
      (data) => {
        const count = data.imported.length;
        let text = interpolate(ngettext("Imported %(count)s preset.", "Imported %(count)s presets.", count), { count }, true);
        if (data.ignored.length) text += ` ${gettext("Not imported:")} ${data.ignored.join("; ")}`;
        return text;
      },
    );
  }
}
