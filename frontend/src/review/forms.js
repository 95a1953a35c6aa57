// The review panel's forms: a new comment, a suggestion, a reply, an edit and a rejection's
// reason, with their validation, the @mention autocomplete and the drafts that keep what was
// typed. A form sends nothing itself: it hands its values to `onSubmit(form, values)` and
// calls `onClose()` on Cancel or Escape (the panel closes it and puts the focus back).
//
// Nothing typed is thrown away: what a form holds is kept as a draft (this browser's
// localStorage) until it is saved, and a form opened again on the same thread, comment or
// suggestion, or a new comment or suggestion form, comes back with it.

import { gettext } from "../i18n.js";
import { el, nextId } from "./dom.js";
import { insertMention, mentionAt, mentionMatches } from "./mention.js";
import { quoteBlock } from "./render.js";

// ---- validation (pure) --------------------------------------------------------------------

/** Why a comment, reply or edit cannot be sent, or "" when it can. */
export function bodyProblem(body) {
  return body && body.trim() ? "" : gettext("Not saved: write the comment first.");
}

/** Why a rejection cannot be sent, or "" when it can. */
export function reasonProblem(reason) {
  return reason && reason.trim() ? "" : gettext("Not rejected: give a reason.");
}

/** The API request body of a new thread on the span `anchor` ({from, to}). */
export function threadPayload(anchor, values, language) {
  return {
    language,
    anchor_start: anchor.from,
    anchor_end: anchor.to,
    body: values.body,
    visibility: values.visibility || "both",
  };
}

/** The API request body of a new suggestion on the span `anchor` ({from, to}). */
export function suggestionPayload(anchor, values, language) {
  return {
    language,
    anchor_start: anchor.from,
    anchor_end: anchor.to,
    replacement: values.replacement,
    note: values.note || "",
    visibility: values.visibility || "both",
  };
}

// ---- drafts -------------------------------------------------------------------------------

/** True when `values` hold something typed: some field differs from what the form opened with. */
export function worthKeeping(values, initial = {}) {
  return Object.entries(values).some(
    ([name, value]) => name !== "visibility" && typeof value === "string" && value !== (initial[name] ?? ""),
  );
}

/** Drafts of the review forms of one article and language, by form key ("comment",
 * "suggestion", "reply-3", "edit-12", "reject-7"). `storage` is localStorage unless a test gives
 * another; a storage that refuses (full, private browsing) leaves the drafts in memory. */
export class DraftStore {
  constructor(prefix, storage = null) {
    this.prefix = prefix;
    this.storage = storage;
    this.memory = new Map();
  }

  get(key) {
    if (this.memory.has(key)) return this.memory.get(key);
    try {
      const stored = this.storage && this.storage.getItem(this.prefix + key);
      return stored ? JSON.parse(stored) : null;
    } catch {
      return null;
    }
  }

  /** Keeps `values` for `key`, or forgets the draft when nothing in them was typed. */
  set(key, values, initial = {}) {
    if (!worthKeeping(values, initial)) {
      this.clear(key);
      return;
    }
    this.memory.set(key, values);
    try {
      if (this.storage) this.storage.setItem(this.prefix + key, JSON.stringify(values));
    } catch {
      // kept in memory for this page
    }
  }

  clear(key) {
    this.memory.delete(key);
    try {
      if (this.storage) this.storage.removeItem(this.prefix + key);
    } catch {
      // nothing was stored
    }
  }
}

/** The named fields' values of a form; radio groups named `visibility` by their data-field. */
export function formValues(form) {
  const values = {};
  for (const field of form.querySelectorAll("textarea[data-field], input[data-field]")) {
    if (field.type === "radio") {
      if (field.checked) values[field.dataset.field] = field.value;
    } else values[field.dataset.field] = field.value;
  }
  return values;
}

function fillForm(form, values) {
  for (const field of form.querySelectorAll("textarea[data-field], input[data-field]")) {
    const value = values[field.dataset.field];
    if (value === undefined) continue;
    if (field.type === "radio") field.checked = field.value === value;
    else field.value = value;
  }
}

/** Restores a kept draft into `form` (saying so) and keeps every change as the draft. */
function keepDraft(form, drafts, key) {
  const initial = formValues(form);
  const saved = drafts.get(key);
  if (saved && worthKeeping(saved, initial)) {
    fillForm(form, saved);
    form.prepend(
      el("p", { class: "hint", role: "status", "data-testid": "review-draft-restored", text: gettext("Your unsaved text was restored.") }),
    );
  }
  const save = () => drafts.set(key, formValues(form), initial);
  form.addEventListener("input", save);
  form.addEventListener("change", save);
}

// ---- the pieces of a form -----------------------------------------------------------------

/** An accessible @mention autocomplete on a textarea: a listbox under it, arrow keys to move,
 * Enter or Tab to take a name, Escape to close (and only the list). `ready()` resolves true
 * once the members are known: an "@" typed before then (or after a failed load) waits for
 * them instead of finding no one. */
export function attachMentions(textarea, members, ready) {
  const listId = nextId("mentions");
  const list = el("ul", {
    class: "mention-list",
    role: "listbox",
    id: listId,
    "aria-label": gettext("Members to mention"),
    hidden: true,
    "data-testid": "mention-list",
  });
  textarea.setAttribute("role", "combobox");
  textarea.setAttribute("aria-autocomplete", "list");
  textarea.setAttribute("aria-controls", listId);
  textarea.setAttribute("aria-expanded", "false");
  let options = [];
  let index = -1;
  let mention = null;
  let loaded = false;

  const close = () => {
    list.hidden = true;
    options = [];
    index = -1;
    mention = null;
    textarea.setAttribute("aria-expanded", "false");
    textarea.removeAttribute("aria-activedescendant");
  };
  const highlight = (i) => {
    index = i;
    [...list.children].forEach((li, n) => li.setAttribute("aria-selected", String(n === i)));
    const current = list.children[i];
    if (current) {
      textarea.setAttribute("aria-activedescendant", current.id);
      current.scrollIntoView({ block: "nearest" });
    }
  };
  const choose = (member) => {
    if (!mention) return;
    const caret = textarea.selectionStart;
    const next = insertMention(textarea.value, mention.start, caret, member.username);
    textarea.value = next.text;
    textarea.setSelectionRange(next.caret, next.caret);
    close();
    textarea.focus();
    // The draft keeps the completed name too.
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  };
  const update = () => {
    mention = mentionAt(textarea.value, textarea.selectionStart);
    if (!mention || textarea.selectionStart !== textarea.selectionEnd) return close();
    if (!loaded) {
      ready().then((ok) => {
        loaded = ok;
        if (ok && document.activeElement === textarea) update();
      });
    }
    options = mentionMatches(members(), mention.query);
    if (!options.length) return close();
    list.replaceChildren(
      ...options.map((m) =>
        el(
          "li",
          {
            role: "option",
            id: nextId("mention"),
            class: "mention-list__option",
            "aria-selected": "false",
            onmousedown: (event) => {
              event.preventDefault();
              choose(m);
            },
          },
          el("strong", { text: `@${m.username}` }),
          ` ${m.name && m.name !== m.username ? m.name : ""} `,
          el("span", { class: "muted", text: `${m.delegation} ${m.role}` }),
        ),
      ),
    );
    list.hidden = false;
    textarea.setAttribute("aria-expanded", "true");
    highlight(0);
  };
  textarea.addEventListener("input", update);
  // Closed a moment after the focus leaves (so that a click on an option lands first), unless
  // the focus came back meanwhile: someone who left and returned at once is typing again.
  textarea.addEventListener("blur", () =>
    setTimeout(() => {
      if (document.activeElement !== textarea) close();
    }, 150),
  );
  textarea.addEventListener("keydown", (event) => {
    if (list.hidden || !options.length) return;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      highlight((index + 1) % options.length);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      highlight((index - 1 + options.length) % options.length);
    } else if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      choose(options[Math.max(index, 0)]);
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      close();
    }
  });
  return list;
}

function visibilityField() {
  const name = nextId("visibility");
  const both = nextId("vis");
  const mine = nextId("vis");
  return el(
    "fieldset",
    { class: "review-form__visibility" },
    el("legend", { text: gettext("Visible to") }),
    el("input", { type: "radio", name, id: both, value: "both", checked: true, "data-field": "visibility" }),
    el("label", { for: both, text: gettext("Both delegations") }),
    " ",
    el("input", { type: "radio", name, id: mine, value: "delegation", "data-field": "visibility" }),
    el("label", { for: mine, text: gettext("My delegation only") }),
  );
}

function actions(submitText, submitClass, onClose) {
  return el(
    "div",
    { class: "review-form__actions" },
    el("button", { type: "submit", class: `${submitClass} small`, text: submitText }),
    el("button", { type: "button", class: "small link", text: gettext("Cancel"), onclick: () => onClose() }),
  );
}

/** Wires a form: Escape (not taken by the mention list) closes it, submitting hands over
 * its values. */
function wire(form, { onSubmit, onClose }) {
  form.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !event.defaultPrevented) {
      event.preventDefault();
      onClose();
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    onSubmit(form, formValues(form));
  });
  return form;
}

// ---- the forms ----------------------------------------------------------------------------

/** A new comment on the selected words `quote`. */
export function commentForm({ quote, language, drafts, mentionable, membersReady, onSubmit, onClose }) {
  const id = nextId("comment");
  const form = el("form", { class: "review-form", "data-testid": "review-comment-form" });
  const textarea = el("textarea", { id, rows: "4", required: true, "aria-describedby": `${id}-hint`, "data-field": "body" });
  form.append(
    el("h3", { text: gettext("New comment on") }),
    quoteBlock(quote, language),
    el("label", { for: id, text: gettext("Comment") }),
    textarea,
    attachMentions(textarea, () => mentionable(form), membersReady),
    el("p", { class: "hint", id: `${id}-hint`, text: gettext("Markdown. Type @ to mention a member.") }),
    visibilityField(),
    actions(gettext("Submit"), "primary", onClose),
  );
  keepDraft(form, drafts, "comment");
  return wire(form, { onSubmit, onClose });
}

/** New wording for the selected words `quote` (the field starts with them). */
export function suggestionForm({ quote, language, drafts, onSubmit, onClose }) {
  const id = nextId("suggestion");
  const form = el("form", { class: "review-form", "data-testid": "review-suggestion-form" });
  const textarea = el("textarea", { id, rows: "3", lang: language, "data-field": "replacement" });
  textarea.value = quote;
  const noteId = nextId("note");
  form.append(
    el("h3", { text: gettext("Suggest wording for") }),
    quoteBlock(quote, language),
    el("label", { for: id, text: gettext("Replacement wording") }),
    textarea,
    el("label", { for: noteId, text: gettext("Note (optional)") }),
    el("input", { id: noteId, type: "text", maxlength: "5000", "data-field": "note" }),
    visibilityField(),
    actions(gettext("Submit suggestion"), "primary", onClose),
  );
  keepDraft(form, drafts, "suggestion");
  return wire(form, { onSubmit, onClose });
}

/** A reply in thread `thread`; `key` names its draft. */
export function replyForm({ key, drafts, members, membersReady, onSubmit, onClose }) {
  const id = nextId("reply");
  const form = el("form", { class: "review-form review-form--inline", "data-testid": "review-reply-form" });
  const textarea = el("textarea", { id, rows: "3", required: true, "data-field": "body" });
  form.append(
    el("label", { for: id, text: gettext("Reply") }),
    textarea,
    attachMentions(textarea, members, membersReady),
    actions(gettext("Reply"), "primary", onClose),
  );
  keepDraft(form, drafts, key);
  return wire(form, { onSubmit, onClose });
}

/** An edit of one's own comment (its Markdown `body`); `key` names its draft. */
export function editForm({ key, body, drafts, members, membersReady, onSubmit, onClose }) {
  const id = nextId("edit");
  const form = el("form", { class: "review-form review-form--inline", "data-testid": "review-edit-form" });
  const textarea = el("textarea", { id, rows: "3", "data-field": "body" });
  textarea.value = body;
  form.append(
    el("label", { for: id, text: gettext("Edit your comment") }),
    textarea,
    attachMentions(textarea, members, membersReady),
    actions(gettext("Save"), "primary", onClose),
  );
  keepDraft(form, drafts, key);
  return wire(form, { onSubmit, onClose });
}

/** The reason for rejecting a suggestion; `key` names its draft. */
export function rejectForm({ key, drafts, onSubmit, onClose }) {
  const id = nextId("reason");
  const form = el("form", { class: "review-form review-form--inline", "data-testid": "review-reject-form" });
  form.append(
    el("label", { for: id, text: gettext("Reason for rejecting (required)") }),
    el("textarea", { id, rows: "2", required: true, "data-field": "reason" }),
    actions(gettext("Reject suggestion"), "danger", onClose),
  );
  keepDraft(form, drafts, key);
  return wire(form, { onSubmit, onClose });
}
