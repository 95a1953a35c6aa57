// Deltas: diff-match-patch's diff_toDelta text, read and written exactly as the server does
// (drafting/textdiff.py make_delta / apply_delta).
//
// A delta is tab-separated tokens: "=N" keeps N units of the base, "-N" deletes N units,
// "+text" inserts text, %-encoded as encodeURI does (with "%20" written as a space). Counts are
// UTF-16 code units, which is what a JavaScript string's length counts. apply_delta refuses
// anything that does not fit: a malformed token, a count that cuts a surrogate pair, counts
// that do not add up to the base, %-escapes that are not UTF-8.

import { DIFF_DELETE, DIFF_INSERT, hasLoneSurrogate, splitsPair, diffChars } from "./diff.js";

export class DeltaError extends Error {
  constructor(message) {
    super(message);
    this.name = "DeltaError";
  }
}

const COUNT = /^[0-9]{1,15}$/;
const BAD_PERCENT = /%(?![0-9A-Fa-f]{2})/;

function encodeInsert(text) {
  if (hasLoneSurrogate(text)) {
    throw new DeltaError("inserted text contains a lone surrogate, which a delta cannot carry");
  }
  return encodeURI(text).replace(/%20/g, " ");
}

const utf8 = new TextEncoder();

function decodeInsert(param, index) {
  const bad = BAD_PERCENT.exec(param);
  if (bad) {
    throw new DeltaError(
      `token ${index}: '%' at position ${bad.index + 1} is not followed by two hex digits`,
    );
  }
  if (hasLoneSurrogate(param)) {
    throw new DeltaError(`token ${index}: inserted text contains a lone surrogate`);
  }
  if (!param.includes("%")) return param;
  // Every %XX is decoded (decodeURI would leave %23, %2B, ... as they are; the server decodes
  // them all), and the bytes must be UTF-8.
  const bytes = [];
  let i = 0;
  while (i < param.length) {
    if (param[i] === "%") {
      bytes.push(parseInt(param.slice(i + 1, i + 3), 16));
      i += 3;
      continue;
    }
    const next = param.indexOf("%", i);
    const end = next === -1 ? param.length : next;
    for (const b of utf8.encode(param.slice(i, end))) bytes.push(b);
    i = end;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(
      new Uint8Array(bytes),
    );
  } catch {
    throw new DeltaError(`token ${index}: %-encoded bytes are not valid UTF-8`);
  }
}

/** The delta of a diff ([op, text] pairs). */
export function diffsToDelta(diffs) {
  const tokens = [];
  for (const [op, text] of diffs) {
    if (!text) continue;
    if (op === DIFF_INSERT) tokens.push("+" + encodeInsert(text));
    else if (op === DIFF_DELETE) tokens.push(`-${text.length}`);
    else tokens.push(`=${text.length}`);
  }
  return tokens.join("\t");
}

/** The delta that turns `base` into `text`: the server's diff (by character, then
 * diff_cleanupEfficiency), so both sides write the same delta for the same change. */
export function makeDelta(base, text, { timeout = 1 } = {}) {
  const diffs = diffChars(base, text, {
    timeout,
    cleanup: (dmp, d) => dmp.diff_cleanupEfficiency(d),
  });
  return diffsToDelta(diffs);
}

/** Applies a delta to the text it was made from, exactly. Throws DeltaError when it does not
 * fit. Empty tokens (a trailing tab) are ignored, as diff-match-patch does. */
export function applyDelta(base, delta) {
  const total = base.length;
  let pos = 0;
  const out = [];
  const tokens = delta.split("\t");
  for (let k = 0; k < tokens.length; k++) {
    const token = tokens[k];
    const index = k + 1;
    if (!token) continue;
    const op = token[0];
    const param = token.slice(1);
    if (op === "+") {
      out.push(decodeInsert(param, index));
    } else if (op === "=" || op === "-") {
      if (!COUNT.test(param)) {
        throw new DeltaError(
          `token ${index} (${JSON.stringify(token.slice(0, 20))}): '${op}' must be followed ` +
            "by a count of UTF-16 units in ASCII digits",
        );
      }
      const count = Number(param);
      if (count > total - pos) {
        throw new DeltaError(
          `delta does not fit its base: token ${index} (${op}${count}) runs past the end of ` +
            `the base (${total} UTF-16 units) from offset ${pos}`,
        );
      }
      const end = pos + count;
      if (splitsPair(base, end)) {
        throw new DeltaError(
          `token ${index} (${op}${count}) ends at UTF-16 offset ${end}, inside a surrogate pair`,
        );
      }
      if (op === "=") out.push(base.slice(pos, end));
      pos = end;
    } else {
      throw new DeltaError(
        `token ${index} (${JSON.stringify(token.slice(0, 20))}): unknown operation ` +
          `'${op}'; expected '=', '-' or '+'`,
      );
    }
  }
  if (pos !== total) {
    throw new DeltaError(
      `delta does not fit its base: it keeps and deletes ${pos} UTF-16 units, ` +
        `the base has ${total}`,
    );
  }
  return out.join("");
}
