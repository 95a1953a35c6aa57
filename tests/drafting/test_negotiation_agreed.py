"""An agreed article holds: every path that changes text is refused with a 409 naming the
agreement, and nothing is written, until a delegation lead reopens it with a reason.

The guard is in one place (services.revisions.text_set → core.negotiation.text_change_guard);
this walks every path that reaches it, through the services, the API and the pages."""

from __future__ import annotations

from typing import Any

import pytest

from drafting import textdiff
from drafting.core.revisions import revision_number_latest
from drafting.errors import ConflictError
from drafting.models import Article, Membership, Revision
from drafting.services import changes as change_services
from drafting.services import concordance as concordance_services
from drafting.services import drafts as draft_services
from drafting.services import negotiation
from drafting.services import restore as restore_services
from drafting.services import review as review_services
from drafting.services import sync as sync_services
from drafting.services import versions as version_services
from treaties.models import LibraryClause


def signoff_in_step(*, actor: Any, article: Article, **pair: Any) -> Any:
    """Sign off as ``actor`` after the owner confirmed the two texts in step (an article is
    agreed only with its texts in step, issue 11's concordance)."""
    owner = Membership.objects.get(draft=article.draft, role="owner").user
    concordance_services.concordance_confirm(actor=owner, article=article)
    return negotiation.article_signoff(actor=actor, article=article, **pair)


@pytest.fixture
def agreed(draft, personas) -> dict[str, Any]:
    """An article with history, a named version, a pending suggestion and a co-editing
    session all from before its agreement; then both delegations sign off."""
    article = Article.objects.get(draft=draft, heading="Mutual assistance")
    version = version_services.version_create(actor=personas.owner, draft=draft, name="before")
    draft_services.article_edit(
        actor=personas.uk_drafter, article=article, text_en=article.text_en + " Promptly."
    )
    article.refresh_from_db()
    suggestion = review_services.suggestion_create(
        actor=personas.reviewer, article=article, language="en", start=0, end=2, replacement="Any"
    )
    session = sync_services.session_start(actor=personas.jp_drafter, article=article, language="en")
    pair = {
        "revision_en": revision_number_latest(article, "en"),
        "revision_ja": revision_number_latest(article, "ja"),
    }
    signoff_in_step(actor=personas.uk_drafter, article=article, **pair)
    signoff_in_step(actor=personas.jp_drafter, article=article, **pair)
    article.refresh_from_db()
    assert article.negotiation_status == "agreed_ad_ref"
    return {
        "article": article,
        "version": version,
        "suggestion": suggestion,
        "session": session,
        "texts": (article.text_en, article.text_ja, article.heading),
        "revisions": Revision.objects.filter(article=article).count(),
    }


def unchanged(agreed: dict[str, Any]) -> None:
    article = Article.objects.get(pk=agreed["article"].pk)
    assert (article.text_en, article.text_ja, article.heading) == agreed["texts"]
    assert Revision.objects.filter(article=article).count() == agreed["revisions"]
    assert article.negotiation_status == "agreed_ad_ref"


def refused(call: Any) -> ConflictError:
    with pytest.raises(ConflictError) as exc:
        call()
    assert exc.value.code == "article_agreed"
    assert (
        "agreed ad referendum" in exc.value.message
        and "reopens it with a reason" in exc.value.message
    )
    return exc.value


def test_every_service_path_is_refused(agreed, personas, draft):
    article = agreed["article"]
    drafter = personas.uk_drafter
    paths = {
        "edit form / API edit": lambda: draft_services.article_edit(
            actor=drafter, article=article, text_en="Rewritten."
        ),
        "heading": lambda: draft_services.article_edit(
            actor=drafter, article=article, heading="Another heading"
        ),
        "Japanese text": lambda: draft_services.article_update(
            actor=drafter, article=article, text_ja="締約国は、別に"
        ),
        "suggestion accepted": lambda: review_services.suggestion_accept(
            actor=drafter, suggestion=agreed["suggestion"]
        ),
        "revision restored": lambda: restore_services.revision_restore(
            actor=drafter, article=article, language="en", number=1
        ),
        "change rejected": lambda: change_services.change_reject(
            actor=drafter,
            revision=Revision.objects.get(article=article, language="en", number=2),
            reason="no",
        ),
        "all changes rejected": lambda: change_services.changes_decide_all(
            actor=drafter, article=article, language="en", since=1, decision="rejected"
        ),
        "version restored": lambda: restore_services.version_restore(
            actor=personas.owner, version=agreed["version"]
        ),
        "bracketed": lambda: negotiation.bracket_create(
            actor=drafter, article=article, language="en", start=0, end=2
        ),
    }
    for name, call in paths.items():
        refused(call)
        unchanged(agreed)
        assert name
    # Inserting a library clause adds a new article: the agreed one is left as it is.
    clause = LibraryClause.objects.filter(status="approved").first()
    draft_services.clause_insert(actor=drafter, draft=draft, clause=clause)
    unchanged(agreed)


def test_co_editing_is_refused_and_not_retried(agreed, personas):
    article, session = agreed["article"], agreed["session"]
    text = session["text"]
    payload = {
        "seq": 1,
        "server_version": 0,
        "edits": [{"client_version": 0, "delta": textdiff.make_delta(text, text + " More.")}],
    }
    first = sync_services.sync(
        actor=personas.jp_drafter,
        article_id=article.pk,
        session_key=session["session"],
        payload=payload,
    )
    assert first.status == 409 and first.body["code"] == "article_agreed"
    assert "agreed ad referendum" in first.body["detail"] and first.body["text"] == text
    unchanged(agreed)
    # A repeat of the same request gets the same answer and writes nothing.
    again = sync_services.sync(
        actor=personas.jp_drafter,
        article_id=article.pk,
        session_key=session["session"],
        payload=payload,
    )
    assert again.body == first.body
    unchanged(agreed)
    # The client moves on from the refusal (read-only): an empty sync is answered normally.
    quiet = sync_services.sync(
        actor=personas.jp_drafter,
        article_id=article.pk,
        session_key=session["session"],
        payload={"seq": 2, "server_version": first.body["server_version"], "edits": []},
    )
    assert quiet.status == 200
    # A session opened now is read-only and says why.
    fresh = sync_services.session_start(actor=personas.jp_drafter, article=article, language="ja")
    assert fresh["read_only"] is True and "agreed ad referendum" in fresh["locked"]


def test_every_api_and_page_path_answers_409(agreed, personas, api, client, draft):
    article = agreed["article"]
    uk = api(personas.uk_drafter)
    calls = [
        uk.patch(f"/api/v1/articles/{article.pk}/", {"text_en": "x"}, format="json"),
        uk.post(f"/api/v1/suggestions/{agreed['suggestion'].pk}/accept/", {}, format="json"),
        uk.post(
            f"/api/v1/articles/{article.pk}/revisions/1/restore/?language=en", {}, format="json"
        ),
        uk.post(
            f"/api/v1/articles/{article.pk}/revisions/2/reject/?language=en",
            {"reason": "no"},
            format="json",
        ),
        uk.post(
            f"/api/v1/articles/{article.pk}/changes/reject-all/",
            {"language": "en", "since": 1},
            format="json",
        ),
        api(personas.owner).post(
            f"/api/v1/drafts/{draft.pk}/versions/{agreed['version'].number}/restore/",
            {},
            format="json",
        ),
        uk.post(
            f"/api/v1/articles/{article.pk}/brackets/",
            {"language": "en", "anchor_start": 0, "anchor_end": 2},
            format="json",
        ),
    ]
    for response in calls:
        assert response.status_code == 409, response.json()
        assert response.json()["code"] == "article_agreed"
        unchanged(agreed)
    client.force_login(personas.uk_drafter)
    page = client.post(
        article.get_absolute_url(),
        {
            "heading": article.heading,
            "text_en": "x",
            "text_ja": article.text_ja,
            "number": article.number,
        },
    )
    assert page.status_code == 409 and "agreed ad referendum" in page.content.decode()
    unchanged(agreed)


def test_reopened_with_a_reason_the_text_can_change_again(agreed, personas):
    article = agreed["article"]
    for user in (personas.reviewer, personas.consultee, personas.outsider):
        with pytest.raises(Exception):  # noqa: B017  (403 or 404 by role; both refuse)
            negotiation.article_reopen(actor=user, article=article, reason="no")
    unchanged(agreed)
    negotiation.article_reopen(actor=personas.jp_drafter, article=article, reason="Diet review")
    draft_services.article_edit(actor=personas.uk_drafter, article=article, text_en="Rewritten.")
    assert Article.objects.get(pk=article.pk).text_en == "Rewritten."
