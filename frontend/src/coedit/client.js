// The co-editing client of docs/protocol.md (protocol 1), the browser's copy of drafting/syncclient.py.
//
// SyncClient is the protocol's state machine and nothing else (no timers, no network): the
// user's text, the shadow, the versions n and m, the unacknowledged edits and the request
// counter. Syncer drives it: one request in flight per session, about once a second while
// someone types and every few seconds when all is quiet, retries with backoff when the network
// or the server fails, and holds an answer back while the editor cannot take a change (an IME
// composition) so that nothing the user types is ever lost.
//
// One refinement of the plain client algorithm, on a 409 reset: when every edit the client sent has
// reached the server (each is below the answer's client_version), the client's shadow is a
// true common base, so the reset text is merged into the local text exactly as a 200's edit is
// (the text others typed arrives; the user's typing since is kept). The plain rule, "keep the
// local text", would make the next edit undo every change of others the client had not yet
// seen; it is still what happens when some edit of the client never reached the server, since
// then the shadow is not a base the server shares. See docs/protocol.md.

import { applyDelta, makeDelta } from "./delta.js";
import { merge } from "./merge.js";

export const PROTOCOL = 1;

export class NetworkError extends Error {
  constructor(message) {
    super(message);
    this.name = "NetworkError";
  }
}

export class SyncClient {
  constructor({ articleId, language = "en", apiRoot = "/api/v1/" } = {}) {
    this.articleId = articleId;
    this.language = language;
    this.apiRoot = apiRoot;
    this.session = "";
    this.text = "";
    this.shadow = "";
    this.clientVersion = 0; // n
    this.serverVersion = 0; // m
    this.seq = 0;
    this.pending = []; // [{client_version, delta}], oldest first
    this.inFlight = null; // {seq, body}
    this.readOnly = false;
    this.revision = 0;
    this.editors = [];
    this.resets = 0;
  }

  get sessionsUrl() {
    return `${this.apiRoot}articles/${this.articleId}/sessions/`;
  }

  get syncUrl() {
    return `${this.sessionsUrl}${encodeURIComponent(this.session)}/sync/`;
  }

  /** Whether something typed here has not been acknowledged by the server yet. */
  get dirty() {
    return this.text !== this.shadow || this.pending.length > 0;
  }

  /** A session was started (201). The first one sets the text; a later one (the server forgot
   * the session, or the role changed) is adopted like a reset, keeping what was typed. */
  started(body) {
    const first = !this.session;
    this.session = body.session;
    this.readOnly = Boolean(body.read_only);
    this.revision = body.revision ?? this.revision;
    if (first) {
      this.text = this.shadow = body.text;
      this.clientVersion = body.client_version;
      this.serverVersion = body.server_version;
      this.pending = [];
      this.inFlight = null;
      return [];
    }
    // Nothing says which edits the old session applied: every pending one counts as unsent.
    return this.adopt(body.text, body.client_version, body.server_version, -1);
  }

  /** Turn what the user typed into an edit and build the next request. */
  prepare() {
    if (!this.readOnly && this.text !== this.shadow) {
      this.pending.push({
        client_version: this.clientVersion,
        delta: makeDelta(this.shadow, this.text),
      });
      this.shadow = this.text;
      this.clientVersion += 1;
    }
    this.seq += 1;
    const body = {
      seq: this.seq,
      server_version: this.serverVersion,
      edits: this.readOnly ? [] : this.pending.map((e) => ({ ...e })),
    };
    this.inFlight = { seq: this.seq, body };
    return this.inFlight;
  }

  /** Handle an answer. Returns the local conflicts it made (edits of the user that lost to
   * an overlapping edit of someone else), or null for an answer to anything but the request
   * in flight. Throws DeltaError if the server's edit does not fit the shadow. */
  receive(status, body) {
    if (!this.inFlight || !body || body.seq !== this.inFlight.seq) return null;
    this.inFlight = null;
    const conflicts = [];
    if (status === 200) {
      const acknowledged = body.client_version;
      this.pending = this.pending.filter((e) => e.client_version >= acknowledged);
      for (const edit of body.edits || []) {
        if (edit.server_version !== this.serverVersion) continue;
        const shadow = applyDelta(this.shadow, edit.delta);
        // The user's typing since the request went out is kept (merged as "ours").
        const merged = merge(this.shadow, this.text, shadow);
        this.text = merged.text;
        conflicts.push(...merged.conflicts.map((c) => withContext(this.shadow, c)));
        this.shadow = shadow;
        this.serverVersion += 1;
      }
      this.editors = body.editors || [];
      this.revision = body.revision ?? this.revision;
    } else if (status === 409 && body.reset) {
      this.resets += 1;
      conflicts.push(
        ...this.adopt(body.text, body.client_version, body.server_version, body.client_version),
      );
    }
    // A stale answer: nothing to do. A network error or a 5xx never gets here (see lost()).
    return conflicts;
  }

  /** The article was agreed: the server refused the edits (409 article_agreed) and sent the
   * text as it stands. Take it, read-only; nothing typed is sent again. */
  lock(body) {
    this.inFlight = null;
    this.pending = [];
    this.text = this.shadow = body.text;
    this.clientVersion = body.client_version;
    this.serverVersion = body.server_version;
    this.readOnly = true;
  }

  /** Take the server's text as the new shadow. `applied`: the server's n, below which every
   * edit reached it (-1: unknown). */
  adopt(text, clientVersion, serverVersion, applied) {
    const unsent =
      applied < 0 ? this.pending : this.pending.filter((e) => e.client_version >= applied);
    let conflicts = [];
    if (!unsent.length) {
      // The shadow is a base the server shares: merge as for an edit (see the header).
      const merged = merge(this.shadow, this.text, text);
      this.text = merged.text;
      conflicts = merged.conflicts.map((c) => withContext(this.shadow, c));
    }
    // Otherwise keep the local text (docs/protocol.md, "Refinements"): the next request carries it as one edit.
    this.shadow = text;
    this.clientVersion = clientVersion;
    this.serverVersion = serverVersion;
    this.pending = [];
    return conflicts;
  }

  /** The request or its answer was lost: forget the request, keep every edit. */
  lost() {
    this.inFlight = null;
  }
}

export const CONTEXT = 40;

/** A merge conflict with the base text around it (as the server records it): up to
 * CONTEXT units either side, never cutting a surrogate pair. */
export function withContext(base, conflict, size = CONTEXT) {
  let from = Math.max(0, conflict.start - size);
  if (from > 0 && /[\uDC00-\uDFFF]/.test(base[from])) from -= 1;
  let to = Math.min(base.length, conflict.end + size);
  if (to < base.length && /[\uDC00-\uDFFF]/.test(base[to])) to += 1;
  return {
    ...conflict,
    context_before: base.slice(from, conflict.start),
    context_after: base.slice(conflict.end, to),
  };
}

/** fetch, as the protocol's transport: JSON in, {status, body} out; NetworkError when nothing
 * usable came back. */
export function httpTransport({ csrfToken = "", timeoutMs = 15000 } = {}) {
  return async (url, body, method = "POST") => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let response;
    try {
      response = await fetch(url, {
        method,
        credentials: "same-origin",
        headers: {
          Accept: "application/json",
          ...(method === "GET" ? {} : { "Content-Type": "application/json" }),
          "X-CSRFToken": csrfToken || csrfFromCookie(),
          "X-Requested-With": "XMLHttpRequest",
        },
        body: method === "GET" ? undefined : JSON.stringify(body ?? {}),
        signal: controller.signal,
      });
    } catch (error) {
      throw new NetworkError(error && error.name === "AbortError" ? "timed out" : String(error));
    } finally {
      clearTimeout(timer);
    }
    let data = null;
    try {
      data = await response.json();
    } catch {
      if (response.status < 500) throw new NetworkError(`unreadable answer (${response.status})`);
    }
    return { status: response.status, body: data };
  };
}

function csrfFromCookie() {
  if (typeof document === "undefined") return "";
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

/** 400 codes that refuse the text itself: retrying the same text cannot succeed. */
const CONTENT_REFUSALS = new Set(["text_invalid", "text_too_long"]);

/** The text without what the server cannot store: NUL and lone UTF-16 surrogates. */
export function storable(text) {
  return text.replace(/\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "");
}

/** Drives a SyncClient: timing, retries and the hand-over of text to and from the editor.
 *
 * hooks: init(text, readOnly) -> show the session's first text; getText() -> the editor's
 * text now; applyText(old, text) -> make the editor show `text` (it shows `old`);
 * isBusy() -> true while the editor must not be changed (an IME composition);
 * onUpdate(event) -> something to show changed (status, editors, conflicts). */
export class Syncer {
  constructor(client, transport, hooks, options = {}) {
    this.client = client;
    this.transport = transport;
    this.hooks = hooks;
    this.activeDelay = options.activeDelay ?? 1000;
    this.idleDelay = options.idleDelay ?? 5000;
    this.maxBackoff = options.maxBackoff ?? 30000;
    this.activeWindow = options.activeWindow ?? 10000;
    // With the draft's socket up, others' changes are announced: the client then sends its
    // own typing quickly (pushedActiveDelay) and otherwise only syncs as a safety net.
    this.pushed = false;
    this.pushedActiveDelay = options.pushedActiveDelay ?? 100;
    this.pushedIdleDelay = options.pushedIdleDelay ?? 30000;
    this.pollActiveDelay = this.activeDelay;
    this.pollIdleDelay = this.idleDelay;
    this.pokePending = false;
    this.now = options.now ?? (() => Date.now());
    this.timer = null;
    this.action = null; // what the timer will do (a sync, or opening a session)
    this.dueAt = 0;
    this.busy = false; // a request in flight
    this.held = null; // an answer waiting for the editor
    this.failures = 0;
    this.state = "starting"; // starting | ok | offline | error | gone
    this.detail = "";
    this.lastActivity = 0;
    this.stopped = false;
    this.blocked = false; // a content refusal: wait for the user's next change
  }

  /** The status to show: "saved", "syncing", "offline", "read-only", "starting", "error",
   * "gone". */
  get status() {
    if (this.state === "starting" || this.state === "offline" || this.state === "gone") {
      return this.state;
    }
    if (this.state === "error") return "error";
    if (this.state === "locked") return "locked";
    if (this.client.readOnly) return "read-only";
    if (this.client.dirty || this.localChangesPending()) return "syncing";
    return "saved";
  }

  localChangesPending() {
    return this.client.session !== "" && this.hooks.getText() !== this.client.text;
  }

  async start() {
    this.stopped = false;
    await this.openSession();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = null;
  }

  async openSession() {
    let result;
    try {
      result = await this.transport(this.client.sessionsUrl, { language: this.client.language });
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      result = null;
    }
    if (this.stopped) return;
    if (!result || result.status >= 500) {
      this.failed("offline");
      this.schedule(this.backoff(), () => this.openSession());
      return;
    }
    if (result.status !== 201) {
      this.state = result.status === 404 ? "gone" : "error";
      this.detail = (result.body && result.body.detail) || `HTTP ${result.status}`;
      this.emit({ type: "status" });
      if (result.status !== 404) this.schedule(this.idleDelay * 2, () => this.openSession());
      return;
    }
    const first = !this.client.session;
    let conflicts = [];
    if (first) {
      this.client.started(result.body);
      this.hooks.init(this.client.text, this.client.readOnly);
    } else {
      const before = this.hooks.getText();
      this.client.text = before;
      conflicts = this.client.started(result.body);
      if (this.client.text !== before) this.hooks.applyText(before, this.client.text);
    }
    this.failures = 0;
    this.state = "ok";
    this.detail = "";
    this.emit({
      type: "started",
      conflicts,
      readOnly: this.client.readOnly,
      locked: result.body.locked || "",
      refreshConflicts: true,
    });
    this.schedule(this.activeDelay);
  }

  /** The user changed the text. */
  touch() {
    this.lastActivity = this.now();
    if (this.blocked) {
      this.blocked = false;
      this.restart(this.detail);
      return;
    }
    this.emit({ type: "status" });
    if (this.state !== "ok") return; // a retry or a new session is already scheduled
    if (!this.busy && !this.held && (!this.timer || this.dueAt - this.now() > this.activeDelay)) {
      this.schedule(this.activeDelay);
    }
  }

  /** The editor can take changes again (a composition ended). */
  resume() {
    if (this.held && !this.hooks.isBusy()) {
      const held = this.held;
      this.held = null;
      this.handle(held);
    }
  }

  /** The socket came up (true) or went down (false). */
  setPushed(on) {
    if (this.pushed === on) return;
    this.pushed = on;
    this.activeDelay = on ? this.pushedActiveDelay : this.pollActiveDelay;
    this.idleDelay = on ? this.pushedIdleDelay : this.pollIdleDelay;
    this.emit({ type: "status" });
    if (on && this.state === "offline" && this.timer) {
      // The socket's hello came from the server, so it is reachable again: the retry waiting
      // out its backoff (up to maxBackoff after a long outage) goes now.
      this.schedule(0, this.action);
      return;
    }
    // Either way, sync now: news may have been missed while the socket was down, and a poll
    // that was 30 s away must now come within the polling delays.
    this.poke();
  }

  /** Someone else changed the text (announced on the socket): sync at once, or right after
   * the request in flight (whose answer may predate the change). */
  poke() {
    if (this.state !== "ok") return;
    if (this.busy || this.held) {
      this.pokePending = true;
      return;
    }
    this.schedule(0);
  }

  /** Sync now (for tests and for "retry now"). */
  syncSoon() {
    if (!this.busy && !this.held) this.schedule(0);
  }

  schedule(delay, action = () => this.tick()) {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.dueAt = this.now() + delay;
    this.action = action;
    this.timer = setTimeout(() => {
      this.timer = null;
      action();
    }, delay);
  }

  backoff() {
    const base = Math.min(this.maxBackoff, 1000 * 2 ** Math.max(0, this.failures - 1));
    return base * (0.75 + Math.random() * 0.5);
  }

  failed(state, detail = "") {
    this.failures += 1;
    this.state = state;
    this.detail = detail;
    this.emit({ type: "status" });
  }

  emit(event) {
    if (this.hooks.onUpdate) this.hooks.onUpdate(event);
  }

  async tick() {
    if (this.stopped || this.busy || this.held || !this.client.session) return;
    if (this.hooks.isBusy()) {
      this.schedule(200);
      return;
    }
    const typed = this.hooks.getText();
    const clean = storable(typed);
    // NUL and lone surrogates (a paste from a binary file, a cut pair) are refused by the
    // server on every path; they are taken out here, in the editor too, before sending.
    if (clean !== typed) this.hooks.applyText(typed, clean);
    this.client.text = clean;
    const request = this.client.prepare();
    this.busy = true;
    this.emit({ type: "status" });
    let result;
    try {
      result = await this.transport(this.client.syncUrl, request.body);
    } catch (error) {
      if (!(error instanceof NetworkError)) {
        this.busy = false;
        throw error;
      }
      result = { status: 0, body: null, error };
    }
    this.busy = false;
    if (this.stopped) return;
    result.seq = request.seq;
    if (this.hooks.isBusy()) {
      this.held = result;
      this.waitForEditor();
      return;
    }
    this.handle(result);
  }

  waitForEditor() {
    this.schedule(100, () => {
      if (!this.held) return;
      if (this.hooks.isBusy()) this.waitForEditor();
      else this.resume();
    });
  }

  handle(result) {
    const { status, body } = result;
    if (status === 0 || status >= 500) {
      this.client.lost();
      this.failed("offline", result.error ? result.error.message : `HTTP ${status}`);
      this.schedule(this.backoff());
      return;
    }
    if (status === 409 && body && body.code === "article_agreed") {
      // The article was agreed meanwhile: the edits are refused for good, so they are not
      // retried. Show the text as it stands, read-only; what was typed is handed to the page
      // to copy.
      const before = this.hooks.getText();
      this.client.lock(body);
      if (this.client.text !== before) this.hooks.applyText(before, this.client.text);
      this.state = "locked";
      this.detail = body.detail || "";
      this.emit({ type: "locked", detail: this.detail, refused: before, readOnly: true });
      return;
    }
    if (status === 200 || (status === 409 && body && (body.reset || body.stale))) {
      const before = this.hooks.getText();
      this.client.text = before;
      let conflicts;
      try {
        conflicts = this.client.receive(status, body) || [];
      } catch (error) {
        // The server's edit does not fit our shadow: start over on a new session, keeping
        // the text (this should not happen; the server answers a misfit with a reset).
        this.client.lost();
        this.restart(String(error.message || error));
        return;
      }
      if (this.client.text !== before) this.hooks.applyText(before, this.client.text);
      this.failures = 0;
      this.state = "ok";
      this.detail = "";
      const remote = status === 200 && body.edits && body.edits.length > 0;
      if (remote || (status === 409 && body.reset)) this.lastActivity = this.now();
      this.emit({
        type: "synced",
        conflicts,
        serverConflicts: status === 200 ? body.conflicts || [] : [],
        editors: this.client.editors,
        refreshConflicts: status === 409 && Boolean(body.reset),
      });
      if (this.pokePending) {
        this.pokePending = false;
        this.schedule(0);
        return;
      }
      // Pushed: others' changes are announced, so only our own typing keeps us active.
      const active =
        this.client.dirty ||
        this.localChangesPending() ||
        (!this.pushed && this.now() - this.lastActivity < this.activeWindow);
      this.schedule(active ? this.activeDelay : this.idleDelay);
      return;
    }
    this.client.lost();
    const detail = (body && body.detail) || `HTTP ${status}`;
    if (status === 403 && body && body.code === "forbidden") {
      // The session (or the user's role) is read-only now: a new session says which.
      this.restart(detail);
      return;
    }
    if (status === 404) {
      this.restart(detail);
      return;
    }
    if (status === 400 && body && CONTENT_REFUSALS.has(body.code)) {
      // The server will never take this text as it is (issue 15): resending it would be
      // refused forever. Keep the text, say why, and wait: the next change by the user
      // opens a new session (dropping the refused edits) and sends the text as it is then.
      this.failed("error", detail);
      this.blocked = true;
      clearTimeout(this.timer);
      this.timer = null;
      return;
    }
    // 400, 401, 413 ...: keep everything, tell the user, try again later.
    this.failed("error", detail);
    this.schedule(Math.max(this.idleDelay, this.backoff()));
  }

  restart(detail) {
    this.state = "starting";
    this.detail = detail;
    this.emit({ type: "status" });
    this.schedule(this.activeDelay, () => this.openSession());
  }
}
