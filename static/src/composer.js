// The message box: grows with its text, Enter sends (not while an IME is composing),
// Shift+Enter makes a new line; while a reply streams it is disabled and Stop replaces Send.

const MAX_HEIGHT_PX = 200;

export class Composer {
  constructor({ form, input, sendButton, stopButton, errorBox }) {
    this.form = form;
    this.input = input;
    this.sendButton = sendButton;
    this.stopButton = stopButton;
    this.errorBox = errorBox;
    this.busy = false;
    this.composing = false;
    this.onSend = () => {};
    this.onStop = () => {};
    // Whether files are attached: a message may then go without text.
    this.hasAttachments = () => false;

    input.addEventListener("compositionstart", () => {
      this.composing = true;
    });
    input.addEventListener("compositionend", () => {
      // Safari fires the Enter keydown that ends a composition after compositionend.
      window.setTimeout(() => {
        this.composing = false;
      }, 0);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" || event.shiftKey || event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.isComposing || this.composing || event.keyCode === 229) return;
      event.preventDefault();
      this.submit();
    });
    input.addEventListener("input", () => {
      this.grow();
      this.refreshButtons();
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    stopButton.addEventListener("click", () => this.onStop());
    this.grow();
    this.refreshButtons();
  }

  get text() {
    return this.input.value;
  }

  set text(value) {
    this.input.value = value;
    this.grow();
    this.refreshButtons();
  }

  submit() {
    if (this.busy || (!this.input.value.trim() && !this.hasAttachments())) return;
    this.onSend(this.input.value);
  }

  /** Busy: a reply is on its way; `canStop` once there is a reply id to stop. */
  setBusy(busy, canStop = busy) {
    this.busy = busy;
    this.input.disabled = busy;
    this.form.classList.toggle("is-busy", busy);
    this.sendButton.hidden = busy;
    this.stopButton.hidden = !busy;
    this.stopButton.disabled = !canStop;
    this.refreshButtons();
  }

  refreshButtons() {
    this.sendButton.disabled = this.busy || (!this.input.value.trim() && !this.hasAttachments());
  }

  grow() {
    this.input.style.height = "auto";
    const height = Math.min(this.input.scrollHeight, MAX_HEIGHT_PX);
    this.input.style.height = `${height}px`;
    this.input.style.overflowY = this.input.scrollHeight > MAX_HEIGHT_PX ? "auto" : "hidden";
  }

  focus() {
    if (!this.input.disabled) this.input.focus({ preventScroll: true });
  }

  showError(message) {
    if (!this.errorBox) return;
    this.errorBox.textContent = message;
    this.errorBox.hidden = false;
  }

  clearError() {
    if (!this.errorBox) return;
    this.errorBox.textContent = "";
    this.errorBox.hidden = true;
  }
}
