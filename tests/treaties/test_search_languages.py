"""The library search in English and Japanese, on the shipped corpus: normalised matching,
English inflections, Japanese queries of one or two characters, relevance order and
highlighting, on SQLite and PostgreSQL alike (run the suite on both)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from tests.treaties.test_search import NATO, US_JAPAN, clause_for, search
from treaties.models import LibraryClause, ObligationType, Provision
from treaties.selectors import ClauseFilters, clauses_search

pytestmark = pytest.mark.django_db


def haystacks(clause: LibraryClause) -> list[str]:
    precedents = list(clause.derived_from.all())
    texts = [clause.title, clause.text, clause.text_ja, clause.guidance]
    texts += [p.heading for p in precedents] + [p.text for p in precedents]
    texts += [p.treaty.short_title for p in precedents] + [p.treaty.title for p in precedents]
    return [unicodedata.normalize("NFKC", t).casefold() for t in texts]


def containing(fragment: str) -> set[str]:
    """Clauses whose texts (or precedents') contain the fragment, read in plain Python."""
    clauses = LibraryClause.objects.prefetch_related("derived_from__treaty")
    return {c.slug for c in clauses if any(fragment in h for h in haystacks(c))}


def test_english_plurals_and_inflections() -> None:
    singular = search(q="armed attack")
    assert clause_for(NATO, "5", "defence") in singular
    assert clause_for(US_JAPAN, "V", "defence") in singular
    for query in ("armed attacks", "Armed Attacks", "armed attacked", "arming attack"):
        assert set(search(q=query)) == set(singular), query
    consult = search(q="consultations")
    assert clause_for(NATO, "4", "consultation") in consult
    assert set(consult) == set(search(q="consult")) == set(search(q="consulted"))


def test_full_width_and_case_are_normalised() -> None:
    assert search(q="ＡＲＭＥＤ　ＡＴＴＡＣＫ") == search(q="armed attack")
    assert search(q="ｍｅｄｉｔｅｒｒａｎｅａｎ") == search(q="Mediterranean")
    # Half-width katakana finds the full-width word in the Japanese text.
    assert search(q="ｱｸｾｽ") == search(q="アクセス")
    assert search(q="アクセス")


@pytest.mark.parametrize("query", ["協", "協議", "攻", "攻撃", "国", "条約"])
def test_japanese_queries_of_one_or_two_characters(query: str) -> None:
    found = set(search(q=query))
    assert found == containing(query)
    assert found


def test_japanese_and_english_words_together() -> None:
    found = set(search(q="協議 consult"))
    assert clause_for(NATO, "4", "consultation") in found
    assert found <= containing("協議")


def test_results_are_ranked_by_relevance() -> None:
    results = list(clauses_search(ClauseFilters(q="armed attack")))
    ranks = [c.rank for c in results]
    assert ranks == sorted(ranks, reverse=True)
    # A clause with the words in its own text comes before one that has them only in a
    # precedent.
    own = [c for c in results if " attack" in c.search_text or " attack" in c.search_title]
    precedent_only = [c for c in results if c not in own]
    assert own and precedent_only
    assert min(c.rank for c in own) > max(c.rank for c in precedent_only)
    # The title counts most.
    titled = [c for c in results if " attack" in c.search_title]
    assert titled and results[0] in titled


def test_no_query_keeps_the_library_order() -> None:
    results = list(clauses_search(ClauseFilters()))
    assert [c.rank for c in results] == [0] * len(results)
    assert [c.slug for c in results] == [
        c.slug
        for c in LibraryClause.objects.order_by("obligation_type__position", "status", "title")
    ]


def test_search_columns_follow_every_save() -> None:
    clause = LibraryClause.objects.get(slug=clause_for(NATO, "4", "consultation"))
    assert not search(q="zeppelins")
    clause.guidance = "Airships (zeppelin) count as aircraft."
    clause.save(update_fields=["guidance"])  # as load_corpus --refresh saves
    assert search(q="zeppelins") == [clause.slug]
    provision = Provision.objects.get(treaty__slug=NATO, number="4")
    provision.text += " Quokkas."
    provision.save(update_fields=["text"])
    assert clause.slug in search(q="quokka")
    treaty = provision.treaty
    treaty.short_title = "Washington Treaty (Wombat)"
    treaty.save()
    assert clause.slug in search(q="wombats")


def test_provision_search_is_normalised_too(api: Any, personas: Any) -> None:
    body = (
        api(personas.outsider)
        .get("/api/v1/library/provisions/", {"q": "ＡＲＭＥＤ attacks", "page_size": 200})
        .json()
    )
    assert body["count"] > 0
    assert any(r["treaty"] == NATO and r["number"] == "5" for r in body["results"])


def test_api_gives_rank_and_highlight(api: Any, personas: Any) -> None:
    client = api(personas.outsider)
    body = client.get("/api/v1/library/clauses/", {"q": "armed attacks", "page_size": 200}).json()
    first = body["results"][0]
    assert first["rank"] >= body["results"][-1]["rank"]
    assert [r["rank"] for r in body["results"]] == sorted(
        (r["rank"] for r in body["results"]), reverse=True
    )
    nato = next(r for r in body["results"] if r["slug"] == clause_for(NATO, "5", "defence"))
    assert "<mark>armed</mark> <mark>attack</mark>" in nato["highlight"]["text"]
    ja = client.get("/api/v1/library/clauses/", {"q": "協議"}).json()["results"][0]
    assert "<mark>協議</mark>" in ja["highlight"]["text_ja"]
    plain = client.get("/api/v1/library/clauses/").json()["results"][0]
    assert plain["highlight"] is None and plain["rank"] is None


def test_page_highlights_safely(personas: Any) -> None:
    LibraryClause.objects.create(
        slug="test-escape",
        title="Escaping <script>alert(1)</script> test",
        text='The Parties shall <b onclick="x()">consult</b> & agree.',
        obligation_type=ObligationType.objects.get(code="consultation"),
        commitment_strength="consultative",
    )
    client = Client()
    client.force_login(personas.outsider)
    html = client.get("/library/", {"q": "script consulting"}).content.decode()
    assert "<script>alert" not in html and "<b onclick" not in html
    assert "Escaping &lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt; test" in html
    assert "&lt;b onclick=&quot;x()&quot;&gt;<mark>consult</mark>&lt;/b&gt; &amp; agree." in html
    html = client.get("/library/", {"q": "協議"}).content.decode()
    assert re.search(r"<mark>協議</mark>", html)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's pg_trgm index")
def test_postgresql_serves_the_search_from_a_trigram_index() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'treaties_libraryclause' "
            "AND indexdef LIKE '%gin_trgm_ops%'"
        )
        assert {row[0] for row in cursor.fetchall()} == {
            "treaties_libraryclause_search_text_trgm",
            "treaties_libraryclause_search_title_trgm",
        }
        cursor.execute("SELECT datctype FROM pg_database WHERE datname = current_database()")
        ctype = cursor.fetchone()[0]
        cursor.execute("SELECT array_length(show_trgm('締約国は協議する'), 1)")
        japanese_trigrams = cursor.fetchone()[0]
        if ctype.upper() not in ("C", "POSIX"):
            # A UTF-8 ctype classifies kanji and kana as letters, so Japanese has trigrams.
            assert japanese_trigrams, ctype
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM treaties_libraryclause WHERE search_text LIKE %s",
            ["% attack%"],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "treaties_libraryclause_search_text_trgm" in plan, plan
