// The review side panel: an article's comment threads and suggestions for one language, beside
// the text they are anchored to. On the co-editing page the text is the live editor (threads'
// marks follow every edit, and the list is fetched again after the text changed, since the
// server moves the anchors); on the article page it is a read-only copy of the text.
//
// Reviewers and drafters select text and press “Comment” (Ctrl-Alt-M) or “Suggest”; drafters
// accept or reject suggestions. The API's refusals ({detail}) are read out in a live region and
// the form keeps what was typed. This module wires the pieces: the API client (api.js), the
// forms (forms.js) and the list's rendering (render.js).
//
// Keyboard and focus: Escape closes a form (its text is kept as a draft) and puts the focus
// back on what opened it; after a save the focus moves to the new or changed item and the live
// region says what happened. A failed load is said once and cleared by the next good one; the
// panel loads again when the network or the draft's socket comes back.

import { gettext, interpolate, languageName } from "../i18n.js";
import { EditorState } from "@codemirror/state";
import { EditorView, keymap } from "@codemirror/view";

import { ReviewApi } from "./api.js";
import { reviewField, setReview } from "./decorations.js";
import { el, nextId } from "./dom.js";
import {
  DraftStore,
  bodyProblem,
  commentForm,
  editForm,
  reasonProblem,
  rejectForm,
  replyForm,
  suggestionForm,
  suggestionPayload,
  threadPayload,
} from "./forms.js";
import { itemKey, renderLists, shownSuggestions } from "./render.js";

const REFRESH_AFTER_EDIT_MS = 1500; // wait for the edit to be synced, then ask where anchors are
const REFRESH_MIN_GAP_MS = 3000;
const POLL_MS = 15000; // others' new comments

function browserStorage() {
  try {
    return window.localStorage;
  } catch {
    return null; // storage refused: drafts stay in memory
  }
}

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
    this.socket = null;
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
            language: languageName(this.language),
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

export class ReviewPanel {
  constructor(root, host) {
    this.root = root;
    this.host = host;
    root.reviewPanel = this; // for scripts and tests
    const data = root.dataset;
    this.articleId = Number(data.article);
    this.draftId = Number(data.draft);
    this.language = data.language || "en";
    this.username = data.username || "";
    this.canComment = data.canComment === "true";
    this.canDecide = data.canDecide === "true";
    this.align = data.align === "true";
    this.apiRoot = (data.draftsUrl || "/api/v1/drafts/").replace(/drafts\/$/, "");
    this.client = new ReviewApi({ apiRoot: this.apiRoot, csrf: data.csrf || "" });
    this.drafts = new DraftStore(
      `entente:review:${this.username}:${this.articleId}:${this.language}:`,
      browserStorage(),
    );
    this.threads = [];
    this.suggestions = [];
    this.members = [];
    this.membersLoad = null;
    this.me = null;
    this.filters = { status: "open", mine: false, delegation: "" };
    this.pendingAnchor = null; // the span a form is about, mapped through edits
    this.opener = null; // what had the focus when the new comment or suggestion form opened
    this.openForms = new Map(); // key -> form element, kept across re-renders
    this.loadFailed = false; // the live region says the last load failed
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
            ? itemKey("thread", mark.dataset.thread)
            : itemKey("suggestion", mark.dataset.suggestion);
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
    // Back online, or the draft's socket up again: what was missed (or failed) loads now.
    window.addEventListener("online", () => this.refresh());
    if (host.socket) {
      let wasUp = host.socket.up;
      host.socket.subscribe({
        state: (socket) => {
          if (socket.up && !wasUp) this.refresh();
          wasUp = socket.up;
        },
        review: (message) => {
          if (message.article === this.articleId) this.scheduleRefresh(0);
        },
      });
    }
  }

  // ---- the server -------------------------------------------------------------------------

  api(path, method = "GET", body = undefined) {
    return this.client.request(path, method, body);
  }

  /** The members, loaded once; a failed load is forgotten so that the next "@" asks again. */
  membersReady() {
    if (!this.membersLoad) this.membersLoad = this.loadMembers();
    return this.membersLoad;
  }

  async loadMembers() {
    try {
      const members = await this.client.all(`drafts/${this.draftId}/members/?page_size=200`);
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
        this.client.all(`articles/${this.articleId}/threads/?${query}`),
        this.client.all(`articles/${this.articleId}/suggestions/?language=${this.language}&page_size=200`),
      ]);
      // The failure said before is over: the list below is current again.
      if (this.loadFailed) this.say("");
      if (!this.host.inStep()) {
        // The anchors are the server's; this text has changes it has not seen yet.
        this.scheduleRefresh(REFRESH_AFTER_EDIT_MS);
        return;
      }
      this.threads = threads;
      this.suggestions = shownSuggestions(suggestions, f, this.username);
      this.decorate();
      this.render();
    } catch (error) {
      this.say(interpolate(gettext("Could not load comments: %(reason)s"), { reason: error.message }), true);
      this.loadFailed = true;
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
      this.commentButton = el("button", {
        type: "button",
        class: "small",
        "aria-keyshortcuts": "Control+Alt+M",
        title: gettext("Comment on the selected text (Ctrl+Alt+M)"),
        "data-testid": "review-comment-button",
        text: gettext("Comment"),
        onclick: () => this.openNew("comment"),
      });
      tools.append(
        this.commentButton,
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
    this.list = el("ol", { class: "review-list", "data-testid": "review-list", tabindex: "-1" });
    this.decided = el("details", { class: "review-decided", hidden: true });
    root.append(tools, this.live, this.formSlot, filters, this.list, this.decided);
  }

  setFilter(name, value) {
    this.filters[name] = value;
    this.refresh();
  }

  /** Reads `text` out in the live region (emptied first, so that a repeat is read again). */
  say(text, error = false) {
    this.loadFailed = false; // whatever it said is replaced
    this.live.textContent = "";
    this.live.classList.toggle("review-panel__live--error", error);
    clearTimeout(this.sayTimer);
    if (text) {
      this.sayTimer = setTimeout(() => {
        this.live.textContent = text;
      }, 30);
    }
  }

  openNew(kind) {
    if (!this.canComment) return false;
    const sel = this.host.selectionOffsets();
    if (!sel || sel.from === sel.to) {
      this.say(
        kind === "comment"
          ? gettext("Not started: select the words first, then press Comment.")
          : gettext("Not started: select the words first, then press Suggest."),
        true,
      );
      return true;
    }
    const active = document.activeElement;
    if (!this.formSlot.contains(active)) this.opener = active;
    this.pendingAnchor = { from: sel.from, to: sel.to, quote: sel.text };
    const common = {
      quote: sel.text,
      language: this.language,
      drafts: this.drafts,
      onClose: () => this.closeNew(true),
    };
    const form =
      kind === "comment"
        ? commentForm({
            ...common,
            mentionable: (f) => this.mentionable(f),
            membersReady: () => this.membersReady(),
            onSubmit: (f, values) => this.sendNew(f, "comment", values),
          })
        : suggestionForm({ ...common, onSubmit: (f, values) => this.sendNew(f, "suggestion", values) });
    this.formSlot.replaceChildren(form);
    form.querySelector("textarea").focus();
    return true;
  }

  /** Closes the new comment or suggestion form (its text stays in the drafts); with
   * `refocus`, the focus goes back to what opened it. */
  closeNew(refocus = false) {
    this.pendingAnchor = null;
    this.formSlot.replaceChildren();
    if (!refocus) return;
    const opener = this.opener;
    this.opener = null;
    if (opener && opener.isConnected && opener !== document.body) opener.focus();
    else if (this.commentButton) this.commentButton.focus();
  }

  async sendNew(form, kind, values) {
    const a = this.pendingAnchor;
    if (!a) return;
    if (kind === "comment") {
      const problem = bodyProblem(values.body);
      if (problem) return this.refuse(form, problem);
      await this.submit(form, {
        send: () => this.api(`articles/${this.articleId}/threads/`, "POST", threadPayload(a, values, this.language)),
        done: gettext("Comment added."),
        draft: "comment",
        onSuccess: () => this.closeNew(),
        focus: (thread) => this.itemElement(itemKey("thread", thread && thread.id)),
      });
    } else {
      await this.submit(form, {
        send: () =>
          this.api(`articles/${this.articleId}/suggestions/`, "POST", suggestionPayload(a, values, this.language)),
        done: gettext("Suggestion added."),
        draft: "suggestion",
        onSuccess: () => this.closeNew(),
        focus: (suggestion) => this.itemElement(itemKey("suggestion", suggestion && suggestion.id)),
      });
    }
  }

  /** A form that cannot be sent: says why and puts the focus on its first field. */
  refuse(form, problem) {
    this.say(problem, true);
    form.querySelector("textarea").focus();
  }

  /** Sends a form's request; on success forgets its draft, closes it, reloads, moves the focus
   * to what `focus(answer)` names (else the list) and says `done`; on refusal says why and
   * keeps what was typed. */
  async submit(form, { send, done, draft, onSuccess, focus }) {
    const buttons = form.querySelectorAll("button");
    buttons.forEach((b) => (b.disabled = true));
    let answer;
    try {
      answer = await send();
    } catch (error) {
      this.say(interpolate(gettext("Not saved: %(reason)s"), { reason: error.message }), true);
      buttons.forEach((b) => (b.disabled = false));
      return false;
    }
    this.drafts.clear(draft);
    if (form.contains(document.activeElement)) document.activeElement.blur();
    onSuccess();
    this.say(done);
    await this.refresh();
    const target = (focus && focus(answer)) || this.list;
    target.focus();
    return true;
  }

  /** The list item (or comment) with `key`, in either list. */
  itemElement(key) {
    return this.root.querySelector(`[data-key="${key}"]`);
  }

  // ---- the list ---------------------------------------------------------------------------

  render() {
    const active = document.activeElement;
    const inLists = active && (this.list.contains(active) || this.decided.contains(active));
    if (inLists && active.matches("textarea, input, select")) {
      // Someone is typing in the list (a reply, an edit): the marks are up to date, the list
      // waits for the next refresh.
      this.scheduleRefresh(REFRESH_MIN_GAP_MS);
      return;
    }
    // The focus stays on the comment or item it was in (a button pressed, an item just saved).
    const comment = inLists ? active.closest("[data-comment]") : null;
    const item = inLists ? active.closest("[data-key]") : null;
    const refocus = comment
      ? `[data-comment="${comment.dataset.comment}"]`
      : item
        ? `[data-key="${item.dataset.key}"]`
        : null;
    const ctx = this.renderContext();
    const { items, decidedCount, decidedContent } = renderLists(
      { threads: this.threads, suggestions: this.suggestions, filters: this.filters },
      ctx,
    );
    this.list.replaceChildren(...items);
    this.decided.hidden = decidedCount === 0;
    this.decided.replaceChildren(...decidedContent);
    if (inLists && !this.root.contains(document.activeElement)) {
      ((refocus && this.root.querySelector(refocus)) || this.list).focus();
    }
    if (this.align) requestAnimationFrame(() => this.alignItems());
  }

  renderContext() {
    return {
      language: this.language,
      username: this.username,
      canComment: this.canComment,
      canDecide: this.canDecide,
      currentText: (item) => this.currentText(item),
      activate: (key) => this.activate(key),
      threadActions: (t) => this.threadActions(t),
      commentControls: (c) => this.commentControls(c),
      decideActions: (s) => this.decideActions(s),
    };
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

  // ---- the controls in the list -------------------------------------------------------------

  /** An inline form in place of the button that opens it; Cancel or Escape puts the button
   * back (the text stays in the drafts) with the focus on it. */
  inlineForm(key, makeButton, makeForm) {
    const open = this.openForms.get(key);
    if (open) return open;
    const button = makeButton(() => {
      const form = makeForm(() => {
        this.openForms.delete(key);
        const again = this.inlineForm(key, makeButton, makeForm);
        form.replaceWith(again);
        again.focus();
      });
      this.openForms.set(key, form);
      button.replaceWith(form);
      form.querySelector("textarea").focus();
    });
    return button;
  }

  commentControls(c) {
    const key = `edit-${c.id}`;
    return this.inlineForm(
      key,
      (open) => el("button", { type: "button", class: "link small", text: gettext("Edit"), onclick: open }),
      (close) =>
        editForm({
          key,
          body: c.body,
          drafts: this.drafts,
          members: () => this.members,
          membersReady: () => this.membersReady(),
          onClose: close,
          onSubmit: (form, values) => {
            const problem = bodyProblem(values.body);
            if (problem) return this.refuse(form, problem);
            return this.submit(form, {
              send: () => this.api(`comments/${c.id}/`, "PATCH", { body: values.body }),
              done: gettext("Comment saved."),
              draft: key,
              onSuccess: () => this.openForms.delete(key),
              focus: () => this.root.querySelector(`[data-comment="${c.id}"]`),
            });
          },
        }),
    );
  }

  threadActions(t) {
    const actions = el("div", { class: "review-item__actions" });
    const key = `reply-${t.id}`;
    if (t.status === "open") {
      actions.append(
        this.inlineForm(
          key,
          (open) => el("button", { type: "button", class: "small", text: gettext("Reply"), onclick: open }),
          (close) =>
            replyForm({
              key,
              drafts: this.drafts,
              members: () =>
                t.visibility === "delegation" ? this.members.filter((m) => m.delegation === t.delegation) : this.members,
              membersReady: () => this.membersReady(),
              onClose: close,
              onSubmit: (form, values) => {
                const problem = bodyProblem(values.body);
                if (problem) return this.refuse(form, problem);
                return this.submit(form, {
                  send: () => this.api(`threads/${t.id}/comments/`, "POST", { body: values.body }),
                  done: gettext("Reply added."),
                  draft: key,
                  onSuccess: () => this.openForms.delete(key),
                  focus: (comment) =>
                    this.root.querySelector(`[data-comment="${comment && comment.id}"]`) ||
                    this.itemElement(itemKey("thread", t.id)),
                });
              },
            }),
        ),
      );
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
            this.say(interpolate(gettext("Not saved: %(reason)s"), { reason: error.message }), true);
            e.target.disabled = false;
          }
        },
      }),
    );
    return actions;
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
              this.say(interpolate(gettext("Not accepted: %(reason)s"), { reason: error.message }), true);
              e.target.disabled = false;
              this.refresh();
            }
          },
        }),
      );
    }
    const key = `reject-${s.id}`;
    actions.append(
      this.inlineForm(
        key,
        (open) =>
          el("button", {
            type: "button",
            class: "small",
            "data-testid": "review-reject",
            text: gettext("Reject…"),
            onclick: open,
          }),
        (close) =>
          rejectForm({
            key,
            drafts: this.drafts,
            onClose: close,
            onSubmit: (form, values) => {
              const problem = reasonProblem(values.reason);
              if (problem) return this.refuse(form, problem);
              return this.submit(form, {
                send: () => this.api(`suggestions/${s.id}/reject/`, "POST", { reason: values.reason }),
                done: gettext("Suggestion rejected."),
                draft: key,
                onSuccess: () => this.openForms.delete(key),
                // The suggestion moved to the decided ones.
                focus: () => this.decided.querySelector("summary"),
              });
            },
          }),
      ),
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
