// @mention autocomplete helpers: what is being typed, and what replaces it.

const MENTION = /(^|[^\w.@-])@([\w.+-]*)$/u;

/** The mention being typed just before `caret` in `text`, or null: {start, query}. */
export function mentionAt(text, caret) {
  const match = text.slice(0, caret).match(MENTION);
  if (!match) return null;
  const start = caret - match[2].length - 1;
  return { start, query: match[2] };
}

/** Members matching `query` by username or name, the best first, at most `limit`. */
export function mentionMatches(members, query, limit = 8) {
  const q = query.toLowerCase();
  const scored = [];
  for (const m of members) {
    const user = m.username.toLowerCase();
    const name = (m.name || "").toLowerCase();
    let score = -1;
    if (user.startsWith(q)) score = 0;
    else if (name.startsWith(q)) score = 1;
    else if (user.includes(q) || name.includes(q)) score = 2;
    if (score >= 0) scored.push([score, m]);
  }
  scored.sort((a, b) => a[0] - b[0] || a[1].username.localeCompare(b[1].username));
  return scored.slice(0, limit).map(([, m]) => m);
}

/** `text` with the mention at `start..caret` replaced by `@username `; and the new caret. */
export function insertMention(text, start, caret, username) {
  const inserted = `@${username} `;
  return {
    text: text.slice(0, start) + inserted + text.slice(caret),
    caret: start + inserted.length,
  };
}
