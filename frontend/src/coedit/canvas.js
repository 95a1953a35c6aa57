// The draft page as one canvas: click into any article's English or Japanese text and type.
// The live editor (editor.js) is mounted in place on demand, one per text clicked, never all
// at once (a draft of 100 articles stays a plain page until someone writes). All the editors
// of the page share the draft's socket: others' changes arrive at once, with their carets;
// a text nobody here has opened is refreshed from the API when it changes, and each article
// says who is writing in it.

import { coeditStart } from "./editor.js";
import { gettext } from "../i18n.js";
import { draftSocket } from "./socket.js";

function editorShell(block, data) {
  const { article, language } = block.dataset;
  const api = data.apiRoot || "/api/v1/";
  const section = document.createElement("section");
  section.className = "coedit coedit--canvas";
  section.setAttribute("aria-label", block.dataset.label || gettext("Article text"));
  Object.assign(section.dataset, {
    coedit: "",
    article,
    draft: data.draft,
    language,
    csrf: data.csrf,
    username: data.username,
    readOnly: data.canEdit === "true" ? "false" : "true",
    apiRoot: api,
    conflictsUrl: `${api}articles/${article}/conflicts/`,
    resolveUrl: `${api}conflicts/0/resolve/`,
    label: block.dataset.label || "",
  });
  const statusId = `coedit-status-${article}-${language}`;
  section.innerHTML = `
    <div class="coedit__bar">
      <p class="coedit__status" role="status" aria-atomic="true" data-coedit-status data-testid="coedit-status"></p>
      <p class="coedit__presence" data-coedit-presence data-testid="coedit-presence"></p>
    </div>
    <div class="coedit__editor" data-coedit-editor data-testid="coedit-editor" aria-busy="true"></div>
    <p class="visually-hidden" aria-live="polite" data-coedit-announce></p>
    <section class="coedit__conflicts" data-coedit-conflicts data-testid="coedit-conflicts" hidden>
      <h3></h3>
      <ul class="coedit__conflict-list" data-coedit-conflict-list></ul>
    </section>`;
  section.querySelector("[data-coedit-status]").id = statusId;
  section.querySelector("[data-coedit-status]").textContent = gettext("Connecting…");
  const mount = section.querySelector("[data-coedit-editor]");
  mount.lang = language;
  // The text as it was shown stays until the editor takes its place.
  const fallback = block.cloneNode(true);
  fallback.removeAttribute("data-canvas-text");
  fallback.setAttribute("data-coedit-fallback", "");
  fallback.classList.add("coedit__fallback");
  mount.append(fallback);
  const heading = section.querySelector(".coedit__conflicts h3");
  heading.textContent = gettext("Edits that did not go in");
  const count = document.createElement("span");
  count.className = "tag";
  count.dataset.coeditConflictCount = "";
  count.textContent = "0";
  heading.append(" ", count);
  return section;
}

/** Text as Django's `linebreaks` shows it: paragraphs at blank lines, <br> at single ones. */
function showText(block, text) {
  block.replaceChildren();
  for (const paragraph of text.split(/\n{2,}/)) {
    const p = document.createElement("p");
    paragraph.split("\n").forEach((line, index) => {
      if (index) p.append(document.createElement("br"));
      p.append(line);
    });
    block.append(p);
  }
}

function mountAt(block, data, event) {
  const section = editorShell(block, data);
  block.replaceWith(section);
  const editor = coeditStart(section);
  editor.onView((view) => {
    const at = event && event.clientX ? view.posAtCoords({ x: event.clientX, y: event.clientY }) : null;
    view.focus();
    if (at !== null && at !== undefined) view.dispatch({ selection: { anchor: at } });
  });
}

export function canvasMount(root = document) {
  for (const canvas of root.querySelectorAll("[data-canvas]")) {
    const data = canvas.dataset;
    const socket = draftSocket(Number(data.draft));
    const wire = (block) => {
      block.tabIndex = 0;
      block.setAttribute("role", "button");
      block.title = data.canEdit === "true" ? gettext("Click to write here") : gettext("Click to follow live");
      block.addEventListener("click", (event) => {
        if (event.target.closest("a")) return;
        mountAt(block, data, event);
      });
      block.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          mountAt(block, data, null);
        }
      });
    };
    canvas.querySelectorAll("[data-canvas-text]").forEach(wire);
    // The texts answer clicks from here on: a click before the script ran opened nothing, and
    // the browser tests wait for this rather than race the script on a loaded machine.
    canvas.dataset.ready = "true";
    // An article whose brackets, sign-offs or status changed: drawn again as the server draws
    // it (its status tag, and its texts with their brackets unless someone here is writing in
    // one: that editor draws its own).
    const stale = new Set();
    let settle = null;
    const redraw = async () => {
      const articles = [...stale];
      stale.clear();
      settle = null;
      let page;
      try {
        const response = await fetch(location.href, { credentials: "same-origin" });
        if (!response.ok) return;
        page = new DOMParser().parseFromString(await response.text(), "text/html");
      } catch {
        return; // The next change, or a reload, shows it.
      }
      for (const article of articles) {
        const section = canvas.querySelector(`#article-${article}`);
        const fresh = page.getElementById(`article-${article}`);
        if (!section || !fresh) continue;
        if (section.querySelector("[data-coedit]")) {
          const status = section.querySelector("[data-testid=article-status]");
          const freshStatus = fresh.querySelector("[data-testid=article-status]");
          if (status && freshStatus) status.replaceWith(document.importNode(freshStatus, true));
          continue;
        }
        const next = document.importNode(fresh, true);
        section.replaceWith(next);
        next.querySelectorAll("[data-canvas-text]").forEach(wire);
        socket.emit("presence", { type: "redrawn" }); // who is here, on the new markers
      }
    };
    const mark = () => {
      canvas.dataset.socket = socket.up ? "up" : "down";
    };
    mark();
    socket.subscribe({
      state: mark,
      negotiation: (message) => {
        stale.add(Number(message.article));
        if (!settle) settle = setTimeout(redraw, 250);
      },
      // Back after being lost: every article is drawn again, as what changed meanwhile (texts,
      // brackets, sign-offs, status) was announced to nobody here.
      resumed: () => {
        for (const section of canvas.querySelectorAll("section[id^='article-']")) {
          const article = Number(section.id.slice("article-".length));
          if (article) stale.add(article);
        }
        if (stale.size && !settle) settle = setTimeout(redraw, 250);
      },
      // A text nobody here opened: show the new one (the API says what it is now).
      changed: async (message) => {
        const block = canvas.querySelector(
          `[data-canvas-text][data-article="${message.article}"][data-language="${message.language}"]`,
        );
        if (!block) return;
        try {
          const response = await fetch(`${data.apiRoot || "/api/v1/"}articles/${message.article}/`, {
            credentials: "same-origin",
            headers: { Accept: "application/json" },
          });
          if (!response.ok) return;
          const body = await response.json();
          const text = body[`text_${message.language}`];
          if (typeof text === "string" && block.isConnected) showText(block, text);
        } catch {
          // The next change, or a reload, shows it.
        }
      },
      // Who is writing in each article.
      presence: () => {
        const byArticle = new Map();
        for (const person of socket.people.values()) {
          if (!person.article) continue;
          if (!byArticle.has(person.article)) byArticle.set(person.article, new Map());
          byArticle.get(person.article).set(person.user.username, person.user);
        }
        for (const marker of canvas.querySelectorAll("[data-canvas-here]")) {
          const people = byArticle.get(Number(marker.dataset.canvasHere));
          marker.replaceChildren();
          if (!people) continue;
          marker.append(`${gettext("Here:")} `);
          [...people.values()].forEach((user, index) => {
            if (index) marker.append(", ");
            const name = document.createElement("span");
            const delegation = (user.delegation || "").toLowerCase();
            name.className = `presence__name${delegation ? ` delegation--${delegation}` : ""}`;
            name.textContent = user.name || user.username;
            marker.append(name);
          });
        }
      },
    });
  }
}
