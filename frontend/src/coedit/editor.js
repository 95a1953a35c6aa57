// The live co-editing page: one article, one language, a CodeMirror 6 editor kept in sync with
// everyone else's by the docs/protocol.md client (client.js).
//
// Others' changes arrive as CodeMirror changes made from a diff of the old and the new local
// text, so the caret, the selection and the undo history map through them (the document is
// never replaced wholesale, and undo only undoes one's own typing). Nothing arrives during an
// IME composition: the answer waits until the composition ends. Every change is made
// synchronously between two of the user's keystrokes, so none is lost.
//
// Around the editor: a status line ("Saved", "Syncing…", "Offline — will retry", "Read only")
// that screen readers hear, who else is here, and the edits that did not go in (conflicts)
// with Copy, Re-apply and Dismiss.

import { Compartment, EditorState, StateEffect, StateField, Transaction } from "@codemirror/state";
import { Decoration, EditorView, WidgetType, keymap } from "@codemirror/view";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";

import { DIFF_DELETE, DIFF_EQUAL, diffChars } from "./diff.js";
import { SyncClient, Syncer, httpTransport } from "./client.js";
import { gettext, interpolate, ngettext } from "../i18n.js";
import { draftSocket } from "./socket.js";

// Looked up when shown (gettext at import would run before the catalogue could be read).
const STATUS_TEXT = {
  starting: () => gettext("Connecting…"),
  saved: () => gettext("Saved"),
  syncing: () => gettext("Syncing…"),
  offline: () => gettext("Offline — will retry"),
  "read-only": () => gettext("Read only"),
  error: () => gettext("Not saved — will retry"),
  gone: () => gettext("This article is no longer available to you"),
  locked: () => gettext("Agreed — read only"),
};

// Others' carets and selections, in their delegation's colour: replaced as a whole when the
// socket reports a move, mapped through every change in between (so a caret stays put in
// the text while the text around it changes).
const setCarets = StateEffect.define();

class CaretWidget extends WidgetType {
  constructor(name, delegation) {
    super();
    this.name = name;
    this.delegation = delegation;
  }

  eq(other) {
    return other.name === this.name && other.delegation === this.delegation;
  }

  toDOM() {
    const caret = document.createElement("span");
    caret.className = `remote-caret delegation--${this.delegation || "none"}`;
    caret.setAttribute("aria-hidden", "true");
    const label = document.createElement("span");
    label.className = "remote-caret__label";
    label.textContent = this.name;
    caret.append(label);
    return caret;
  }

  ignoreEvent() {
    return true;
  }
}

const remoteCarets = StateField.define({
  create: () => Decoration.none,
  update(carets, tr) {
    let value = carets.map(tr.changes);
    for (const effect of tr.effects) {
      if (effect.is(setCarets)) value = effect.value;
    }
    return value;
  },
  provide: (field) => EditorView.decorations.from(field),
});

function caretDecorations(people, length) {
  const ranges = [];
  for (const person of people) {
    const delegation = (person.user.delegation || "").toLowerCase();
    const from = Math.min(person.caret[0], length);
    const to = Math.min(person.caret[1], length);
    if (to > from) {
      ranges.push(
        Decoration.mark({
          class: `remote-selection delegation--${delegation || "none"}`,
          attributes: { title: person.user.name },
        }).range(from, to),
      );
    }
    ranges.push(
      Decoration.widget({
        widget: new CaretWidget(person.user.name || person.user.username, delegation),
        side: 1,
      }).range(to),
    );
  }
  return Decoration.set(ranges, true);
}

/** CodeMirror changes turning `oldText` into `newText`, in `oldText`'s coordinates. Made by
 * character (never cutting a surrogate pair) and cleaned up to whole words, so that the
 * caret keeps its place in the text around a change. */
export function changesBetween(oldText, newText) {
  const diffs = diffChars(oldText, newText, {
    cleanup: (dmp, d) => dmp.diff_cleanupSemantic(d),
  });
  const changes = [];
  let pos = 0;
  let current = null;
  for (const [op, text] of diffs) {
    if (op === DIFF_EQUAL) {
      if (current) changes.push(current);
      current = null;
      pos += text.length;
      continue;
    }
    if (!current) current = { from: pos, to: pos, insert: "" };
    if (op === DIFF_DELETE) {
      pos += text.length;
      current.to = pos;
    } else {
      current.insert += text;
    }
  }
  if (current) changes.push(current);
  return changes;
}

// Letters and digits of spaced scripts (Latin, Greek, Cyrillic) and inner apostrophes. A
// conflict's span is where the two edits differ, which may be part of a word ("full" of
// "fully"); shown and re-applied, it is widened to whole words of these scripts. Japanese has no
// spaces, and a conflict there is shown character by character, as its redlines are.
const WORD_BEFORE = /[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{Nd}'’]*$/u;
const WORD_AFTER = /^[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{Nd}'’]*/u;

/** A conflict as people read it: what was intended and what the text reads now, both widened
 * to whole words with the unchanged text around the span. */
export function wholeWords(intended, became, before = "", after = "") {
  const lead = intended && became ? (before || "").match(WORD_BEFORE)[0] : "";
  const trail = intended && became ? (after || "").match(WORD_AFTER)[0] : "";
  return {
    intended: intended ? lead + intended + trail : "",
    became: became ? lead + became + trail : "",
    before: (before || "").slice(0, (before || "").length - lead.length),
    after: (after || "").slice(trail.length),
  };
}

function element(tag, attrs = {}, text = "") {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") el.className = value;
    else el.setAttribute(key, value);
  }
  if (text) el.textContent = text;
  return el;
}

async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the old way
  }
  const area = element("textarea", { class: "visually-hidden", "aria-hidden": "true" });
  area.value = text;
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

class CoEditor {
  constructor(root) {
    this.root = root;
    root.coeditor = this; // for scripts and tests: root.coeditor.view is the CodeMirror view
    const data = root.dataset;
    this.language = data.language || "en";
    this.username = data.username || "";
    this.label = data.label || gettext("Article text");
    this.conflictsUrl = data.conflictsUrl;
    this.resolveUrl = data.resolveUrl; // ends in "/0/resolve/": 0 stands for the id
    this.mount = root.querySelector("[data-coedit-editor]");
    this.statusEl = root.querySelector("[data-coedit-status]");
    this.presenceEl = root.querySelector("[data-coedit-presence]");
    this.announceEl = root.querySelector("[data-coedit-announce]");
    this.conflictsEl = root.querySelector("[data-coedit-conflicts]");
    this.conflictList = root.querySelector("[data-coedit-conflict-list]");
    this.conflicts = new Map(); // key -> conflict
    this.localCount = 0;
    this.view = null;
    this.readOnly = new Compartment();
    // Hooks for other modules (review): extensions added to the editor, and listeners called
    // once the view exists. They change nothing about editing itself.
    this.extraCompartment = new Compartment();
    this.extraExtensions = [];
    this.viewListeners = [];
    this.shownStatus = "";
    this.transport = httpTransport({ csrfToken: data.csrf });
    this.client = new SyncClient({
      articleId: Number(data.article),
      language: this.language,
      apiRoot: data.apiRoot || "/api/v1/",
    });
    this.syncer = new Syncer(this.client, this.transport, {
      init: (text, readOnly) => this.createView(text, readOnly),
      getText: () => (this.view ? this.view.state.doc.toString() : this.client.text),
      applyText: (oldText, newText) => this.applyRemote(oldText, newText),
      isBusy: () => Boolean(this.view && (this.view.composing || this.view.compositionStarted)),
      onUpdate: (event) => this.update(event),
    });
    root.classList.add("coedit--live");
    this.articleId = Number(data.article);
    this.lastEditors = [];
    this.socket = data.draft ? draftSocket(Number(data.draft)) : null;
    if (this.socket) {
      this.unsubscribe = this.socket.subscribe({
        state: (socket) => {
          this.syncer.setPushed(socket.up);
          this.sendPresence();
          this.renderStatus(true);
          this.renderLive();
        },
        changed: (message) => this.remoteChanged(message),
        presence: () => this.renderSocketPresence(),
      });
      this.syncer.setPushed(this.socket.up);
    }
    this.renderStatus();
    this.syncer.start();
    window.addEventListener("online", () => this.syncer.syncSoon());
    window.addEventListener("beforeunload", (event) => {
      const unsaved = this.client.dirty || this.syncer.localChangesPending();
      if (unsaved && !this.client.readOnly) {
        this.syncer.syncSoon();
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }

  createView(text, readOnly) {
    const editorAttributes = {
      "aria-label": this.label,
      lang: this.language,
      spellcheck: "true",
      "aria-describedby": this.statusEl ? this.statusEl.id : "",
    };
    this.view = new EditorView({
      parent: this.mount,
      state: EditorState.create({
        doc: text,
        extensions: [
          history(),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of(editorAttributes),
          this.readOnly.of(this.readOnlyExtensions(readOnly)),
          this.extraCompartment.of(this.extraExtensions),
          remoteCarets,
          EditorView.updateListener.of((update) => {
            if (update.selectionSet || update.focusChanged) this.caretMoved();
            if (!update.docChanged) return;
            const local = update.transactions.some(
              (tr) => tr.docChanged && !tr.annotation(Transaction.remote),
            );
            if (local) this.syncer.touch();
          }),
          EditorView.domEventHandlers({
            compositionend: () => {
              // CodeMirror finishes the composition after this event; apply what waited then.
              setTimeout(() => this.syncer.resume(), 30);
            },
          }),
        ],
      }),
    });
    this.mount.querySelector("[data-coedit-fallback]")?.remove();
    this.mount.setAttribute("aria-busy", "false");
    for (const listener of this.viewListeners) listener(this.view);
  }

  /** Adds CodeMirror extensions (decorations, listeners) to the editor, now or when it opens. */
  addExtension(extension) {
    this.extraExtensions = [...this.extraExtensions, extension];
    if (this.view) {
      this.view.dispatch({ effects: this.extraCompartment.reconfigure(this.extraExtensions) });
    }
  }

  /** Calls `listener(view)` once the CodeMirror view exists (at once if it does). */
  onView(listener) {
    if (this.view) listener(this.view);
    else this.viewListeners.push(listener);
  }

  /** The main selection as UTF-16 offsets into the text (CodeMirror's own unit). */
  selectionOffsets() {
    if (!this.view) return null;
    const { from, to } = this.view.state.selection.main;
    return { from, to, text: this.view.state.sliceDoc(from, to) };
  }

  /** True when the text shown is the server's (nothing typed here waits to be sent). */
  inStep() {
    return !this.client.dirty && !this.syncer.localChangesPending();
  }

  /** The socket announced a change: sync now unless it is the change we just made. */
  remoteChanged(message) {
    if (message.article !== this.articleId || message.language !== this.language) return;
    // A co-edited revision is never coalesced: its number names one text, which we have
    // when our last sync answered with it.
    if (message.kind === "synced" && message.revision === this.client.revision) return;
    this.syncer.poke();
  }

  caretMoved() {
    if (this.caretTimer) return;
    // At most five caret messages a second: well inside the socket's rate limit.
    this.caretTimer = setTimeout(() => {
      this.caretTimer = null;
      this.sendPresence();
    }, 200);
  }

  sendPresence() {
    if (!this.socket || !this.socket.up) return;
    const message = { type: "presence", article: this.articleId, language: this.language };
    if (this.view && !this.socket.readOnly && this.view.hasFocus) {
      const { from, to } = this.view.state.selection.main;
      message.from = from;
      message.to = to;
    }
    this.socket.send(message);
  }

  /** Carets of others in this text, and the "Also here" line from the socket's presence. */
  renderSocketPresence() {
    if (!this.socket) return;
    const here = [...this.socket.people.values()].filter(
      (person) => person.article === this.articleId,
    );
    if (this.view) {
      const carets = here.filter((person) => person.caret && person.language === this.language);
      this.view.dispatch({
        effects: setCarets.of(caretDecorations(carets, this.view.state.doc.length)),
      });
    }
    this.renderPresence(this.lastEditors);
  }

  readOnlyExtensions(readOnly) {
    return readOnly
      ? [
          EditorState.readOnly.of(true),
          EditorView.contentAttributes.of({ "aria-readonly": "true" }),
        ]
      : [];
  }

  applyRemote(oldText, newText) {
    const view = this.view;
    if (!view) return;
    if (view.state.doc.toString() !== oldText) {
      // Cannot happen (the syncer reads the text just before); never lose the user's text.
      throw new Error("The editor changed while a change was being applied.");
    }
    const changes = changesBetween(oldText, newText);
    if (!changes.length) return;
    view.dispatch({
      changes,
      annotations: [Transaction.remote.of(true), Transaction.addToHistory.of(false)],
    });
  }

  update(event) {
    if (event.type === "started" && this.view) {
      this.view.dispatch({
        effects: this.readOnly.reconfigure(this.readOnlyExtensions(event.readOnly)),
      });
      this.root.classList.toggle("coedit--read-only", Boolean(event.readOnly));
    }
    if ((event.type === "locked" || event.locked) && this.view) {
      this.view.dispatch({ effects: this.readOnly.reconfigure(this.readOnlyExtensions(true)) });
      this.root.classList.add("coedit--read-only");
      this.showLocked(event.detail || event.locked, event.refused || "");
    }
    if (this.syncer.state === "gone" && this.view && !this.gone) {
      // Nothing typed now could be saved: stop taking changes, keep the text to copy.
      this.gone = true;
      this.view.dispatch({ effects: this.readOnly.reconfigure(this.readOnlyExtensions(true)) });
    }
    if (event.editors) {
      this.lastEditors = event.editors;
      this.renderPresence(event.editors);
    }
    for (const conflict of event.conflicts || []) this.addLocalConflict(conflict);
    for (const conflict of event.serverConflicts || []) this.addServerConflict(conflict);
    if (event.refreshConflicts) this.loadConflicts();
    this.renderStatus();
  }

  /** The article is agreed: say so where the status is, and keep what was typed to copy. */
  showLocked(detail, refused) {
    let notice = this.root.querySelector("[data-coedit-locked]");
    if (!notice) {
      notice = element("div", { class: "note coedit__locked", "data-coedit-locked": "", role: "alert" });
      notice.setAttribute("data-testid", "coedit-locked");
      this.statusEl?.parentElement?.after(notice);
    }
    notice.replaceChildren(element("p", {}, detail));
    if (refused && refused !== this.client.text) {
      const copy = element("button", { type: "button", class: "small" }, gettext("Copy what you typed"));
      copy.addEventListener("click", async () => {
        const ok = await copyText(refused);
        this.announce(ok ? "Copied." : "Could not copy.");
      });
      notice.append(element("p", {}, gettext("What you typed since the agreement was not saved.")), copy);
    }
    this.announce(detail);
  }

  renderStatus(force = false) {
    const status = this.syncer.status;
    if (!this.statusEl || (status === this.shownStatus && !force)) return;
    this.shownStatus = status;
    this.statusEl.dataset.state = status;
    this.statusEl.textContent = STATUS_TEXT[status] ? STATUS_TEXT[status]() : status;
    this.renderLive();
    const detail = this.syncer.detail;
    if (detail && (status === "error" || status === "gone")) this.statusEl.title = detail;
    else this.statusEl.removeAttribute("title");
  }

  /** Beside the status: whether others' changes are pushed or (socket down) polled. */
  renderLive() {
    if (!this.statusEl || !this.socket) return;
    if (!this.liveEl) {
      this.liveEl = element("span", { class: "coedit__live", "data-testid": "coedit-live" });
      this.statusEl.after(this.liveEl);
    }
    const polling = this.socket.failed && !this.socket.up;
    const state = this.socket.up ? "push" : polling ? "poll" : "";
    if (this.liveEl.dataset.state === state) return;
    this.liveEl.dataset.state = state;
    this.liveEl.textContent =
      state === "push"
        ? gettext("Live")
        : state === "poll"
          ? gettext("Live updates unavailable: checking for changes every few seconds")
          : "";
    this.liveEl.title =
      state === "push" ? gettext("Others' changes appear as they are made.") : "";
  }

  renderPresence(syncEditors) {
    if (!this.presenceEl) return;
    // Who the last sync saw, and who the socket says is in this article now (one per person).
    const editors = [...syncEditors];
    const known = new Set(editors.map((person) => person.username));
    for (const person of this.socket ? this.socket.people.values() : []) {
      if (person.article !== this.articleId || known.has(person.user.username)) continue;
      if (person.user.username === this.username) continue;
      known.add(person.user.username);
      editors.push({ ...person.user, language: person.language, read_only: person.read_only });
    }
    this.presenceEl.replaceChildren();
    if (!editors.length) {
      this.presenceEl.textContent = gettext("Nobody else is here.");
      return;
    }
    this.presenceEl.append(gettext("Also here: "));
    editors.forEach((person, index) => {
      if (index) this.presenceEl.append(gettext(", "));
      const delegation = (person.delegation || "").toLowerCase();
      const name = element(
        "span",
        { class: `presence__name${delegation ? ` delegation--${delegation}` : ""}` },
        person.name || person.username,
      );
      const elsewhere = person.language && person.language !== this.language;
      const notes = [
        person.delegation,
        elsewhere
          ? person.language === "ja"
            ? gettext("in the Japanese text")
            : gettext("in the English text")
          : "",
        person.read_only ? gettext("reading") : "",
      ].filter(Boolean);
      this.presenceEl.append(name);
      if (notes.length) this.presenceEl.append(` (${notes.join(gettext(", "))})`);
    });
  }

  addLocalConflict(conflict) {
    this.localCount += 1;
    const key = `local-${this.localCount}`;
    this.conflicts.set(key, {
      key,
      id: null,
      mine: true,
      ...wholeWords(
        conflict.ours,
        conflict.theirs,
        conflict.context_before,
        conflict.context_after,
      ),
    });
    this.renderConflicts(true);
  }

  addServerConflict(conflict) {
    if (conflict.resolved || (conflict.language && conflict.language !== this.language)) return;
    const key = `server-${conflict.id}`;
    const known = this.conflicts.has(key);
    this.conflicts.set(key, {
      key,
      id: conflict.id,
      mine: !conflict.author || conflict.author === this.username,
      author: conflict.author,
      ...wholeWords(
        conflict.intended,
        conflict.became,
        conflict.context_before,
        conflict.context_after,
      ),
    });
    this.renderConflicts(!known);
  }

  async loadConflicts() {
    if (!this.conflictsUrl) return;
    try {
      const { status, body } = await this.transport(this.conflictsUrl, null, "GET");
      if (status !== 200 || !body) return;
      for (const conflict of body.conflicts || []) this.addServerConflict(conflict);
    } catch {
      // Shown on the next successful sync instead.
    }
  }

  renderConflicts(announce = false) {
    if (!this.conflictsEl || !this.conflictList) return;
    this.conflictList.replaceChildren();
    const items = [...this.conflicts.values()];
    this.conflictsEl.hidden = items.length === 0;
    const count = this.conflictsEl.querySelector("[data-coedit-conflict-count]");
    if (count) count.textContent = String(items.length);
    for (const conflict of items) this.conflictList.append(this.conflictItem(conflict));
    if (announce && items.length) {
      this.announce(
        items.length === 1
          ? gettext("One edit did not go in: it overlapped someone else's. See “Edits that did not go in”.")
          : interpolate(
              ngettext(
                "%(count)s edit did not go in. See “Edits that did not go in”.",
                "%(count)s edits did not go in. See “Edits that did not go in”.",
                items.length,
              ),
              { count: items.length },
            ),
      );
    }
  }

  conflictItem(conflict) {
    const li = element("li", { class: "coedit-conflict", "data-testid": "coedit-conflict" });
    li.append(
      element(
        "p",
        { class: "coedit-conflict__who" },
        conflict.mine
          ? gettext("Your edit overlapped someone else's and did not go in.")
          : interpolate(gettext("An edit by %(author)s overlapped someone else's and did not go in."), {
              author: conflict.author,
            }),
      ),
    );
    const dl = element("dl", { class: "coedit-conflict__texts" });
    dl.append(element("dt", {}, gettext("Intended")));
    const intended = element("dd", { class: "coedit-conflict__intended", lang: this.language });
    intended.textContent = conflict.intended || gettext("(delete the passage)");
    dl.append(intended);
    dl.append(element("dt", {}, gettext("The text now reads")));
    const became = element("dd", { class: "coedit-conflict__became", lang: this.language });
    became.textContent = conflict.became || gettext("(nothing: it was deleted)");
    dl.append(became);
    if (conflict.before || conflict.after) {
      dl.append(element("dt", {}, gettext("Where")));
      const where = element("dd", { class: "coedit-conflict__where", lang: this.language });
      const before = conflict.before.slice(-30);
      const after = conflict.after.slice(0, 30);
      where.append(`${before.length < conflict.before.length ? "…" : ""}${before}`);
      where.append(element("mark", {}, conflict.became || "‸"));
      where.append(`${after}${after.length < conflict.after.length ? "…" : ""}`);
      dl.append(where);
    }
    li.append(dl);
    const actions = element("div", { class: "coedit-conflict__actions" });
    const copy = element("button", { type: "button", class: "small" }, gettext("Copy"));
    copy.addEventListener("click", async () => {
      const ok = await copyText(conflict.intended);
      this.announce(ok ? gettext("Intended text copied.") : gettext("Could not copy: select the text and copy it."));
    });
    actions.append(copy);
    if (this.view && !this.client.readOnly && conflict.intended) {
      const reapply = element("button", { type: "button", class: "small" }, gettext("Re-apply"));
      reapply.title = gettext("Insert the intended text at the cursor");
      reapply.addEventListener("click", () => {
        const view = this.view;
        view.dispatch(view.state.replaceSelection(conflict.intended), { scrollIntoView: true });
        view.focus();
        this.announce(gettext("Intended text inserted at the cursor."));
      });
      actions.append(reapply);
    }
    const dismiss = element("button", { type: "button", class: "small link" }, gettext("Dismiss"));
    dismiss.addEventListener("click", () => this.dismiss(conflict));
    actions.append(dismiss);
    li.append(actions);
    return li;
  }

  async dismiss(conflict) {
    if (conflict.id !== null && this.resolveUrl) {
      const url = this.resolveUrl.replace(/\/0\/resolve\/$/, `/${conflict.id}/resolve/`);
      try {
        const { status, body } = await this.transport(url, {});
        if (status !== 200) {
          this.announce(
            interpolate(gettext("Could not dismiss: %(reason)s"), {
              reason: (body && body.detail) || `HTTP ${status}`,
            }),
          );
          return;
        }
      } catch {
        this.announce(gettext("Could not dismiss: the server cannot be reached. Try again."));
        return;
      }
    }
    this.conflicts.delete(conflict.key);
    this.renderConflicts();
    this.announce(gettext("Dismissed."));
  }

  announce(text) {
    if (!this.announceEl) return;
    this.announceEl.textContent = "";
    setTimeout(() => {
      this.announceEl.textContent = text;
    }, 30);
  }
}

/** Starts a live editor on every [data-coedit] element of the page. */
export function coeditMount(root = document) {
  return [...root.querySelectorAll("[data-coedit]")].map((el) => coeditStart(el));
}

/** Starts the live editor on one [data-coedit] element (once: a started one is returned). */
export function coeditStart(el) {
  return el.coeditor || new CoEditor(el);
}
