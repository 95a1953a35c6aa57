"""Precedent intelligence on drafts (issue 14): the article analysis and its API, drafters'
corrections, the redline against a precedent, the alliance verdict, and library updates
offered to live drafts."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache
from import_export.formats.base_formats import JSON

from drafting.errors import ConflictError
from drafting.models import Article, LibraryUpdate, Notification, ObligationCorrection, Suggestion
from drafting.selectors import analysis as analysis_selectors
from drafting.services import drafts as draft_services
from drafting.services import members as member_services
from drafting.services import review as review_services
from drafting.services.library_updates import library_updates_offer, library_updates_sweep
from treaties.models import ClauseRevision, LibraryClause, Provision, Treaty
from treaties.resources import LibraryClauseResource
from treaties.services import library_clause_revise

pytestmark = pytest.mark.django_db


def _mutual_assistance(draft: Any) -> Article:
    return Article.objects.get(draft=draft, heading="Mutual assistance")


def test_article_analysis_api(draft: Any, personas: Any, api: Any) -> None:
    article = _mutual_assistance(draft)
    response = api(personas.reviewer).get(f"/api/v1/articles/{article.pk}/analysis/")
    assert response.status_code == 200, response.content
    data = response.json()
    (obligation,) = data["obligations"]
    assert obligation["type"] == "defense"
    assert set(obligation) >= {"type", "conditional", "conditions", "strength", "evidence"}
    ev = obligation["evidence"]
    assert ev["language"] == "en"
    assert article.text_en[ev["anchor_start"] : ev["anchor_end"]] == ev["quote"]
    assert data["corrected"] is None
    first = data["precedents"][0]
    assert set(first) >= {"kind", "id", "treaty", "number", "year", "score", "language"}
    assert {p["language"] for p in data["precedents"]} == {"en", "ja"}
    scores = [p["score"] for p in data["precedents"] if p["language"] == "en"]
    assert scores == sorted(scores, reverse=True) and 0 < scores[0] <= 1


@pytest.mark.parametrize("who", ["consultee", "outsider"])
def test_consultees_and_outsiders_get_none_of_it(
    draft: Any, personas: Any, api: Any, who: str
) -> None:
    article = _mutual_assistance(draft)
    client = api(getattr(personas, who))
    provision = Provision.objects.get(treaty__slug="north_atlantic_treaty_1949", number="5")
    for url in (
        f"/api/v1/articles/{article.pk}/analysis/",
        f"/api/v1/drafts/{draft.pk}/analysis/",
        f"/api/v1/articles/{article.pk}/precedents/provision/{provision.pk}/compare/",
    ):
        assert client.get(url).status_code == 404, url
    put = client.put(
        f"/api/v1/articles/{article.pk}/analysis/obligations/", {"obligations": []}, format="json"
    )
    assert put.status_code == 404
    assert api().get(f"/api/v1/articles/{article.pk}/analysis/").status_code == 401


def test_analysis_is_cached_per_revision(draft: Any, personas: Any) -> None:
    article = _mutual_assistance(draft)
    cache.clear()
    analysis_selectors.article_analysis(personas.owner, article)
    keys_after_first = set(cache._cache.keys())  # type: ignore[attr-defined]
    analysis_selectors.article_analysis(personas.owner, article)
    assert set(cache._cache.keys()) == keys_after_first  # type: ignore[attr-defined]
    draft_services.article_edit(
        actor=personas.owner, article=article, text_en="The Parties will consult together."
    )
    article.refresh_from_db()
    result = analysis_selectors.article_analysis(personas.owner, article)
    assert result.obligations == []
    assert len(cache._cache.keys()) > len(keys_after_first)  # type: ignore[attr-defined]


def test_drafter_corrects_the_tagging(draft: Any, personas: Any, api: Any) -> None:
    article = _mutual_assistance(draft)
    url = f"/api/v1/articles/{article.pk}/analysis/obligations/"
    body = {
        "obligations": [
            {
                "type": "defense",
                "conditional": True,
                "conditions": ["constitutional processes"],
                "strength": "conditional",
                "evidence": {"language": "en", "anchor_start": 0, "anchor_end": 15},
            }
        ],
        "note": "Japan's constitutional limits apply.",
    }
    assert api(personas.reviewer).put(url, body, format="json").status_code == 403
    response = api(personas.jp_drafter).put(url, body, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["corrected"]["by"] == "jp.drafter"
    assert data["obligations"][0]["strength"] == "conditional"
    assert data["obligations"][0]["evidence"]["quote"] == article.text_en[:15]
    assert data["computed_obligations"][0]["type"] == "defense"


@pytest.mark.parametrize(
    "obligations",
    [
        "defense",
        [{"type": "alliance", "strength": "automatic"}],
        [{"type": "defense", "strength": "total"}],
        [{"type": "defense", "strength": "automatic", "conditional": "yes"}],
        [
            {"type": "defense", "strength": "automatic"},
            {"type": "defense", "strength": "automatic"},
        ],
        [
            {
                "type": "defense",
                "strength": "automatic",
                "evidence": {"language": "en", "anchor_start": 0, "anchor_end": 10_000},
            }
        ],
        [
            {
                "type": "defense",
                "strength": "automatic",
                "evidence": {"language": "fr", "anchor_start": 0, "anchor_end": 1},
            }
        ],
    ],
)
def test_bad_corrections_are_refused_and_write_nothing(
    draft: Any, personas: Any, api: Any, obligations: Any
) -> None:
    article = _mutual_assistance(draft)
    response = api(personas.owner).put(
        f"/api/v1/articles/{article.pk}/analysis/obligations/",
        {"obligations": obligations},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "message" in response.json() or "detail" in response.json() or response.json()
    assert not ObligationCorrection.objects.exists()


def test_redline_against_a_precedent(draft: Any, personas: Any, api: Any) -> None:
    article = _mutual_assistance(draft)
    provision = Provision.objects.get(treaty__slug="north_atlantic_treaty_1949", number="5")
    response = api(personas.observer).get(
        f"/api/v1/articles/{article.pk}/precedents/provision/{provision.pk}/compare/"
    )
    assert response.status_code == 200
    ops = response.json()["ops"]
    assert "".join(o["text"] for o in ops if o["op"] != "insert") == provision.text
    assert "".join(o["text"] for o in ops if o["op"] != "delete") == article.text_en
    client = api(personas.owner)
    base = f"/api/v1/articles/{article.pk}/precedents"
    assert client.get(f"{base}/provision/{provision.pk}/compare/?language=ja").status_code == 404
    assert client.get(f"{base}/provision/{provision.pk}/compare/?language=xx").status_code == 400
    assert client.get(f"{base}/treaty/{provision.pk}/compare/").status_code == 404
    assert client.get(f"{base}/provision/999999/compare/").status_code == 404


# --- the alliance verdict ---------------------------------------------------------------------


def _treaty_as_draft(slug: str, personas: Any) -> Any:
    treaty = Treaty.objects.get(slug=slug)
    draft = draft_services.draft_create(
        actor=personas.owner, title=treaty.short_title, delegation="UK"
    )
    for p in treaty.provisions.filter(language="en").order_by("is_fragment", "position"):
        if p.number.lower().startswith("preamble"):
            continue
        draft_services.article_create(
            actor=personas.owner, draft=draft, heading=p.heading or p.label, text_en=p.text
        )
    return draft


@pytest.mark.parametrize(
    "slug",
    [
        "north_atlantic_treaty_1949",
        "anzus_security_treaty_1951",
        "us_japan_treaty_of_mutual_cooperation_and_security_1960",
    ],
)
def test_alliances_loaded_as_drafts_are_alliances(
    corpus: None, personas: Any, api: Any, slug: str
) -> None:
    draft = _treaty_as_draft(slug, personas)
    response = api(personas.owner).get(f"/api/v1/drafts/{draft.pk}/analysis/")
    assert response.status_code == 200
    data = response.json()
    assert data["alliance"] is True
    defence = next(r for r in data["reasons"] if r["code"] == "defense")
    assert defence["articles"]
    assert data["profile"]["promises"]["defense"]
    titles = [row["title"] for row in data["comparison"]]
    assert len(titles) == 6 and data["comparison"][0]["this_draft"]


def test_a_general_promise_to_consult_is_no_alliance(corpus: None, personas: Any, api: Any) -> None:
    draft = draft_services.draft_create(actor=personas.owner, title="Partnership", delegation="UK")
    draft_services.article_create(
        actor=personas.owner,
        draft=draft,
        heading="Consultation",
        text_en="The Parties shall consult each other regularly on matters of mutual interest, "
        "including important international problems.",
    )
    data = api(personas.owner).get(f"/api/v1/drafts/{draft.pk}/analysis/").json()
    assert data["alliance"] is False, data["reasons"]
    assert data["reasons"][0]["code"] == "no_atop_promise"
    assert not any(data["profile"]["promises"].values())


def test_the_profile_follows_the_text(draft: Any, personas: Any) -> None:
    assert analysis_selectors.draft_analysis(personas.owner, draft).alliance is True
    draft_services.article_edit(
        actor=personas.owner, article=_mutual_assistance(draft), text_en="The Parties are friends."
    )
    assert analysis_selectors.draft_analysis(personas.owner, draft).alliance is False


# --- library updates ----------------------------------------------------------------------------

CLAUSE = "consultation-nato-art4"


def _insert(personas: Any, title: str) -> tuple[Any, Article]:
    draft = draft_services.draft_create(actor=personas.owner, title=title, delegation="UK")
    member_services.member_add(
        actor=personas.owner, draft=draft, username="jp.drafter", role="drafter", delegation="JP"
    )
    clause = LibraryClause.objects.get(slug=CLAUSE)
    article = draft_services.clause_insert(actor=personas.owner, draft=draft, clause=clause)
    return draft, article


def test_a_changed_clause_is_offered_to_live_drafts(
    corpus: None, personas: Any, django_capture_on_commit_callbacks: Any
) -> None:
    clause = LibraryClause.objects.get(slug=CLAUSE)
    old = clause.text
    assert "threatened" in old and old.startswith("The Parties will consult")
    _, clean_article = _insert(personas, "Draft A")
    _, overlap_article = _insert(personas, "Draft B")
    assert clean_article.source_clause_version == clause.version == 1
    assert clean_article.provenance["clause"]["version"] == 1
    # Draft A edits the start; draft B rewrites the very words the library will change.
    draft_services.article_edit(
        actor=personas.owner,
        article=clean_article,
        text_en="The Parties shall" + old[len("The Parties will") :],
    )
    draft_services.article_edit(
        actor=personas.owner,
        article=overlap_article,
        text_en=old.replace("is threatened", "is under threat"),
    )
    # The library admin changes the clause.
    clause.text = old.replace("is threatened", "is endangered")
    clause.save()
    with django_capture_on_commit_callbacks(execute=True):
        revision = library_clause_revise(actor=personas.librarian, clause=clause)
    assert revision is not None and revision.version == 2
    clean_article.refresh_from_db()
    overlap_article.refresh_from_db()
    # Nothing changed a draft's text.
    assert (
        clean_article.text_en.startswith("The Parties shall")
        and "endangered" not in clean_article.text_en
    )
    assert "under threat" in overlap_article.text_en

    clean = LibraryUpdate.objects.get(article=clean_article, language="en")
    assert clean.outcome == "clean" and (clean.from_version, clean.to_version) == (1, 2)
    assert clean.merged == clean_article.text_en.replace("is threatened", "is endangered")
    suggestion = clean.suggestion
    assert suggestion is not None and not suggestion.stale and suggestion.status == "pending"
    assert "merges cleanly" in suggestion.note

    overlap = LibraryUpdate.objects.get(article=overlap_article, language="en")
    assert overlap.outcome == "conflict" and overlap.conflicts
    assert overlap.suggestion is not None and overlap.suggestion.stale
    assert overlap.suggestion.original == overlap_article.text_en
    assert overlap.suggestion.replacement == clause.text
    assert "cannot be applied cleanly" in overlap.suggestion.note

    # Japanese text did not change: nothing offered in Japanese.
    assert not LibraryUpdate.objects.filter(language="ja").exists()
    # Drafters of both drafts are told, the library admin is not.
    notified = Notification.objects.filter(kind="library_update")
    assert {(n.recipient.username, n.draft_id) for n in notified} == {
        (u, a.draft_id) for u in ("uk.lead", "jp.drafter") for a in (clean_article, overlap_article)
    }

    # A drafter accepts the clean one: the text becomes the merge.
    review_services.suggestion_accept(actor=personas.jp_drafter, suggestion=suggestion)
    clean_article.refresh_from_db()
    assert clean_article.text_en == clean.merged
    # The overlapping one is never applied.
    with pytest.raises(ConflictError):
        review_services.suggestion_accept(actor=personas.owner, suggestion=overlap.suggestion)
    overlap_article.refresh_from_db()
    assert "under threat" in overlap_article.text_en

    # Running the offer again offers nothing twice.
    assert library_updates_offer(clause_revision_id=revision.pk) == 0
    assert library_updates_sweep() == 0
    assert Suggestion.objects.filter(library_update__isnull=False).count() == 2


def test_a_withdrawn_clause_flags_the_articles(
    corpus: None, personas: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _, article = _insert(personas, "Draft C")
    clause = LibraryClause.objects.get(slug=CLAUSE)
    clause.status = LibraryClause.Status.WITHDRAWN
    clause.save()
    with django_capture_on_commit_callbacks(execute=True):
        library_clause_revise(actor=personas.librarian, clause=clause)
    flag = LibraryUpdate.objects.get(article=article)
    assert flag.outcome == "withdrawn" and flag.suggestion is None
    assert Notification.objects.filter(kind="library_update", draft=article.draft).count() == 2
    assert ClauseRevision.objects.filter(clause=clause).count() == 2


def test_an_admin_save_records_a_version(corpus: None, personas: Any, client: Any) -> None:
    clause = LibraryClause.objects.get(slug=CLAUSE)
    client.force_login(personas.librarian)
    url = f"/admin/treaties/libraryclause/{clause.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "slug": clause.slug,
            "title": clause.title,
            "text": clause.text + " They shall act together.",
            "text_ja": clause.text_ja,
            "status": clause.status,
            "obligation_type": clause.obligation_type_id,
            "commitment_strength": clause.commitment_strength,
            "guidance": clause.guidance,
            "derived_from": [p.pk for p in clause.derived_from.all()],
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    clause.refresh_from_db()
    assert clause.version == 2
    assert ClauseRevision.objects.get(clause=clause, version=2).changed_by == personas.librarian


def test_an_import_records_a_version_and_a_dry_run_does_not(
    corpus: None, personas: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _, article = _insert(personas, "Draft D")
    exported = json.loads(JSON().export_data(LibraryClauseResource().export()))
    target = next(row for row in exported if row["slug"] == CLAUSE)
    target["text"] = target["text"].replace("is threatened", "is endangered")
    payload = JSON().create_dataset(json.dumps(exported))
    LibraryClauseResource().import_data(payload, dry_run=True)
    assert LibraryClause.objects.get(slug=CLAUSE).version == 1
    with django_capture_on_commit_callbacks(execute=True):
        result = LibraryClauseResource().import_data(JSON().create_dataset(json.dumps(exported)))
    assert result.totals["update"] == 1
    assert LibraryClause.objects.get(slug=CLAUSE).version == 2
    offer = LibraryUpdate.objects.get(article=article, language="en")
    assert offer.outcome == "clean" and "is endangered" in offer.merged
