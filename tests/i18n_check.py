"""The check that a page shows no English interface words: shared by the page tests
(tests/drafting/test_i18n.py) and the browser tests. See test_i18n's docstring for what is
left out and why."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.contrib.auth import get_user_model

from drafting.models import Draft, Office, Version
from treaties.models import LibraryClause, Provision, Treaty

# Latin-letter words a Japanese page legitimately carries.
ALLOWED = {
    "Entente",
    "API",
    "UK",
    "US",
    "USA",
    "REL",
    "JPN",
    "ONLY",
    "OFFICIAL",
    "SENSITIVE",
    "OFFICIAL-SENSITIVE",
    "JP",
    "CSV",
    "UTC",
    "JST",
    "GMT",
    "BST",
    "EST",
    "EDT",
    "ATOP",
    "JavaScript",
    "Markdown",
    # File formats, named as their makers name them.
    "PDF",
    "Word",
    "DOCX",
    "docx",  # the extension, in ".docx"
    "XML",
    "Akoma",
    "Ntoso",
    "Ctrl",
    "Alt",
    "Home",
    "End",
    "Asia",
    "Tokyo",
    "Europe",
    "London",
    "America",
    "New_York",
    "York",
    "New",
    "English",  # the switcher names each language in itself (lang="en" too)
    "bis",  # the e.g. of a fixed number, “5 bis”, is how drafters type it
    "INDOPACOM",
    "State",
    "EAP",
    "consult",  # the search placeholder shows that English words are searched too
    "en",
    "ja",
    "at",  # at= in a URL parameter's error message
}


class VisibleText(HTMLParser):
    """The text people read, outside elements with a lang or translate="no", scripts and
    styles; with the attributes that are read out or shown (title, aria-label…)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "aria-valuetext"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []  # per open element: is it (or an ancestor) excluded?
        self.parts: list[str] = []

    def _excluded(self) -> bool:
        return bool(self.stack) and self.stack[-1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        excluded = (
            self._excluded()
            or tag in ("script", "style", "code")
            # An element in a stated language is text in that language (treaty text, names),
            # not interface: the interface never carries its own lang attribute.
            or (tag != "html" and bool(values.get("lang")))
            or values.get("translate") == "no"
        )
        if not excluded:
            self.parts += [v or "" for k, v in attrs if k in self.READ_ATTRIBUTES]
            if tag == "option" or (tag == "input" and values.get("type") in ("submit", "button")):
                self.parts.append(values.get("value") or "" if tag == "input" else "")
        if tag not in self.VOID:
            self.stack.append(excluded)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if not self._excluded() and not values.get("lang"):
            self.parts += [v or "" for k, v in attrs if k in self.READ_ATTRIBUTES]

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not self._excluded():
            self.parts.append(data)


def english_left_over(html: str, names: set[str]) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    text = " ".join(parser.parts)
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    words = re.findall(r"[A-Za-z][A-Za-z_'\u2019-]+", text)
    return sorted({w for w in words if w not in ALLOWED})


class LabelledText(VisibleText):
    """For the label and clock checks: also the text of elements in a stated language other
    than English (an English label in a Japanese element is a leftover), with
    ``english_too`` that of English ones as well (a UTC time is wrong whatever holds it), and
    the attributes of every element, data-label included (the bundle makes it an aria-label).
    People's words (translate="no"), scripts and code are still left out."""

    READ_ATTRIBUTES = VisibleText.READ_ATTRIBUTES | {"data-label"}

    def __init__(self, *, english_too: bool = False) -> None:
        super().__init__()
        self.english_too = english_too

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        outside = self._excluded() or tag in ("script", "style", "code")
        outside = outside or values.get("translate") == "no"
        if not outside:
            self.parts += [v or "" for k, v in attrs if k in self.READ_ATTRIBUTES]
        english = tag != "html" and (values.get("lang") or "").startswith("en")
        if tag not in self.VOID:
            self.stack.append(outside or (english and not self.english_too))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self._excluded():
            self.parts += [v or "" for k, v in attrs if k in self.READ_ATTRIBUTES]


# "Article 3", "Article 5 bis", "Preamble": how English names an article. Japanese readers see
# 第三条 and 前文 (Article.label_in, numbering.article_label_ja).
ENGLISH_LABEL = re.compile(r"\bArticle\s+\d+(?:\s*(?:bis|ter|quater)\b)?|\bPreamble\b")
# A time written in UTC, or as a raw timestamp, rather than in the reader's time zone.
UTC_TIME = re.compile(
    r"\d{1,2}:\d{2}(?::\d{2})?\s*(?:UTC|Z)\b|\bUTC\s*\d{1,2}:\d{2}"
    r"|\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}"
)


def labels_and_clocks_left_over(html: str, names: set[str], *, wrong_clock: str = "") -> list[str]:
    """What english_left_over cannot see, because a lang attribute or an allowed word hides
    it: an English article label outside English text (a Japanese element, an aria-label),
    a time in UTC anywhere, and ``wrong_clock`` (e.g. "23:17", a moment in London that a
    Tokyo reader should see as 08:17) anywhere. English text — the English treaty text and
    the English half of a label shown in both languages — may name articles in English."""
    labels = LabelledText()
    labels.feed(html)
    text = " ".join(labels.parts)
    # Names (a library provision "…, Preamble", a clause "… (TEU Article 42(7) model)") stay.
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    found = ENGLISH_LABEL.findall(text)
    clocks = LabelledText(english_too=True)
    clocks.feed(html)
    text = " ".join(clocks.parts)
    found += UTC_TIME.findall(text)
    if wrong_clock:
        found += re.findall(rf"(?<![\d:]){re.escape(wrong_clock)}(?!\d)", text)
    return sorted(set(found))


def names_from_database() -> set[str]:
    """Names are never translated: people, offices, versions, as the database has them."""
    names: set[str] = set()
    for user in get_user_model().objects.all():
        names |= {user.get_full_name(), user.get_username(), user.first_name, user.last_name}
    names |= set(Office.objects.values_list("name", flat=True))
    names |= set(Version.objects.values_list("name", flat=True))
    # Titles are names too (the page's <title> cannot carry a lang attribute).
    names |= set(Draft.objects.values_list("title", flat=True))
    names |= set(LibraryClause.objects.values_list("title", flat=True))
    for treaty in Treaty.objects.all():
        names |= {treaty.title, treaty.short_title}
    names |= {str(p) for p in Provision.objects.select_related("treaty")}
    return {n for n in names if n}
