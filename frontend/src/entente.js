// Entente's page behaviour. Pages work without it; it adds what a drafter expects:
// nothing typed is lost (form text is kept in this browser until it is saved), and
// htmx for partial page updates.
import htmx from "htmx.org";
import { canvasMount } from "./coedit/canvas.js";
import { coeditMount } from "./coedit/editor.js";
import { keepFormDrafts } from "./form-drafts.js";
import "./history.js";
import { personaPicker } from "./personas.js";
import { reviewMount } from "./review/panel.js";

window.htmx = htmx;

document.addEventListener("DOMContentLoaded", () => {
  keepFormDrafts(document);
  personaPicker(document);
  coeditMount(document);
  canvasMount(document);
  reviewMount(document);
});
