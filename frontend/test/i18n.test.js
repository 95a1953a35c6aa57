// Dates drawn by the browser code read as the pages write them: the page's language and the
// user's time zone (on <html>), not the browser's own.
import assert from "node:assert/strict";
import { test } from "node:test";

import { formatDateTime } from "../src/i18n.js";

const moment = "2026-11-30T23:17:00Z";

test("a Tokyo reader of the Japanese interface sees Tokyo time, in Japanese", () => {
  const root = { lang: "ja", timeZone: "Asia/Tokyo" };
  assert.equal(formatDateTime(moment, root), "2026年12月1日 8:17");
});

test("a London reader of the English interface sees London time, the British way", () => {
  const root = { lang: "en-GB", timeZone: "Europe/London" };
  assert.equal(formatDateTime(moment, root), "30 Nov 2026, 23:17");
});

test("an unknown zone falls back to the browser's rather than losing the date", () => {
  const root = { lang: "en-GB", timeZone: "Mars/Olympus" };
  assert.match(formatDateTime(moment, root), /2026/);
  assert.equal(formatDateTime("", root), "");
});
