// The interface's words in the page's language. Django's JavaScript catalogue (the /jsi18n/
// view, domain "djangojs", loaded by base.html just before this bundle) defines gettext,
// ngettext and interpolate on window; where it is absent (node's tests, a page that did not
// load it) the English text is used as it is. Strings are looked up when they are shown, never
// at import, so that the catalogue is always the one of the page.
//
// Why Django's catalogue rather than one bundled into entente.js: one toolchain for every
// string (makemessages -d djangojs reads frontend/src, the same .po workflow as the pages),
// one bundle for every language (cacheable, no rebuild per language), and the language is
// the one the server chose for the user (their preference), not a guess in the browser.

const scope = typeof window !== "undefined" ? window : globalThis;

export function gettext(msgid) {
  return typeof scope.gettext === "function" ? scope.gettext(msgid) : msgid;
}

export function ngettext(singular, plural, count) {
  if (typeof scope.ngettext === "function") return scope.ngettext(singular, plural, count);
  return count === 1 ? singular : plural;
}

/** "%(name)s" placeholders filled from `values` (the Python format the .po files use). */
export function interpolate(format, values) {
  return format.replace(/%\((\w+)\)s/g, (_, key) => String(values[key]));
}

/** A text language's name in the interface language ("Japanese", 日本語): the browser's one
 * table of them, as drafting/labels.py is the server's. An unknown code is shown as it is. */
export function languageName(code) {
  if (code === "en") return gettext("English");
  if (code === "ja") return gettext("Japanese");
  return code;
}

/** The page's language and the user's time zone, which base.html states (<html lang>,
 * <meta name="time-zone">): the browser's own zone is not the one the user chose. */
export function pageLocale() {
  const doc = scope.document;
  if (!doc) return { lang: "en-GB", timeZone: undefined };
  const meta = doc.querySelector('meta[name="time-zone"]');
  return { lang: doc.documentElement.lang || "en-GB", timeZone: (meta && meta.content) || undefined };
}

/** A moment as the pages write it for this user: in the page's language (1 Dec 2026, 09:30 /
 * 2026年12月1日 9:30) and in the user's time zone. */
export function formatDateTime(iso, { lang, timeZone } = pageLocale()) {
  if (!iso) return "";
  const options = { dateStyle: lang.startsWith("ja") ? "long" : "medium", timeStyle: "short" };
  try {
    return new Date(iso).toLocaleString(lang, { ...options, timeZone });
  } catch {
    // An unknown zone name (RangeError): the browser's own zone rather than no date.
    return new Date(iso).toLocaleString(lang, options);
  }
}
