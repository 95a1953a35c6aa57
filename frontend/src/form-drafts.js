// Forms marked data-keep-draft="<key>" keep what the user typed in localStorage until the
// form is submitted and the page that follows confirms the save. If the browser closes,
// the session expires or the save fails, the text comes back with a notice.
import { formatDateTime, gettext, interpolate } from "./i18n.js";

const PREFIX = "entente:draft:";

// When the text was kept, as the page's language and the user's time zone write dates.
const when = (at) => formatDateTime(new Date(at).toISOString());

function fieldsOf(form) {
  return Array.from(form.querySelectorAll("textarea, input[type=text], input:not([type])")).filter(
    (el) => el.name,
  );
}

export function keepFormDrafts(root) {
  // A page that confirms a save names the key it saved; forget that draft.
  root.querySelectorAll("[data-saved-draft]").forEach((el) => {
    localStorage.removeItem(PREFIX + el.dataset.savedDraft);
  });
  root.querySelectorAll("form[data-keep-draft]").forEach((form) => {
    const key = PREFIX + form.dataset.keepDraft;
    const base = form.dataset.keepDraftBase || "";
    const stored = localStorage.getItem(key);
    if (stored) {
      try {
        const saved = JSON.parse(stored);
        const fields = fieldsOf(form);
        const differs = fields.some((el) => saved.values[el.name] !== undefined && saved.values[el.name] !== el.value);
        if (differs && saved.base === base) {
          fields.forEach((el) => {
            if (saved.values[el.name] !== undefined) el.value = saved.values[el.name];
          });
          announce(
            form,
            interpolate(
              gettext("Your unsaved text from %(when)s was restored. Save it, or reload the page after clearing it."),
              { when: when(saved.at) },
            ),
          );
        } else if (differs) {
          announce(
            form,
            interpolate(
              gettext("You have unsaved text from %(when)s, but the article changed since. It is kept in this browser; copy what you need before saving."),
              { when: when(saved.at) },
            ),
            saved,
          );
        }
      } catch (e) {
        localStorage.removeItem(key);
      }
    }
    let dirty = false;
    const save = () => {
      const values = {};
      fieldsOf(form).forEach((el) => (values[el.name] = el.value));
      localStorage.setItem(key, JSON.stringify({ base, at: Date.now(), values }));
    };
    form.addEventListener("input", () => {
      dirty = true;
      save();
    });
    form.addEventListener("submit", () => {
      dirty = false;
    });
    window.addEventListener("beforeunload", (event) => {
      if (dirty) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  });
}

function announce(form, message, saved) {
  const note = document.createElement("div");
  note.className = "note";
  note.setAttribute("role", "status");
  note.textContent = message;
  if (saved) {
    const pre = document.createElement("details");
    const summary = document.createElement("summary");
    summary.textContent = gettext("Show the unsaved text");
    pre.appendChild(summary);
    Object.entries(saved.values).forEach(([name, value]) => {
      // Treaty text is never shown in monospace: a div keeps the line breaks (white-space:
      // pre-wrap) in the serif face, marked with the field's language for Mincho.
      const block = document.createElement("div");
      block.className = "unsaved-text";
      const field = form.elements.namedItem(name);
      if (field && field.lang) block.lang = field.lang;
      block.textContent = name + ":\n" + value;
      pre.appendChild(block);
    });
    note.appendChild(pre);
  }
  form.parentNode.insertBefore(note, form);
}
