"""Retrieval quality over the shipped corpus, measured (issue 14): every complete provision,
and every Japanese text the corpus and library hold, altered by replacing, dropping and
inserting 20% of its words, must find its original first in >= 95% of cases and in the top 3
in >= 99%. Seeded, so a run can be repeated exactly; the figures are printed (pytest -s).
"""

from __future__ import annotations

import random

import pytest

from treaties import analysis
from treaties.models import LibraryClause, Provision
from treaties.selectors import precedent_index

pytestmark = pytest.mark.django_db

SEED = 14
SHARE = 0.2


def _units(text: str, language: str) -> list[str]:
    # English words are what spaces separate; Japanese has no spaces, so each character of
    # Japanese script counts as a word (analysis.units_ja).
    return analysis.units_ja(text) if language == "ja" else text.split()


def alter(text: str, language: str, rng: random.Random, vocabulary: list[str]) -> str:
    """Replace 20% of the words by random words of the corpus, then drop 20%, then insert 20%
    random words at random places."""
    units = _units(text, language)
    k = max(1, round(len(units) * SHARE))
    for i in rng.sample(range(len(units)), k):
        units[i] = rng.choice(vocabulary)
    for i in sorted(rng.sample(range(len(units)), k), reverse=True):
        del units[i]
    for _ in range(k):
        units.insert(rng.randrange(len(units) + 1), rng.choice(vocabulary))
    return ("" if language == "ja" else " ").join(units)


def queries(language: str) -> list[tuple[tuple[str, int], str]]:
    if language == "en":
        provisions = Provision.objects.filter(
            language="en", partial=False, is_fragment=False
        ).exclude(text="")
        return [(("provision", p.pk), p.text) for p in provisions]
    out = [(("provision", p.pk), p.text) for p in Provision.objects.filter(language="ja")]
    out += [(("clause", c.pk), c.text_ja) for c in LibraryClause.objects.exclude(text_ja="")]
    return out


def measure(language: str) -> tuple[int, float, float, list[str]]:
    index = precedent_index(language)
    vocabulary = [u for c in index.candidates for u in _units(c.text, language)]
    tokens_of = {c.key: analysis.tokens(c.text, language) for c in index.candidates}
    rng = random.Random(SEED)
    first = top3 = 0
    misses = []
    items = queries(language)
    for key, text in items:
        ranked = index.rank(alter(text, language, rng, vocabulary), limit=3)
        # Texts whose words are identical (NATO Art 1, ANZUS Art I and US-Philippines Art I
        # differ only in commas) score the same; finding any of them is finding the original.
        same = [
            r.candidate.key == key or tokens_of[r.candidate.key] == tokens_of[key] for r in ranked
        ]
        first += bool(same and same[0])
        top3 += any(same)
        if not (same and same[0]):
            misses.append(f"{key}: {text[:60]!r}")
    n = len(items)
    return n, first / n, top3 / n, misses


@pytest.mark.parametrize("language", ["en", "ja"])
def test_altered_provisions_find_their_original(corpus: None, language: str) -> None:
    n, first, top3, misses = measure(language)
    print(
        f"\n[{language}] {n} texts, 20% replaced+dropped+inserted: first {first:.1%}, top 3 {top3:.1%}"
    )
    assert n >= (45 if language == "en" else 40)
    assert first >= 0.95, misses
    assert top3 >= 0.99, misses


def test_a_changed_library_rebuilds_the_index(corpus: None) -> None:
    clause = LibraryClause.objects.get(slug="consultation-nato-art4")
    query = "The Parties shall hold talks about whales and lighthouses."
    assert all(
        r.candidate.key != ("clause", clause.pk) for r in precedent_index("en").rank(query, 3)
    )
    clause.text = "The Parties shall hold talks about whales and lighthouses whenever asked."
    clause.save()
    assert precedent_index("en").rank(query, 1)[0].candidate.key == ("clause", clause.pk)
