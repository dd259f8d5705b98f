// Theme and language menus (#theme-select, #language-select): the theme applies at once and is
// saved in the background; a language change reloads the page in that language.
import { csrfToken } from "./http.js";

// The page may have moved on with pushState since it was rendered: come back to where it is now.
function pointNextHere(form) {
  const next = form.querySelector('input[name="next"]');
  if (next) next.value = window.location.pathname + window.location.search;
}

export function initPreferences() {
  const themeSelect = document.getElementById("theme-select");
  if (themeSelect && themeSelect.form) {
    themeSelect.addEventListener("change", () => {
      document.documentElement.dataset.theme = themeSelect.value;
      const form = themeSelect.form;
      pointNextHere(form);
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken() },
        redirect: "manual",
      }).catch(() => {
        // Applied to this page anyway; the next page load shows the stored choice.
      });
    });
  }
  const languageSelect = document.getElementById("language-select");
  if (languageSelect && languageSelect.form) {
    languageSelect.addEventListener("change", () => {
      pointNextHere(languageSelect.form);
      languageSelect.form.submit();
    });
  }
}
