// Wrappers over Django's JavaScript catalogue (the global gettext / ngettext / interpolate that
// the jsi18n script defines), passing English through when the catalogue did not load.

export function gettext(msgid) {
  return typeof globalThis.gettext === "function" ? globalThis.gettext(msgid) : msgid;
}

export function ngettext(singular, plural, count) {
  if (typeof globalThis.ngettext === "function") {
    return globalThis.ngettext(singular, plural, count);
  }
  return count === 1 ? singular : plural;
}

export function interpolate(format, values, named = false) {
  if (typeof globalThis.interpolate === "function") {
    return globalThis.interpolate(format, values, named);
  }
  if (named) {
    return format.replace(/%\(\w+\)s/g, (match) => String(values[match.slice(2, -2)]));
  }
  const queue = Array.from(values);
  return format.replace(/%s/g, () => String(queue.shift()));
}
