// Which server-drawn negotiation regions a push redraws, and when one is left alone because
// someone is filling a form in it (nothing typed may be lost to a redraw).
import { test } from "node:test";
import assert from "node:assert/strict";

import { busyIn, concerns } from "../src/negotiation/live.js";

function field(tagName, attrs = {}) {
  return { tagName, getAttribute: (name) => attrs[name] ?? null, ...attrs.props };
}

function region(fields, dataset = {}) {
  return {
    dataset,
    contains: (el) => fields.includes(el),
    querySelectorAll: () => fields,
  };
}

test("a push concerns the region of its article, and regions of the whole draft", () => {
  assert.equal(concerns(region([], { negotiationArticle: "12" }), 12), true);
  assert.equal(concerns(region([], { negotiationArticle: "12" }), 13), false);
  assert.equal(concerns(region([]), 13), true);
});

test("an untouched form does not hold a redraw back", () => {
  const fields = [
    field("INPUT", { type: "hidden", props: { value: "x", defaultValue: "" } }),
    field("TEXTAREA", { props: { value: "", defaultValue: "" } }),
    field("INPUT", { type: "radio", props: { checked: true, defaultChecked: true } }),
    field("SELECT", {
      props: { selectedIndex: 0, options: [{ defaultSelected: false }, { defaultSelected: false }] },
    }),
  ];
  assert.equal(busyIn(region(fields), null), false);
});

test("typed text, a ticked box or the focus in a field holds it back", () => {
  const typed = field("TEXTAREA", { props: { value: "because", defaultValue: "" } });
  assert.equal(busyIn(region([typed]), null), true);
  const ticked = field("INPUT", { type: "radio", props: { checked: true, defaultChecked: false } });
  assert.equal(busyIn(region([ticked]), null), true);
  const chosen = field("SELECT", {
    props: { selectedIndex: 1, options: [{ defaultSelected: true }, { defaultSelected: false }] },
  });
  assert.equal(busyIn(region([chosen]), null), true);
  const focused = field("INPUT", { props: { value: "", defaultValue: "" } });
  assert.equal(busyIn(region([focused]), focused), true);
});
