# ruff: noqa: RUF001 - full-width digits, kanji numerals and dashes are what the headings hold
"""Article headings as lawyers write them: "Article 5 bis — Heading", "第五条の二（見出し）".

Kept in one function, ``heading_parse``, so that it can later call the numbering module of the
i18n branch (drafting/numbering.py) for every Japanese number form it knows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LATIN_SUFFIXES = ("bis", "ter", "quater", "quinquies", "sexies", "septies", "octies", "novies")

_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
_KANJI_DIGITS.update({"八": 8, "九": 9})
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}

_EN = re.compile(
    r"^\s*Article\s+(?P<num>\d{1,4})(?:\s*(?P<suffix>"
    + "|".join(LATIN_SUFFIXES)
    + r"))?\s*(?:[—–:.\-]\s*(?P<heading>.*?))?\s*$",
    re.IGNORECASE,
)
_JA = re.compile(
    r"^\s*第(?P<num>[0-9０-９〇零一二三四五六七八九十百千]{1,8})条"
    r"(?:の(?P<branch>[0-9０-９〇零一二三四五六七八九十百千]{1,6}))?"
    r"\s*(?:[（(](?P<heading>.*?)[）)])?\s*$"
)
PREAMBLE_EN = re.compile(r"^\s*Preamble\s*$", re.IGNORECASE)
PREAMBLE_JA = re.compile(r"^\s*前文\s*$")


@dataclass(frozen=True)
class Heading:
    number: str  # as Entente stores it: "5", "5 bis"
    heading: str
    language: str


def kanji_number(text: str) -> int:
    """A number in kanji (五, 十二, 百三) or digits (full or half width)."""
    text = text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if text.isdigit():
        return int(text)
    total, digit = 0, 0
    for char in text:
        if char in _KANJI_DIGITS:
            digit = digit * 10 + _KANJI_DIGITS[char] if digit else _KANJI_DIGITS[char]
        elif char in _KANJI_UNITS:
            total += (digit or 1) * _KANJI_UNITS[char]
            digit = 0
        else:
            raise ValueError(f"not a number: {text!r}")
    return total + digit


def heading_parse(text: str) -> Heading | None:
    """The article number and heading if ``text`` is an article heading line, else None.

    Japanese branch numbers (第五条の二) become Latin suffixes ("5 bis"), as Entente numbers
    inserted articles."""
    if len(text) > 400:
        return None
    match = _EN.match(text)
    if match:
        suffix = (match["suffix"] or "").lower()
        number = match["num"].lstrip("0") or "0"
        return Heading(f"{number} {suffix}".strip(), (match["heading"] or "").strip(), "en")
    match = _JA.match(text)
    if match:
        try:
            number = str(kanji_number(match["num"]))
            branch = kanji_number(match["branch"]) if match["branch"] else 0
        except ValueError:
            return None
        if branch:
            if not 2 <= branch <= len(LATIN_SUFFIXES) + 1:
                return None
            number = f"{number} {LATIN_SUFFIXES[branch - 2]}"
        return Heading(number, (match["heading"] or "").strip(), "ja")
    return None


def is_preamble_heading(text: str) -> str | None:
    if PREAMBLE_EN.match(text):
        return "en"
    if PREAMBLE_JA.match(text):
        return "ja"
    return None


def eid_of(kind: str, number: str) -> str:
    """The Akoma Ntoso eId of a provision: the same for both languages."""
    if kind == "preamble":
        return "preamble"
    return "art_" + re.sub(r"[^0-9A-Za-z]", "", number)
