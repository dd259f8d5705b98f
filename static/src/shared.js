// The public shared page and the "Archived and shared" settings page: Markdown for shared
// replies, "Copy link" buttons and a confirmation before deleting for good.
import { copyText } from "./clipboard.js";
import { gettext } from "./i18n.js";
import { enableCodeCopy, renderMarkdown } from "./markdown.js";

export function initShared(root) {
  for (const message of root.querySelectorAll('.message[data-role="assistant"]')) {
    const text = message.querySelector(".message__text");
    if (text) renderMarkdown(text, text.textContent);
    const thoughts = message.querySelector(".thoughts__text");
    if (thoughts) renderMarkdown(thoughts, thoughts.textContent);
  }
  enableCodeCopy(root);
}

export function initSettings(root) {
  root.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-copy]");
    if (!button) return;
    const copied = await copyText(button.dataset.copy);
    button.textContent = copied ? gettext("Copied") : gettext("Copy failed");
  });
  root.addEventListener("submit", (event) => {
    const question = event.target.dataset.confirm;
    if (question && !window.confirm(question)) event.preventDefault();
  });
}
