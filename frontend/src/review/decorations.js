// CodeMirror decorations for review: each open thread's span marked (a class per thread), each
// pending suggestion's span struck through and followed by its proposed wording. The marks map
// through every edit, local or remote, until the next list from the server replaces them.

import { StateEffect, StateField } from "@codemirror/state";
import { Decoration, EditorView, WidgetType } from "@codemirror/view";

import { gettext, interpolate } from "../i18n.js";

export const setReview = StateEffect.define();
export const setActive = StateEffect.define();

class InsertionWidget extends WidgetType {
  constructor(suggestion) {
    super();
    this.suggestion = suggestion;
  }

  eq(other) {
    return (
      other.suggestion.id === this.suggestion.id &&
      other.suggestion.replacement === this.suggestion.replacement
    );
  }

  toDOM() {
    const s = this.suggestion;
    const ins = document.createElement("ins");
    ins.className = "review-ins";
    ins.dataset.suggestion = String(s.id);
    ins.setAttribute("data-testid", "review-inline-insert");
    ins.textContent = s.replacement || "";
    const who = document.createElement("span");
    who.className = "review-ins__author";
    who.textContent = ` ${s.created_by}`;
    who.setAttribute("lang", "en");
    ins.append(who);
    ins.title = interpolate(gettext("Suggested by %(who)s"), { who: s.created_by });
    return ins;
  }

  ignoreEvent() {
    return false;
  }
}

/** Clamps a span to the document; null when nothing is left of it. */
function span(doc, start, end) {
  const from = Math.max(0, Math.min(start, doc.length));
  const to = Math.max(from, Math.min(end, doc.length));
  return { from, to };
}

/** The decorations for `threads` and `suggestions` (API shapes) over `doc`. */
export function reviewDecorations(doc, threads, suggestions, activeKey = "") {
  const ranges = [];
  for (const t of threads) {
    if (t.status !== "open" || t.detached) continue;
    const { from, to } = span(doc, t.anchor_start, t.anchor_end);
    if (from === to) continue;
    const active = activeKey === `thread-${t.id}` ? " review-mark--active" : "";
    ranges.push(
      Decoration.mark({
        class: `review-mark review-mark--thread-${t.id}${active}`,
        attributes: { "data-thread": String(t.id) },
      }).range(from, to),
    );
  }
  for (const s of suggestions) {
    if (s.status !== "pending" || s.stale) continue;
    const { from, to } = span(doc, s.anchor_start, s.anchor_end);
    const active = activeKey === `suggestion-${s.id}` ? " review-del--active" : "";
    if (from < to) {
      ranges.push(
        Decoration.mark({
          class: `review-del review-del--suggestion-${s.id}${active}`,
          attributes: { "data-suggestion": String(s.id) },
        }).range(from, to),
      );
    }
    if (s.replacement) {
      ranges.push(Decoration.widget({ widget: new InsertionWidget(s), side: 1 }).range(to));
    }
  }
  return Decoration.set(ranges, true);
}

/** The extension: a field holding the decorations, replaced by `setReview` effects carrying
 * `{threads, suggestions, active}` and mapped through every change in between. */
export function reviewField() {
  return StateField.define({
    create() {
      return Decoration.none;
    },
    update(value, tr) {
      let next = value.map(tr.changes);
      for (const effect of tr.effects) {
        if (effect.is(setReview)) {
          const { threads, suggestions, active } = effect.value;
          next = reviewDecorations(tr.state.doc, threads, suggestions, active);
        }
      }
      return next;
    },
    provide: (field) => EditorView.decorations.from(field),
  });
}
