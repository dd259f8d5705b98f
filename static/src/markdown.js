// Assistant text as sanitised Markdown: markdown-it (no raw HTML) -> DOMPurify -> the page,
// with highlight.js colouring fenced code and a "Copy" button on each code block.
import MarkdownIt from "markdown-it";
import DOMPurify from "dompurify";
import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import c from "highlight.js/lib/languages/c";
import cpp from "highlight.js/lib/languages/cpp";
import csharp from "highlight.js/lib/languages/csharp";
import css from "highlight.js/lib/languages/css";
import diff from "highlight.js/lib/languages/diff";
import dockerfile from "highlight.js/lib/languages/dockerfile";
import go from "highlight.js/lib/languages/go";
import ini from "highlight.js/lib/languages/ini";
import java from "highlight.js/lib/languages/java";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import markdown from "highlight.js/lib/languages/markdown";
import php from "highlight.js/lib/languages/php";
import plaintext from "highlight.js/lib/languages/plaintext";
import python from "highlight.js/lib/languages/python";
import ruby from "highlight.js/lib/languages/ruby";
import rust from "highlight.js/lib/languages/rust";
import shell from "highlight.js/lib/languages/shell";
import sql from "highlight.js/lib/languages/sql";
import typescript from "highlight.js/lib/languages/typescript";
import xml from "highlight.js/lib/languages/xml";
import yaml from "highlight.js/lib/languages/yaml";
import { copyText } from "./clipboard.js";
import { h, icon } from "./dom.js";
import { gettext } from "./i18n.js";

const languages = {
  bash, c, cpp, csharp, css, diff, dockerfile, go, ini, java, javascript, json, markdown,
  php, plaintext, python, ruby, rust, shell, sql, typescript, xml, yaml,
};
for (const [name, definition] of Object.entries(languages)) {
  hljs.registerLanguage(name, definition);
}

const markdownIt = new MarkdownIt({
  html: false,
  linkify: true,
  breaks: false,
  highlight(code, language) {
    const name = (language || "").trim().toLowerCase();
    if (name && hljs.getLanguage(name)) {
      try {
        return hljs.highlight(code, { language: name, ignoreIllegals: true }).value;
      } catch {
        // Fall through to markdown-it's own escaping.
      }
    }
    return "";
  },
});

// Links from a model open in a new tab and never get the opener.
DOMPurify.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A" && node.hasAttribute("href")) {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer nofollow");
  }
});

export function markdownToSafeHtml(text) {
  return DOMPurify.sanitize(markdownIt.render(text || ""), { FORBID_ATTR: ["style"], FORBID_TAGS: ["style"] });
}

/** Render `text` as Markdown into `element`, replacing what was there. */
export function renderMarkdown(element, text) {
  element.innerHTML = markdownToSafeHtml(text);
  element.removeAttribute("data-raw");
  decorateCodeBlocks(element);
}

function decorateCodeBlocks(root) {
  for (const pre of root.querySelectorAll("pre")) {
    const code = pre.querySelector("code");
    if (!code || pre.parentElement.classList.contains("code-block")) continue;
    code.classList.add("hljs");
    const languageClass = Array.from(code.classList).find((name) => name.startsWith("language-"));
    const language = languageClass ? languageClass.slice("language-".length) : "";
    const header = h(
      "div",
      { class: "code-block__header" },
      h("span", { class: "code-block__language" }, language),
      h(
        "button",
        { type: "button", class: "code-block__copy", "data-copy": "code" },
        icon("copy"),
        h("span", { class: "code-block__copy-label" }, gettext("Copy code")),
      ),
    );
    const wrapper = h("div", { class: "code-block" });
    pre.replaceWith(wrapper);
    wrapper.append(header, pre);
  }
}

/** One delegated listener for every code block's "Copy" button under `root`. */
export function enableCodeCopy(root) {
  root.addEventListener("click", async (event) => {
    const button = event.target.closest('[data-copy="code"]');
    if (!button || !root.contains(button)) return;
    const code = button.closest(".code-block")?.querySelector("pre code");
    if (!code) return;
    const copied = await copyText(code.textContent);
    flashCopied(button, copied, ".code-block__copy-label", gettext("Copy code"));
  });
}

/** Show "Copied!" (or the failure) on a copy button for a moment. */
export function flashCopied(button, copied, labelSelector, label) {
  const labelElement = button.querySelector(labelSelector);
  if (!labelElement) return;
  labelElement.textContent = copied ? gettext("Copied!") : gettext("Could not copy");
  button.classList.toggle("is-copied", copied);
  window.clearTimeout(button.copyTimer);
  button.copyTimer = window.setTimeout(() => {
    labelElement.textContent = label;
    button.classList.remove("is-copied");
  }, 1500);
}
