// Same-origin POSTs carrying Django's CSRF token.

export function csrfToken() {
  const cookie = document.cookie
    .split(";")
    .map((part) => part.trim())
    .find((part) => part.startsWith("csrftoken="));
  if (cookie) return decodeURIComponent(cookie.slice("csrftoken=".length));
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta && meta.content) return meta.content;
  const input = document.querySelector('input[name="csrfmiddlewaretoken"]');
  return input ? input.value : "";
}

/** POST form fields; resolves to the parsed JSON answer, rejects on a network or HTTP error. */
export async function postForm(url, fields = {}) {
  const body = fields instanceof FormData ? fields : new URLSearchParams(fields);
  const response = await fetch(url, {
    method: "POST",
    body,
    credentials: "same-origin",
    headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "XMLHttpRequest", Accept: "application/json" },
  });
  const contentType = response.headers.get("Content-Type") || "";
  const data = contentType.includes("application/json") ? await response.json() : null;
  if (!response.ok || (data && data.ok === false)) {
    const error = new Error((data && data.message) || `HTTP ${response.status}`);
    error.readable = Boolean(data && data.message);
    throw error;
  }
  return data;
}
