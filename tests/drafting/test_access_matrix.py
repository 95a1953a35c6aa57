"""The access matrix: every API operation of the OpenAPI schema and every page, for every
persona and every state of an article (unreleased, released but not sent, sent in a round).

Policy per operation group (ARCHITECTURE: access is decided in drafting/permissions.py):
- live: the live draft (text, history, review, co-editing). Readers (drafters, reviewers)
  may use it; US consultees and outsiders get 404; anonymous 401 (API) or the login page.
- round: a consultation round. Readers may; a consultee of an office in the round may;
  a consultee of another office, an outsider: 404.
- round_internal: drafters' view of a round (disclosure log): consultees 404.
- user: any signed-in user (their drafts, notifications, the library).
- public: anyone (sign-in, the schema).
Beyond status codes: the text of an article never sent to the US appears in no response to a
consultee, whatever the endpoint.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from drafting.models import Article, Membership, SyncConflict, Thread
from drafting.services import consultation as consultation_services
from drafting.services import drafts as draft_services
from drafting.services import negotiation as negotiation_services
from drafting.services import review as review_services
from drafting.services import versions as version_services
from drafting.services.sync import session_start
from treaties.models import Provision

UNRELEASED = "UNRELEASEDMARKER alpha"
RELEASED_NOT_SENT = "NOTSENTMARKER beta"
SENT = "SENTMARKER gamma"

# Operations by the path's first segments; a path that matches none fails the test.
GROUPS: list[tuple[str, str]] = [
    (r"^/api/v1/auth/token/$", "public"),
    (r"^/api/v1/(drafts/|notifications/|me/)$", "user"),
    (r"^/api/v1/notifications/read/$", "user"),
    (r"^/api/v1/library/", "user"),
    (r"^/api/v1/drafts/\{draft_id\}/(offices|consultations)/$", "round_list"),
    (r"^/api/v1/offices/\{office_id\}/$", "round"),  # the office of the round
    (r"^/api/v1/consultations/\{round_id\}/disclosures/$", "round_internal"),
    (r"^/api/v1/drafts/import/$", "user"),
    (r"^/api/v1/consultations/\{round_id\}/export/$", "round_pack"),
    (r"^/api/v1/consultations/\{round_id\}/", "round"),
    (r"^/api/v1/responses/\{response_id\}/", "round"),
    (r"^/api/v1/drafts/\{draft_id\}/", "live"),
    (r"^/api/v1/(articles|threads|comments|suggestions|conflicts)/", "live"),
    (r"^/api/v1/brackets/", "live"),
]
PAGE_GROUPS: list[tuple[str, str]] = [
    (r"^/(login|logout)/$", "public"),
    (r"^/favicon\.ico$", "public"),  # a redirect to the icon
    # The switcher works before signing in too (it keeps the choice in a cookie); the
    # JavaScript catalogue holds the interface's strings and no data.
    (r"^/(preferences/language|jsi18n)/$", "public"),
    (r"^/preferences/$", "user"),
    (r"^/login/two-factor/$", "public"),  # without a password step first: back to /login/
    (r"^/account/two-factor/$", "user"),
    (r"^/api/(schema|docs)/$", "public"),
    (r"^/$", "user"),
    (r"^/(drafts/new|notifications|library)/", "user"),
    (r"^/drafts/\{draft_id\}/consultations/\{number\}/disclosures/$", "round_internal"),
    (r"^/drafts/import/$", "user"),
    (r"^/drafts/\{draft_id\}/consultations/\{number\}/export/$", "round_pack"),
    (r"^/drafts/\{draft_id\}/consultations/", "round_page"),
    (r"^/drafts/\{draft_id\}/", "live"),
]


def group_of(path: str, groups: list[tuple[str, str]]) -> str:
    for pattern, group in groups:
        if re.search(pattern, path):
            return group
    raise AssertionError(
        f"{path} is not in the access matrix: classify it in test_access_matrix.py"
    )


@pytest.fixture
def world(draft, personas, us_offices):
    owner = personas.owner
    dod, eap, osd = us_offices["dod"], us_offices["eap"], us_offices["osd"]
    unreleased = us_offices["purposes"]
    released = us_offices["consultation"]
    sent = us_offices["assistance"]
    for article, text in ((unreleased, UNRELEASED), (released, RELEASED_NOT_SENT), (sent, SENT)):
        draft_services.article_edit(actor=owner, article=article, text_en=text, text_ja=text)
    round_ = consultation_services.round_open(
        actor=owner,
        draft=draft,
        article_ids=[sent.pk],
        office_ids=[eap.pk],
        deadline=timezone.now() + timedelta(days=3),
    )
    snapshot = round_.articles.get()
    response = consultation_services.response_submit(
        actor=personas.consultee, round_article=snapshot, position="concern", rationale="r"
    )
    thread = review_services.thread_start(
        actor=personas.reviewer,
        article=unreleased,
        language="en",
        start=0,
        end=5,
        body="internal UNRELEASEDMARKER note",
    )
    version_services.version_create(actor=owner, draft=draft, name="v1")
    bracket = negotiation_services.bracket_create(
        actor=owner, article=unreleased, language="en", start=0, end=5, options=[{"text": "X"}]
    )
    suggestion = review_services.suggestion_create(
        actor=personas.reviewer, article=sent, language="en", start=0, end=4, replacement="SEEN"
    )
    conflict = SyncConflict.objects.create(
        article=sent,
        language="en",
        author=personas.uk_drafter,
        base_start=0,
        base_end=1,
        base_text="S",
        intended="x",
        became="y",
    )
    return {
        "suggestion": suggestion,
        "conflict": conflict,
        "states": {"unreleased": unreleased, "released": released, "sent": sent},
        "round": round_,
        "eap": eap,
        "osd": osd,
        "dod": dod,
        "response": response,
        "thread": thread,
        "bracket": bracket,
    }


PERSONAS = [
    "uk_drafter",
    "jp_drafter",
    "reviewer",
    "consultee_in_round",
    "consultee_not_in_round",
    "outsider",
    "anonymous",
]


def user_for(name: str, personas: Any, world: Any) -> Any:
    return {
        "uk_drafter": personas.uk_drafter,
        "jp_drafter": personas.jp_drafter,
        "reviewer": personas.reviewer,
        "consultee_in_round": personas.consultee,
        "consultee_not_in_round": world["dod"],
        "outsider": personas.outsider,
        "anonymous": None,
    }[name]


def expected(group: str, persona: str) -> str:
    """'ok' (anything but 401/404/5xx), 'hidden' (404), 'login' (401 or redirect)."""
    if persona == "anonymous":
        return "ok" if group == "public" else "login"
    if group in ("public", "user"):
        return "ok"
    readers = {"uk_drafter", "jp_drafter", "reviewer"}
    if group == "live" or group == "round_internal":
        return "ok" if persona in readers else "hidden"
    if group == "round_pack":
        # The round pack is the owner's (not a persona here) and the round's consultees'.
        return "ok" if persona == "consultee_in_round" else "hidden"
    if group in ("round", "round_page"):
        return "ok" if persona in readers | {"consultee_in_round"} else "hidden"
    if group == "round_list":
        # The list of rounds and offices: readers see all; a consultee sees their own; an
        # outsider has no draft.
        return "hidden" if persona == "outsider" else "ok"
    raise AssertionError(group)


def fill(path: str, world: Any, article: Article, draft: Any) -> str:
    values = {
        "draft_id": draft.pk,
        "article_id": article.pk,
        "round_id": world["round"].pk,
        "response_id": world["response"].pk,
        "office_id": world["eap"].pk,
        "thread_id": world["thread"].pk,
        "comment_id": world["thread"].comments.first().pk,
        "suggestion_id": world["suggestion"].pk,
        "conflict_id": world["conflict"].pk,
        "bracket_id": world["bracket"].pk,
        "action": "signoff",
        "member_id": Membership.objects.filter(draft=draft).first().pk,
        "number": 1,
        "session": world["sessions"].get(article.pk, "no-session"),
        "slug": "north_atlantic_treaty_1949" if "treaties" in path else "consultation-nato-art4",
        "provision_id": Provision.objects.first().pk,
        "kind": "provision",
        "pid": Provision.objects.get(treaty__slug="north_atlantic_treaty_1949", number="5").pk,
    }
    for key, value in values.items():
        path = path.replace("{" + key + "}", str(value))
    assert "{" not in path, path
    return path


def schema_operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (path, method)
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "patch", "delete", "put"}
    ]


def request(client: APIClient, method: str, url: str) -> Any:
    """One request whose writes are rolled back, so that every operation meets the same world."""
    with transaction.atomic():
        response = (
            client.get(url) if method == "get" else getattr(client, method)(url, {}, format="json")
        )
        transaction.set_rollback(True)
    return response


def check(response: Any, verdict: str, label: str) -> None:
    code = response.status_code
    assert code < 500, f"{label}: {code}"
    if verdict == "hidden":
        assert code == 404, f"{label}: expected 404, got {code}"
    elif verdict == "login":
        assert code in (401, 302), f"{label}: expected 401/302, got {code}"
        if code == 302:
            assert "/login/" in response["Location"]
    else:
        assert code not in (401, 404), f"{label}: expected access, got {code}"


def leaked(persona: str, content: bytes) -> list[str]:
    if not persona.startswith("consultee"):
        return []
    text = content.decode("utf-8", "replace")
    return [m for m in ("UNRELEASEDMARKER", "NOTSENTMARKER") if m in text]


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_access_matrix(draft, personas, world, persona):
    user = user_for(persona, personas, world)
    client = APIClient()
    if user is not None:
        client.force_login(user)
    operations = schema_operations()
    assert len(operations) > 60
    # Each reader's own editing session on each article; the others try the owner's.
    session_user = user if persona in ("uk_drafter", "jp_drafter", "reviewer") else personas.owner
    world["sessions"] = {
        a.pk: session_start(actor=session_user, article=a, language="en")["session"]
        for a in world["states"].values()
    }
    for path, method in operations:
        group = group_of(path, GROUPS)
        if (path, method) == ("/api/v1/auth/token/", "delete"):
            group = "user"  # revoking one's own tokens needs to know who one is
        verdict = expected(group, persona)
        for state, article in world["states"].items():
            url = fill(path, world, article, draft)
            response = request(client, method, url)
            label = f"{persona} {method.upper()} {path} [{state}]"
            check(response, verdict, label)
            assert leaked(persona, response.content) == [], f"{label} leaked unreleased text"
            if "{article_id}" not in path:
                break  # the same URL for every state


@pytest.mark.parametrize("persona", PERSONAS)
def test_page_access_matrix(draft, personas, world, persona):
    user = user_for(persona, personas, world)
    client = APIClient()
    if user is not None:
        client.force_login(user)
    world["sessions"] = {}
    pages = []

    def walk(resolver: URLResolver, prefix: str = "") -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                if entry.app_name == "admin" or str(entry.pattern).startswith("api/v1"):
                    continue
                walk(entry, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern) and entry.name:
                pages.append("/" + re.sub(r"<\w+:(\w+)>", r"{\1}", prefix + str(entry.pattern)))

    walk(get_resolver())
    assert len(pages) > 20
    for path in pages:
        group = group_of(path, PAGE_GROUPS)
        verdict = expected(group, persona)
        for state, article in world["states"].items():
            url = fill(path.replace("{number}", str(world["round"].number)), world, article, draft)
            response = request(client, "get", url)
            if response.status_code == 405:
                response = request(client, "post", url)
            label = f"{persona} page {path} [{state}]"
            if user is not None:
                client.force_login(user)  # the logout page signed the client out
            if response.status_code == 405:
                break
            check(response, verdict, label)
            assert leaked(persona, response.content) == [], f"{label} leaked unreleased text"
            if "{article_id}" not in path:
                break


def test_delegation_only_thread_never_reaches_a_consultee_or_the_other_delegation(
    draft, personas, world, api
):
    thread = Thread.objects.get(pk=world["thread"].pk)
    assert thread.visibility == "both"  # internal to the drafting delegations, but not to the US
    for user in (personas.consultee, world["dod"]):
        client = api(user)
        assert client.get(f"/api/v1/threads/{thread.pk}/").status_code == 404
        for notification in client.get("/api/v1/notifications/").json()["results"]:
            assert "UNRELEASEDMARKER" not in notification["body"]


# --- the draft socket (/ws/drafts/{id}/), against a real uvicorn process -----------------


@pytest.fixture(scope="module")
def asgi_server(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Any:
    from django.db import connection

    from tests.asgi import AsgiServer

    with django_db_blocker.unblock():
        name = str(connection.settings_dict["NAME"])
    server = AsgiServer(name, tmp_path_factory.mktemp("asgi") / "uvicorn.log")
    yield server
    server.stop()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("persona", PERSONAS)
def test_socket_access_matrix(draft, personas, world, persona, asgi_server):
    """The socket follows the "live" row: readers subscribe (drafters may send carets, a
    reviewer only receives), consultees and outsiders are refused as if the draft did not
    exist, and without a session nothing is said until a valid token arrives."""
    import json

    from django.test import Client

    from tests.asgi import closed_with, receive

    user = user_for(persona, personas, world)
    session = None
    if user is not None:
        client = Client()
        client.force_login(user)
        session = client.cookies["sessionid"].value
    ws = asgi_server.socket(draft.pk, session=session)
    verdict = expected("live", persona)
    if verdict == "ok":
        hello = receive(ws, "hello")
        assert hello["read_only"] is (persona == "reviewer")
        article = draft.articles.exclude(kind="preamble").first()
        ws.send(
            json.dumps(
                {"type": "presence", "article": article.pk, "language": "en", "from": 0, "to": 1}
            )
        )
        ws.send(json.dumps({"type": "ping"}))
        answer = receive(ws, "error" if persona == "reviewer" else "pong")
        if persona == "reviewer":
            assert answer["code"] == "read_only"
        ws.close()
        return
    if verdict == "login":
        ws.send(json.dumps({"type": "ping"}))
        code, messages = closed_with(ws)
        assert code == 4401 and [m["type"] for m in messages] == ["error"]
        return
    code, messages = closed_with(ws)
    assert code == 4404 and messages == [
        {"type": "error", "code": "not_found", "detail": "No such draft."}
    ]
