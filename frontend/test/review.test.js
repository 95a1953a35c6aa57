// The review panel's pure parts: which items the list shows and in what order, what it says
// about decided suggestions, the forms' validation and request bodies, the drafts that keep
// what was typed, and the API client's errors and paging.
import assert from "node:assert/strict";
import { test } from "node:test";

import { ApiError, ReviewApi, relativeNext } from "../src/review/api.js";
import {
  DraftStore,
  bodyProblem,
  reasonProblem,
  suggestionPayload,
  threadPayload,
  worthKeeping,
} from "../src/review/forms.js";
import {
  decidedSuggestions,
  decisionText,
  emptyText,
  itemKey,
  listEntries,
  shortQuote,
  shownSuggestions,
  suggestionStatusText,
} from "../src/review/render.js";

const thread = (id, at, extra = {}) => ({ id, anchor_start: at, anchor_end: at + 4, detached: false, ...extra });
const suggestion = (id, at, extra = {}) => ({ id, anchor_start: at, status: "pending", ...extra });

test("the list holds threads and pending suggestions by place in the text, detached threads last", () => {
  const entries = listEntries(
    [thread(1, 50), thread(2, 5, { detached: true }), thread(3, 10)],
    [suggestion(7, 30), suggestion(8, 0, { status: "accepted" })],
  );
  assert.deepEqual(
    entries.map((e) => itemKey(e.kind, e.item.id)),
    ["thread-3", "suggestion-7", "thread-1", "thread-2"],
  );
});

test("decided suggestions are listed apart and say who decided, in which revision", () => {
  const all = [suggestion(1, 0), suggestion(2, 0, { status: "rejected", decided_by: "jp.drafter" })];
  assert.deepEqual(decidedSuggestions(all).map((s) => s.id), [2]);
  assert.equal(decisionText({ status: "accepted", decided_by: "uk.drafter", revision_number: 4 }), "Accepted by uk.drafter in revision 4");
  assert.equal(decisionText({ status: "accepted", decided_by: "uk.drafter" }), "Accepted by uk.drafter");
  assert.equal(decisionText({ status: "rejected", decided_by: "" }), "Rejected by ?");
  assert.equal(suggestionStatusText("pending"), "Suggestion");
  assert.equal(suggestionStatusText("withdrawn"), "withdrawn");
});

test("the filters choose the suggestions: Mine by author, else by delegation", () => {
  const all = [
    suggestion(1, 0, { created_by: "uk.reviewer", delegation: "UK" }),
    suggestion(2, 0, { created_by: "jp.drafter", delegation: "JP" }),
  ];
  assert.deepEqual(shownSuggestions(all, { mine: true, delegation: "JP" }, "uk.reviewer").map((s) => s.id), [1]);
  assert.deepEqual(shownSuggestions(all, { mine: false, delegation: "JP" }, "uk.reviewer").map((s) => s.id), [2]);
  assert.deepEqual(shownSuggestions(all, { mine: false, delegation: "" }, "x").map((s) => s.id), [1, 2]);
  assert.equal(emptyText({ status: "open" }), "No open comments or suggestions.");
  assert.equal(emptyText({ status: "" }), "Nothing to show.");
});

test("a long quote is cut at 160 characters", () => {
  assert.equal(shortQuote("short"), "short");
  const long = "x".repeat(200);
  assert.equal(shortQuote(long), `${"x".repeat(160)}…`);
});

test("forms refuse an empty comment or reason and say why", () => {
  assert.equal(bodyProblem("Binding?"), "");
  assert.match(bodyProblem("   \n"), /write the comment/);
  assert.match(bodyProblem(""), /Not saved/);
  assert.equal(reasonProblem("Out of scope"), "");
  assert.equal(reasonProblem("  "), "Not rejected: give a reason.");
});

test("a new thread or suggestion is sent on the form's span, visible to both by default", () => {
  const anchor = { from: 3, to: 9 };
  assert.deepEqual(threadPayload(anchor, { body: "Why?" }, "ja"), {
    language: "ja",
    anchor_start: 3,
    anchor_end: 9,
    body: "Why?",
    visibility: "both",
  });
  assert.deepEqual(suggestionPayload(anchor, { replacement: "shall", visibility: "delegation" }, "en"), {
    language: "en",
    anchor_start: 3,
    anchor_end: 9,
    replacement: "shall",
    note: "",
    visibility: "delegation",
  });
});

class MemoryStorage {
  constructor() {
    this.items = new Map();
  }
  getItem(key) {
    return this.items.has(key) ? this.items.get(key) : null;
  }
  setItem(key, value) {
    this.items.set(key, String(value));
  }
  removeItem(key) {
    this.items.delete(key);
  }
}

test("drafts keep what was typed until it is saved, and nothing untyped", () => {
  const storage = new MemoryStorage();
  const drafts = new DraftStore("entente:review:uk.reviewer:12:en:", storage);
  drafts.set("comment", { body: "Should this be binding?", visibility: "delegation" });
  assert.deepEqual(drafts.get("comment"), { body: "Should this be binding?", visibility: "delegation" });
  // Another page (the same browser) finds it.
  const again = new DraftStore("entente:review:uk.reviewer:12:en:", storage);
  assert.equal(again.get("comment").body, "Should this be binding?");
  // A suggestion form opens with the selected words: unchanged, they are not a draft.
  drafts.set("suggestion", { replacement: "consult", note: "" }, { replacement: "consult", note: "" });
  assert.equal(drafts.get("suggestion"), null);
  assert.equal(worthKeeping({ body: "", visibility: "delegation" }), false);
  drafts.clear("comment");
  assert.equal(again.get("comment"), null);
});

test("drafts stay in memory when the browser's storage refuses them", () => {
  const refusing = {
    getItem: () => null,
    setItem: () => {
      throw new Error("QuotaExceededError");
    },
    removeItem: () => {},
  };
  const drafts = new DraftStore("p:", refusing);
  drafts.set("reply-3", { body: "Agreed." });
  assert.deepEqual(drafts.get("reply-3"), { body: "Agreed." });
});

function answer(status, body) {
  return {
    ok: status >= 200 && status < 300,
    status,
    json: async () => {
      if (body === undefined) throw new SyntaxError("no JSON");
      return body;
    },
  };
}

test("the API client sends the CSRF token and JSON, and reads refusals as errors", async () => {
  const calls = [];
  const api = new ReviewApi({
    apiRoot: "/api/v1/",
    csrf: "tok",
    fetchImpl: async (url, init) => {
      calls.push({ url, init });
      return answer(400, { detail: "Select at least one character.", code: "anchor" });
    },
  });
  await assert.rejects(api.request("articles/4/threads/", "POST", { body: "x" }), (error) => {
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 400);
    assert.equal(error.code, "anchor");
    assert.equal(error.message, "Select at least one character.");
    return true;
  });
  assert.equal(calls[0].url, "/api/v1/articles/4/threads/");
  assert.equal(calls[0].init.headers["X-CSRFToken"], "tok");
  assert.equal(calls[0].init.headers["Content-Type"], "application/json");
  assert.equal(calls[0].init.body, '{"body":"x"}');
  // A GET sends no token and no body.
  const get = new ReviewApi({ apiRoot: "/api/v1/", csrf: "tok", fetchImpl: async (url, init) => {
    calls.push({ url, init });
    return answer(200, []);
  } });
  await get.request("articles/4/threads/");
  assert.equal(calls[1].init.headers["X-CSRFToken"], undefined);
  assert.equal(calls[1].init.body, undefined);
});

test("the API client names a server without JSON and an unreachable one", async () => {
  const broken = new ReviewApi({ apiRoot: "/api/v1/", fetchImpl: async () => answer(502, undefined) });
  await assert.rejects(broken.request("x/"), { status: 502, message: "The server answered 502." });
  const offline = new ReviewApi({
    apiRoot: "/api/v1/",
    fetchImpl: async () => {
      throw new TypeError("Failed to fetch");
    },
  });
  await assert.rejects(offline.request("x/"), { status: 0, message: "The server cannot be reached. Try again." });
});

test("lists are followed across pages", async () => {
  const pages = {
    "/api/v1/articles/4/threads/?page_size=1": { results: [{ id: 1 }], next: "http://testserver/api/v1/articles/4/threads/?page=2&page_size=1" },
    "/api/v1/articles/4/threads/?page=2&page_size=1": { results: [{ id: 2 }], next: null },
  };
  const api = new ReviewApi({ apiRoot: "/api/v1/", fetchImpl: async (url) => answer(200, pages[url]) });
  assert.deepEqual((await api.all("articles/4/threads/?page_size=1")).map((t) => t.id), [1, 2]);
  assert.equal(relativeNext(null, "/api/v1/"), "");
});
