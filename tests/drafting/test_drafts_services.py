"""Draft and article services on the real database: numbering, moves, bad input."""

from __future__ import annotations

import pytest

from drafting.errors import ApplicationError, PermissionDeniedError
from drafting.models import Article, Draft, Membership
from drafting.services import drafts as services
from tests.conftest import articles_in_order
from treaties.models import LibraryClause


def test_draft_create_makes_the_creator_owner(personas, corpus):
    draft = services.draft_create(actor=personas.jp_drafter, title="  Draft A ", delegation="JP")
    assert draft.title == "Draft A"
    assert draft.classification == "OFFICIAL-SENSITIVE"
    assert sorted(draft.parties.values_list("name", flat=True)) == ["Japan", "United Kingdom"]
    membership = Membership.objects.get(draft=draft)
    assert (membership.user, membership.role, membership.delegation) == (
        personas.jp_drafter,
        "owner",
        "JP",
    )


@pytest.mark.parametrize("marking", ["SECRET", "TOP SECRET", "official-secret", "", "CONFIDENTIAL"])
def test_classification_above_official_sensitive_is_refused(personas, corpus, marking):
    with pytest.raises(ApplicationError) as exc:
        services.draft_create(
            actor=personas.owner, title="X", delegation="UK", classification=marking
        )
    assert exc.value.status == 400
    assert "OFFICIAL or OFFICIAL-SENSITIVE" in exc.value.message
    assert not Draft.objects.filter(title="X").exists()


def test_classification_is_normalised(personas, corpus):
    draft = services.draft_create(
        actor=personas.owner, title="X", delegation="UK", classification=" official "
    )
    assert draft.classification == "OFFICIAL"


def test_database_refuses_an_unaccredited_marking(draft):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Draft.objects.filter(pk=draft.pk).update(classification="SECRET")
    draft.refresh_from_db()
    assert draft.classification == "OFFICIAL-SENSITIVE"


def test_us_delegation_cannot_own_a_draft(personas, corpus):
    with pytest.raises(ApplicationError, match="consultees only"):
        services.draft_create(actor=personas.consultee, title="US draft", delegation="US")
    assert not Draft.objects.filter(title="US draft").exists()


def test_insert_at_position_renumbers(draft, personas):
    services.article_create(
        actor=personas.uk_drafter, draft=draft, heading="Definitions", position=2
    )
    assert articles_in_order(draft) == [
        ("", "Preamble"),
        ("1", "Definitions"),
        ("2", "Purposes"),
        ("3", "Consultation"),
        ("4", "Mutual assistance"),
    ]
    assert list(
        Article.objects.filter(draft=draft).order_by("position").values_list("position", flat=True)
    ) == [
        1,
        2,
        3,
        4,
        5,
    ]


def test_move_and_delete_renumber(draft, personas):
    mutual = Article.objects.get(draft=draft, heading="Mutual assistance")
    services.article_move(actor=personas.jp_drafter, article=mutual, position=2)
    assert articles_in_order(draft) == [
        ("", "Preamble"),
        ("1", "Mutual assistance"),
        ("2", "Purposes"),
        ("3", "Consultation"),
    ]
    services.article_delete(
        actor=personas.uk_drafter, article=Article.objects.get(draft=draft, heading="Purposes")
    )
    assert articles_in_order(draft) == [
        ("", "Preamble"),
        ("1", "Mutual assistance"),
        ("2", "Consultation"),
    ]


def test_fixed_numbers_are_kept_and_skipped(draft, personas):
    consultation = Article.objects.get(draft=draft, heading="Consultation")
    services.article_edit(actor=personas.uk_drafter, article=consultation, number="1 bis")
    services.article_create(
        actor=personas.uk_drafter, draft=draft, heading="Kept three", number="3", position=2
    )
    assert articles_in_order(draft) == [
        ("", "Preamble"),
        ("3", "Kept three"),
        ("1", "Purposes"),
        ("1 bis", "Consultation"),
        ("2", "Mutual assistance"),
    ]
    services.article_create(actor=personas.uk_drafter, draft=draft, heading="Last")
    assert articles_in_order(draft)[-1] == ("4", "Last")
    # An empty number hands the article back to automatic numbering.
    services.article_edit(actor=personas.uk_drafter, article=consultation, number="")
    assert ("2", "Consultation") in articles_in_order(draft)


def test_duplicate_number_is_refused_and_nothing_changes(draft, personas):
    before = articles_in_order(draft)
    purposes = Article.objects.get(draft=draft, heading="Purposes")
    with pytest.raises(ApplicationError) as exc:
        services.article_update(
            actor=personas.uk_drafter, article=purposes, number="3", text_en="changed"
        )
    assert exc.value.status == 400
    assert exc.value.code == "duplicate_number"
    assert "already used" in exc.value.message and "Mutual assistance" in exc.value.message
    assert articles_in_order(draft) == before
    purposes.refresh_from_db()
    assert purposes.text_en == "The Parties shall strengthen their alliance."
    with pytest.raises(ApplicationError, match="already used"):
        services.article_create(actor=personas.uk_drafter, draft=draft, heading="Dup", number="2")
    assert not Article.objects.filter(heading="Dup").exists()


@pytest.mark.parametrize("position", [0, -1, 5, 99])
def test_move_outside_the_draft_is_refused(draft, personas, position):
    before = articles_in_order(draft)
    article = Article.objects.get(draft=draft, heading="Purposes")
    with pytest.raises(ApplicationError) as exc:
        services.article_move(actor=personas.uk_drafter, article=article, position=position)
    assert exc.value.code == "position_out_of_range"
    assert "from 1 to 4" in exc.value.message
    assert articles_in_order(draft) == before


def test_nothing_goes_before_the_preamble(draft, personas):
    article = Article.objects.get(draft=draft, heading="Purposes")
    with pytest.raises(ApplicationError, match="preamble"):
        services.article_move(actor=personas.uk_drafter, article=article, position=1)
    with pytest.raises(ApplicationError, match="already has a preamble"):
        services.article_create(actor=personas.uk_drafter, draft=draft, kind="preamble")


def test_a_failed_multi_field_update_writes_nothing(draft, personas):
    article = Article.objects.get(draft=draft, heading="Purposes")
    with pytest.raises(ApplicationError):
        services.article_update(
            actor=personas.uk_drafter, article=article, text_en="New text", position=42
        )
    article.refresh_from_db()
    assert article.text_en == "The Parties shall strengthen their alliance."
    # The drafter may edit but not release: the whole request is refused.
    with pytest.raises(PermissionDeniedError):
        services.article_update(
            actor=personas.uk_drafter, article=article, text_en="New text", releasability="REL USA"
        )
    article.refresh_from_db()
    assert (article.text_en, article.releasability) == (
        "The Parties shall strengthen their alliance.",
        "UK/JPN ONLY",
    )


@pytest.mark.parametrize("who", ["reviewer", "jp_reviewer", "consultee", "observer", "outsider"])
def test_only_drafters_change_text(draft, personas, who):
    user = getattr(personas, who)
    article = Article.objects.get(draft=draft, heading="Purposes")
    for call in (
        lambda: services.article_edit(actor=user, article=article, text_en="mine"),
        lambda: services.article_create(actor=user, draft=draft, heading="mine"),
        lambda: services.article_move(actor=user, article=article, position=3),
        lambda: services.article_delete(actor=user, article=article),
    ):
        with pytest.raises(PermissionDeniedError):
            call()
    article.refresh_from_db()
    assert article.text_en == "The Parties shall strengthen their alliance."
    assert Article.objects.filter(draft=draft).count() == 4


def test_releasability_defaults_and_only_the_owner_changes_it(draft, personas):
    article = Article.objects.get(draft=draft, heading="Purposes")
    assert article.releasability == "UK/JPN ONLY"
    with pytest.raises(PermissionDeniedError):
        services.article_set_releasability(
            actor=personas.jp_drafter, article=article, releasability="REL USA"
        )
    with pytest.raises(ApplicationError, match="not known"):
        services.article_set_releasability(
            actor=personas.owner, article=article, releasability="REL ALL"
        )
    article = services.article_set_releasability(
        actor=personas.owner, article=article, releasability="REL USA"
    )
    assert article.releasability == "REL USA"


def test_text_limits_and_nul_are_refused(draft, personas):
    article = Article.objects.get(draft=draft, heading="Purposes")
    with pytest.raises(ApplicationError, match="limit"):
        services.article_edit(actor=personas.uk_drafter, article=article, text_en="x" * 200_001)
    with pytest.raises(ApplicationError, match="NUL"):
        services.article_edit(actor=personas.uk_drafter, article=article, text_ja="a\x00b")


def test_clause_insert_keeps_provenance(draft, personas):
    clause = LibraryClause.objects.get(slug="mutual-defence-nato-art5")
    assert next(p.treaty.slug for p in clause.derived_from.all()) == "north_atlantic_treaty_1949"
    article = services.clause_insert(
        actor=personas.jp_drafter, draft=draft, clause=clause, position=3
    )
    assert (article.position, article.number) == (3, "2")
    assert article.text_en == clause.text and article.text_ja == clause.text_ja
    assert article.source_clause == clause
    assert article.provenance["clause"]["slug"] == clause.slug
    assert article.provenance["inserted_by"] == "jp.drafter"
    assert {"treaty_slug": "north_atlantic_treaty_1949", "provision": "Art. 5"}.items() <= (
        article.provenance["derived_from"][0].items()
    )
    # Provenance survives later edits of the library clause.
    LibraryClause.objects.filter(pk=clause.pk).update(title="Renamed")
    article.refresh_from_db()
    assert article.provenance["clause"]["title"] == clause.title


def test_clause_insert_refused_for_reviewers_and_withdrawn_clauses(draft, personas):
    clause = LibraryClause.objects.filter(status="approved").first()
    with pytest.raises(PermissionDeniedError, match="only its drafters"):
        services.clause_insert(actor=personas.reviewer, draft=draft, clause=clause)
    withdrawn = LibraryClause.objects.filter(status="withdrawn").first()
    assert withdrawn is not None
    with pytest.raises(ApplicationError, match="withdrawn"):
        services.clause_insert(actor=personas.uk_drafter, draft=draft, clause=withdrawn)
    assert Article.objects.filter(draft=draft).count() == 4


def test_non_bmp_and_japanese_text_round_trip(draft, personas):
    article = Article.objects.get(draft=draft, heading="Purposes")
    text = "締約国は𠮟責せず 😀\n第二項"
    services.article_edit(actor=personas.jp_drafter, article=article, text_ja=text)
    article.refresh_from_db()
    assert article.text_ja == text
