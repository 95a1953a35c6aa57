// Small DOM helpers shared by the review panel's forms and rendering.

let uid = 0;

/** A fresh id for an element, unique on the page: `${prefix}-${n}`. */
export const nextId = (prefix) => `${prefix}-${++uid}`;

/** An element with attributes (`class`, `text`, `on<event>` handlers, booleans as presence)
 * and children; null and undefined children are skipped. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}
