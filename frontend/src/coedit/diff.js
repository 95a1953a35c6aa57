// Diffs by character (code point), as the server's Python copy of diff-match-patch makes them.
//
// JavaScript strings are UTF-16, and diff-match-patch compares code units: a character outside
// the Basic Multilingual Plane (𠮟 U+20B9F, 😀 U+1F600) is two units, and 😀 and 😁 share their
// first one, so a unit diff can cut a pair in two. The server (drafting/textdiff.py) diffs the
// same texts by code point. To make the browser's diffs the server's diffs, each distinct
// astral character of the texts is stood in for by one BMP unit that occurs in none of them (a
// private-use character first): the library then sees one unit per character, exactly what the
// Python library sees, and never cuts a character. Results are mapped back before anyone else
// sees them. If the texts leave no free unit to stand in (tens of thousands of distinct
// characters), diffs fall back to plain units and callers widen edits to whole characters.
//
// Offsets in a mapped string count characters; `utf16Length` converts a mapped piece back to
// UTF-16 units, which is what the wire and the editor count.

import DiffMatchPatch from "diff-match-patch";

export const DIFF_DELETE = -1;
export const DIFF_INSERT = 1;
export const DIFF_EQUAL = 0;

const PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;
const HAS_PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/;

// JavaScript's /\s/ and the ASCII letters and digits: a stand-in must be neither (an astral
// character is "not alphanumeric, not whitespace" to the JavaScript scoring), nor a line
// break (line mode splits on "\n").
const NOT_A_STAND_IN = /[\sa-zA-Z0-9\r\n]/;

function* standInCandidates() {
  for (let u = 0xe000; u <= 0xf8ff; u++) yield u; // Private Use Area
  for (let u = 0xf900; u <= 0xfffd; u++) yield u;
  for (let u = 0x0100; u < 0xd800; u++) yield u;
}

/** The stand-in mapping for a set of texts, or a no-op mapping when none is needed. */
export class CharMap {
  constructor(texts) {
    this.toUnit = new Map(); // astral character -> stand-in unit
    this.toChar = new Map(); // stand-in unit -> astral character
    this.ok = true;
    const astral = new Set();
    for (const text of texts) {
      if (!HAS_PAIR.test(text)) continue;
      for (const m of text.matchAll(PAIR)) astral.add(m[0]);
    }
    if (astral.size === 0) return;
    const used = new Set();
    for (const text of texts) {
      for (let i = 0; i < text.length; i++) used.add(text.charCodeAt(i));
    }
    const wanted = [...astral];
    let k = 0;
    for (const unit of standInCandidates()) {
      if (k === wanted.length) break;
      if (used.has(unit)) continue;
      const ch = String.fromCharCode(unit);
      if (NOT_A_STAND_IN.test(ch)) continue;
      this.toUnit.set(wanted[k], ch);
      this.toChar.set(ch, wanted[k]);
      k++;
    }
    if (k < wanted.length) {
      this.ok = false;
      this.toUnit.clear();
      this.toChar.clear();
    }
  }

  get active() {
    return this.toUnit.size > 0;
  }

  encode(text) {
    if (!this.active || !HAS_PAIR.test(text)) return text;
    return text.replace(PAIR, (pair) => this.toUnit.get(pair) ?? pair);
  }

  decode(text) {
    if (!this.active) return text;
    let out = "";
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      out += this.toChar.get(ch) ?? ch;
    }
    return out;
  }

  /** UTF-16 length of a mapped piece. */
  utf16Length(text) {
    if (!this.active) return text.length;
    let n = text.length;
    for (let i = 0; i < text.length; i++) if (this.toChar.has(text[i])) n++;
    return n;
  }

  /** The original character a mapped unit stands for (the unit itself if none). */
  original(ch) {
    return this.toChar.get(ch) ?? ch;
  }
}

// --- boundary scores --------------------------------------------------------------------

// JavaScript's /\s/, as the library's JavaScript scoring uses it.
const JS_SPACE = /\s/;
const JS_NON_ALNUM = /[^a-zA-Z0-9]/;
const BLANK_LINE_END = /\n\r?\n$/;
const BLANK_LINE_START = /^\r?\n\r?\n/;

function scoreWith(one, two, classify) {
  if (!one || !two) return 6;
  const [nonAlnum1, space1] = classify(one[one.length - 1]);
  const [nonAlnum2, space2] = classify(two[0]);
  const char1 = one[one.length - 1];
  const char2 = two[0];
  const break1 = space1 && (char1 === "\r" || char1 === "\n");
  const break2 = space2 && (char2 === "\r" || char2 === "\n");
  const blank1 = break1 && BLANK_LINE_END.test(one);
  const blank2 = break2 && BLANK_LINE_START.test(two);
  if (blank1 || blank2) return 5;
  if (break1 || break2) return 4;
  if (nonAlnum1 && !space1 && space2) return 3;
  if (space1 || space2) return 2;
  if (nonAlnum1 || nonAlnum2) return 1;
  return 0;
}

function classifyJs(ch) {
  const nonAlnum = JS_NON_ALNUM.test(ch);
  return [nonAlnum, nonAlnum && JS_SPACE.test(ch)];
}

/** diff-match-patch's boundary score as its JavaScript version computes it (textdiff.py's
 * _semantic_score): the merge uses this one on both sides of the protocol. A stand-in unit
 * scores as the astral character it stands for does here: not alphanumeric, not space. */
export function semanticScore(one, two) {
  return scoreWith(one, two, classifyJs);
}

// Python's str.isalnum() and str.isspace(), for the one place where the server's diff uses the
// Python library's own scoring: the semantic cleanup inside diff_main's line mode (texts over
// 100 characters whose line-level diff has a replacement). Letters and numbers by Unicode
// category; whitespace as CPython defines it (bidi class WS, B or S, or category Zs).
const PY_ALNUM = /^[\p{L}\p{N}]$/u;
const PY_SPACE =
  /^[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/;

function classifyPython(map) {
  return (ch) => {
    const original = map.original(ch);
    const nonAlnum = !PY_ALNUM.test(original);
    return [nonAlnum, nonAlnum && PY_SPACE.test(original)];
  };
}

function commonSuffixLength(a, b) {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[a.length - 1 - i] === b[b.length - 1 - i]) i++;
  return i;
}

/** diff-match-patch's diff_cleanupSemanticLossless (Apache-2.0, Neil Fraser), in place, scored
 * by `score` (textdiff.py's _cleanup_semantic_lossless). Works on the library's Diff objects
 * and on plain [op, text] arrays alike. */
export function cleanupSemanticLossless(diffs, score = semanticScore) {
  let pointer = 1;
  while (pointer < diffs.length - 1) {
    if (diffs[pointer - 1][0] === DIFF_EQUAL && diffs[pointer + 1][0] === DIFF_EQUAL) {
      let equality1 = diffs[pointer - 1][1];
      let edit = diffs[pointer][1];
      let equality2 = diffs[pointer + 1][1];

      // Shift the edit as far left as possible.
      const offset = commonSuffixLength(equality1, edit);
      if (offset) {
        const common = edit.slice(edit.length - offset);
        equality1 = equality1.slice(0, equality1.length - offset);
        edit = common + edit.slice(0, edit.length - offset);
        equality2 = common + equality2;
      }

      // Step right one character at a time, keeping the best-scoring position; ">="
      // prefers trailing to leading whitespace on an edit.
      let best1 = equality1;
      let bestEdit = edit;
      let best2 = equality2;
      let bestScore = score(equality1, edit) + score(edit, equality2);
      while (edit && equality2 && edit[0] === equality2[0]) {
        equality1 += edit[0];
        edit = edit.slice(1) + equality2[0];
        equality2 = equality2.slice(1);
        const s = score(equality1, edit) + score(edit, equality2);
        if (s >= bestScore) {
          bestScore = s;
          best1 = equality1;
          bestEdit = edit;
          best2 = equality2;
        }
      }

      if (diffs[pointer - 1][1] !== best1) {
        if (best1) {
          diffs[pointer - 1][1] = best1;
        } else {
          diffs.splice(pointer - 1, 1);
          pointer--;
        }
        diffs[pointer][1] = bestEdit;
        if (best2) {
          diffs[pointer + 1][1] = best2;
        } else {
          diffs.splice(pointer + 1, 1);
          pointer--;
        }
      }
    }
    pointer++;
  }
}

/** A diff-match-patch instance that diffs as the server's does. `map` is the CharMap of the
 * texts it will see: line mode's semantic cleanup then scores as the Python library does. */
export function differ(map, timeout = 1) {
  const dmp = new DiffMatchPatch();
  dmp.Diff_Timeout = timeout;
  const classify = classifyPython(map);
  dmp.diff_cleanupSemanticLossless = (diffs) =>
    cleanupSemanticLossless(diffs, (one, two) => scoreWith(one, two, classify));
  return dmp;
}

/** diff_main on two (mapped) texts, as plain [op, text] pairs. */
export function diffMain(dmp, a, b) {
  return dmp.diff_main(a, b).map((d) => [d[0], d[1]]);
}

// --- surrogate pairs ----------------------------------------------------------------------

export const isHigh = (code) => code >= 0xd800 && code <= 0xdbff;
export const isLow = (code) => code >= 0xdc00 && code <= 0xdfff;

/** Whether a cut at UTF-16 `offset` of `text` falls between the halves of a surrogate pair. */
export function splitsPair(text, offset) {
  if (offset <= 0 || offset >= text.length) return false;
  return isHigh(text.charCodeAt(offset - 1)) && isLow(text.charCodeAt(offset));
}

/** Whether `text` holds a lone surrogate (which no delta can carry). */
export function hasLoneSurrogate(text) {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isHigh(c)) {
      if (i + 1 < text.length && isLow(text.charCodeAt(i + 1))) {
        i++;
        continue;
      }
      return true;
    }
    if (isLow(c)) return true;
  }
  return false;
}

/** A diff of `a` into `b` in UTF-16 units that never cuts a character, after
 * `cleanup(diffs)` (in mapped form): [op, text] pairs of the original texts. Used for the
 * editor's changes and for deltas. */
export function diffChars(a, b, { timeout = 1, cleanup = null } = {}) {
  const map = new CharMap([a, b]);
  if (!map.ok) return wholeCharacters(diffUnits(a, b, timeout, cleanup));
  const dmp = differ(map, timeout);
  const diffs = dmp.diff_main(map.encode(a), map.encode(b));
  if (cleanup) cleanup(dmp, diffs);
  return diffs.filter((d) => d[1]).map((d) => [d[0], map.decode(d[1])]);
}

function diffUnits(a, b, timeout, cleanup) {
  const dmp = differ(new CharMap([]), timeout);
  const diffs = dmp.diff_main(a, b);
  if (cleanup) cleanup(dmp, diffs);
  return diffs.filter((d) => d[1]).map((d) => [d[0], d[1]]);
}

/** Rewrites a unit diff so that no piece starts or ends inside a surrogate pair: each run of
 * edits between two equalities is widened to whole characters. */
export function wholeCharacters(diffs) {
  // Rebuild as runs: equal text, then (deleted, inserted) between equalities.
  const runs = [];
  for (const [op, text] of diffs) {
    const last = runs[runs.length - 1];
    if (op === DIFF_EQUAL) {
      if (last && last.equal !== undefined) last.equal += text;
      else runs.push({ equal: text });
    } else {
      if (!last || last.equal !== undefined) runs.push({ del: "", ins: "" });
      const run = runs[runs.length - 1];
      if (op === DIFF_DELETE) run.del += text;
      else run.ins += text;
    }
  }
  for (let i = 0; i < runs.length; i++) {
    const run = runs[i];
    if (run.equal !== undefined) continue;
    const before = runs[i - 1];
    const after = runs[i + 1];
    // A high surrogate ending the equality before: its pair was cut; take it into the edit.
    if (before && before.equal && isHigh(before.equal.charCodeAt(before.equal.length - 1))) {
      const unit = before.equal[before.equal.length - 1];
      before.equal = before.equal.slice(0, -1);
      run.del = unit + run.del;
      run.ins = unit + run.ins;
    }
    if (after && after.equal && isLow(after.equal.charCodeAt(0))) {
      const unit = after.equal[0];
      after.equal = after.equal.slice(1);
      run.del += unit;
      run.ins += unit;
    }
  }
  const out = [];
  for (const run of runs) {
    if (run.equal !== undefined) {
      if (run.equal) out.push([DIFF_EQUAL, run.equal]);
      continue;
    }
    if (run.del) out.push([DIFF_DELETE, run.del]);
    if (run.ins) out.push([DIFF_INSERT, run.ins]);
  }
  return out;
}
