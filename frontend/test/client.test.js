// The browser's sync client against a copy of the server's algorithm (docs/protocol.md, as
// drafting/services/sync.py implements it) on a simulated network that loses, duplicates and
// replays requests and answers: the texts converge and no typed word is lost.
import assert from "node:assert/strict";
import { test } from "node:test";

import { NetworkError, SyncClient, Syncer, storable } from "../src/coedit/client.js";
import { DeltaError, applyDelta, makeDelta } from "../src/coedit/delta.js";
import { merge } from "../src/coedit/merge.js";

class SimServer {
  constructor(text) {
    this.text = text;
    this.sessions = new Map();
    this.conflicts = [];
    this.next = 1;
  }

  start() {
    const key = `s${this.next++}`;
    this.sessions.set(key, {
      shadow: this.text,
      n: 0,
      m: 0,
      backup: { shadow: this.text, n: 0, m: 0 },
      seq: 0,
      last: null,
    });
    return {
      status: 201,
      body: {
        session: key,
        text: this.text,
        client_version: 0,
        server_version: 0,
        revision: 0,
        protocol: 1,
        read_only: false,
      },
    };
  }

  reset(s, seq) {
    s.shadow = this.text;
    s.m += 1;
    s.backup = { shadow: s.shadow, n: s.n, m: s.m };
    return {
      status: 409,
      body: { seq, reset: true, text: this.text, client_version: s.n, server_version: s.m },
    };
  }

  sync(key, { seq, server_version, edits }) {
    const s = this.sessions.get(key);
    if (seq < s.seq) return { status: 409, body: { seq, stale: true } };
    if (seq === s.seq && s.last) return s.last;
    const result = this.apply(s, seq, server_version, edits);
    s.seq = seq;
    s.last = structuredClone(result);
    return result;
  }

  apply(s, seq, serverVersion, edits) {
    if (serverVersion !== s.m) {
      if (serverVersion === s.backup.m) {
        s.shadow = s.backup.shadow;
        s.n = s.backup.n;
        s.m = s.backup.m;
      } else {
        return this.reset(s, seq);
      }
    }
    let text = this.text;
    const conflicts = [];
    for (const { client_version: n, delta } of edits) {
      if (n < s.n) continue;
      if (n > s.n) return this.reset(s, seq);
      let shadow;
      try {
        shadow = applyDelta(s.shadow, delta);
      } catch (error) {
        if (error instanceof DeltaError) return this.reset(s, seq);
        throw error;
      }
      const merged = merge(s.shadow, shadow, text);
      text = merged.text;
      conflicts.push(...merged.conflicts);
      s.shadow = shadow;
      s.n += 1;
    }
    this.text = text;
    this.conflicts.push(...conflicts);
    s.backup = { shadow: s.shadow, n: s.n, m: s.m };
    const out = [];
    if (text !== s.shadow) {
      out.push({ server_version: s.m, delta: makeDelta(s.shadow, text) });
      s.shadow = text;
      s.m += 1;
    }
    return {
      status: 200,
      body: { seq, client_version: s.n, edits: out, revision: 0, conflicts, editors: [] },
    };
  }
}

function random(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

// Insert a word after a space (or at the start), so that words never split each other.
function insertWord(text, word, rnd) {
  const points = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === " ") points.push(i + 1);
  const at = points[Math.floor(rnd() * points.length)];
  return text.slice(0, at) + word + " " + text.slice(at);
}

function deleteSome(text, rnd) {
  if (!text) return text;
  const start = Math.floor(rnd() * text.length);
  const end = Math.min(text.length, start + 1 + Math.floor(rnd() * 6));
  const units = text.slice(start, end);
  // Never cut a surrogate pair: keep the edit on whole characters.
  if (/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/.test(units)) return text;
  return text.slice(0, start) + text.slice(end);
}

function simulate(seed, { clients = 4, rounds = 40, deletions = false } = {}) {
  const rnd = random(seed);
  const server = new SimServer("The Parties 両締約国は 𠮟 agree. ");
  const people = [];
  const replay = [];
  for (let i = 0; i < clients; i++) {
    const client = new SyncClient({ articleId: 1 });
    client.started(server.start().body);
    people.push(client);
  }
  const words = [];
  const local = []; // conflicts the clients' own merges made (shown to their users)
  const lossyRoundTrip = (client) => {
    const request = client.prepare();
    const body = structuredClone(request.body);
    replay.push([client.session, body]);
    const r = rnd();
    if (r < 0.2) {
      client.lost(); // the request is lost
      return;
    }
    let answer = server.sync(client.session, body);
    if (rnd() < 0.1) answer = server.sync(client.session, structuredClone(body)); // duplicate
    if (rnd() < 0.1 && replay.length > 3) {
      // A delayed copy of an old request arrives.
      const [session, old] = replay[Math.floor(rnd() * replay.length)];
      server.sync(session, structuredClone(old));
    }
    if (rnd() < 0.2) {
      client.lost(); // the answer is lost
      return;
    }
    local.push(...(client.receive(answer.status, structuredClone(answer.body)) || []));
  };
  for (let round = 0; round < rounds; round++) {
    for (const [i, client] of people.entries()) {
      if (rnd() < 0.6) {
        const word = `w${seed}x${round}x${i}${rnd() < 0.2 ? "😀" : ""}`;
        words.push(word);
        client.text = insertWord(client.text, word, rnd);
      }
      if (deletions && rnd() < 0.3) client.text = deleteSome(client.text, rnd);
      if (rnd() < 0.7) lossyRoundTrip(client);
    }
  }
  // The network is quiet: everyone syncs until nothing changes.
  for (let pass = 0; pass < 4; pass++) {
    for (const client of people) {
      const request = client.prepare();
      const answer = server.sync(client.session, request.body);
      local.push(...(client.receive(answer.status, structuredClone(answer.body)) || []));
    }
  }
  return { server, people, words, conflicts: [...server.conflicts, ...local] };
}


/** A stand-in editor for a Syncer: `editor.text` is what the user sees, and the hooks check
 * that each answer is applied to the text it was computed from. */
function plainEditor(onUpdate = () => {}) {
  const editor = { text: null };
  editor.hooks = {
    init: (text) => {
      editor.text = text;
    },
    getText: () => editor.text,
    applyText: (old, text) => {
      assert.equal(old, editor.text);
      editor.text = text;
    },
    isBusy: () => false,
    onUpdate,
  };
  return editor;
}

test("converges and loses no word under loss, duplicates and stale copies", () => {
  let conflicted = 0;
  for (let seed = 1; seed <= 40; seed++) {
    const { server, people, words, conflicts } = simulate(seed);
    for (const client of people) {
      assert.equal(client.text, server.text, `seed ${seed}`);
      assert.equal(client.shadow, server.text);
      assert.equal(client.pending.length, 0);
    }
    // Every word is in the text, or in a conflict (inserted on both sides of a character
    // that others also inserted around: the join rule makes those overlapping spans).
    for (const word of words) {
      if (server.text.includes(word)) continue;
      conflicted += 1;
      assert.ok(
        conflicts.some((c) => c.ours.includes(word)),
        `seed ${seed}: ${word} is neither in the text nor in a conflict`,
      );
    }
    assert.ok(!/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(server.text));
  }
  assert.ok(conflicted < 20, `${conflicted} words went to conflicts`);
});

test("converges with deletions too", () => {
  for (let seed = 100; seed <= 130; seed++) {
    const { server, people } = simulate(seed, { deletions: true });
    for (const client of people) assert.equal(client.text, server.text, `seed ${seed}`);
  }
});

test("answers to anything but the request in flight are ignored", () => {
  const server = new SimServer("abc");
  const client = new SyncClient({ articleId: 1 });
  client.started(server.start().body);
  client.text = "abcd";
  const first = client.prepare();
  client.lost();
  const second = client.prepare();
  assert.equal(second.seq, first.seq + 1);
  assert.deepEqual(second.body.edits, first.body.edits); // the same edits, a new seq
  const stale = server.sync(client.session, first.body);
  assert.equal(client.receive(stale.status, stale.body), null);
  assert.ok(client.inFlight);
  const answer = server.sync(client.session, second.body);
  assert.deepEqual(client.receive(answer.status, answer.body), []);
  assert.equal(client.pending.length, 0);
  assert.equal(server.text, "abcd");
});

test("a reset merges others' text in when every edit reached the server", () => {
  const client = new SyncClient({ articleId: 1 });
  client.started({ session: "s", text: "The Parties agree.", client_version: 0, server_version: 0 });
  client.text = "The Parties hereby agree."; // typed, not yet sent
  client.prepare();
  // The server never saw an edit of ours (n = 0 < 1): keep the local text (docs/protocol.md).
  client.receive(409, {
    seq: 1,
    reset: true,
    text: "The two Parties agree.",
    client_version: 0,
    server_version: 3,
  });
  assert.equal(client.text, "The Parties hereby agree.");
  assert.equal(client.shadow, "The two Parties agree.");
  assert.equal(client.serverVersion, 3);

  const other = new SyncClient({ articleId: 1 });
  other.started({ session: "t", text: "The Parties agree.", client_version: 0, server_version: 0 });
  other.text = "The Parties hereby agree.";
  other.prepare(); // edit 0 reaches the server, the answer is lost
  other.lost();
  other.prepare(); // sent again
  other.text = "The Parties hereby agree, as follows."; // typed while it is in flight
  // The server applied edit 0 (n = 1) and someone else added "two": both survive.
  other.receive(409, {
    seq: 2,
    reset: true,
    text: "The two Parties hereby agree.",
    client_version: 1,
    server_version: 2,
  });
  assert.equal(other.text, "The two Parties hereby agree, as follows.");
  assert.equal(other.pending.length, 0);
  assert.equal(other.clientVersion, 1);
});

test("the syncer holds an answer while the editor is composing, and applies it after", async () => {
  const server = new SimServer("両締約国は協議する。");
  let editorText = null;
  let composing = false;
  const applied = [];
  const client = new SyncClient({ articleId: 1 });
  let failNext = 1;
  const transport = async (url, body) => {
    await new Promise((resolve) => setTimeout(resolve, 2));
    if (url.endsWith("/sessions/")) return server.start();
    if (failNext-- > 0) throw new NetworkError("offline");
    const session = url.split("/sessions/")[1].split("/")[0];
    return server.sync(session, structuredClone(body));
  };
  const syncer = new Syncer(
    client,
    transport,
    {
      init: (text) => {
        editorText = text;
      },
      getText: () => editorText,
      applyText: (old, text) => {
        assert.equal(composing, false, "changed during a composition");
        assert.equal(old, editorText);
        applied.push(text);
        editorText = text;
      },
      isBusy: () => composing,
      onUpdate: () => {},
    },
    { activeDelay: 5, idleDelay: 10, maxBackoff: 20 },
  );
  await syncer.start();
  assert.equal(editorText, "両締約国は協議する。");
  editorText = "両締約国は、𠮟協議する。";
  syncer.touch();
  await new Promise((resolve) => setTimeout(resolve, 150)); // one failure, then a retry
  assert.equal(server.text, "両締約国は、𠮟協議する。");
  assert.equal(syncer.status, "saved");
  // Someone else changes the text while this user composes.
  server.text = "両締約国は、𠮟速やかに協議する。";
  composing = true;
  editorText = "両締約国は、𠮟協議する。き";
  syncer.touch();
  await new Promise((resolve) => setTimeout(resolve, 80));
  assert.equal(applied.length, 0);
  composing = false;
  syncer.resume();
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.equal(editorText, "両締約国は、𠮟速やかに協議する。き");
  assert.equal(server.text, editorText);
  syncer.stop();
});

test("an agreed article: the edits are refused once, the text comes back, nothing is retried", async () => {
  const agreed = "The Parties shall consult together.";
  let syncs = 0;
  const events = [];
  const editor = plainEditor((event) => events.push(event));
  const client = new SyncClient({ articleId: 1 });
  const transport = async (url, body) => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (url.endsWith("/sessions/")) {
      return {
        status: 201,
        body: { session: "s1", text: agreed, client_version: 0, server_version: 0, revision: 3 },
      };
    }
    syncs += 1;
    if (!body.edits.length) {
      return { status: 200, body: { seq: body.seq, client_version: 0, edits: [], editors: [] } };
    }
    return {
      status: 409,
      body: {
        seq: body.seq,
        code: "article_agreed",
        detail: "Article 2 is agreed ad referendum.",
        read_only: true,
        text: agreed,
        client_version: 1,
        server_version: 1,
      },
    };
  };
  const syncer = new Syncer(
    client,
    transport,
    editor.hooks,
    { activeDelay: 5, idleDelay: 10, maxBackoff: 20 },
  );
  await syncer.start();
  editor.text = `${agreed} Typed after.`;
  syncer.touch();
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(editor.text, agreed);
  assert.equal(syncer.status, "locked");
  assert.equal(client.readOnly, true);
  const locked = events.find((e) => e.type === "locked");
  assert.equal(locked.detail, "Article 2 is agreed ad referendum.");
  assert.equal(locked.refused, `${agreed} Typed after.`);
  const after = syncs;
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(syncs, after, "nothing is sent after the refusal");
  syncer.stop();
});

test("NUL and lone surrogates never leave the browser", () => {
  assert.equal(storable("a\u0000b\uD800c\uDC00d𠮟"), "abcd𠮟");
});

test("a text the server refuses is not resent until the user changes it", async () => {
  const server = new SimServer("The Parties will consult.");
  let editorText = null;
  let syncs = 0;
  let refuse = true;
  const client = new SyncClient({ articleId: 1 });
  const transport = async (url, body) => {
    if (url.endsWith("/sessions/")) return server.start();
    syncs += 1;
    if (refuse && body.edits.length > 0) {
      return { status: 400, body: { detail: "The text would exceed 200,000 characters.", code: "text_too_long" } };
    }
    const session = url.split("/sessions/")[1].split("/")[0];
    return server.sync(session, structuredClone(body));
  };
  const syncer = new Syncer(
    client,
    transport,
    {
      init: (text) => {
        editorText = text;
      },
      getText: () => editorText,
      applyText: (old, text) => {
        editorText = text;
      },
      isBusy: () => false,
      onUpdate: () => {},
    },
    { activeDelay: 5, idleDelay: 10, maxBackoff: 20 },
  );
  await syncer.start();
  editorText = "The Parties will consult. Too long.";
  syncer.touch();
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.equal(syncs, 1, "a refused text was resent");
  assert.equal(syncer.status, "error");
  refuse = false;
  editorText = "The Parties will consult. Shorter.";
  syncer.touch();
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.equal(server.text, "The Parties will consult. Shorter.");
  assert.equal(syncer.status, "saved");
  syncer.stop();
});


test("when the socket comes back, a sync waiting out its backoff goes at once", async () => {
  const server = new SimServer("The Parties shall consult.");
  const editor = plainEditor();
  let down = false;
  const client = new SyncClient({ articleId: 1 });
  const transport = async (url, body) => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (down) throw new NetworkError("offline");
    if (url.endsWith("/sessions/")) return server.start();
    const session = url.split("/sessions/")[1].split("/")[0];
    return server.sync(session, structuredClone(body));
  };
  const until = async (done) => {
    while (!done()) await new Promise((resolve) => setTimeout(resolve, 2));
  };
  const syncer = new Syncer(
    client,
    transport,
    editor.hooks,
    { maxBackoff: 60000 },
  );
  try {
    await syncer.start();
    syncer.setPushed(true);
    // The socket and the server go away together; the sync on losing the socket fails.
    down = true;
    syncer.setPushed(false);
    await until(() => syncer.status === "offline" && syncer.timer);
    assert.ok(syncer.dueAt - Date.now() > 500, "the retry waits out a backoff");
    server.text = "The Parties shall consult together.";
    down = false;
    syncer.setPushed(true);
    assert.ok(syncer.dueAt <= Date.now(), "the retry did not go when the socket came back");
    await until(() => editor.text === server.text);
    assert.equal(syncer.status, "saved");
  } finally {
    syncer.stop(); // a failed assertion must not leave its timers running
  }
});
