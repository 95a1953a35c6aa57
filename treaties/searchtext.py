"""Search text for English and Japanese: normalising, stemming, matching and highlighting.

Plain Python, no Django. The library keeps, beside each searchable text, an *index* form of
it made here (``index_text``); a query is turned into *terms* the same way (``query_terms``)
and each term is looked up in the index form with a plain substring match (``LIKE``), which
SQLite and PostgreSQL answer alike and which PostgreSQL's pg_trgm GIN index serves.

- Normalising: NFKC (full-width ASCII becomes ASCII, half-width katakana full-width, the
  ideographic space a space) then case folding, so "ＡＲＭＥＤ", "Armed" and "armed" are one.
- English words (Latin letters and digits): the index holds each word and, when it differs,
  its Snowball (Porter 2) stem, each with a space before it; a query word matches a word that
  starts with the query word's stem. "armed attacks" -> "arm", "attack" finds "armed attack",
  "attacked"; "parties" -> "parti" finds "party" (indexed with its stem "parti").
- Japanese and other scripts without spaces between words: the run of characters is kept as
  it is and a query term matches anywhere inside it, so a query of one or two characters
  (協, 協議) works without a word splitter.
"""

from __future__ import annotations

import html
import re
import threading
import unicodedata
from dataclasses import dataclass

import snowballstemmer

__all__ = [
    "Term",
    "highlight",
    "index_text",
    "normalise",
    "query_terms",
    "term_score",
    "tokens",
]

# Latin letters (with accents) and digits make English words; any other run of letters is a
# run of Japanese (or another script) kept whole.
_LATIN = "0-9a-z\u00df-\u00f6\u00f8-\u024f"
_TOKEN = re.compile(rf"([{_LATIN}]+)|([^\W{_LATIN}_]+)")
_LATIN_WORD = re.compile(rf"[{_LATIN}]+")
_POSSESSIVE = re.compile(r"['\u2019]s\b")

_local = threading.local()


def _stemmer() -> snowballstemmer.stemmer:
    # Snowball stemmers keep state between calls: one per thread.
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("english")
    return stemmer


def stem(word: str) -> str:
    return str(_stemmer().stemWord(word))


def normalise(text: str) -> str:
    """NFKC, case folded (and NFKC again: folding can undo it, e.g. for ß -> ss it does not,
    but for some compatibility characters it does)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def tokens(text: str) -> list[tuple[str, bool]]:
    """The words of ``text`` after normalising: (token, is_latin), in order."""
    text = _POSSESSIVE.sub("", normalise(text))
    return [(match.group(0), match.group(1) is not None) for match in _TOKEN.finditer(text)]


def index_text(*parts: str) -> str:
    """The index form of the texts given: every word (and its stem) and every run of
    Japanese, each after a space, with a space at the end."""
    out: list[str] = []
    for part in parts:
        for token, latin in tokens(part or ""):
            out.append(token)
            if latin:
                stemmed = stem(token)
                if stemmed != token:
                    out.append(stemmed)
    return " " + " ".join(out) + " " if out else ""


@dataclass(frozen=True)
class Term:
    """One word of a query. ``like`` is what the index form must contain; ``exact`` what it
    contains when the term is a whole word there (for ranking)."""

    text: str
    latin: bool
    stem: str

    @property
    def like(self) -> str:
        return f" {self.stem}" if self.latin else self.text

    @property
    def exact(self) -> str:
        return f" {self.stem} " if self.latin else self.text


def query_terms(query: str, limit: int = 12) -> list[Term]:
    """The terms of a query, each once, in order (at most ``limit``: a query is a few words,
    and each term is one more condition)."""
    terms: list[Term] = []
    seen: set[str] = set()
    for token, latin in tokens(query):
        term = Term(token, latin, stem(token) if latin else token)
        if term.like not in seen:
            seen.add(term.like)
            terms.append(term)
    return terms[:limit]


def term_score(index: str, term: Term) -> int:
    """How well one index form matches a term: 2 for a whole word, 1 for the start of one
    (or, in Japanese, anywhere), 0 for no match."""
    if term.exact in index and term.latin:
        return 2
    return 1 if term.like in index else 0


def _word_matches(word: str, term: Term) -> bool:
    return word.startswith(term.stem) or stem(word).startswith(term.stem)


def highlight(text: str, terms: list[Term]) -> str:
    """``text`` as HTML: escaped, with every word or run of characters that a term matched
    inside <mark>. Matching is on the normalised text; the marks go round the characters
    as written (full width, capitals and all)."""
    if not terms or not text:
        return html.escape(text or "")
    # Normalise character by character, remembering where each normalised character came
    # from, so that a match in the normalised text marks the original characters.
    normalised: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = normalise(char)
        normalised.append(folded)
        origin.extend([index] * len(folded))
    flat = "".join(normalised)
    spans: list[tuple[int, int]] = []
    latin_terms = [t for t in terms if t.latin]
    if latin_terms:
        for match in _LATIN_WORD.finditer(flat):
            if any(_word_matches(match.group(0), t) for t in latin_terms):
                spans.append((match.start(), match.end()))
    for term in terms:
        if term.latin:
            continue
        start = flat.find(term.text)
        while start != -1:
            spans.append((start, start + len(term.text)))
            start = flat.find(term.text, start + 1)
    if not spans:
        return html.escape(text)
    spans.sort()
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out: list[str] = []
    position = 0
    for start, end in merged:
        first, last = origin[start], origin[end - 1] + 1
        if first < position:
            first = position
        out.append(html.escape(text[position:first]))
        out.append(f"<mark>{html.escape(text[first:last])}</mark>")
        position = last
    out.append(html.escape(text[position:]))
    return "".join(out)
