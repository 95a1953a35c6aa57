// The server draws the negotiation (the article page's panel, the board): regions marked
// data-negotiation-live="<draft id>" (and data-negotiation-article="<id>" when they show one
// article) are fetched again and swapped in place when the draft's socket says an article's
// brackets, sign-offs or status changed, so the other delegation's bracket shows without a
// reload. A region in which someone is filling a form is left as it is, with a notice, so
// nothing typed is lost. When the socket comes back after being lost, every region is
// fetched again: what was announced while it was down never arrived.

import { gettext } from "../i18n.js";
import { draftSocket } from "../coedit/socket.js";

const SETTLE = 250; // ms: one fetch for the burst a single action announces (sign-off + status)

/** Whether someone is in the middle of a form in `region`. */
export function busyIn(region, active = typeof document !== "undefined" ? document.activeElement : null) {
  if (active && region.contains(active) && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName)) {
    return true;
  }
  for (const field of region.querySelectorAll("textarea, input, select")) {
    const type = (field.getAttribute("type") || "text").toLowerCase();
    if (["hidden", "submit", "button"].includes(type)) continue;
    if (type === "checkbox" || type === "radio") {
      if (field.checked !== field.defaultChecked) return true;
    } else if (field.tagName === "SELECT") {
      // Without a selected attribute the first option is the one the page showed.
      const shown = [...field.options].findIndex((option) => option.defaultSelected);
      if (field.selectedIndex !== Math.max(shown, 0)) return true;
    } else if (field.value !== field.defaultValue) {
      return true;
    }
  }
  return false;
}

/** Whether a push about `article` concerns `region`. */
export function concerns(region, article) {
  const only = region.dataset.negotiationArticle;
  return !only || Number(only) === Number(article);
}

function staleNotice(region) {
  if (region.querySelector("[data-negotiation-stale]")) return;
  const note = document.createElement("p");
  note.className = "note";
  note.setAttribute("role", "status");
  note.dataset.negotiationStale = "";
  note.setAttribute("data-testid", "negotiation-stale");
  note.textContent = gettext("The negotiation changed here: reload the page to see it.");
  region.prepend(note);
}

async function refresh(ids) {
  let page;
  try {
    const response = await fetch(location.href, {
      credentials: "same-origin",
      headers: { Accept: "text/html" },
    });
    if (!response.ok) return;
    page = new DOMParser().parseFromString(await response.text(), "text/html");
  } catch {
    return; // The next push, or a reload, shows it.
  }
  for (const id of ids) {
    const region = document.getElementById(id);
    const fresh = page.getElementById(id);
    if (!region || !fresh) continue;
    if (busyIn(region)) {
      staleNotice(region);
      continue;
    }
    const next = document.importNode(fresh, true);
    // A section someone opened stays open.
    for (const details of region.querySelectorAll("details[data-testid]")) {
      const again = next.querySelector(`details[data-testid="${details.dataset.testid}"]`);
      if (again) again.open = details.open;
    }
    region.replaceWith(next);
  }
}

export function negotiationLive(root = document) {
  const regions = [...root.querySelectorAll("[data-negotiation-live][id]")];
  const drafts = new Set(regions.map((region) => region.dataset.negotiationLive));
  for (const draft of drafts) {
    const pending = new Set();
    let timer = null;
    const socket = draftSocket(Number(draft));
    // Whether news arrives by itself here ("up") or only on reload: for people and tests.
    const mark = () => {
      for (const region of document.querySelectorAll(`[data-negotiation-live="${draft}"]`)) {
        region.dataset.negotiationPush = socket.up ? "up" : "down";
      }
    };
    mark();
    // Regions of this draft concerned by `article` (every one when null) are fetched again.
    const queue = (article) => {
      for (const region of document.querySelectorAll(`[data-negotiation-live="${draft}"][id]`)) {
        if (article === null || concerns(region, article)) pending.add(region.id);
      }
      if (!pending.size || timer) return;
      timer = setTimeout(() => {
        const ids = [...pending];
        pending.clear();
        timer = null;
        refresh(ids).then(mark);
      }, SETTLE);
    };
    socket.subscribe({
      state: mark,
      negotiation: (message) => queue(message.article),
      resumed: () => queue(null),
    });
  }
}
