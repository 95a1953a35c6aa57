"""Notifications, emails and API errors in each person's own language and time zone: the same
event reads in Japanese, in Tokyo time, to a Japanese recipient and in English, in London
time, to a British one; an API client signed in by token gets its user's saved language."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.core import mail
from rest_framework.test import APIClient

from drafting.models import Article, Notification
from drafting.services import consultation as consultation_services
from drafting.services import drafts as draft_services
from drafting.services import preferences as preference_services
from drafting.services import review as review_services
from drafting.services.tokens import token_issue


def _consultation(draft: Any, personas: Any) -> Article:
    """The Consultation article (Article 2, 第二条（協議）), drafted by both drafters."""
    article = Article.objects.get(draft=draft, heading="Consultation")
    draft_services.article_edit(
        actor=personas.uk_drafter, article=article, text_en="The Parties shall consult."
    )
    draft_services.article_edit(
        actor=personas.jp_drafter,
        article=article,
        heading_ja="協議",
        text_ja="締約国は、協議する。",
    )
    article.refresh_from_db()
    return article


def _emails_to(user: Any) -> list[Any]:
    return [m for m in mail.outbox if m.to == [user.email]]


def test_one_comment_notifies_each_drafter_in_their_language(
    client: Any, draft: Any, personas: Any, django_capture_on_commit_callbacks: Any
) -> None:
    preference_services.preference_update(
        actor=personas.jp_drafter, language="ja", time_zone="Asia/Tokyo"
    )
    preference_services.preference_update(
        actor=personas.uk_drafter, language="en", time_zone="Europe/London"
    )
    article = _consultation(draft, personas)
    reviewer = personas.reviewer
    who = reviewer.get_full_name() or reviewer.get_username()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review_services.thread_start(
            actor=reviewer,
            article=article,
            language="en",
            start=4,
            end=11,
            body="Is this binding?",
        )

    (japanese,) = _emails_to(personas.jp_drafter)
    assert japanese.subject == "[OFFICIAL-SENSITIVE] 第二条（協議）への新しいコメント"
    assert f"{who}のコメント：" in japanese.body and "Is this binding?" in japanese.body
    assert "New comment" not in japanese.body + japanese.subject
    (english,) = _emails_to(personas.uk_drafter)
    assert english.subject == "[OFFICIAL-SENSITIVE] New comment on Article 2 — Consultation"
    assert f"{who} commented on:" in english.body and "Is this binding?" in english.body

    # In the app too, and the API: each reads their own.
    client.force_login(personas.jp_drafter)
    page = client.get("/notifications/").content.decode()
    assert "第二条（協議）への新しいコメント" in page and "Article 2" not in page
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=personas.jp_drafter)}")
    (item,) = [
        n for n in api.get("/api/v1/notifications/").json()["results"] if n["kind"] == "new_thread"
    ]
    assert item["subject"] == "第二条（協議）への新しいコメント"

    # A later change of language changes the list: it is written when read.
    preference_services.preference_update(actor=personas.jp_drafter, language="en")
    page = client.get("/notifications/").content.decode()
    assert "New comment on Article 2 — Consultation" in page
    # What is stored for the admin (and for notifications older than params) is English.
    stored = Notification.objects.get(recipient=personas.jp_drafter, kind="new_thread")
    assert stored.subject == "New comment on Article 2 — Consultation"


def test_a_deadline_reads_in_the_readers_time_zone_and_language(
    client: Any, draft: Any, personas: Any, django_capture_on_commit_callbacks: Any
) -> None:
    owner, consultee = personas.owner, personas.consultee
    article = Article.objects.get(draft=draft, heading="Consultation")
    draft_services.article_set_releasability(actor=owner, article=article, releasability="REL USA")
    office = consultation_services.office_create(
        actor=owner, draft=draft, name="State EAP", members=[consultee.username]
    )
    preference_services.preference_update(actor=consultee, language="ja", time_zone="Asia/Tokyo")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        consultation_services.round_open(
            actor=owner,
            draft=draft,
            article_ids=[article.pk],
            office_ids=[office.pk],
            deadline=datetime(2030, 12, 10, 0, 0, tzinfo=UTC),
        )
    (email,) = _emails_to(consultee)
    assert email.subject == "[OFFICIAL-SENSITIVE] 第1回協議：State EAP宛ての1箇条"
    assert "2030年12月10日 09:00 JSTまでに回答してください。" in email.body
    assert "UTC" not in email.body

    # The same notification, read after moving to London and English.
    preference_services.preference_update(actor=consultee, language="en", time_zone="Europe/London")
    client.force_login(consultee)
    page = client.get("/notifications/").content.decode()
    assert "Consultation round 1: 1 article for State EAP" in page
    assert "Please answer by 10 Dec 2030, 00:00 GMT." in page


def test_a_token_client_gets_its_users_saved_language(draft: Any, personas: Any) -> None:
    article = Article.objects.get(draft=draft, heading="Purposes")
    url = f"/api/v1/articles/{article.pk}/revisions/99/?language=en"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=personas.jp_drafter)}")

    # No saved language: the client's Accept-Language decides.
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert english.startswith("This article's en text has no revision 99")
    assert (
        client.get(url, HTTP_ACCEPT_LANGUAGE="ja")
        .json()["detail"]
        .startswith("この条のen正文に改訂99はありません")
    )

    # A saved language wins over the header a client library sends by default.
    preference_services.preference_update(actor=personas.jp_drafter, language="ja")
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json()["detail"].startswith("この条のen正文に改訂99はありません")
    assert response["Content-Language"] == "ja"
    bad = client.get(
        f"/api/v1/articles/{article.pk}/revisions/?language=xx", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert bad.status_code == 400
    # Refused by the query contract before the view authenticates, and still in Japanese.
    assert bad.json()["detail"] == "language には次のいずれかを指定してください：en, ja。"
