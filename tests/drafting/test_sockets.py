"""The draft socket (/ws/drafts/{id}/) against a real uvicorn process: pushes after writes,
presence and carets, access as on the pages, and bad input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from drafting.core.revisions import revision_number_latest
from drafting.models import AuditEvent, Draft
from drafting.services.tokens import token_issue
from drafting.syncclient import SyncClient
from tests.asgi import AsgiServer, closed_with, receive

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def server(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[AsgiServer]:
    with django_db_blocker.unblock():
        name = str(connection.settings_dict["NAME"])
    log: Path = tmp_path_factory.mktemp("asgi") / "uvicorn.log"
    started = AsgiServer(name, log)
    yield started
    started.stop()


def session_of(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def token_of(user: Any) -> str:
    return token_issue(user=user)


def article_of(draft: Draft) -> Any:
    return draft.articles.exclude(kind="preamble").order_by("position").first()


def type_into(server: AsgiServer, user: Any, article: Any, words: str) -> SyncClient:
    client = SyncClient(transport=server.transport(token_of(user)), article_id=article.pk)
    client.start()
    client.text += words
    assert client.sync() == 200
    return client


def test_a_drafter_is_told_at_once_when_another_changes_the_text(server, draft, personas):
    article = article_of(draft)
    ws = server.socket(draft.pk, session=session_of(personas.uk_drafter))
    hello = receive(ws, "hello")
    assert hello["read_only"] is False and hello["user"]["username"] == "uk.drafter"
    assert hello["user"]["delegation"] == "UK"
    client = SyncClient(
        transport=server.transport(token_of(personas.jp_drafter)), article_id=article.pk
    )
    client.start()
    client.text += " Pushed."
    assert client.sync() == 200
    # Nobody polls here: only the push can bring this. How fast is benchmark B8's business.
    changed = receive(ws, "changed", timeout=10)
    assert (changed["article"], changed["language"], changed["kind"]) == (
        article.pk,
        "en",
        "synced",
    )
    article.refresh_from_db()
    assert changed["revision"] >= 2 and article.text_en.endswith(" Pushed.")
    ws.close()


def test_review_changes_are_announced(server, draft, personas, api):
    article = article_of(draft)
    ws = server.socket(draft.pk, token=token_of(personas.reviewer))
    receive(ws, "hello")
    http = server.transport(token_of(personas.reviewer))
    status, body = http(
        f"/api/v1/articles/{article.pk}/threads/",
        {"language": "en", "anchor_start": 0, "anchor_end": 3, "body": "Why?"},
    )
    assert status == 201, body
    review = receive(ws, "review")
    assert review == {"type": "review", "article": article.pk, "what": "threads"}
    ws.close()


def test_bracket_and_signoff_changes_are_pushed_to_the_other_delegation(server, draft, personas):
    """Issue 12: a bracket made, resolved or reopened, a sign-off, and a bracket detached by
    an edit reach the other delegation's open pages at once, without text."""
    article = article_of(draft)
    ws = server.socket(draft.pk, session=session_of(personas.jp_drafter))
    receive(ws, "hello")
    uk = server.transport(token_of(personas.uk_drafter))
    status, body = uk(
        f"/api/v1/articles/{article.pk}/brackets/",
        {"language": "en", "anchor_start": 4, "anchor_end": 11, "options": []},
    )
    assert status == 201, body
    pushed = receive(ws, "negotiation", timeout=10)
    assert pushed == {"type": "negotiation", "article": article.pk, "what": "bracket.created"}
    status, body = uk(f"/api/v1/brackets/{body['id']}/resolve/", {"resolution": "keep"})
    assert status == 200, body
    assert receive(ws, "negotiation", timeout=10)["what"] == "bracket.resolved"
    status, body = uk(f"/api/v1/brackets/{body['id']}/reopen/", {"reason": "again"})
    assert status == 200, body
    assert receive(ws, "negotiation", timeout=10)["what"] == "bracket.reopened"
    # Deleting the bracketed words detaches the bracket: the text push and this one.
    client = SyncClient(transport=uk, article_id=article.pk)
    client.start()
    client.text = client.text[:4] + client.text[11:]
    assert client.sync() == 200
    assert receive(ws, "negotiation", timeout=10)["what"] == "bracket.detached"
    ws.close()


def test_a_signoff_is_pushed(server, draft, personas):
    article = article_of(draft)
    ws = server.socket(draft.pk, token=token_of(personas.reviewer))
    receive(ws, "hello")
    jp = server.transport(token_of(personas.jp_drafter))
    status, body = jp(
        f"/api/v1/articles/{article.pk}/signoff/",
        {
            "revision_en": revision_number_latest(article, "en"),
            "revision_ja": revision_number_latest(article, "ja"),
        },
    )
    assert status == 200, body
    assert receive(ws, "negotiation", timeout=10) == {
        "type": "negotiation",
        "article": article.pk,
        "what": "signoff",
    }
    ws.close()


def test_a_token_in_the_first_message_signs_in(server, draft, personas):
    ws = server.socket(draft.pk, token=token_of(personas.jp_drafter))
    assert receive(ws, "hello")["user"]["delegation"] == "JP"
    ws.close()


@pytest.mark.parametrize(
    "first", [{"type": "ping"}, {"type": "auth", "token": "nope"}, {"type": "auth"}]
)
def test_without_a_session_the_first_message_must_be_a_valid_token(server, draft, first):
    ws = server.socket(draft.pk)
    ws.send(json.dumps(first))
    code, messages = closed_with(ws)
    assert code == 4401 and messages[-1]["code"] == "not_authenticated"


def test_an_expired_session_is_no_session(server, draft, personas):
    ws = server.socket(draft.pk, session="expired-or-made-up")
    ws.send(json.dumps({"type": "ping"}))
    code, messages = closed_with(ws)
    assert code == 4401 and not any(m["type"] == "hello" for m in messages)


def test_another_sites_page_cannot_use_the_session_cookie(server, draft, personas):
    from websockets.exceptions import InvalidStatus

    with pytest.raises(InvalidStatus):
        server.socket(draft.pk, session=session_of(personas.owner), origin="https://evil.example")


@pytest.mark.parametrize("persona", ["consultee", "outsider"])
def test_who_may_not_read_the_draft_cannot_subscribe(server, draft, personas, persona):
    user = getattr(personas, persona)
    for ws in (
        server.socket(draft.pk, session=session_of(user)),
        server.socket(draft.pk, token=token_of(user)),
    ):
        code, messages = closed_with(ws)
        assert code == 4404 and [m["type"] for m in messages] == ["error"]
        assert messages[0]["code"] == "not_found"
    # And learns nothing of a draft that does not exist either: the same answer.
    code, messages = closed_with(server.socket(999_999, session=session_of(personas.owner)))
    assert code == 4404


def test_a_reviewer_receives_but_cannot_send_carets(server, draft, personas):
    article = article_of(draft)
    drafter = server.socket(draft.pk, session=session_of(personas.uk_drafter))
    receive(drafter, "hello")
    reviewer = server.socket(draft.pk, session=session_of(personas.reviewer))
    assert receive(reviewer, "hello")["read_only"] is True
    reviewer.send(
        json.dumps(
            {"type": "presence", "article": article.pk, "language": "en", "from": 1, "to": 4}
        )
    )
    assert receive(reviewer, "error")["code"] == "read_only"
    # Where they are (without a caret) is fine: drafters see who is reading.
    reviewer.send(json.dumps({"type": "presence", "article": article.pk, "language": "en"}))
    seen = receive(drafter, "presence")
    assert seen["user"]["username"] == "uk.reviewer" and seen["caret"] is None
    type_into(server, personas.jp_drafter, article, " More.")
    assert receive(reviewer, "changed")["article"] == article.pk
    reviewer.close()
    assert receive(drafter, "left")["cid"] == seen["cid"]
    drafter.close()


def test_carets_are_relayed_with_the_servers_idea_of_who_sent_them(server, draft, personas):
    article = article_of(draft)
    uk = server.socket(draft.pk, session=session_of(personas.uk_drafter))
    receive(uk, "hello")
    jp = server.socket(draft.pk, session=session_of(personas.jp_drafter))
    receive(jp, "hello")
    jp.send(
        json.dumps(
            {
                "type": "presence",
                "article": article.pk,
                "language": "en",
                "from": 7,
                "to": 3,
                "user": {"username": "uk.lead", "delegation": "UK"},
            }
        )
    )
    seen = receive(uk, "presence")
    jp_name = f"{personas.jp_drafter.first_name} {personas.jp_drafter.last_name}".strip()
    assert seen["user"] == {"username": "jp.drafter", "name": jp_name, "delegation": "JP"}
    assert (seen["article"], seen["language"], seen["caret"]) == (article.pk, "en", [3, 7])
    # A newcomer is told where the others are at once.
    late = server.socket(draft.pk, session=session_of(personas.owner))
    receive(late, "hello")
    assert receive(late, "presence")["user"]["username"] == "jp.drafter"
    for ws in (uk, jp, late):
        ws.close()


BAD = [
    "not json",
    "[1, 2]",
    '{"no": "type"}',
    '{"type": 7}',
    '{"type": "shout"}',
    '{"type": "presence", "article": "12", "language": "en"}',
    '{"type": "presence", "article": true, "language": "en"}',
    '{"type": "presence", "article": 999999, "language": "en"}',
    '{"type": "presence", "article": %(article)s, "language": "fr"}',
    '{"type": "presence", "article": %(article)s, "language": "en", "from": -1, "to": 2}',
    '{"type": "presence", "article": %(article)s, "language": "en", "from": 1}',
    '{"type": "presence", "article": %(other)s, "language": "en"}',
    '{"type": "auth", "token": "x"}',
    "x" * 5000,
]


def test_bad_messages_get_clear_errors_and_write_nothing(server, draft, personas):
    other = Draft.objects.create(title="Another", created_by=personas.owner)
    other_article = other.articles.create(kind="article", position=1, heading="Other")
    article = article_of(draft)
    events = AuditEvent.objects.count()
    ws = server.socket(draft.pk, session=session_of(personas.uk_drafter))
    receive(ws, "hello")
    for raw in BAD:
        ws.send(raw % {"article": article.pk, "other": other_article.pk} if "%(" in raw else raw)
        error = receive(ws, "error")
        assert error["code"] in {"bad_message", "not_found"} and error["detail"]
    ws.send(json.dumps({"type": "ping"}))
    assert receive(ws, "pong") == {"type": "pong"}
    assert AuditEvent.objects.count() == events
    ws.close()


def test_a_flood_closes_that_connection_only(server, draft, personas):
    article = article_of(draft)
    calm = server.socket(draft.pk, session=session_of(personas.uk_drafter))
    receive(calm, "hello")
    flood = server.socket(draft.pk, session=session_of(personas.jp_drafter))
    receive(flood, "hello")
    events = AuditEvent.objects.count()
    message = json.dumps(
        {"type": "presence", "article": article.pk, "language": "en", "from": 1, "to": 1}
    )
    sent = 0
    try:
        for _ in range(10_000):
            flood.send(message)
            sent += 1
    except Exception:
        pass
    code, messages = closed_with(flood)
    assert code == 4429 and messages[-1]["code"] == "rate_limited"
    assert AuditEvent.objects.count() == events
    # The calm one still works and still gets pushes.
    calm.send(json.dumps({"type": "ping"}))
    assert receive(calm, "pong")
    type_into(server, personas.owner, article, " Still here.")
    assert receive(calm, "changed")["article"] == article.pk
    calm.close()


def test_losing_membership_closes_the_socket(server, draft, personas):
    ws = server.socket(draft.pk, session=session_of(personas.jp_drafter))
    receive(ws, "hello")
    membership = draft.memberships.get(user=personas.jp_drafter)
    http = requests_delete(server, token_of(personas.owner))
    assert http(f"/api/v1/drafts/{draft.pk}/members/{membership.pk}/") == 204
    code, messages = closed_with(ws)
    assert code == 4403 and messages[-1]["code"] == "forbidden"


def requests_delete(server: AsgiServer, token: str) -> Any:
    import requests

    def delete(path: str) -> int:
        return requests.delete(
            f"{server.url}{path}", headers={"Authorization": f"Token {token}"}, timeout=30
        ).status_code

    return delete
