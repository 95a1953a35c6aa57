// The time slider on an article's History page. Without scripts it is a GET form (move the
// slider, press "Show revision"); with them, moving it (mouse, touch, or arrow keys, Home and
// End) shows that revision at once: the page for it is fetched and its text and caption are
// swapped in, the address follows, and screen readers hear "Revision N of M by X".

import { gettext, interpolate } from "./i18n.js";

const DELAY_MS = 120;

function announce(live, text) {
  if (!live) return;
  // Clearing first makes a repeated message be read again.
  live.textContent = "";
  window.setTimeout(() => {
    live.textContent = text;
  }, 30);
}

function markCurrent(root, at) {
  root.querySelectorAll(".timeline__item[data-revision]").forEach((item) => {
    const current = item.dataset.revision === String(at);
    item.classList.toggle("timeline__item--current", current);
    if (current) item.setAttribute("aria-current", "true");
    else item.removeAttribute("aria-current");
  });
}

export function historySlider(root) {
  const form = root.querySelector("form[data-history-slider]");
  if (!form) return;
  const range = form.querySelector('input[type="range"]');
  const live = root.querySelector("[data-history-live]");
  if (!range) return;
  let timer = 0;
  let controller = null;
  let shown = range.value;

  const urlFor = () => {
    const url = new URL(window.location.href);
    const params = new URLSearchParams(new FormData(form));
    params.forEach((value, key) => url.searchParams.set(key, value));
    url.searchParams.delete("page");
    return url;
  };

  const load = async () => {
    const at = range.value;
    if (at === shown) return;
    const url = urlFor();
    const view = root.querySelector("[data-history-view]");
    if (controller) controller.abort();
    controller = new AbortController();
    if (view) view.classList.add("is-loading");
    try {
      const response = await fetch(url, {
        signal: controller.signal,
        headers: { Accept: "text/html" },
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const doc = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = doc.querySelector("[data-history-view]");
      const current = root.querySelector("[data-history-view]");
      if (!fresh || !current) throw new Error("no revision view in the page");
      current.replaceWith(document.importNode(fresh, true));
      shown = at;
      window.history.replaceState(null, "", url);
      markCurrent(root, at);
      announce(live, fresh.dataset.announce || interpolate(gettext("Revision %(number)s"), { number: at }));
    } catch (error) {
      if (error.name === "AbortError") return;
      // Whatever went wrong, the page for that revision still works on its own.
      window.location.assign(url);
    }
  };

  range.addEventListener("input", () => {
    range.setAttribute(
      "aria-valuetext",
      interpolate(gettext("Revision %(at)s of %(latest_number)s"), { at: range.value, latest_number: range.max }),
    );
    window.clearTimeout(timer);
    timer = window.setTimeout(load, DELAY_MS);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    window.clearTimeout(timer);
    shown = null;
    load();
  });
  // Moved before this script ran (a slow page): show what the slider now says.
  if (range.value !== range.defaultValue) {
    shown = range.defaultValue;
    load();
  }
  form.dataset.ready = "true";
}

document.addEventListener("DOMContentLoaded", () => historySlider(document));
