// The review panel's display: which threads and suggestions are listed and in what order, and
// the list items for them. Rendering takes the panel's data and a context of callbacks
// (`ctx`) for the controls it holds; it sends nothing itself.
//
// ctx: { language, username, canComment, canDecide, currentText(item), activate(key),
//        threadActions(thread), commentControls(comment), decideActions(suggestion) }

import { formatDateTime, gettext, interpolate } from "../i18n.js";
import { el } from "./dom.js";

const QUOTE_MAX = 160;

/** The key of a list item, the same for its mark in the text: "thread-3", "suggestion-7". */
export const itemKey = (kind, id) => `${kind}-${id}`;

/** A moment in the reader's language and chosen time zone (not the browser's). */
export const when = (iso) => formatDateTime(iso);

/** A quoted span as the panel shows it: at most 160 characters, then an ellipsis. */
export function shortQuote(text) {
  return text.length > QUOTE_MAX ? `${text.slice(0, QUOTE_MAX)}…` : text;
}

/** The suggestions the filters show: the user's own with "Mine" (the server filters threads
 * only), else those of the chosen delegation. */
export function shownSuggestions(suggestions, filters, username) {
  if (filters.mine) return suggestions.filter((s) => s.created_by === username);
  return suggestions.filter((s) => !filters.delegation || s.delegation === filters.delegation);
}

/** The list's entries in order: threads and pending suggestions by where they sit in the
 * text, then the detached threads (whose words were deleted). */
export function listEntries(threads, suggestions) {
  const attached = [];
  const detached = [];
  for (const t of threads) (t.detached ? detached : attached).push({ kind: "thread", at: t.anchor_start, item: t });
  for (const s of suggestions) {
    if (s.status === "pending") attached.push({ kind: "suggestion", at: s.anchor_start, item: s });
  }
  attached.sort((a, b) => a.at - b.at);
  return [...attached, ...detached];
}

export function decidedSuggestions(suggestions) {
  return suggestions.filter((s) => s.status !== "pending");
}

export function suggestionStatusText(status) {
  return (
    { pending: gettext("Suggestion"), accepted: gettext("Accepted"), rejected: gettext("Rejected") }[status] || status
  );
}

/** Who decided a suggestion, and in which revision when it made one. */
export function decisionText(s) {
  const values = { who: s.decided_by || "?", revision: s.revision_number };
  return interpolate(
    s.status === "accepted"
      ? s.revision_number
        ? gettext("Accepted by %(who)s in revision %(revision)s")
        : gettext("Accepted by %(who)s")
      : s.revision_number
        ? gettext("Rejected by %(who)s in revision %(revision)s")
        : gettext("Rejected by %(who)s"),
    values,
  );
}

export function emptyText(filters) {
  return filters.status === "open" ? gettext("No open comments or suggestions.") : gettext("Nothing to show.");
}

export function quoteBlock(text, language) {
  return el("blockquote", { class: "review-quote", lang: language, text: shortQuote(text) });
}

function visibilityTag(item) {
  return item.visibility === "delegation"
    ? el("span", {
        class: "tag tag--internal",
        text: interpolate(gettext("%(delegation)s only"), { delegation: item.delegation }),
      })
    : null;
}

export function threadItem(t, ctx) {
  const key = itemKey("thread", t.id);
  const li = el("li", {
    class: `review-item review-thread review-thread--${t.status}${t.detached ? " review-thread--detached" : ""}`,
    "data-testid": "review-thread",
    "data-key": key,
    "data-at": String(t.anchor_start),
    "data-detached": String(Boolean(t.detached)),
    tabindex: "-1",
  });
  const head = el(
    "div",
    { class: "review-item__head" },
    el("span", { class: `tag tag--${t.status}`, text: t.status === "open" ? gettext("Open") : gettext("Resolved") }),
    t.detached ? el("span", { class: "tag tag--detached", "data-testid": "review-detached", text: gettext("detached") }) : null,
    visibilityTag(t),
    el("button", {
      type: "button",
      class: "link small review-item__show",
      text: t.detached ? "" : gettext("Show in text"),
      hidden: t.detached,
      onclick: () => ctx.activate(key),
    }),
  );
  const quote = t.detached ? t.quote : ctx.currentText(t);
  li.append(head, quoteBlock(quote, ctx.language));
  if (t.detached) li.append(el("p", { class: "hint", text: gettext("The words it was on were deleted; this is what they read.") }));
  const comments = el("ol", { class: "review-comments" });
  for (const c of t.comments || []) comments.append(commentItem(c, ctx));
  li.append(comments);
  if (ctx.canComment) li.append(ctx.threadActions(t));
  return li;
}

export function commentItem(c, ctx) {
  const li = el("li", {
    class: "review-comment",
    "data-testid": "review-comment",
    "data-comment": String(c.id),
    tabindex: "-1",
  });
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
  if (c.author === ctx.username) li.append(ctx.commentControls(c));
  return li;
}

export function suggestionItem(s, ctx) {
  const key = itemKey("suggestion", s.id);
  const li = el("li", {
    class: `review-item review-suggestion review-suggestion--${s.status}${s.stale ? " review-suggestion--stale" : ""}`,
    "data-testid": "review-suggestion",
    "data-key": key,
    "data-at": String(s.anchor_start),
    tabindex: "-1",
  });
  li.append(
    el(
      "div",
      { class: "review-item__head" },
      el("span", { class: `tag tag--suggestion tag--${s.status}`, text: suggestionStatusText(s.status) }),
      visibilityTag(s),
      s.status === "pending" && !s.stale
        ? el("button", { type: "button", class: "link small review-item__show", text: gettext("Show in text"), onclick: () => ctx.activate(key) })
        : null,
    ),
    el(
      "p",
      { class: "review-suggestion__change", lang: ctx.language },
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
    li.append(el("p", { class: "hint", text: decisionText(s) }));
    if (s.reason) {
      li.append(
        el("p", {
          class: "review-suggestion__note",
          text: interpolate(gettext("Reason: %(reason)s"), { reason: s.reason }),
        }),
      );
    }
  }
  if (s.status === "pending" && ctx.canDecide) li.append(ctx.decideActions(s));
  return li;
}

/** The list's items and the "Decided suggestions" section's content for the panel's data. */
export function renderLists({ threads, suggestions, filters }, ctx) {
  const items = listEntries(threads, suggestions).map((entry) =>
    entry.kind === "thread" ? threadItem(entry.item, ctx) : suggestionItem(entry.item, ctx),
  );
  if (!items.length) items.push(el("li", { class: "empty", text: emptyText(filters) }));
  const decided = decidedSuggestions(suggestions);
  const decidedContent = [
    el("summary", { text: interpolate(gettext("Decided suggestions (%(count)s)"), { count: decided.length }) }),
    el("ol", { class: "review-list" }, ...decided.map((s) => suggestionItem(s, ctx))),
  ];
  return { items, decidedCount: decided.length, decidedContent };
}
