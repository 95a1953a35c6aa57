"""The numbered paragraphs and items of a legal text, in English or Japanese.

Plain Python, no Django. Used by the concordance's structural check: the two authentic texts
of an article should have as many numbered paragraphs, and as many lettered or numbered
items, as each other; when they do not, one text has lost or gained a paragraph that the
translator has not carried over.

A marker counts only at the start of a line (after any indentation, full-width space
included). Full-width forms are read as their ASCII equivalents (NFKC), so "１．" is "1."
and "（ａ）" is "(a)".

- paragraph: "1.", "1 ", "1)" and their full-width forms ("１", "１．", "１　"); the way
  English and Japanese treaty texts number 項.
- item: "(a)", "a)", "(i)", "(1)" and their full-width forms ("（ａ）", "（ｉ）", "（１）"),
  kanji numerals followed by a space ("一　", "十二　", the way Japanese texts number 号) and
  the iroha letters ("イ　", "ロ　").

Japanese statutes leave a first paragraph unnumbered; treaty texts number it ("１"), and this
module counts what is written, so an unnumbered first paragraph shows as one fewer.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["Structure", "StructureMismatch", "structure_compare", "structure_of"]

_PARAGRAPH = re.compile(r"(\d{1,3})(?:[.)]|\s)")
_ITEM = re.compile(
    r"(?:\((?:[a-z]{1,2}|[ivxlc]{1,6}|\d{1,3})\)"  # (a) (aa) (iv) (1)
    r"|(?:[a-z]|[ivxlc]{1,6})\)\s"  # a) iv)
    r"|[一二三四五六七八九十百]{1,4}\s"  # 一　 十二
    r"|[イロハニホヘトチリヌルヲワカヨタレソツネナラム]\s)",  # イ　 ロ
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Structure:
    """The markers found, in order, as written (after NFKC)."""

    paragraphs: tuple[str, ...]
    items: tuple[str, ...]


@dataclass(frozen=True)
class StructureMismatch:
    level: str  # "paragraphs" or "items"
    counts: dict[str, int]  # language code -> how many

    def as_dict(self) -> dict[str, object]:
        return {"level": self.level, "counts": dict(self.counts)}


def structure_of(text: str) -> Structure:
    """The numbered paragraphs and items of ``text``, each marker once per line start."""
    paragraphs: list[str] = []
    items: list[str] = []
    for raw_line in text.splitlines():
        # NFKC turns full-width digits, letters, brackets and the ideographic space into
        # their ASCII forms, so one set of patterns reads both languages.
        line = unicodedata.normalize("NFKC", raw_line).lstrip() + " "
        item = _ITEM.match(line)
        if item:
            items.append(item.group(0).strip())
            continue
        paragraph = _PARAGRAPH.match(line)
        if paragraph:
            paragraphs.append(paragraph.group(1))
    return Structure(tuple(paragraphs), tuple(items))


def structure_compare(texts: dict[str, str]) -> list[StructureMismatch]:
    """Where the texts (language code -> text) differ in how many numbered paragraphs or
    items they have. Empty when they agree, or when any of them is empty (an untranslated
    text is a different problem, reported on its own)."""
    if len(texts) < 2 or any(not text.strip() for text in texts.values()):
        return []
    structures = {language: structure_of(text) for language, text in texts.items()}
    mismatches = []
    for level in ("paragraphs", "items"):
        counts = {language: len(getattr(s, level)) for language, s in structures.items()}
        if len(set(counts.values())) > 1:
            mismatches.append(StructureMismatch(level, counts))
    return mismatches
