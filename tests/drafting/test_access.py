"""Every endpoint refuses those it must refuse. The list of endpoints comes from the URLconf,
so a new endpoint that is not classified here makes this test fail."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from drafting import permissions
from drafting.models import Article, Membership, SyncConflict
from drafting.services import review

# Endpoints whose data belongs to a draft: a non-member gets 404 (not even the title).
DRAFT_SCOPED = {
    "api-draft", "api-draft-articles", "api-draft-members", "api-draft-member", "api-article",
    "api-article-move", "api-article-revisions", "api-article-revision", "api-article-revision-restore",
    "api-article-revision-accept", "api-article-revision-reject", "api-article-compare",
    "api-article-changes", "api-article-changes-accept-all", "api-article-changes-reject-all",
    "api-draft-versions", "api-draft-version", "api-draft-version-restore", "api-draft-compare",
    "api-draft-changes", "api-draft-history", "api-article-sessions", "api-article-sync",
    "api-article-conflicts", "api-conflict-resolve", "api-article-threads", "api-thread",
    "api-thread-comments", "api-thread-resolve", "api-thread-reopen", "api-comment",
    "api-article-suggestions", "api-suggestion-accept", "api-suggestion-reject", "api-draft-mute",
    # the negotiation
    "api-article-brackets", "api-article-segments", "api-bracket", "api-bracket-resolve",
    "api-bracket-reopen", "api-article-signoff", "api-article-signoff-withdraw", "api-article-reopen",
    "api-article-reservation", "api-article-initial", "api-draft-negotiation", "api-draft-leads",
}  # fmt: skip
# Reference material and per-user resources: any signed-in user, nobody anonymous.
SIGNED_IN = {
    "api-drafts",
    "api-notifications",
    "api-me",
    "api-notifications-read",
    "api-treaties",
    "api-treaty",
    "api-provisions",
    "api-provision",
    "api-clauses",
    "api-clause",
}
PUBLIC = {"api-token"}
# The consultation: outsiders get 404; US consultees see only rounds sent to their office
# (tested in depth by test_access_matrix.py).
ROUND_SCOPED = {
    "api-draft-offices", "api-office", "api-draft-consultations", "api-consultation", "api-consultation-close",
    "api-consultation-responses", "api-response-disposition", "api-consultation-report",
    "api-consultation-messages", "api-consultation-disclosures", "api-article-us-status",
}  # fmt: skip
ROUND_PAGES = {
    "consultation-list",
    "consultation-round-open",
    "consultation-office-create",
    "consultation-office-members",
    "round-detail",
    "round-report",
    "round-report-csv",
    "round-disclosures",
}

DRAFT_PAGES = {
    "draft-detail",
    "article-new",
    "article-detail",
    "article-coedit",
    "article-move",
    "article-delete",
    "draft-members",
    "draft-settings",
    "draft-leads",
    "article-history",
    "article-compare",
    "revision-restore",
    "change-decide",
    "changes-decide-all",
    "draft-history",
    "draft-versions",
    "draft-version",
    "draft-version-restore",
    "draft-compare",
    "draft-changes",
    "negotiation-board",
    "article-negotiate",
}
# Concordance of the two texts (issue 11, part 4).
DRAFT_SCOPED |= {
    "api-article-concordance",
    "api-article-concordance-confirm",
    "api-draft-concordance",
}
DRAFT_PAGES |= {"draft-concordance", "article-concordance-confirm", "article-concordance-panel"}
# Precedent intelligence (issue 14) reads live text: draft-scoped, consultees excluded.
DRAFT_SCOPED |= {
    "api-article-analysis",
    "api-article-obligations",
    "api-article-precedent-compare",
    "api-draft-analysis",
}
DRAFT_PAGES |= {
    "article-precedents-panel",
    "article-precedent-compare",
    "article-obligations-correct",
    "draft-profile",
}
SIGNED_IN_PAGES = {
    "dashboard",
    "draft-new",
    "notifications",
    "preferences",
    "library",
    "clause-detail",
    "clause-insert",
    "treaty-list",
    "treaty-detail",
    "provision-detail",
    "account-two-factor",
}
# The API's schema and its docs hold no data, so integrators can read them before signing in.
# The language switcher and the JavaScript catalogue serve the sign-in page too; the second
# sign-in step is open to anyone, and sends back to /login/ without the first.
PUBLIC_PAGES = {
    "login",
    "logout",
    "api-schema",
    "api-docs",
    "language-switch",
    "javascript-catalog",
    "favicon",
    "login-two-factor",
}

# Texts in and out (issue 10).
DRAFT_SCOPED |= {"api-draft-export", "api-draft-compare-export", "api-draft-import-markup"}
SIGNED_IN |= {"api-draft-import"}
ROUND_SCOPED |= {"api-consultation-export"}
DRAFT_PAGES |= {"draft-documents", "draft-export", "draft-compare-export", "draft-print"}
SIGNED_IN_PAGES |= {"draft-import"}
ROUND_PAGES |= {"round-export"}


def _patterns(resolver: URLResolver, prefix: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            found += _patterns(entry, prefix + str(entry.pattern))
        else:
            found.append((prefix + str(entry.pattern), entry))
    return found


def _fill(route: str, ids: dict[str, Any]) -> str:
    for key, value in ids.items():
        for kind in ("int", "slug", "str"):
            route = route.replace(f"<{kind}:{key}>", str(value))
    assert "<" not in route, f"unfilled parameter in {route}"
    return "/" + route.lstrip("^")


@pytest.fixture
def ids(draft, personas) -> dict[str, Any]:
    article = Article.objects.filter(draft=draft).last()
    membership = Membership.objects.filter(draft=draft).first()
    return {
        "draft_id": draft.pk,
        "article_id": article.pk,
        "member_id": membership.pk,
        "slug": "mutual-defence-nato-art5",
        "provision_id": article.pk and 1,
        "number": 1,
        "office_id": 1,
        "round_id": 1,
        "response_id": 1,
        "session": "no-such-session",
        "conflict_id": 1,
        "thread_id": 1,
        "comment_id": 1,
        "suggestion_id": 1,
        "bracket_id": 1,
        "action": "signoff",
        "kind": "provision",
        "pid": 1,
    }


def _routes() -> list[tuple[str, URLPattern]]:
    return [(route, p) for route, p in _patterns(get_resolver()) if p.name]


def test_every_endpoint_is_classified():
    names = {p.name for _, p in _routes()}
    classified = (
        DRAFT_SCOPED
        | SIGNED_IN
        | PUBLIC
        | DRAFT_PAGES
        | SIGNED_IN_PAGES
        | PUBLIC_PAGES
        | ROUND_SCOPED
        | ROUND_PAGES
    )
    assert names - classified == set(), "classify the new endpoint in test_access.py"
    assert classified - names == set()


METHODS = ["get", "post", "patch", "delete"]


@pytest.mark.parametrize("method", METHODS)
def test_outsider_gets_404_from_every_draft_endpoint(draft, personas, ids, method):
    client = APIClient()
    client.force_login(personas.outsider)
    before = list(Article.objects.filter(draft=draft).values_list("pk", "text_en", "position"))
    for route, pattern in _routes():
        if pattern.name not in DRAFT_SCOPED | DRAFT_PAGES | ROUND_SCOPED | ROUND_PAGES:
            continue
        url = _fill(route, ids)
        response = (
            getattr(client, method)(url, {}, format="json") if method != "get" else client.get(url)
        )
        assert response.status_code in (404, 405), (method, url, response.status_code)
        assert draft.title.encode() not in response.content, url
    assert (
        list(Article.objects.filter(draft=draft).values_list("pk", "text_en", "position")) == before
    )
    assert not Membership.objects.filter(user=personas.outsider).exists()


@pytest.mark.parametrize("method", METHODS)
def test_consultee_never_sees_the_live_draft(draft, personas, ids, method):
    """US consultees get text only through consultation rounds, never from these endpoints."""
    client = APIClient()
    client.force_login(personas.consultee)
    for route, pattern in _routes():
        if pattern.name not in DRAFT_SCOPED | DRAFT_PAGES:
            continue
        url = _fill(route, ids)
        response = (
            getattr(client, method)(url, {}, format="json") if method != "get" else client.get(url)
        )
        assert response.status_code in (404, 405), (method, url, response.status_code)
        for article in Article.objects.filter(draft=draft):
            if article.text_en:
                assert article.text_en.encode() not in response.content


def test_anonymous_is_refused_everywhere_but_login(draft, ids):
    client = APIClient()
    for route, pattern in _routes():
        url = _fill(route, ids)
        if pattern.name in PUBLIC | PUBLIC_PAGES:
            continue
        response = client.get(url)
        if route.startswith("api/v1/"):
            assert response.status_code in (401, 405), (url, response.status_code)
        else:
            assert response.status_code in (302, 405), (url, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("who", ["reviewer", "observer"])
def test_readers_can_read_but_not_write(api, draft, personas, who):
    client = api(getattr(personas, who))
    article = Article.objects.filter(draft=draft).last()
    assert client.get(f"/api/v1/articles/{article.pk}/").status_code == 200
    assert (
        client.patch(f"/api/v1/articles/{article.pk}/", {"text_en": "x"}, format="json").status_code
        == 403
    )
    assert (
        client.post(
            f"/api/v1/articles/{article.pk}/move/", {"position": 2}, format="json"
        ).status_code
        == 403
    )
    assert client.delete(f"/api/v1/articles/{article.pk}/").status_code == 403
    assert (
        client.post(
            f"/api/v1/drafts/{draft.pk}/articles/", {"heading": "x"}, format="json"
        ).status_code
        == 403
    )
    assert (
        client.patch(f"/api/v1/drafts/{draft.pk}/", {"title": "x"}, format="json").status_code
        == 403
    )
    article.refresh_from_db()
    assert article.text_en != "x"


def test_a_forbidden_object_and_a_missing_one_get_the_same_404(draft, personas):
    """For every draft-scoped endpoint, an outsider asking for a real object gets exactly the
    answer given for an object that does not exist: the body names nothing."""
    article = Article.objects.filter(draft=draft).last()
    thread = review.thread_start(
        actor=personas.reviewer, article=article, language="en", start=0, end=3, body="Q"
    )
    comment = thread.comments.get()
    suggestion = review.suggestion_create(
        actor=personas.reviewer, article=article, language="en", start=0, end=3, replacement="X"
    )
    conflict = SyncConflict.objects.create(
        article=article, language="en", author=personas.uk_drafter, base_start=0, base_end=1
    )
    membership = Membership.objects.filter(draft=draft).first()
    real = {
        "draft_id": draft.pk,
        "article_id": article.pk,
        "member_id": membership.pk,
        "thread_id": thread.pk,
        "comment_id": comment.pk,
        "suggestion_id": suggestion.pk,
        "conflict_id": conflict.pk,
        "number": 1,
        "session": "no-such-session",
    }
    missing = {key: (987654 if isinstance(value, int) else value) for key, value in real.items()}
    client = APIClient()
    client.force_login(personas.outsider)
    checked = 0
    for route, pattern in _routes():
        # Routes whose objects this test does not make (rounds, offices, brackets...) are
        # left to the access matrix.
        params = set(re.findall(r"<\w+:(\w+)>", route))
        if pattern.name not in DRAFT_SCOPED or not params <= set(real):
            continue
        for method in ("get", "post"):
            answers = []
            for values in (real, missing):
                url = _fill(route, values)
                response = getattr(client, method)(url, {}, format="json")
                answers.append((response.status_code, response.content))
            if answers[0][0] == 405:
                continue
            assert answers[0] == answers[1], (method, route, answers)
            checked += 1
    assert checked > 20


def test_services_act_only_for_a_signed_in_user(draft, personas):
    """The boundary narrows request.user before a service acts: a user passes through as
    they are, an anonymous visitor is refused (403) rather than handed to a service."""
    assert permissions.signed_in(personas.owner) is personas.owner
    with pytest.raises(PermissionDenied):
        permissions.signed_in(AnonymousUser())


def test_a_template_without_a_request_reads_as_nobody(draft, personas):
    reader = permissions.reader_of(None)
    assert isinstance(reader, AnonymousUser)
    assert not permissions.can_view_draft(reader, draft)
    assert permissions.membership_of(reader, draft) is None


def test_a_deactivated_member_reads_nothing(draft, personas):
    personas.reviewer.is_active = False
    assert permissions.membership_of(personas.reviewer, draft) is None
    assert not permissions.can_view_draft(personas.reviewer, draft)
