// Brackets in the co-editor: each open bracket of this text drawn the way negotiators read it,
// "[UK: words]" or "[UK: words / Option A: … / Option B: …]", as CodeMirror decorations (the
// text itself never contains the bracket characters). The marks map through every edit, local
// or remote, and are replaced by the server's list every few seconds while the editor shows
// the server's text (the server moves them through every change: core.anchors), and at once
// when the draft's socket says this article's brackets changed.

import { StateEffect, StateField } from "@codemirror/state";
import { Decoration, EditorView, WidgetType } from "@codemirror/view";

import { gettext } from "../i18n.js";
import { draftSocket } from "../coedit/socket.js";

export const setBrackets = StateEffect.define();

class EdgeWidget extends WidgetType {
  constructor(text, key, edge) {
    super();
    this.text = text;
    this.key = key;
    this.edge = edge;
  }

  eq(other) {
    return other.text === this.text && other.key === this.key;
  }

  toDOM() {
    const span = document.createElement("span");
    span.className = `bracket-edge bracket-edge--${this.edge}`;
    span.setAttribute("data-testid", `bracket-${this.edge}`);
    span.setAttribute("lang", "en");
    span.textContent = this.text;
    return span;
  }

  ignoreEvent() {
    return true;
  }
}

/** What is drawn before and after a bracket's words. */
export function bracketEdges(bracket) {
  const open = `[${bracket.delegation}: `;
  const options = (bracket.options || []).map(
    (o) =>
      `${gettext("Option")} ${o.letter}${o.delegations && o.delegations.length ? ` (${o.delegations.join("/")})` : ""}: ${o.text}`,
  );
  const close = options.length ? ` / ${options.join(" / ")}]` : "]";
  return { open, close };
}

export function bracketDecorations(doc, brackets) {
  const ranges = [];
  for (const b of brackets) {
    if (b.status !== "open" || b.detached) continue;
    const from = Math.max(0, Math.min(b.anchor_start, doc.length));
    const to = Math.max(from, Math.min(b.anchor_end, doc.length));
    if (from === to) continue;
    const { open, close } = bracketEdges(b);
    const delegation = (b.delegation || "").toLowerCase();
    ranges.push(
      Decoration.widget({ widget: new EdgeWidget(open, b.id, "open"), side: -1 }).range(from),
    );
    ranges.push(
      Decoration.mark({
        class: `bracket-span bracket-span--${delegation}`,
        attributes: { "data-bracket": String(b.id) },
      }).range(from, to),
    );
    ranges.push(
      Decoration.widget({ widget: new EdgeWidget(close, b.id, "close"), side: 1 }).range(to),
    );
  }
  return Decoration.set(ranges, true);
}

export function bracketField() {
  return StateField.define({
    create() {
      return Decoration.none;
    },
    update(value, tr) {
      let next = value.map(tr.changes);
      for (const effect of tr.effects) {
        if (effect.is(setBrackets)) next = bracketDecorations(tr.state.doc, effect.value);
      }
      return next;
    },
    provide: (field) => EditorView.decorations.from(field),
  });
}

/** Draws the brackets in every co-editor of the page that has a brackets URL. */
export function bracketsMount(root = document) {
  for (const el of root.querySelectorAll("[data-coedit][data-brackets-url]")) {
    const editor = el.coeditor;
    if (!editor) continue;
    const url = el.dataset.bracketsUrl;
    editor.addExtension(bracketField());
    const refresh = async () => {
      if (!editor.view || !editor.inStep()) return;
      try {
        const response = await fetch(url, { credentials: "same-origin" });
        if (!response.ok) return;
        const body = await response.json();
        if (!editor.inStep()) return; // typed meanwhile: the server's offsets are for older text
        editor.view.dispatch({ effects: setBrackets.of(body.results || body) });
      } catch {
        // Drawn again on the next refresh.
      }
    };
    editor.onView(() => {
      refresh();
      setInterval(refresh, 5000);
      if (el.dataset.draft) {
        draftSocket(Number(el.dataset.draft)).subscribe({
          negotiation: (message) => {
            if (Number(message.article) === Number(el.dataset.article)) refresh();
          },
          resumed: refresh, // a change announced while the socket was down never arrived
        });
      }
    });
  }
}
