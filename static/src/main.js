// Entry point of the bundle: styles, the preference menus on every page, and the chat page's
// modules only where there is a chat (the sign-in pages stay light).
import "../css/app.css";
import "../css/provider-keys.css";
import "../css/organise.css";
import "../css/parameters.css";
import { initPreferences } from "./preferences.js";

function start() {
  initPreferences();
  const root = document.getElementById("chat");
  if (root) {
    import("./chat.js")
      .then(({ initChat }) => initChat(root))
      .catch((error) => console.error("The chat could not start.", error));
  }
  const shared = document.getElementById("shared");
  const settings = document.getElementById("settings-chats");
  if (shared || settings) {
    import("./shared.js")
      .then(({ initShared, initSettings }) => (shared ? initShared(shared) : initSettings(settings)))
      .catch((error) => console.error("The page could not start.", error));
  }
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start, { once: true });
} else {
  start();
}
