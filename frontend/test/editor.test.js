// The editor's pure helpers: the changes it makes from others' text, and conflict wording.
import assert from "node:assert/strict";
import { test } from "node:test";

import { ChangeSet, Text } from "@codemirror/state";

import { changesBetween, wholeWords } from "../src/coedit/editor.js";

function apply(text, changes) {
  return ChangeSet.of(changes, text.length).apply(Text.of(text.split("\n"))).toString();
}

test("changes between two texts turn the old into the new and never cut a character", () => {
  const cases = [
    ["x😀y", "x😁y"],
    ["𠮟責する", "叱責する"],
    ["The Parties agree.", "The two Parties hereby agree."],
    ["両締約国は、協議する。", "両締約国は、速やかに協議する。"],
    ["a\nb\nc", "a\nB\nc\nd"],
    ["", "😀"],
    ["😀😀", ""],
  ];
  for (const [a, b] of cases) {
    const changes = changesBetween(a, b);
    assert.equal(apply(a, changes), b, `${a} -> ${b}`);
    for (const { from, to } of changes) {
      for (const at of [from, to]) {
        assert.ok(!(/[\uD800-\uDBFF]/.test(a[at - 1] ?? "") && /[\uDC00-\uDFFF]/.test(a[at] ?? "")));
      }
    }
  }
});

test("a caret after a remote change keeps its place in the text", () => {
  const a = "The Parties shall consult.";
  const b = "The two Parties shall consult.";
  const caret = a.indexOf("consult");
  const set = ChangeSet.of(changesBetween(a, b), a.length);
  assert.equal(set.mapPos(caret), b.indexOf("consult"));
});

test("conflicts read as whole words in spaced scripts, characters in Japanese", () => {
  assert.deepEqual(wholeWords("complete", "open", "with one another ", "ly and frankly"), {
    intended: "completely",
    became: "openly",
    before: "with one another ",
    after: " and frankly",
  });
  assert.deepEqual(wholeWords("速やかに", "直ちに", "両締約国は、", "協議する。"), {
    intended: "速やかに",
    became: "直ちに",
    before: "両締約国は、",
    after: "協議する。",
  });
  // A deletion is not widened.
  assert.equal(wholeWords("", "open", "x ", "ly").intended, "");
});
