"""Searching the clause library: the selector, the API and the library pages.

Expected results come from two places: named clauses that must (or must not) be found, and a
plain-Python reading of every clause and its precedents, so that a filter that finds too much
or too little fails either way.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from treaties.models import LibraryClause, Provision, Treaty
from treaties.selectors import ClauseFilters, clauses_search

pytestmark = pytest.mark.django_db

NATO = "north_atlantic_treaty_1949"
US_JAPAN = "us_japan_treaty_of_mutual_cooperation_and_security_1960"
ANZUS = "anzus_security_treaty_1951"
AJ_1902 = "anglo_japanese_alliance_1902"


def search(**filters: Any) -> list[str]:
    return [c.slug for c in clauses_search(ClauseFilters(**filters))]


def _year(treaty: Treaty) -> int | None:
    return int(treaty.signed_on[:4]) if treaty.signed_on[:4].isdigit() else None


def expected(**filters: Any) -> set[str]:
    """What a search should find, read off the clauses in Python: every word somewhere in the
    clause or a precedent; a precedent of the treaty; a precedent to which the party is party;
    a precedent signed within the years; the status and strength."""
    f = ClauseFilters(**filters)
    found = set()
    clauses = LibraryClause.objects.select_related("obligation_type").prefetch_related(
        "derived_from__treaty__parties"
    )
    for clause in clauses:
        precedents = list(clause.derived_from.all())
        haystacks = [clause.title, clause.text, clause.text_ja, clause.guidance]
        haystacks += [p.text for p in precedents] + [p.treaty.short_title for p in precedents]
        if not all(any(w.lower() in h.lower() for h in haystacks) for w in f.q.split()):
            continue
        if f.obligation_type and clause.obligation_type.code != f.obligation_type:
            continue
        if f.treaty and not any(p.treaty.slug == f.treaty for p in precedents):
            continue
        if f.party and not any(
            f.party in {party.name for party in p.treaty.parties.all()} for p in precedents
        ):
            continue
        if f.year_from is not None or f.year_to is not None:
            lo = f.year_from if f.year_from is not None else -1
            hi = f.year_to if f.year_to is not None else 10**6
            if not any((y := _year(p.treaty)) is not None and lo <= y <= hi for p in precedents):
                continue
        if f.status and clause.status != f.status:
            continue
        if f.strength and clause.commitment_strength != f.strength:
            continue
        found.add(clause.slug)
    return found


def clause_for(treaty: str, number: str, obligation_type: str) -> str:
    """The slug of the clause derived from that provision (found by precedent, not by slug)."""
    clauses = LibraryClause.objects.filter(
        derived_from__treaty__slug=treaty,
        derived_from__number=number,
        derived_from__is_fragment=False,
        obligation_type__code=obligation_type,
    )
    # Several clauses can cite one article (NATO Art 5 is also behind the reporting clause):
    # the clause proper is the one with the fewest precedents.
    ranked = sorted((c.derived_from.count(), c.slug) for c in clauses)
    assert ranked, (treaty, number, obligation_type)
    assert len(ranked) == 1 or ranked[0][0] < ranked[1][0], ranked
    return ranked[0][1]


# --- the selector --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"q": "armed attack"},
        {"q": "consult"},
        {"q": "協議"},
        {"q": "Pacific"},
        {"obligation_type": "defence"},
        {"obligation_type": "neutrality"},
        {"treaty": NATO},
        {"treaty": AJ_1902},
        {"party": "Japan"},
        {"party": "United Kingdom"},
        {"party": "United States of America"},
        {"year_from": 1950},
        {"year_to": 1911},
        {"year_from": 1900, "year_to": 1912},
        {"year_from": 1906, "year_to": 1910},
        {"year_from": 1950, "year_to": 1953},
        {"year_from": 2000, "year_to": 9999},
        {"status": "withdrawn"},
        {"status": "fallback"},
        {"strength": "automatic"},
        {"obligation_type": "defence", "party": "Japan", "status": "approved"},
        {"q": "attack", "year_to": 1955, "strength": "conditional"},
        {"q": "consult", "party": "United Kingdom", "year_from": 1949},
        {"treaty": NATO, "obligation_type": "relation_to_other_treaties"},
    ],
    ids=lambda f: ",".join(f"{k}={v}" for k, v in f.items()) or "none",
)
def test_search_finds_exactly_the_matching_clauses(filters: dict[str, Any]) -> None:
    assert set(search(**filters)) == expected(**filters)


def test_no_filter_lists_every_clause_once() -> None:
    slugs = search()
    assert len(slugs) == LibraryClause.objects.count() >= 20
    assert len(slugs) == len(set(slugs))


@pytest.mark.parametrize(
    "filters",
    [
        {"q": "attack armed Parties"},
        {"party": "United Kingdom"},
        {"party": "United States of America", "q": "attack"},
        {"year_from": 1900},
        {"q": "the", "year_from": 1900, "party": "Japan"},
    ],
)
def test_results_have_no_duplicates(filters: dict[str, Any]) -> None:
    # These filters join clauses to several precedents (and parties) each.
    results = clauses_search(ClauseFilters(**filters))
    slugs = [c.slug for c in results]
    assert slugs
    assert len(slugs) == len(set(slugs))
    assert results.count() == len(slugs)


def test_english_word() -> None:
    found = search(q="armed attack")
    assert clause_for(NATO, "5", "defence") in found
    assert clause_for(US_JAPAN, "V", "defence") in found
    assert clause_for(NATO, "14", "authentic_texts") not in found


def test_japanese_word() -> None:
    found = search(q="協議")
    assert clause_for(NATO, "4", "consultation") in found
    assert clause_for(NATO, "5", "defence") not in found
    assert set(found) == expected(q="協議")


def test_word_found_only_in_a_precedent() -> None:
    # "Mediterranean" is in NATO Article 6 (as amended), not in any clause's own wording.
    word = "Mediterranean"
    assert not LibraryClause.objects.filter(text__icontains=word).exists()
    assert not LibraryClause.objects.filter(guidance__icontains=word).exists()
    assert not LibraryClause.objects.filter(title__icontains=word).exists()
    assert word in Provision.objects.get(treaty__slug=NATO, number="6").text
    assert search(q=word) == [clause_for(NATO, "6", "defence")]
    assert search(q=word.lower()) == search(q=word)


def test_every_word_must_match() -> None:
    assert search(q="Mediterranean 協議") == []


def test_obligation_type() -> None:
    found = search(obligation_type="neutrality")
    assert clause_for(AJ_1902, "II", "neutrality") in found
    assert set(
        LibraryClause.objects.filter(slug__in=found).values_list("obligation_type__code", flat=True)
    ) == {"neutrality"}
    assert search(obligation_type="no_such_type") == []


def test_treaty() -> None:
    found = search(treaty=ANZUS)
    assert clause_for(ANZUS, "IV", "defence") in found
    assert clause_for(NATO, "5", "defence") not in found


def test_party_japan() -> None:
    found = search(party="Japan")
    assert clause_for(US_JAPAN, "V", "defence") in found
    assert clause_for(AJ_1902, "II", "neutrality") in found
    assert clause_for(ANZUS, "IV", "defence") not in found


def test_party_united_kingdom_includes_the_1902_alliance_through_the_alias() -> None:
    found = search(party="United Kingdom")
    assert clause_for(AJ_1902, "II", "neutrality") in found
    assert clause_for(NATO, "4", "consultation") in found
    assert clause_for(US_JAPAN, "V", "defence") not in found
    assert search(party="United Kingdom of Great Britain and Ireland") == []


def test_year_range_needs_one_precedent_within_it() -> None:
    # The 1905/1911 clause has precedents on both sides of 1906-1910, none within.
    assert search(year_from=1906, year_to=1910) == []
    assert clause_for(AJ_1902, "II", "neutrality") in search(year_from=1902, year_to=1902)
    assert clause_for(AJ_1902, "II", "neutrality") not in search(year_from=1903)


def test_year_to_includes_the_whole_year_and_far_future_bounds() -> None:
    nato_art4 = clause_for(NATO, "4", "consultation")
    assert nato_art4 in search(year_to=1949)
    assert nato_art4 not in search(year_to=1948)
    russia = clause_for("russia_dprk_comprehensive_strategic_partnership_2024", "3", "consultation")
    assert russia in search(year_from=2024, year_to=9999)


def test_status_and_strength() -> None:
    withdrawn = search(status="withdrawn")
    assert (
        clause_for("russia_dprk_comprehensive_strategic_partnership_2024", "3", "consultation")
        in withdrawn
    )
    assert clause_for(NATO, "5", "defence") not in withdrawn
    automatic = search(strength="automatic")
    assert clause_for("modified_brussels_treaty_1954", "V", "defence") in automatic
    assert clause_for(NATO, "5", "defence") not in automatic  # conditional


def test_combination() -> None:
    found = search(obligation_type="defence", party="Japan", status="approved")
    assert clause_for(US_JAPAN, "V", "defence") in found
    # Defence and Japan, but withdrawn:
    assert "mutual-defence-anglo-japanese-1911-art2" in search(
        obligation_type="defence", party="Japan"
    )
    assert "mutual-defence-anglo-japanese-1911-art2" not in found
    assert clause_for(AJ_1902, "II", "neutrality") not in found


# --- the API -------------------------------------------------------------------------------------


def _all_pages(client: Any, url: str, params: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    response = client.get(url, {**params, "page_size": 5})
    assert response.status_code == 200, response.content
    body = response.json()
    items, count = list(body["results"]), body["count"]
    while body["next"]:
        body = client.get(body["next"]).json()
        items += body["results"]
    return items, count


@pytest.mark.parametrize(
    "params",
    [
        {"q": "consult", "obligation_type": "consultation"},
        {"q": "協議"},
        {"party": "United Kingdom", "year_from": "1900", "year_to": "1912"},
        {"strength": "automatic", "status": "approved"},
        {"q": "", "obligation_type": ""},
    ],
)
def test_api_clause_search_returns_what_the_selector_finds(
    api: Any, personas: Any, params: dict[str, Any]
) -> None:
    items, count = _all_pages(api(personas.outsider), "/api/v1/library/clauses/", params)
    slugs = [item["slug"] for item in items]
    typed = {k: int(v) if k.startswith("year") else v for k, v in params.items()}
    assert slugs == search(**typed)
    assert count == len(slugs) > 0


def test_api_clause_search_is_paginated(api: Any, personas: Any) -> None:
    body = api(personas.outsider).get("/api/v1/library/clauses/", {"page_size": 3}).json()
    assert body["count"] == LibraryClause.objects.count()
    assert len(body["results"]) == 3
    assert body["next"]
    clause = body["results"][0]
    assert {
        "slug",
        "title",
        "text",
        "text_ja",
        "status",
        "obligation_type",
        "commitment_strength",
    } <= set(clause)
    assert isinstance(clause["derived_from"], list)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"year_from": "abc"}, "year_from"),
        ({"year_to": "1949.5"}, "year_to"),
        ({"status": "bogus"}, "status"),
        ({"strength": "very"}, "strength"),
    ],
)
def test_api_invalid_filters_are_a_400_naming_the_field(
    api: Any, personas: Any, params: dict[str, str], field: str
) -> None:
    response = api(personas.outsider).get("/api/v1/library/clauses/", params)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert field in body["detail"]
    assert field in body["fields"]


def test_api_provisions(api: Any, personas: Any) -> None:
    client = api(personas.outsider)
    body = client.get("/api/v1/library/provisions/", {"treaty": NATO, "page_size": 200}).json()
    assert body["count"] == Provision.objects.filter(treaty__slug=NATO).count() == 15
    for item in body["results"]:
        assert {"treaty", "number", "text", "partial"} <= set(item)
        assert item["treaty"] == NATO
    art5 = next(item for item in body["results"] if item["number"] == "5")
    assert art5["text"] == Provision.objects.get(treaty__slug=NATO, number="5").text
    assert art5["partial"] is False

    partial = client.get(
        "/api/v1/library/provisions/", {"partial": "true", "page_size": 200}
    ).json()
    assert partial["count"] == Provision.objects.filter(partial=True).count() > 0
    assert all(item["partial"] for item in partial["results"])
    anzus4 = Provision.objects.get(treaty__slug=ANZUS, number="IV")
    assert client.get(f"/api/v1/library/provisions/{anzus4.pk}/").json()["partial"] is True


def test_api_treaties_lists_21(api: Any, personas: Any) -> None:
    body = api(personas.outsider).get("/api/v1/library/treaties/", {"page_size": 200}).json()
    assert body["count"] == 21
    assert len({t["slug"] for t in body["results"]}) == 21
    nato = next(t for t in body["results"] if t["slug"] == NATO)
    assert nato["complete"] is True
    assert "United Kingdom" in nato["parties"]


def _library_api_urls() -> list[str]:
    provision = Provision.objects.get(treaty__slug=NATO, number="5")
    clause = LibraryClause.objects.order_by("pk").first()
    assert clause is not None
    return [
        "/api/v1/library/treaties/",
        f"/api/v1/library/treaties/{NATO}/",
        "/api/v1/library/provisions/",
        f"/api/v1/library/provisions/{provision.pk}/",
        "/api/v1/library/clauses/",
        "/api/v1/library/clauses/?q=attack",
        f"/api/v1/library/clauses/{clause.slug}/",
    ]


def test_anonymous_requests_get_401_on_every_library_endpoint(api: Any, personas: Any) -> None:
    signed_in, anonymous = api(personas.outsider), api()
    for url in _library_api_urls():
        assert signed_in.get(url).status_code == 200, url
        response = anonymous.get(url)
        assert response.status_code == 401, url
        assert response.json()["detail"]


# --- the pages -----------------------------------------------------------------------------------

MARKING = re.compile(r'data-testid="marking-(top|bottom)">\s*OFFICIAL\s*<')


@pytest.fixture
def reader(personas: Any) -> Client:
    client = Client()
    client.force_login(personas.outsider)
    return client


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert sorted(m.group(1) for m in MARKING.finditer(html)) == ["bottom", "top"], url
    return html


def test_library_page(reader: Client) -> None:
    html = _page(reader, "/library/")
    nato_art5 = LibraryClause.objects.get(slug=clause_for(NATO, "5", "defence"))
    assert nato_art5.title in html
    assert "partial text" in html  # e.g. ANZUS Art IV among the precedents


def test_library_page_search_and_bad_filter(reader: Client) -> None:
    word = "Mediterranean"
    html = _page(reader, f"/library/?q={word}")
    only = LibraryClause.objects.get(slug=clause_for(NATO, "6", "defence"))
    assert only.title in html
    assert LibraryClause.objects.get(slug=clause_for(NATO, "4", "consultation")).title not in html
    response = reader.get("/library/?year_from=abc")
    assert response.status_code == 400
    assert "year_from" in response.content.decode()


def test_clause_page_shows_partial_precedents(reader: Client) -> None:
    anzus = clause_for(ANZUS, "IV", "defence")
    html = _page(reader, f"/library/clauses/{anzus}/")
    assert "Partial text" in html
    nato = clause_for(NATO, "4", "consultation")
    assert "Partial text" not in _page(reader, f"/library/clauses/{nato}/")
    assert reader.get("/library/clauses/no-such-clause/").status_code == 404


def test_treaty_pages_show_partial(reader: Client) -> None:
    html = _page(reader, "/library/treaties/")
    complete = {t.slug for t in Treaty.objects.all() if t.is_complete}
    assert complete == {NATO, "teu_article_42_7_mutual_assistance_clause"}
    assert html.count("tag--partial") == Treaty.objects.count() - len(complete)
    assert "partial" in _page(reader, f"/library/treaties/{ANZUS}/")
    assert "Partial text." not in _page(reader, f"/library/treaties/{NATO}/")
    assert reader.get("/library/treaties/no_such_treaty/").status_code == 404


def test_provision_pages(reader: Client) -> None:
    partial = Provision.objects.get(treaty__slug=ANZUS, number="IV")
    html = _page(reader, f"/library/provisions/{partial.pk}/")
    assert "Partial text" in html
    fragment = Provision.objects.get(treaty__slug=US_JAPAN, number="I", is_fragment=True)
    assert "Fragment" in _page(reader, f"/library/provisions/{fragment.pk}/")
    complete = Provision.objects.get(treaty__slug=NATO, number="5")
    html = _page(reader, f"/library/provisions/{complete.pk}/")
    assert "Partial text" not in html
    assert "in Europe or North America" in html


def test_library_pages_need_a_sign_in(personas: Any) -> None:
    provision = Provision.objects.get(treaty__slug=NATO, number="5")
    client = Client()
    for url in (
        "/library/",
        f"/library/clauses/{clause_for(NATO, '5', 'defence')}/",
        "/library/treaties/",
        f"/library/treaties/{NATO}/",
        f"/library/provisions/{provision.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/"), url
