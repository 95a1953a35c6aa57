"""corpus_load and the load_corpus command, against the shipped JSON files.

The session's test database already holds the corpus (tests/conftest.py); each test here
compares it with the JSON it came from, or reloads it and compares the rows before and after.
"""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from treaties import services
from treaties.models import LibraryClause, ObligationType, Party, Provision, Treaty
from treaties.services import PARTY_ALIASES, CorpusError, corpus_load

pytestmark = pytest.mark.django_db

CORPUS_FILES = sorted(services.CORPUS_DIR.glob("*.json"))
CORPUS = {data["slug"]: data for data in (json.loads(p.read_text("utf-8")) for p in CORPUS_FILES)}
LIBRARY = json.loads(services.LIBRARY_CLAUSES_FILE.read_text("utf-8"))

NATO = "north_atlantic_treaty_1949"
US_JAPAN = "us_japan_treaty_of_mutual_cooperation_and_security_1960"
ANZUS = "anzus_security_treaty_1951"
MODIFIED_BRUSSELS = "modified_brussels_treaty_1954"
TEU = "teu_article_42_7_mutual_assistance_clause"
RUSSIA_DPRK = "russia_dprk_comprehensive_strategic_partnership_2024"
AJ_1902 = "anglo_japanese_alliance_1902"
RIO = "inter_american_treaty_of_reciprocal_assistance_1947"


def provision(treaty: str, number: str, *, fragment: bool = False) -> Provision:
    return Provision.objects.get(treaty__slug=treaty, number=number, is_fragment=fragment)


def shipped_article(treaty: str, number: str) -> dict[str, Any]:
    return next(a for a in CORPUS[treaty]["articles"] if str(a["number"]) == number)


def placed_fragments(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Fragments that name the article they quote (the loader keys a fragment on it)."""
    return [f for f in data.get("fragments") or [] if "article" in f]


def snapshot() -> dict[str, list[Any]]:
    """Every row of the library's tables and M2M links, to compare before and after a load."""
    return {
        "treaties": list(Treaty.objects.order_by("pk").values()),
        "provisions": list(Provision.objects.order_by("pk").values()),
        "clauses": list(LibraryClause.objects.order_by("pk").values()),
        "parties": list(Party.objects.order_by("pk").values()),
        "obligation_types": list(ObligationType.objects.order_by("pk").values()),
        "treaty_parties": list(Treaty.parties.through.objects.order_by("pk").values()),
        "clause_provisions": list(
            LibraryClause.derived_from.through.objects.order_by("pk").values()
        ),
    }


# --- the corpus as shipped -------------------------------------------------------------------


def test_the_shipped_corpus_has_21_files() -> None:
    # The other tests iterate over CORPUS: make sure they are not iterating over nothing.
    assert len(CORPUS) == 21


def test_every_treaty_is_loaded_with_its_metadata() -> None:
    assert set(Treaty.objects.values_list("slug", flat=True)) == set(CORPUS)
    for slug, data in CORPUS.items():
        treaty = Treaty.objects.get(slug=slug)
        assert treaty.title == data["title"]
        assert treaty.short_title == data["short_title"]
        assert treaty.signed_on == (data.get("signed_on") or "")
        assert treaty.source == data["source_url_or_repo_path"]
        assert treaty.licence_note == data["licence_note"]
        assert treaty.coverage_note == data["coverage_note"]


def test_every_article_and_placed_fragment_is_a_provision_with_the_verbatim_text() -> None:
    for slug, data in CORPUS.items():
        expected = {(str(a["number"]), False): a["text"] for a in data.get("articles") or []}
        expected |= {
            (str(f["article"]) if f.get("article") else f"fragment {i + 1}", True): f["text"]
            for i, f in enumerate(data.get("fragments") or [])
        }
        loaded = {
            (p.number, p.is_fragment): p.text for p in Provision.objects.filter(treaty__slug=slug)
        }
        assert loaded == expected, slug


def test_nato_article_5_is_verbatim() -> None:
    text = provision(NATO, "5").text
    assert text.startswith(
        "The Parties agree that an armed attack against one or more of them in Europe or North "
        "America shall be considered an attack against them all;"
    )
    assert "including the use of armed force" in text
    assert text == shipped_article(NATO, "5")["text"]


def test_us_japan_article_v_is_verbatim() -> None:
    text = provision(US_JAPAN, "V").text
    assert text.startswith(
        "Each Party recognizes that an armed attack against either Party in the territories under "
        "the administration of Japan would be dangerous to its own peace and safety"
    )
    assert "in accordance with its constitutional provisions and processes" in text
    assert text == shipped_article(US_JAPAN, "V")["text"]


def test_japanese_text_is_kept_as_japanese() -> None:
    slug = "uk_japan_defence_equipment_technology_transfer_agreement_2013"
    art1 = provision(slug, "第一条 (1)")
    assert art1.language == Provision.Language.JAPANESE
    assert art1.text.startswith("1 各締約国政府は、")
    assert provision(NATO, "5").language == Provision.Language.ENGLISH


def test_partial_flags_follow_the_json() -> None:
    checked = 0
    for slug, data in CORPUS.items():
        for article in data.get("articles") or []:
            loaded = provision(slug, str(article["number"]))
            assert loaded.partial is bool(article.get("partial")), (slug, article["number"])
            assert loaded.is_fragment is False
            checked += 1
    assert checked == sum(len(d.get("articles") or []) for d in CORPUS.values())
    # Spot checks on both sides of the flag.
    assert provision(ANZUS, "IV").partial is True
    assert provision(AJ_1902, "III").partial is True
    assert provision(NATO, "5").partial is False
    assert provision(US_JAPAN, "V").partial is False


def test_fragments_are_partial_provisions() -> None:
    fragments = Provision.objects.filter(is_fragment=True)
    expected = sum(len(d.get("fragments") or []) for d in CORPUS.values())
    assert expected >= 10
    # Quotations that name no article are numbered by their place among the fragments.
    assert Provision.objects.filter(is_fragment=True, number="fragment 1").exists()
    assert fragments.count() == expected
    assert not fragments.filter(partial=False).exists()
    art_i = provision(US_JAPAN, "I", fragment=True)
    assert art_i.partial and art_i.is_incomplete
    assert art_i.text.startswith("The Parties undertake, as set forth in the Charter of the UN")
    assert provision(RUSSIA_DPRK, "5", fragment=True).partial is True


def test_metadata_only_treaties_have_no_provisions() -> None:
    metadata_only = [
        s for s, d in CORPUS.items() if not d.get("articles") and not d.get("fragments")
    ]
    assert len(metadata_only) >= 4  # Lancaster House, RAA, AUKUS, ISA, ACSA
    assert "uk_japan_reciprocal_access_agreement_2023" in metadata_only
    for slug in metadata_only:
        treaty = Treaty.objects.get(slug=slug)
        assert not treaty.provisions.exists(), slug
        assert not treaty.is_complete
    assert Treaty.objects.get(slug=NATO).provisions.count() == len(CORPUS[NATO]["articles"])


def test_party_aliases_map_to_one_party_and_keep_the_name_as_written() -> None:
    treaty = Treaty.objects.get(slug=AJ_1902)
    assert set(treaty.parties.values_list("name", flat=True)) == {"United Kingdom", "Japan"}
    assert treaty.notes["parties_as_written"] == [
        "United Kingdom of Great Britain and Ireland",
        "Japan",
    ]
    for written in PARTY_ALIASES:
        assert not Party.objects.filter(name=written).exists(), written
    # The 1902 alliance and NATO share one "United Kingdom".
    uk = Party.objects.get(name="United Kingdom")
    assert {AJ_1902, NATO} <= set(uk.treaties.values_list("slug", flat=True))
    rio = Treaty.objects.get(slug=RIO)
    assert rio.parties.filter(name="United States of America").exists()
    assert "United States" in rio.notes["parties_as_written"]


def test_every_treaty_has_its_parties_as_written() -> None:
    for slug, data in CORPUS.items():
        treaty = Treaty.objects.get(slug=slug)
        assert treaty.notes["parties_as_written"] == data["parties"], slug
        # An editorial aside such as "(later Portugal, Spain, Greece)" is not a party.
        expected = {PARTY_ALIASES.get(n, n) for n in data["parties"] if not n.startswith("(")}
        assert set(treaty.parties.values_list("name", flat=True)) == expected, slug


def test_obligation_types() -> None:
    assert ObligationType.objects.count() == 14
    atop = ObligationType.objects.exclude(atop_variable="")
    assert set(atop.values_list("code", "atop_variable")) == {
        ("defence", "defense"),
        ("offence", "offense"),
        ("neutrality", "neutral"),
        ("non_aggression", "nonagg"),
        ("consultation", "consul"),
    }
    assert ObligationType.objects.get(code="authentic_texts").is_atop is False
    # The five ATOP types come first.
    assert [t.code for t in ObligationType.objects.all()[:5]] == [
        "defence",
        "offence",
        "neutrality",
        "non_aggression",
        "consultation",
    ]


def test_library_clauses_are_loaded_with_every_precedent_resolved() -> None:
    assert len(LIBRARY) >= 20
    assert LibraryClause.objects.count() == len(LIBRARY)
    for item in LIBRARY:
        clause = LibraryClause.objects.get(slug=item["slug"])
        assert clause.text == item["text"]
        assert clause.obligation_type.code == item["obligation_type"]
        assert clause.commitment_strength == item["commitment_strength"]
        expected = {
            (ref["treaty"], ref["fragment"], True)
            if "fragment" in ref
            else (ref["treaty"], ref["number"], False)
            for ref in item.get("derived_from") or []
        }
        loaded = set(clause.derived_from.values_list("treaty__slug", "number", "is_fragment"))
        assert loaded == expected, item["slug"]


@pytest.mark.parametrize(
    ("treaty", "number", "obligation_type"),
    [
        (NATO, "5", "defence"),
        (US_JAPAN, "V", "defence"),
        (ANZUS, "IV", "defence"),
        (MODIFIED_BRUSSELS, "V", "defence"),
        (TEU, "42(7)", "defence"),
        (NATO, "4", "consultation"),
        (RUSSIA_DPRK, "3", "consultation"),
        (AJ_1902, "II", "neutrality"),
    ],
)
def test_key_clauses_exist_for_their_precedents(
    treaty: str, number: str, obligation_type: str
) -> None:
    source = provision(treaty, number)
    assert LibraryClause.objects.filter(
        derived_from=source, obligation_type__code=obligation_type
    ).exists()


# --- reloading ---------------------------------------------------------------------------------


def test_reload_changes_nothing() -> None:
    before = snapshot()
    assert before["clause_provisions"] and before["treaty_parties"]
    report = corpus_load()
    assert report.changed is False
    assert report.created == {} and report.updated == {}
    assert str(report) == "created nothing; updated nothing"
    assert snapshot() == before


def test_refresh_of_an_untouched_corpus_changes_nothing() -> None:
    before = snapshot()
    report = corpus_load(refresh=True)
    assert report.changed is False, str(report)
    assert snapshot() == before


def test_curated_edits_survive_a_reload_and_refresh_restores_the_shipped_text() -> None:
    art5 = provision(NATO, "5")
    art5.text = "Completed by a library admin from the NATO site."
    art5.partial = True
    art5.save()
    treaty = Treaty.objects.get(slug=ANZUS)
    treaty.coverage_note = "COMPLETE: replaced from AustLII."
    treaty.save()
    clause = next(
        c
        for c in LibraryClause.objects.filter(derived_from=provision(US_JAPAN, "V")).order_by(
            "slug"
        )
        if c.derived_from.count() == 1
    )
    clause.text = "Curated wording."
    clause.save()
    clause.derived_from.clear()

    report = corpus_load()
    assert report.changed is False
    art5.refresh_from_db()
    treaty.refresh_from_db()
    clause.refresh_from_db()
    assert art5.text == "Completed by a library admin from the NATO site."
    assert art5.partial is True
    assert treaty.coverage_note == "COMPLETE: replaced from AustLII."
    assert clause.text == "Curated wording."
    assert not clause.derived_from.exists()

    report = corpus_load(refresh=True)
    assert report.updated == {"library clauses": 1, "provisions": 1, "treaties": 1}
    assert report.created == {}
    art5.refresh_from_db()
    treaty.refresh_from_db()
    clause.refresh_from_db()
    assert art5.text == shipped_article(NATO, "5")["text"]
    assert art5.partial is False
    assert treaty.coverage_note == CORPUS[ANZUS]["coverage_note"]
    shipped = next(c for c in LIBRARY if c["slug"] == clause.slug)
    assert clause.text == shipped["text"]
    assert clause.derived_from.filter(pk=provision(US_JAPAN, "V").pk).exists()


def test_a_deleted_row_is_recreated_by_a_plain_reload() -> None:
    provision(NATO, "14").delete()
    report = corpus_load()
    assert report.created == {"provisions": 1}
    assert provision(NATO, "14").text == shipped_article(NATO, "14")["text"]


def _write_library(path: Path, clauses: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps(clauses), encoding="utf-8")
    return path


def _clause(slug: str, refs: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "slug": slug,
        "title": slug.replace("-", " ").title(),
        "text": "The Parties shall consult together.",
        "obligation_type": "consultation",
        "commitment_strength": "consultative",
        "derived_from": refs,
    }


def test_a_library_clause_with_an_unknown_precedent_loads_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A new treaty file and a library file whose first clause is good and second is not.
    new_treaty = {
        **CORPUS[TEU],
        "slug": "test_only_treaty",
        "title": "A treaty that only this test ships",
        "short_title": "Test-only treaty",
        "parties": ["Testland"],
    }
    treaty_file = tmp_path / "test_only_treaty.json"
    treaty_file.write_text(json.dumps(new_treaty), encoding="utf-8")
    library = _write_library(
        tmp_path / "library.json",
        [
            _clause("test-good-clause", [{"treaty": "test_only_treaty", "number": "42(7)"}]),
            _clause("test-bad-clause", [{"treaty": NATO, "number": "99"}]),
        ],
    )
    monkeypatch.setattr(services, "LIBRARY_CLAUSES_FILE", library)
    before = snapshot()

    with pytest.raises(CorpusError, match="test-bad-clause"):
        corpus_load(files=[treaty_file])

    assert not Treaty.objects.filter(slug="test_only_treaty").exists()
    assert not Party.objects.filter(name="Testland").exists()
    assert not LibraryClause.objects.filter(slug__startswith="test-").exists()
    assert snapshot() == before


def test_a_failed_load_into_an_empty_library_leaves_it_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    LibraryClause.objects.all().delete()
    Treaty.objects.all().delete()
    Party.objects.all().delete()
    ObligationType.objects.all().delete()
    library = _write_library(
        tmp_path / "library.json",
        [
            _clause("test-good-clause", [{"treaty": NATO, "number": "4"}]),
            _clause("test-bad-clause", [{"treaty": NATO, "fragment": "5"}]),
        ],
    )
    monkeypatch.setattr(services, "LIBRARY_CLAUSES_FILE", library)

    with pytest.raises(CorpusError):
        corpus_load(files=[services.CORPUS_DIR / f"{NATO}.json"])

    for model in (Treaty, Provision, Party, LibraryClause, ObligationType):
        assert model.objects.count() == 0, model.__name__

    # The same files without the bad clause load.
    _write_library(library, [_clause("test-good-clause", [{"treaty": NATO, "number": "4"}])])
    report = corpus_load(files=[services.CORPUS_DIR / f"{NATO}.json"])
    assert report.created["treaties"] == 1
    assert report.created["library clauses"] == 1
    assert LibraryClause.objects.get(slug="test-good-clause").derived_from.get() == provision(
        NATO, "4"
    )


def test_a_library_clause_with_an_unknown_obligation_type_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = _clause("test-bad-type", [])
    bad["obligation_type"] = "alliance_forever"
    monkeypatch.setattr(
        services, "LIBRARY_CLAUSES_FILE", _write_library(tmp_path / "l.json", [bad])
    )
    with pytest.raises(CorpusError, match="alliance_forever"):
        corpus_load(files=[])
    assert not LibraryClause.objects.filter(slug="test-bad-type").exists()


# --- the management command ---------------------------------------------------------------------


def _expected_counts() -> dict[str, int]:
    parties = {
        PARTY_ALIASES.get(n, n)
        for d in CORPUS.values()
        for n in d["parties"]
        if not n.startswith("(")
    }
    provisions = sum(
        len(d.get("articles") or []) + len(d.get("fragments") or []) for d in CORPUS.values()
    )
    return {
        "library clauses": len(LIBRARY),
        "parties": len(parties),
        "provisions": provisions,
        "treaties": len(CORPUS),
    }


def test_load_corpus_command_prints_a_summary_then_nothing_to_do() -> None:
    LibraryClause.objects.all().delete()
    Treaty.objects.all().delete()
    Party.objects.all().delete()

    out = StringIO()
    call_command("load_corpus", stdout=out)
    counts = _expected_counts()
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
    assert f"Corpus loaded: created {summary}; updated nothing." in out.getvalue()
    assert Treaty.objects.count() == 21

    out = StringIO()
    call_command("load_corpus", stdout=out)
    assert "Corpus loaded: created nothing; updated nothing." in out.getvalue()


def test_load_corpus_command_reports_a_bad_library_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = _write_library(
        tmp_path / "l.json", [_clause("test-bad", [{"treaty": "nowhere", "number": "1"}])]
    )
    monkeypatch.setattr(services, "LIBRARY_CLAUSES_FILE", library)
    with pytest.raises(CommandError, match="Nothing was loaded"):
        call_command("load_corpus", stdout=StringIO())
    assert not LibraryClause.objects.filter(slug="test-bad").exists()
