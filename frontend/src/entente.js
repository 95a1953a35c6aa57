// Entente's page behaviour. Pages work without it; it adds what a drafter expects: nothing
// typed is lost (form text is kept in this browser until it is saved). The co-editor and the
// review panel are large (CodeMirror), so they are separate chunks that only the pages
// holding an editor or a review panel load.
import { keepFormDrafts } from "./form-drafts.js";
import "./history.js";
import { personaPicker } from "./personas.js";

document.addEventListener("DOMContentLoaded", async () => {
  keepFormDrafts(document);
  personaPicker(document);
  // Panels that refresh themselves from the server (hx-get) load htmx; other pages do not.
  if (document.querySelector("[hx-get], [hx-post]")) {
    import("htmx.org").then(({ default: htmx }) => {
      window.htmx = htmx;
      htmx.process(document.body);
    });
  }
  const hasEditor = document.querySelector("[data-coedit]");
  const hasCanvas = document.querySelector("[data-canvas]");
  const hasReview = document.querySelector("[data-review]");
  // Server-drawn negotiation (article panel, board) that refreshes on the socket's news.
  const hasLive = document.querySelector("[data-negotiation-live]");
  if (!hasEditor && !hasCanvas && !hasReview && !hasLive) return;
  // The chunks load in parallel; the editor mounts first, as the review panel and the
  // negotiation's brackets draw their marks into the editor they find. The draft page (the
  // canvas) mounts an editor only where someone clicks into a text.
  const [editor, canvas, brackets, review, live] = await Promise.all([
    hasEditor ? import("./coedit/editor.js") : null,
    hasCanvas ? import("./coedit/canvas.js") : null,
    hasEditor ? import("./negotiation/brackets.js") : null,
    hasReview ? import("./review/panel.js") : null,
    hasLive ? import("./negotiation/live.js") : null,
  ]);
  editor?.coeditMount(document);
  canvas?.canvasMount(document);
  brackets?.bracketsMount(document);
  review?.reviewMount(document);
  live?.negotiationLive(document);
});
