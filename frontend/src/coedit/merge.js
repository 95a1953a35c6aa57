// The exact three-way merge of docs/protocol.md, the same function as the server's
// (drafting/textdiff.py merge; its docstring is the specification, checked against
// tests/vectors/merge_vectors.json by frontend/test/merge.test.js).
//
// merge(base, ours, theirs) -> {text, conflicts}
// 1. Diff base→ours and base→theirs by character (see diff.js: the diffs the server's Python
//    library makes), then diff_cleanupSemanticLossless with JavaScript's scoring.
// 2. Each run of edits between two equalities is one region: base[start:end] (possibly empty:
//    an insertion) becomes the region's text.
// 3. Two consecutive regions of one side are joined when the base text between them is shorter
//    than 8 UTF-16 units and holds no whitespace (/\s/).
// 4. Overlap between a region of ours and one of theirs: two spans overlap iff they share a
//    base character; an insertion overlaps a span iff it is strictly inside it; two insertions
//    never overlap.
// 5. Regions that overlap nothing apply exactly; at one point: a span ending there, then the
//    insertions there (theirs first), then a span starting there.
// 6. Overlapping regions form clusters; in a cluster theirs wins and ours becomes one conflict
//    {start, end, base_text, ours, theirs} (offsets in UTF-16 units of base), unless both
//    sides made the span read the same.

import {
  CharMap,
  DIFF_EQUAL,
  DIFF_DELETE,
  cleanupSemanticLossless,
  differ,
  diffMain,
  wholeCharacters,
} from "./diff.js";

export const JOIN_GAP = 8;
const JS_SPACE = /\s/;

function regionsFromDiffs(diffs) {
  const regions = [];
  let pos = 0;
  let start = null;
  let inserted = "";
  for (const [op, text] of diffs) {
    if (op === DIFF_EQUAL) {
      if (!text) continue;
      if (start !== null) {
        regions.push({ start, end: pos, text: inserted });
        start = null;
        inserted = "";
      }
      pos += text.length;
      continue;
    }
    if (start === null) start = pos;
    if (op === DIFF_DELETE) pos += text.length;
    else inserted += text;
  }
  if (start !== null) regions.push({ start, end: pos, text: inserted });
  return regions.filter((r) => r.start !== r.end || r.text);
}

function joinRegions(base, regions, map) {
  const joined = [];
  for (const region of regions) {
    if (joined.length) {
      const prev = joined[joined.length - 1];
      const gap = base.slice(prev.end, region.start);
      if (map.utf16Length(gap) < JOIN_GAP && !JS_SPACE.test(gap)) {
        joined[joined.length - 1] = {
          start: prev.start,
          end: region.end,
          text: prev.text + gap + region.text,
        };
        continue;
      }
    }
    joined.push(region);
  }
  return joined;
}

function editRegions(dmp, map, base, text) {
  let diffs = diffMain(dmp, base, text);
  cleanupSemanticLossless(diffs);
  // Without stand-ins (see diff.js) the diff is by unit and may cut a character in two.
  if (!map.active && !map.ok) diffs = wholeCharacters(diffs);
  return joinRegions(base, regionsFromDiffs(diffs), map);
}

const isInsertion = (r) => r.start === r.end;

function overlaps(a, b) {
  if (isInsertion(a) && isInsertion(b)) return false;
  if (isInsertion(a)) return b.start < a.start && a.start < b.end;
  if (isInsertion(b)) return a.start < b.start && b.start < a.end;
  return a.start < b.end && b.start < a.end;
}

function applyRegions(base, start, end, regions) {
  let out = "";
  let pos = start;
  for (const region of regions) {
    out += base.slice(pos, region.start) + region.text;
    pos = region.end;
  }
  return out + base.slice(pos, end);
}

/** The exact three-way merge. Returns {text, conflicts}; conflict offsets are UTF-16 units
 * of `base`. `timeout`: diff-match-patch's Diff_Timeout for each diff, in seconds. */
export function merge(base, ours, theirs, { timeout = 1, forceUnits = false } = {}) {
  // The postconditions, without diffing: one side unchanged.
  if (theirs === base) return { text: ours, conflicts: [] };
  if (ours === base) return { text: theirs, conflicts: [] };
  const map = forceUnits
    ? Object.assign(new CharMap([]), { ok: false })
    : new CharMap([base, ours, theirs]);
  const dmp = differ(map, timeout);
  const b = map.encode(base);
  const oursRegions = editRegions(dmp, map, b, map.encode(ours));
  const theirsRegions = editRegions(dmp, map, b, map.encode(theirs));
  if (!oursRegions.length) return { text: theirs, conflicts: [] };
  if (!theirsRegions.length) return { text: ours, conflicts: [] };

  // Union-find over (side, index); a side's regions are sorted and disjoint.
  const parent = new Map();
  const key = (side, i) => side * 1e9 + i;
  const find = (node) => {
    let root = node;
    while ((parent.get(root) ?? root) !== root) root = parent.get(root);
    while ((parent.get(node) ?? node) !== root) {
      const next = parent.get(node);
      parent.set(node, root);
      node = next;
    }
    return root;
  };
  const involved = [];
  const theirsEnds = theirsRegions.map((r) => r.end);
  for (let i = 0; i < oursRegions.length; i++) {
    const region = oursRegions[i];
    let j = bisectLeft(theirsEnds, region.start);
    while (j < theirsRegions.length && theirsRegions[j].start <= region.end) {
      if (overlaps(region, theirsRegions[j])) {
        involved.push([0, i], [1, j]);
        parent.set(find(key(0, i)), find(key(1, j)));
      }
      j++;
    }
  }

  const clusters = new Map();
  for (const [side, index] of involved) {
    const root = find(key(side, index));
    if (!clusters.has(root)) clusters.set(root, [new Set(), new Set()]);
    clusters.get(root)[side].add(index);
  }

  const dropped = new Set();
  const found = [];
  const numeric = (a, c) => a - c;
  for (const [oursIndexes, theirsIndexes] of clusters.values()) {
    for (const i of oursIndexes) dropped.add(i);
    const oursGroup = [...oursIndexes].sort(numeric).map((i) => oursRegions[i]);
    const theirsGroup = [...theirsIndexes].sort(numeric).map((j) => theirsRegions[j]);
    const start = Math.min(oursGroup[0].start, theirsGroup[0].start);
    const end = Math.max(
      oursGroup[oursGroup.length - 1].end,
      theirsGroup[theirsGroup.length - 1].end,
    );
    const oursText = applyRegions(b, start, end, oursGroup);
    const theirsText = applyRegions(b, start, end, theirsGroup);
    if (oursText !== theirsText) found.push({ start, end, oursText, theirsText });
  }

  // Position, then insertions before a span starting there, then theirs first (stable sort).
  const edits = theirsRegions.map((r) => [r, 0]);
  oursRegions.forEach((r, i) => {
    if (!dropped.has(i)) edits.push([r, 1]);
  });
  edits.sort(
    (x, y) =>
      x[0].start - y[0].start ||
      Number(!isInsertion(x[0])) - Number(!isInsertion(y[0])) ||
      x[1] - y[1],
  );
  const text = map.decode(applyRegions(b, 0, b.length, edits.map((e) => e[0])));

  found.sort((x, y) => x.start - y.start || x.end - y.end);
  const conflicts = [];
  let pos = 0;
  let pos16 = 0;
  for (const { start, end, oursText, theirsText } of found) {
    pos16 += map.utf16Length(b.slice(pos, start));
    const start16 = pos16;
    pos16 += map.utf16Length(b.slice(start, end));
    pos = end;
    conflicts.push({
      start: start16,
      end: pos16,
      base_text: map.decode(b.slice(start, end)),
      ours: map.decode(oursText),
      theirs: map.decode(theirsText),
    });
  }
  return { text, conflicts };
}

function bisectLeft(values, x) {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
