// Small DOM helpers shared by the modules.

/** Build an element: h("button", {class: "x", type: "button"}, "text", child, ...). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "dataset") {
      Object.assign(element.dataset, value);
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** An icon drawn by CSS (see .icon-* in app.css). */
export function icon(name) {
  return h("span", { class: `icon icon-${name}`, "aria-hidden": "true" });
}

/** Parse a json_script element; `fallback` when it is missing or broken. */
export function readJsonScript(id, fallback) {
  const element = document.getElementById(id);
  if (!element) return fallback;
  try {
    return JSON.parse(element.textContent);
  } catch {
    return fallback;
  }
}

/** A CSS attribute selector value, quoted safely. */
export function attributeSelector(name, value) {
  return `[${name}="${CSS.escape(String(value))}"]`;
}
