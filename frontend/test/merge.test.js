// The browser's three-way merge and deltas against the server's: every shared vector in
// tests/vectors/merge_vectors.json, and deltas the Python code (drafting/textdiff.py) writes.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { diffChars, wholeCharacters } from "../src/coedit/diff.js";
import { DeltaError, applyDelta, makeDelta } from "../src/coedit/delta.js";
import { merge } from "../src/coedit/merge.js";

const VECTORS = JSON.parse(
  readFileSync(new URL("../../tests/vectors/merge_vectors.json", import.meta.url), "utf-8"),
);

test("there are vectors to check", () => {
  assert.ok(VECTORS.length >= 30, `only ${VECTORS.length} vectors`);
});

for (const v of VECTORS) {
  test(`merge vector ${v.name}`, () => {
    const { text, conflicts } = merge(v.base, v.ours, v.theirs);
    assert.equal(text, v.text);
    assert.deepEqual(conflicts, v.conflicts);
  });
  // The fallback for texts too varied for stand-ins: a unit diff widened to whole characters.
  test(`merge vector ${v.name} (unit diff, widened)`, () => {
    const { text, conflicts } = merge(v.base, v.ours, v.theirs, { forceUnits: true });
    assert.equal(text, v.text);
    assert.deepEqual(conflicts, v.conflicts);
  });
}

test("merge postconditions: one side unchanged gives the other", () => {
  for (const v of VECTORS) {
    assert.deepEqual(merge(v.base, v.ours, v.base), { text: v.ours, conflicts: [] });
    assert.deepEqual(merge(v.base, v.base, v.theirs), { text: v.theirs, conflicts: [] });
  }
});

// Deltas written by drafting/textdiff.make_delta for the same pairs.
const PYTHON_DELTAS = [
  ["a😀b", "a😀cb", "=3\t+c\t=1"],
  ["a😀b", "ab", "=1\t-2\t=1"],
  ["𠮟る", "𠮟責する", "=2\t+%E8%B2%AC%E3%81%99\t=1"],
  ["x😀y", "x😁y", "=1\t-2\t+%F0%9F%98%81\t=1"],
  ["", "𠮟", "+%F0%A0%AE%9F"],
  ["The Parties agree.", "The Parties hereby agree.", "=12\t+hereby \t=6"],
  ["a b", "a\tb+c %", "=1\t-2\t+%09b+c %25"],
];

for (const [base, text, delta] of PYTHON_DELTAS) {
  test(`delta ${JSON.stringify(base)} -> ${JSON.stringify(text)}`, () => {
    assert.equal(makeDelta(base, text), delta);
    assert.equal(applyDelta(base, delta), text);
  });
}

test("delta round trips keep astral characters whole", () => {
  const texts = ["", "𠮟", "😀😁😂", "a😀b𠮟c", "両締約国は、𠮟責する😀。", "x😁😀y", "😀😀"];
  for (const a of texts) {
    for (const b of texts) {
      const delta = makeDelta(a, b);
      assert.equal(applyDelta(a, delta), b, `${a} -> ${b}`);
      for (const token of delta.split("\t")) {
        if (token.startsWith("+")) assert.doesNotThrow(() => decodeURI(token.slice(1)));
      }
    }
  }
});

test("apply_delta refuses what does not fit, as the server does", () => {
  const bad = [
    ["abc", "=2"], // counts do not add up
    ["abc", "=4"], // runs past the end
    ["a😀b", "=2\t-2"], // cuts a pair
    ["abc", "=+3"],
    ["abc", "= 3"],
    ["abc", "=1_0"],
    ["abc", "*3"],
    ["abc", "=3\t+%zz"],
    ["abc", "=3\t+%C3"], // not UTF-8
    ["abc", "=3\t+%ED%A0%80"], // an encoded surrogate
    ["abc", "=3\t+\uD800"],
  ];
  for (const [base, delta] of bad) {
    assert.throws(() => applyDelta(base, delta), DeltaError, JSON.stringify(delta));
  }
  assert.equal(applyDelta("abc", "=3\t"), "abc"); // empty tokens are ignored
  assert.equal(applyDelta("abc", "=3\t+%23%2B"), "abc#+"); // every escape is decoded
  assert.equal(applyDelta("", "+%EF%BB%BFx"), "\uFEFFx"); // a BOM is kept
});

test("makeDelta refuses a lone surrogate in inserted text", () => {
  assert.throws(() => makeDelta("a", "a\uD800"), DeltaError);
});

test("character diffs never cut a surrogate pair", () => {
  const diffs = diffChars("x😀y", "x😁y");
  for (const [, text] of diffs) {
    assert.ok(!/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/.test(text), JSON.stringify(diffs));
  }
  // The fallback widens a cut pair to the whole character.
  const widened = wholeCharacters([
    [0, "x\uD83D"],
    [-1, "\uDE00"],
    [1, "\uDE01"],
    [0, "y"],
  ]);
  assert.deepEqual(widened, [
    [0, "x"],
    [-1, "😀"],
    [1, "😁"],
    [0, "y"],
  ]);
});
