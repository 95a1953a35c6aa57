// The draft's socket (/ws/drafts/{id}/): one per page, shared by every editor on it.
//
// It carries hints, never text: "article 12's English text changed (revision 40)" makes the
// editors of that article sync at once through the exact HTTP protocol (client.js), "article
// 12's brackets, sign-offs or status changed" makes what shows them fetch them again, and
// presence and carets go to the others on the draft. While it is down, the editors poll as
// before (every second while active, every five seconds otherwise) and say so; it reconnects
// with backoff, and on reconnecting every editor syncs once and whatever shows brackets,
// sign-offs or status fetches them again (listeners of "resumed"): news may have been missed.

// Close codes after which reconnecting cannot help (see drafting/sockets/consumers.py).
const FINAL = new Set([4401, 4403, 4404]);

export class DraftSocket {
  constructor(draftId, options = {}) {
    this.draftId = draftId;
    const base =
      options.url ||
      (typeof location !== "undefined"
        ? `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}`
        : "");
    this.url = `${base}/ws/drafts/${draftId}/`;
    this.WebSocketImpl = options.WebSocketImpl || (typeof WebSocket !== "undefined" ? WebSocket : null);
    this.listeners = new Set();
    this.up = false;
    this.failed = false; // the socket could not be opened or was lost: editors poll
    this.cid = "";
    this.readOnly = true;
    this.failures = 0;
    // Lost (or never opened) since the page was drawn: the next hello is a resumption, and
    // what was announced meanwhile never arrived.
    this.missed = false;
    this.ws = null;
    this.stopped = !this.WebSocketImpl;
    this.people = new Map(); // cid -> last presence message
    if (this.stopped) this.failed = true;
    else this.connect();
  }

  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(kind, message) {
    for (const listener of this.listeners) {
      if (listener[kind]) listener[kind](message);
    }
  }

  connect() {
    let ws;
    try {
      ws = new this.WebSocketImpl(this.url);
    } catch {
      this.lost(0);
      return;
    }
    this.ws = ws;
    ws.onmessage = (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      this.receive(message);
    };
    ws.onclose = (event) => {
      if (this.ws === ws) this.lost(event.code);
    };
  }

  receive(message) {
    switch (message.type) {
      case "hello":
        this.up = true;
        this.failed = false;
        this.failures = 0;
        this.cid = message.cid;
        this.readOnly = message.read_only;
        this.emit("state", this);
        if (this.missed) {
          this.missed = false;
          this.emit("resumed", this);
        }
        break;
      case "changed":
        this.emit("changed", message);
        break;
      case "review":
        this.emit("review", message);
        break;
      case "negotiation":
        this.emit("negotiation", message);
        break;
      case "presence":
        this.people.set(message.cid, message);
        this.emit("presence", message);
        break;
      case "left":
        this.people.delete(message.cid);
        this.emit("presence", message);
        break;
      case "access":
        this.readOnly = message.read_only;
        this.emit("state", this);
        break;
      default:
        break;
    }
  }

  lost(code) {
    const wasUp = this.up;
    this.up = false;
    this.failed = true;
    this.missed = true;
    this.ws = null;
    this.people.clear();
    if (wasUp || this.failures === 0) this.emit("state", this);
    this.emit("presence", { type: "left" });
    if (this.stopped || FINAL.has(code)) return;
    this.failures += 1;
    const delay = Math.min(30000, 1000 * 2 ** Math.min(5, this.failures - 1));
    setTimeout(() => this.connect(), delay * (0.75 + Math.random() * 0.5));
  }

  send(message) {
    if (!this.up || !this.ws) return;
    try {
      this.ws.send(JSON.stringify(message));
    } catch {
      // A closing socket: the close handler takes over.
    }
  }
}

const sockets = new Map();

/** The page's socket for a draft (one however many editors share it). */
export function draftSocket(draftId, options = {}) {
  if (!sockets.has(draftId)) sockets.set(draftId, new DraftSocket(draftId, options));
  return sockets.get(draftId);
}
