// The review side panel: an article's comment threads and suggestions for one language, beside
// the text they are anchored to. On the co-editing page the text is the live editor (threads'
// marks follow every edit, and the list is fetched again after the text changed, since the
// server moves the anchors); on the article page it is a read-only copy of the text.
//
// Reviewers and drafters select text and press “Comment” (Ctrl-Alt-M) or “Suggest”; drafters
// accept or reject suggestions. The API's refusals ({detail}) are read out in a live region and
// the form keeps what was typed.

import { formatDateTime, gettext, interpolate } from "../i18n.js";
import { EditorState } from "@codemirror/state";
import { EditorView, keymap } from "@codemirror/view";

import { reviewField, setReview } from "./decorations.js";
import { insertMention, mentionAt, mentionMatches } from "./mention.js";

const REFRESH_AFTER_EDIT_MS = 1500; // wait for the edit to be synced, then ask where anchors are
const REFRESH_MIN_GAP_MS = 3000;
const POLL_MS = 15000; // others' new comments
// The language of a text, named in the interface's language (looked up when shown).
const LANGUAGE_NAMES = { en: () => gettext("English"), ja: () => gettext("Japanese") };

let uid = 0;
const nextId = (prefix) => `${prefix}-${++uid}`;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

class ApiError extends Error {
  constructor(status, body) {
    super((body && body.detail) || interpolate(gettext("The server answered %(status)s."), { status }));
    this.status = status;
    this.code = body && body.code;
  }
}

const when = (iso) => formatDateTime(iso);

/** The read-only text of one language on the article page, as a CodeMirror view (so that
 * selections and marks use the same UTF-16 offsets as the live editor). */
class StaticHost {
  constructor(mount, text, language) {
    this.mount = mount;
    this.text = text;
    this.language = language;
    this.extensions = [];
    this.view = null;
    this.listeners = [];
  }

  addExtension(extension) {
    this.extensions.push(extension);
  }

  onView(listener) {
    if (this.view) listener(this.view);
    else this.listeners.push(listener);
  }

  open() {
    this.view = new EditorView({
      state: this.state(this.text),
    });
    this.mount.replaceChildren(this.view.dom);
    this.mount.classList.add("review-static");
    for (const listener of this.listeners) listener(this.view);
  }

  state(text) {
    return EditorState.create({
      doc: text,
      extensions: [
        EditorState.readOnly.of(true),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({
          "aria-readonly": "true",
          "aria-label": interpolate(gettext("%(language)s wording as it stands, with comments"), {
            language: LANGUAGE_NAMES[this.language] ? LANGUAGE_NAMES[this.language]() : this.language,
          }),
          lang: this.language,
        }),
        ...this.extensions,
      ],
    });
  }

  replaceText(text) {
    if (this.view) this.view.setState(this.state(text));
  }

  selectionOffsets() {
    if (!this.view) return null;
    const { from, to } = this.view.state.selection.main;
    return { from, to, text: this.view.state.sliceDoc(from, to) };
  }

  inStep() {
    return true;
  }
}

/** An accessible @mention autocomplete on a textarea: a listbox under it, arrow keys to move,
 * Enter or Tab to take a name, Escape to close. `ready()` resolves true once the members are
 * known: an "@" typed before then (or after a failed load) waits for them instead of finding
 * no one. */
function attachMentions(textarea, members, ready) {
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

function visibilityField(name) {
  const both = nextId("vis");
  const mine = nextId("vis");
  return el(
    "fieldset",
    { class: "review-form__visibility" },
    el("legend", { text: gettext("Visible to") }),
    el("input", { type: "radio", name, id: both, value: "both", checked: true }),
    el("label", { for: both, text: gettext("Both delegations") }),
    " ",
    el("input", { type: "radio", name, id: mine, value: "delegation" }),
    el("label", { for: mine, text: gettext("My delegation only") }),
  );
}

export class ReviewPanel {
  constructor(root, host) {
    this.root = root;
    this.host = host;
    root.reviewPanel = this; // for scripts and tests
    const data = root.dataset;
    this.articleId = Number(data.article);
    this.draftId = Number(data.draft);
    this.language = data.language || "en";
    this.csrf = data.csrf || "";
    this.username = data.username || "";
    this.canComment = data.canComment === "true";
    this.canDecide = data.canDecide === "true";
    this.align = data.align === "true";
    this.apiRoot = (data.draftsUrl || "/api/v1/drafts/").replace(/drafts\/$/, "");
    this.threads = [];
    this.suggestions = [];
    this.members = [];
    this.membersLoad = null;
    this.me = null;
    this.filters = { status: "open", mine: false, delegation: "" };
    this.pendingAnchor = null; // the span a form is about, mapped through edits
    this.openForms = new Map(); // key -> form element, kept across re-renders
    this.lastRefresh = 0;
    this.refreshTimer = null;
    this.view = null;
    this.build();
    host.addExtension([
      reviewField(),
      keymap.of([
        { key: "Ctrl-Alt-m", run: () => this.openNew("comment") },
        { key: "Ctrl-Alt-s", run: () => this.openNew("suggestion") },
      ]),
      EditorView.updateListener.of((update) => {
        if (!update.docChanged) return;
        if (this.pendingAnchor) {
          const a = this.pendingAnchor;
          a.from = update.changes.mapPos(a.from, 1);
          a.to = Math.max(a.from, update.changes.mapPos(a.to, -1));
        }
        this.scheduleRefresh(REFRESH_AFTER_EDIT_MS);
      }),
      EditorView.domEventHandlers({
        click: (event) => {
          const mark = event.target.closest && event.target.closest("[data-thread],[data-suggestion]");
          if (!mark) return false;
          const key = mark.dataset.thread
            ? `thread-${mark.dataset.thread}`
            : `suggestion-${mark.dataset.suggestion}`;
          this.activate(key, false);
          return false;
        },
      }),
    ]);
    host.onView((view) => {
      this.view = view;
      this.refresh();
    });
    this.membersReady();
    this.poll = setInterval(() => {
      if (document.visibilityState === "visible") this.refresh();
    }, POLL_MS);
  }

  // ---- the server -------------------------------------------------------------------------

  async api(path, method = "GET", body = undefined) {
    const headers = { Accept: "application/json" };
    if (method !== "GET") headers["X-CSRFToken"] = this.csrf;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(this.apiRoot + path, {
        method,
        headers,
        credentials: "same-origin",
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, { detail: gettext("The server cannot be reached. Try again.") });
    }
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }

  async all(path) {
    const items = [];
    let url = path;
    for (let page = 0; page < 10 && url; page += 1) {
      const data = await this.api(url);
      if (Array.isArray(data)) return data;
      items.push(...(data.results || []));
      url = data.next ? data.next.slice(data.next.indexOf(this.apiRoot) + this.apiRoot.length) : "";
    }
    return items;
  }

  /** The members, loaded once; a failed load is forgotten so that the next "@" asks again. */
  membersReady() {
    if (!this.membersLoad) this.membersLoad = this.loadMembers();
    return this.membersLoad;
  }

  async loadMembers() {
    try {
      const members = await this.all(`drafts/${this.draftId}/members/?page_size=200`);
      this.me = members.find((m) => m.username === this.username) || null;
      // Only those who can read threads can be mentioned: never the US consultees.
      this.members = members.filter((m) => m.role !== "consultee" && m.username !== this.username);
      return true;
    } catch {
      this.membersLoad = null;
      return false;
    }
  }

  mentionable(form) {
    const vis = form && form.querySelector("input[type=radio]:checked");
    if (vis && vis.value === "delegation" && this.me) {
      return this.members.filter((m) => m.delegation === this.me.delegation);
    }
    return this.members;
  }

  scheduleRefresh(delay) {
    clearTimeout(this.refreshTimer);
    const gap = this.lastRefresh + REFRESH_MIN_GAP_MS - Date.now();
    this.refreshTimer = setTimeout(() => this.refresh(), Math.max(delay, gap, 0));
  }

  async refresh() {
    if (!this.view) return;
    this.lastRefresh = Date.now();
    const f = this.filters;
    const query = new URLSearchParams({ language: this.language, page_size: "200" });
    if (f.status) query.set("status", f.status);
    if (f.mine) query.set("mine", "1");
    if (f.delegation) query.set("delegation", f.delegation);
    try {
      const [threads, suggestions] = await Promise.all([
        this.all(`articles/${this.articleId}/threads/?${query}`),
        this.all(`articles/${this.articleId}/suggestions/?language=${this.language}&page_size=200`),
      ]);
      if (!this.host.inStep()) {
        // The anchors are the server's; this text has changes it has not seen yet.
        this.scheduleRefresh(REFRESH_AFTER_EDIT_MS);
        return;
      }
      this.threads = threads;
      this.suggestions = f.mine
        ? suggestions.filter((s) => s.created_by === this.username)
        : suggestions.filter((s) => !f.delegation || s.delegation === f.delegation);
      this.decorate();
      this.render();
    } catch (error) {
      this.say(interpolate(gettext("Could not load comments: %(reason)s"), { reason: error.message }));
    }
  }

  decorate() {
    if (!this.view) return;
    this.view.dispatch({
      effects: setReview.of({
        threads: this.threads,
        suggestions: this.suggestions,
        active: this.active || "",
      }),
    });
  }

  // ---- the panel --------------------------------------------------------------------------

  build() {
    const root = this.root;
    this.live = el("p", {
      class: "review-panel__live",
      "aria-live": "polite",
      "aria-atomic": "true",
      "data-testid": "review-live",
    });
    const tools = el("div", { class: "review-panel__tools" });
    if (this.canComment) {
      tools.append(
        el("button", {
          type: "button",
          class: "small",
          "aria-keyshortcuts": "Control+Alt+M",
          title: gettext("Comment on the selected text (Ctrl+Alt+M)"),
          "data-testid": "review-comment-button",
          text: gettext("Comment"),
          onclick: () => this.openNew("comment"),
        }),
        el("button", {
          type: "button",
          class: "small",
          "aria-keyshortcuts": "Control+Alt+S",
          title: gettext("Propose wording for the selected text (Ctrl+Alt+S)"),
          "data-testid": "review-suggest-button",
          text: gettext("Suggest"),
          onclick: () => this.openNew("suggestion"),
        }),
        el("span", { class: "hint", text: gettext("Select text first.") }),
      );
    }
    const statusId = nextId("filter");
    const delegationId = nextId("filter");
    const mineId = nextId("filter");
    const filters = el(
      "div",
      { class: "review-panel__filters", role: "group", "aria-label": gettext("Show") },
      el("label", { for: statusId, text: gettext("Show") }),
      el(
        "select",
        {
          id: statusId,
          "data-testid": "review-filter-status",
          onchange: (e) => this.setFilter("status", e.target.value),
        },
        el("option", { value: "open", text: gettext("Open"), selected: true }),
        el("option", { value: "resolved", text: gettext("Resolved") }),
        el("option", { value: "", text: gettext("All") }),
      ),
      el("label", { for: delegationId, text: gettext("From") }),
      el(
        "select",
        { id: delegationId, onchange: (e) => this.setFilter("delegation", e.target.value) },
        el("option", { value: "", text: gettext("Both delegations") }),
        el("option", { value: "UK", text: gettext("UK") }),
        el("option", { value: "JP", text: gettext("Japan") }),
      ),
      el(
        "label",
        { class: "review-panel__mine", for: mineId },
        el("input", {
          type: "checkbox",
          id: mineId,
          onchange: (e) => this.setFilter("mine", e.target.checked),
        }),
        gettext("Mine"),
      ),
    );
    this.formSlot = el("div", { class: "review-panel__form" });
    this.list = el("ol", { class: "review-list", "data-testid": "review-list" });
    this.decided = el("details", { class: "review-decided", hidden: true });
    root.append(tools, this.live, this.formSlot, filters, this.list, this.decided);
  }

  setFilter(name, value) {
    this.filters[name] = value;
    this.refresh();
  }

  say(text) {
    this.live.textContent = "";
    this.live.classList.toggle("review-panel__live--error", /^Could not|^Not /.test(text));
    setTimeout(() => {
      this.live.textContent = text;
    }, 30);
  }

  openNew(kind) {
    if (!this.canComment) return false;
    const sel = this.host.selectionOffsets();
    if (!sel || sel.from === sel.to) {
      this.say(
        kind === "comment"
          ? gettext("Not started: select the words first, then press Comment.")
          : gettext("Not started: select the words first, then press Suggest."),
      );
      return true;
    }
    this.pendingAnchor = { from: sel.from, to: sel.to, quote: sel.text };
    const form = kind === "comment" ? this.commentForm(sel.text) : this.suggestionForm(sel.text);
    this.formSlot.replaceChildren(form);
    form.querySelector("textarea").focus();
    return true;
  }

  closeNew() {
    this.pendingAnchor = null;
    this.formSlot.replaceChildren();
  }

  quote(text) {
    const shown = text.length > 160 ? `${text.slice(0, 160)}…` : text;
    return el("blockquote", { class: "review-quote", lang: this.language, text: shown });
  }

  commentForm(quote) {
    const id = nextId("comment");
    const form = el("form", { class: "review-form", "data-testid": "review-comment-form" });
    const textarea = el("textarea", { id, rows: "4", required: true, "aria-describedby": `${id}-hint` });
    form.append(
      el("h3", { text: gettext("New comment on") }),
      this.quote(quote),
      el("label", { for: id, text: gettext("Comment") }),
      textarea,
      attachMentions(textarea, () => this.mentionable(form), () => this.membersReady()),
      el("p", { class: "hint", id: `${id}-hint`, text: gettext("Markdown. Type @ to mention a member.") }),
      visibilityField(nextId("visibility")),
      el(
        "div",
        { class: "review-form__actions" },
        el("button", { type: "submit", class: "primary small", text: gettext("Submit") }),
        el("button", { type: "button", class: "small link", text: gettext("Cancel"), onclick: () => this.closeNew() }),
      ),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const a = this.pendingAnchor;
      if (!a) return;
      await this.submit(form, () =>
        this.api(`articles/${this.articleId}/threads/`, "POST", {
          language: this.language,
          anchor_start: a.from,
          anchor_end: a.to,
          body: textarea.value,
          visibility: form.querySelector("input[type=radio]:checked").value,
        }),
      gettext("Comment added."));
    });
    return form;
  }

  suggestionForm(quote) {
    const id = nextId("suggestion");
    const form = el("form", { class: "review-form", "data-testid": "review-suggestion-form" });
    const textarea = el("textarea", { id, rows: "3", lang: this.language });
    textarea.value = quote;
    const noteId = nextId("note");
    const note = el("input", { id: noteId, type: "text", maxlength: "5000" });
    form.append(
      el("h3", { text: gettext("Suggest wording for") }),
      this.quote(quote),
      el("label", { for: id, text: gettext("Replacement wording") }),
      textarea,
      el("label", { for: noteId, text: gettext("Note (optional)") }),
      note,
      visibilityField(nextId("visibility")),
      el(
        "div",
        { class: "review-form__actions" },
        el("button", { type: "submit", class: "primary small", text: gettext("Submit suggestion") }),
        el("button", { type: "button", class: "small link", text: gettext("Cancel"), onclick: () => this.closeNew() }),
      ),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const a = this.pendingAnchor;
      if (!a) return;
      await this.submit(form, () =>
        this.api(`articles/${this.articleId}/suggestions/`, "POST", {
          language: this.language,
          anchor_start: a.from,
          anchor_end: a.to,
          replacement: textarea.value,
          note: note.value,
          visibility: form.querySelector("input[type=radio]:checked").value,
        }),
      gettext("Suggestion added."));
    });
    return form;
  }

  /** Sends a form's request; on success closes it and reloads, on refusal says why and keeps
   * what was typed. */
  async submit(form, send, done, onSuccess = () => this.closeNew()) {
    const buttons = form.querySelectorAll("button");
    buttons.forEach((b) => (b.disabled = true));
    try {
      await send();
      onSuccess();
      this.say(done);
      await this.refresh();
      return true;
    } catch (error) {
      this.say(interpolate(gettext("Not saved: %(reason)s"), { reason: error.message }));
      return false;
    } finally {
      buttons.forEach((b) => (b.disabled = false));
    }
  }

  // ---- the list ---------------------------------------------------------------------------

  render() {
    if (this.list.contains(document.activeElement) && document.activeElement.tagName !== "BUTTON") {
      // Someone is typing in the list (a reply, an edit): the marks are up to date, the list
      // waits for the next refresh.
      this.scheduleRefresh(REFRESH_MIN_GAP_MS);
      return;
    }
    const attached = [];
    const detached = [];
    for (const t of this.threads) (t.detached ? detached : attached).push({ kind: "thread", at: t.anchor_start, item: t });
    const pending = this.suggestions.filter((s) => s.status === "pending");
    for (const s of pending) attached.push({ kind: "suggestion", at: s.anchor_start, item: s });
    attached.sort((a, b) => a.at - b.at);
    const items = [...attached, ...detached].map((entry) =>
      entry.kind === "thread" ? this.threadItem(entry.item) : this.suggestionItem(entry.item),
    );
    this.list.replaceChildren(...items);
    if (!items.length) {
      this.list.append(el("li", { class: "empty", text: this.filters.status === "open" ? gettext("No open comments or suggestions.") : gettext("Nothing to show.") }));
    }
    const decided = this.suggestions.filter((s) => s.status !== "pending");
    this.decided.hidden = decided.length === 0;
    this.decided.replaceChildren(
      el("summary", { text: interpolate(gettext("Decided suggestions (%(count)s)"), { count: decided.length }) }),
      el("ol", { class: "review-list" }, ...decided.map((s) => this.suggestionItem(s))),
    );
    if (this.align) requestAnimationFrame(() => this.alignItems());
  }

  /** Moves each card down to its span's height where there is room (the co-editing page). */
  alignItems() {
    if (!this.view || getComputedStyle(this.root).position === "static") return;
    if (this.root.getBoundingClientRect().left < this.view.dom.getBoundingClientRect().right) return;
    for (const li of this.list.children) {
      li.style.marginTop = "";
      const at = Number(li.dataset.at);
      if (Number.isNaN(at) || li.dataset.detached === "true") continue;
      const coords = this.view.coordsAtPos(Math.min(at, this.view.state.doc.length));
      if (!coords) continue;
      const gap = coords.top - li.getBoundingClientRect().top;
      if (gap > 0) li.style.marginTop = `${gap}px`;
    }
  }

  activate(key, select = true) {
    this.active = key;
    this.decorate();
    for (const li of this.list.children) li.classList.toggle("review-item--active", li.dataset.key === key);
    const li = [...this.list.children].find((x) => x.dataset.key === key);
    if (li && !select) li.scrollIntoView({ block: "nearest" });
    if (select && this.view) {
      const [kind, id] = key.split("-");
      const source = kind === "thread" ? this.threads : this.suggestions;
      const item = source.find((x) => String(x.id) === id);
      if (item && !item.detached) {
        const len = this.view.state.doc.length;
        this.view.dispatch({
          selection: { anchor: Math.min(item.anchor_start, len), head: Math.min(item.anchor_end, len) },
          scrollIntoView: true,
        });
      }
    }
  }

  currentText(item) {
    if (!this.view || item.detached) return item.quote || item.original || "";
    const len = this.view.state.doc.length;
    return this.view.state.sliceDoc(Math.min(item.anchor_start, len), Math.min(item.anchor_end, len));
  }

  visibilityTag(item) {
    return item.visibility === "delegation"
      ? el("span", {
          class: "tag tag--internal",
          text: interpolate(gettext("%(delegation)s only"), { delegation: item.delegation }),
        })
      : null;
  }

  threadItem(t) {
    const key = `thread-${t.id}`;
    const li = el("li", {
      class: `review-item review-thread review-thread--${t.status}${t.detached ? " review-thread--detached" : ""}`,
      "data-testid": "review-thread",
      "data-key": key,
      "data-at": String(t.anchor_start),
      "data-detached": String(Boolean(t.detached)),
    });
    const head = el(
      "div",
      { class: "review-item__head" },
      el("span", { class: `tag tag--${t.status}`, text: t.status === "open" ? gettext("Open") : gettext("Resolved") }),
      t.detached ? el("span", { class: "tag tag--detached", "data-testid": "review-detached", text: gettext("detached") }) : null,
      this.visibilityTag(t),
      el("button", {
        type: "button",
        class: "link small review-item__show",
        text: t.detached ? "" : gettext("Show in text"),
        hidden: t.detached,
        onclick: () => this.activate(key),
      }),
    );
    const quote = t.detached ? t.quote : this.currentText(t);
    li.append(head, this.quote(quote));
    if (t.detached) li.append(el("p", { class: "hint", text: gettext("The words it was on were deleted; this is what they read.") }));
    const comments = el("ol", { class: "review-comments" });
    for (const c of t.comments || []) comments.append(this.commentItem(c));
    li.append(comments);
    if (this.canComment) li.append(this.threadActions(t));
    return li;
  }

  commentItem(c) {
    const li = el("li", { class: "review-comment", "data-testid": "review-comment" });
    const meta = el(
      "p",
      { class: "review-comment__meta" },
      el("strong", { text: c.author }),
      " ",
      el("time", { datetime: c.created_at, class: "muted", text: when(c.created_at) }),
      c.edited ? el("span", { class: "tag", "data-testid": "review-edited", text: gettext("edited") }) : null,
    );
    // What people wrote stays as written (translate="no", as the pages mark it).
    const body = el("div", { class: "review-comment__body", translate: "no" });
    body.innerHTML = c.body_html; // rendered and sanitised by the server
    li.append(meta, body);
    if (c.author === this.username) {
      const key = `edit-${c.id}`;
      const open = this.openForms.get(key);
      if (open) li.append(open);
      else {
        li.append(
          el("button", {
            type: "button",
            class: "link small",
            text: gettext("Edit"),
            onclick: (e) => {
              const form = this.editForm(c, key);
              this.openForms.set(key, form);
              e.target.replaceWith(form);
              form.querySelector("textarea").focus();
            },
          }),
        );
      }
    }
    return li;
  }

  editForm(c, key) {
    const id = nextId("edit");
    const form = el("form", { class: "review-form review-form--inline" });
    const textarea = el("textarea", { id, rows: "3" });
    textarea.value = c.body;
    form.append(
      el("label", { for: id, text: gettext("Edit your comment") }),
      textarea,
      attachMentions(textarea, () => this.members, () => this.membersReady()),
      el(
        "div",
        { class: "review-form__actions" },
        el("button", { type: "submit", class: "primary small", text: gettext("Save") }),
        el("button", {
          type: "button",
          class: "small link",
          text: gettext("Cancel"),
          onclick: () => {
            this.openForms.delete(key);
            this.refresh();
          },
        }),
      ),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      await this.submit(
        form,
        () => this.api(`comments/${c.id}/`, "PATCH", { body: textarea.value }),
        gettext("Comment saved."),
        () => this.openForms.delete(key),
      );
    });
    return form;
  }

  threadActions(t) {
    const actions = el("div", { class: "review-item__actions" });
    const key = `reply-${t.id}`;
    const open = this.openForms.get(key);
    if (t.status === "open") {
      if (open) actions.append(open);
      else {
        actions.append(
          el("button", {
            type: "button",
            class: "small",
            text: gettext("Reply"),
            onclick: () => {
              const form = this.replyForm(t, key);
              this.openForms.set(key, form);
              actions.prepend(form);
              form.querySelector("textarea").focus();
            },
          }),
        );
      }
    }
    const verb = t.status === "open" ? "resolve" : "reopen";
    actions.append(
      el("button", {
        type: "button",
        class: "small",
        "data-testid": `review-${verb}`,
        text: t.status === "open" ? gettext("Resolve") : gettext("Reopen"),
        onclick: async (e) => {
          e.target.disabled = true;
          try {
            await this.api(`threads/${t.id}/${verb}/`, "POST", {});
            this.say(t.status === "open" ? gettext("Thread resolved.") : gettext("Thread reopened."));
            await this.refresh();
          } catch (error) {
            this.say(interpolate(gettext("Not saved: %(reason)s"), { reason: error.message }));
            e.target.disabled = false;
          }
        },
      }),
    );
    return actions;
  }

  replyForm(t, key) {
    const id = nextId("reply");
    const form = el("form", { class: "review-form review-form--inline", "data-testid": "review-reply-form" });
    const textarea = el("textarea", { id, rows: "3", required: true });
    form.append(
      el("label", { for: id, text: gettext("Reply") }),
      textarea,
      attachMentions(
        textarea,
        () => (t.visibility === "delegation" ? this.members.filter((m) => m.delegation === t.delegation) : this.members),
        () => this.membersReady(),
      ),
      el(
        "div",
        { class: "review-form__actions" },
        el("button", { type: "submit", class: "primary small", text: gettext("Reply") }),
        el("button", {
          type: "button",
          class: "small link",
          text: gettext("Cancel"),
          onclick: () => {
            this.openForms.delete(key);
            form.remove();
            this.refresh();
          },
        }),
      ),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      await this.submit(
        form,
        () => this.api(`threads/${t.id}/comments/`, "POST", { body: textarea.value }),
        gettext("Reply added."),
        () => this.openForms.delete(key),
      );
    });
    return form;
  }

  suggestionItem(s) {
    const key = `suggestion-${s.id}`;
    const li = el("li", {
      class: `review-item review-suggestion review-suggestion--${s.status}${s.stale ? " review-suggestion--stale" : ""}`,
      "data-testid": "review-suggestion",
      "data-key": key,
      "data-at": String(s.anchor_start),
    });
    const statusText =
      { pending: gettext("Suggestion"), accepted: gettext("Accepted"), rejected: gettext("Rejected") }[s.status] || s.status;
    li.append(
      el(
        "div",
        { class: "review-item__head" },
        el("span", { class: `tag tag--suggestion tag--${s.status}`, text: statusText }),
        this.visibilityTag(s),
        s.status === "pending" && !s.stale
          ? el("button", { type: "button", class: "link small review-item__show", text: gettext("Show in text"), onclick: () => this.activate(key) })
          : null,
      ),
      el(
        "p",
        { class: "review-suggestion__change", lang: this.language },
        el("del", { text: s.original || "" }),
        " ",
        el("span", { class: "visually-hidden", text: gettext("replaced by") }),
        el("ins", { text: s.replacement || "" }),
      ),
      el(
        "p",
        { class: "review-comment__meta" },
        el("strong", { text: s.created_by }),
        " ",
        el("time", { datetime: s.created_at, class: "muted", text: when(s.created_at) }),
      ),
    );
    if (s.note) li.append(el("p", { class: "review-suggestion__note", translate: "no", text: s.note }));
    if (s.stale && s.status === "pending") {
      li.append(el("p", { class: "review-stale", "data-testid": "review-stale", text: gettext("stale — the text changed since") }));
    }
    if (s.status !== "pending") {
      const values = { who: s.decided_by || "?", revision: s.revision_number };
      const decided = interpolate(
        s.status === "accepted"
          ? s.revision_number
            ? gettext("Accepted by %(who)s in revision %(revision)s")
            : gettext("Accepted by %(who)s")
          : s.revision_number
            ? gettext("Rejected by %(who)s in revision %(revision)s")
            : gettext("Rejected by %(who)s"),
        values,
      );
      li.append(el("p", { class: "hint", text: decided }));
      if (s.reason) li.append(el("p", { class: "review-suggestion__note", text: `Reason: ${s.reason}` }));
    }
    if (s.status === "pending" && this.canDecide) li.append(this.decideActions(s));
    return li;
  }

  decideActions(s) {
    const actions = el("div", { class: "review-item__actions" });
    if (!s.stale) {
      actions.append(
        el("button", {
          type: "button",
          class: "primary small",
          "data-testid": "review-accept",
          text: gettext("Accept"),
          onclick: async (e) => {
            e.target.disabled = true;
            try {
              await this.api(`suggestions/${s.id}/accept/`, "POST", {});
              this.say(gettext("Suggestion accepted: the text now reads the proposed wording."));
              await this.afterAccept();
            } catch (error) {
              this.say(interpolate(gettext("Not accepted: %(reason)s"), { reason: error.message }));
              e.target.disabled = false;
              this.refresh();
            }
          },
        }),
      );
    }
    const key = `reject-${s.id}`;
    const reasonId = nextId("reason");
    const form = this.openForms.get(key) || el("form", { class: "review-form review-form--inline", hidden: true });
    if (!this.openForms.has(key)) {
      const reason = el("textarea", { id: reasonId, rows: "2", required: true });
      form.append(
        el("label", { for: reasonId, text: gettext("Reason for rejecting (required)") }),
        reason,
        el(
          "div",
          { class: "review-form__actions" },
          el("button", { type: "submit", class: "danger small", text: gettext("Reject suggestion") }),
          el("button", {
            type: "button",
            class: "small link",
            text: gettext("Cancel"),
            onclick: () => {
              form.hidden = true;
              this.openForms.delete(key);
            },
          }),
        ),
      );
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        if (!reason.value.trim()) {
          this.say(gettext("Not rejected: give a reason."));
          reason.focus();
          return;
        }
        await this.submit(
          form,
          () => this.api(`suggestions/${s.id}/reject/`, "POST", { reason: reason.value }),
          gettext("Suggestion rejected."),
          () => this.openForms.delete(key),
        );
      });
    }
    actions.append(
      el("button", {
        type: "button",
        class: "small",
        "data-testid": "review-reject",
        text: gettext("Reject…"),
        hidden: !form.hidden,
        onclick: (e) => {
          form.hidden = false;
          this.openForms.set(key, form);
          e.target.hidden = true;
          form.querySelector("textarea").focus();
        },
      }),
      form,
    );
    return actions;
  }

  async afterAccept() {
    if (this.host.replaceText) {
      try {
        const article = await this.api(`articles/${this.articleId}/`);
        this.host.replaceText(article[`text_${this.language}`] || "");
      } catch {
        // the list below still says it was accepted
      }
    }
    await this.refresh();
  }
}

/** A review panel on every [data-review] element: beside the live editor of the same language
 * when there is one, else over the read-only text named by data-text. */
export function reviewMount(root = document) {
  const panels = [];
  for (const panelRoot of root.querySelectorAll("[data-review]")) {
    const language = panelRoot.dataset.language || "en";
    let host = null;
    const editor = [...root.querySelectorAll("[data-coedit]")].find(
      (x) => x.coeditor && (x.dataset.language || "en") === language,
    );
    if (editor) host = editor.coeditor;
    else if (panelRoot.dataset.text) {
      const mount = document.getElementById(panelRoot.dataset.textMount);
      const source = document.getElementById(panelRoot.dataset.text);
      if (!mount || !source) continue;
      host = new StaticHost(mount, JSON.parse(source.textContent), language);
    }
    if (!host) continue;
    panels.push(new ReviewPanel(panelRoot, host));
    if (host instanceof StaticHost) host.open();
  }
  return panels;
}
