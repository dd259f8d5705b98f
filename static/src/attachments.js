// Attachments in the composer: a file picker, paste and drag-and-drop. Each file is uploaded at
// once (POST /files/upload/, checked by the server) and shown as a thumbnail or a file chip with
// a remove button; `ids()` are sent with the message. Also draws attachments on messages.
import { csrfToken } from "./http.js";
import { h, icon } from "./dom.js";
import { gettext, interpolate } from "./i18n.js";

const IMAGE_TYPES = /^image\/(png|jpeg|gif|webp)$/;

export function formatSize(bytes) {
  if (bytes < 1024) return interpolate(gettext("%s bytes"), [bytes]);
  if (bytes < 1024 * 1024) return interpolate(gettext("%s KB"), [(bytes / 1024).toFixed(1)]);
  return interpolate(gettext("%s MB"), [(bytes / (1024 * 1024)).toFixed(1)]);
}

export class Attachments {
  /**
   * `form` is the composer form (paste and drop targets), `strip` the list of previews,
   * `input` the hidden <input type=file>, `button` the paperclip; `endpoint()` the chosen endpoint.
   */
  constructor({ form, strip, input, button, uploadUrl, endpoint, onError, onChange }) {
    this.form = form;
    this.strip = strip;
    this.input = input;
    this.uploadUrl = uploadUrl;
    this.endpoint = endpoint;
    this.onError = onError;
    this.onChange = onChange || (() => {});
    // {key, file (local File), uploaded (server answer) | null, element, request}
    this.items = [];
    this.counter = 0;

    button.addEventListener("click", () => input.click());
    input.addEventListener("change", () => {
      this.add(Array.from(input.files || []));
      input.value = "";
    });
    form.addEventListener("paste", (event) => {
      const files = Array.from(event.clipboardData?.files || []);
      if (!files.length) return;
      event.preventDefault();
      this.add(files);
    });
    form.addEventListener("dragover", (event) => {
      if (!Array.from(event.dataTransfer?.types || []).includes("Files")) return;
      event.preventDefault();
      form.classList.add("is-dropping");
    });
    form.addEventListener("dragleave", (event) => {
      if (!form.contains(event.relatedTarget)) form.classList.remove("is-dropping");
    });
    form.addEventListener("drop", (event) => {
      form.classList.remove("is-dropping");
      const files = Array.from(event.dataTransfer?.files || []);
      if (!files.length) return;
      event.preventDefault();
      this.add(files);
    });
  }

  get uploading() {
    return this.items.some((item) => !item.uploaded);
  }

  get hasImages() {
    return this.items.some((item) => item.uploaded?.kind === "image");
  }

  get count() {
    return this.items.length;
  }

  ids() {
    return this.items.filter((item) => item.uploaded).map((item) => item.uploaded.id);
  }

  add(files) {
    for (const file of files) this.upload(file);
  }

  upload(file) {
    const key = `a${(this.counter += 1)}`;
    const item = { key, file, uploaded: null, element: null, request: null };
    item.element = this.preview(item);
    this.items.push(item);
    this.strip.append(item.element);
    this.strip.hidden = false;
    this.onChange();

    const body = new FormData();
    body.append("file", file, file.name);
    body.append("endpoint", this.endpoint() || "");
    const controller = new AbortController();
    item.request = controller;
    fetch(this.uploadUrl, {
      method: "POST",
      body,
      credentials: "same-origin",
      signal: controller.signal,
      headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "XMLHttpRequest", Accept: "application/json" },
    })
      .then(async (response) => {
        const type = response.headers.get("Content-Type") || "";
        const data = type.includes("application/json") ? await response.json() : null;
        if (!response.ok || !data || data.ok === false) {
          const fallback =
            response.status === 413
              ? gettext("The file is too large.")
              : gettext("The file could not be uploaded.");
          throw new Error((data && data.message) || fallback);
        }
        return data;
      })
      .then((data) => {
        if (!this.items.includes(item)) return; // removed while uploading
        item.uploaded = data;
        item.element.dataset.state = "ready";
        item.element.dataset.fileId = data.id;
        this.onChange();
      })
      .catch((error) => {
        if (error.name === "AbortError") return;
        this.remove(item);
        this.onError(error.message || gettext("The file could not be uploaded."));
      });
  }

  preview(item) {
    const isImage = IMAGE_TYPES.test(item.file.type);
    const remove = h(
      "button",
      {
        type: "button",
        class: "attachment__remove",
        title: gettext("Remove attachment"),
        "aria-label": interpolate(gettext("Remove %s"), [item.file.name]),
      },
      icon("close"),
    );
    remove.addEventListener("click", () => this.remove(item));
    let visual;
    if (isImage) {
      const url = URL.createObjectURL(item.file);
      item.objectUrl = url;
      visual = h("img", { class: "attachment__thumb", src: url, alt: item.file.name });
    } else {
      visual = h(
        "span",
        { class: "attachment__chip" },
        icon("file"),
        h(
          "span",
          { class: "attachment__text" },
          h("span", { class: "attachment__name" }, item.file.name),
          h("span", { class: "attachment__size" }, formatSize(item.file.size)),
        ),
      );
    }
    return h(
      "li",
      {
        class: `attachment attachment--${isImage ? "image" : "file"}`,
        dataset: { state: "uploading", key: item.key },
        title: item.file.name,
      },
      visual,
      remove,
    );
  }

  remove(item) {
    this.items = this.items.filter((candidate) => candidate !== item);
    if (item.request && !item.uploaded) item.request.abort();
    if (item.objectUrl) URL.revokeObjectURL(item.objectUrl);
    item.element.remove();
    this.strip.hidden = this.items.length === 0;
    this.onChange();
  }

  clear() {
    for (const item of [...this.items]) this.remove(item);
  }
}

/** Draw a message's attachments (image thumbnails linking to the full image, file chips). */
export function renderAttachments(element, files) {
  let list = element.querySelector(".message__files");
  if (!files || !files.length) {
    if (list) list.remove();
    return;
  }
  if (list && list.dataset.ids === files.map((file) => file.id).join(",")) return;
  const fresh = h(
    "ul",
    { class: "message__files", dataset: { ids: files.map((file) => file.id).join(",") } },
    files.map((file) => attachmentItem(file)),
  );
  if (list) {
    list.replaceWith(fresh);
  } else {
    element.querySelector(".message__text").before(fresh);
  }
}

function attachmentItem(file) {
  if (file.kind === "image") {
    return h(
      "li",
      { class: "message-file message-file--image" },
      h(
        "a",
        { href: file.url, target: "_blank", rel: "noopener", title: file.name },
        h("img", {
          src: file.url,
          alt: file.name,
          loading: "lazy",
          width: file.width || null,
          height: file.height || null,
        }),
      ),
    );
  }
  return h(
    "li",
    { class: "message-file message-file--file" },
    h(
      "a",
      { class: "attachment__chip", href: file.url, download: file.name, title: file.name },
      icon("file"),
      h(
        "span",
        { class: "attachment__text" },
        h("span", { class: "attachment__name" }, file.name),
        h(
          "span",
          { class: "attachment__size" },
          formatSize(file.size || 0),
          file.truncated ? ` · ${gettext("Truncated to fit the model")}` : "",
        ),
      ),
    ),
  );
}
