"""The REST API as a client uses it: tokens, field names, pagination, clear errors."""

from __future__ import annotations

import json
import re

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from drafting.models import Article, Draft, Membership
from drafting.services import preferences as preference_services
from drafting.services.tokens import token_issue
from tests.conftest import PASSWORD, articles_in_order


def test_token_login_and_use(personas, draft):
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": "uk.drafter", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    drafts = client.get("/api/v1/drafts/").json()
    assert [d["title"] for d in drafts["results"]] == ["Treaty of Alliance (test)"]


def test_token_with_a_wrong_password_is_refused_clearly(personas):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "uk.drafter", "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "Username or password is wrong."
    response = APIClient().post("/api/v1/auth/token/", {"username": "uk.drafter"}, format="json")
    assert response.status_code == 400
    assert "password" in response.json()["fields"]


def test_anonymous_gets_401(db):
    response = APIClient().get("/api/v1/drafts/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_draft_and_article_field_names(api, personas, draft):
    data = api(personas.reviewer).get(f"/api/v1/drafts/{draft.pk}/").json()
    assert {"id", "title", "classification", "parties"} <= data.keys()
    assert data["parties"] == ["Japan", "United Kingdom"]
    assert data["my_role"] == "reviewer"
    page = api(personas.reviewer).get(f"/api/v1/drafts/{draft.pk}/articles/").json()
    assert page["count"] == 4 and page["next"] is None
    first = page["results"][1]
    assert {
        "id",
        "position",
        "number",
        "heading",
        "text_en",
        "text_ja",
        "releasability",
    } <= first.keys()
    assert (first["position"], first["number"], first["releasability"]) == (2, "1", "UK/JPN ONLY")


def test_pagination(api, personas, draft):
    page = api(personas.owner).get(f"/api/v1/drafts/{draft.pk}/articles/?page_size=3").json()
    assert len(page["results"]) == 3 and page["count"] == 4 and page["next"]
    page2 = api(personas.owner).get(page["next"]).json()
    assert [a["heading"] for a in page2["results"]] == ["Mutual assistance"]


def test_create_draft_via_api(api, personas, corpus):
    client = api(personas.uk_drafter)
    response = client.post(
        "/api/v1/drafts/",
        {"title": "Exchange of Notes", "classification": "OFFICIAL", "delegation": "UK"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["title"], body["classification"], body["my_role"]) == (
        "Exchange of Notes",
        "OFFICIAL",
        "owner",
    )


def test_create_draft_with_unknown_classification(api, personas, corpus):
    response = api(personas.uk_drafter).post(
        "/api/v1/drafts/",
        {"title": "T", "classification": "SECRET", "delegation": "UK"},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "classification_refused"
    assert "SECRET" in body["detail"] and "classification" in body["fields"]
    assert not Draft.objects.filter(title="T").exists()


def test_first_draft_needs_a_delegation(api, personas, corpus):
    response = api(personas.outsider).post("/api/v1/drafts/", {"title": "T"}, format="json")
    assert response.status_code == 400
    assert "delegation" in response.json()["detail"]


def test_article_create_edit_move_delete(api, personas, draft):
    client = api(personas.jp_drafter)
    created = client.post(
        f"/api/v1/drafts/{draft.pk}/articles/",
        {
            "heading": "Definitions",
            "text_en": "In this Treaty:",
            "text_ja": "この条約の適用上、",
            "position": 2,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    article_id = created.json()["id"]
    assert created.json()["number"] == "1"
    patched = client.patch(
        f"/api/v1/articles/{article_id}/",
        {"text_en": "For the purposes of this Treaty:"},
        format="json",
    )
    assert patched.status_code == 200
    assert patched.json()["text_en"] == "For the purposes of this Treaty:"
    moved = client.post(f"/api/v1/articles/{article_id}/move/", {"position": 5}, format="json")
    assert moved.status_code == 200 and moved.json()["number"] == "4"
    assert client.delete(f"/api/v1/articles/{article_id}/").status_code == 204
    assert articles_in_order(draft)[-1] == ("3", "Mutual assistance")


def test_duplicate_number_gives_400(api, personas, draft):
    response = api(personas.uk_drafter).post(
        f"/api/v1/drafts/{draft.pk}/articles/", {"heading": "Dup", "number": "2"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "duplicate_number"
    assert "already used" in response.json()["detail"]
    assert not Article.objects.filter(heading="Dup").exists()


def test_move_past_the_end_gives_400(api, personas, draft):
    article = Article.objects.get(draft=draft, heading="Purposes")
    response = api(personas.uk_drafter).post(
        f"/api/v1/articles/{article.pk}/move/", {"position": 9}, format="json"
    )
    assert response.status_code == 400
    assert (
        response.json()["detail"]
        == "Position 9 is outside this draft: choose a position from 1 to 4."
    )
    response = api(personas.uk_drafter).post(
        f"/api/v1/articles/{article.pk}/move/", {"position": "x"}, format="json"
    )
    assert response.status_code == 400 and "position" in response.json()["fields"]


def test_insert_library_clause_via_api(api, personas, draft):
    response = api(personas.uk_drafter).post(
        f"/api/v1/drafts/{draft.pk}/articles/",
        {"library_clause": "mutual-defence-nato-art5"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["library_clause"] == "mutual-defence-nato-art5"
    assert body["provenance"]["derived_from"][0]["treaty_slug"] == "north_atlantic_treaty_1949"


def test_clause_insert_without_edit_rights_gives_403(api, personas, draft):
    response = api(personas.reviewer).post(
        f"/api/v1/drafts/{draft.pk}/articles/",
        {"library_clause": "mutual-defence-nato-art5"},
        format="json",
    )
    assert response.status_code == 403
    assert "only its drafters" in response.json()["detail"]
    assert Article.objects.filter(draft=draft).count() == 4


def test_unknown_clause_and_clause_with_text_give_400(api, personas, draft):
    client = api(personas.uk_drafter)
    response = client.post(
        f"/api/v1/drafts/{draft.pk}/articles/", {"library_clause": "no-such"}, format="json"
    )
    assert response.status_code == 400 and "no-such" in response.json()["detail"]
    response = client.post(
        f"/api/v1/drafts/{draft.pk}/articles/",
        {"library_clause": "mutual-defence-nato-art5", "text_en": "x"},
        format="json",
    )
    assert response.status_code == 400 and "not both" in response.json()["detail"]


def test_malformed_json_gives_400(api, personas, draft):
    response = api(personas.uk_drafter).generic(
        "POST", f"/api/v1/drafts/{draft.pk}/articles/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The request body is not valid JSON (line 1, column 2). Send a JSON object.",
        "code": "parse_error",
    }
    # A client that reads Japanese is told so in Japanese.
    preference_services.preference_update(actor=personas.jp_drafter, language="ja")
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=personas.jp_drafter)}")
    response = client.generic(
        "POST", f"/api/v1/drafts/{draft.pk}/articles/", '{"a": ', content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "リクエスト本文が正しいJSONではありません（1行目、7文字目）。"
        "JSONオブジェクトを送ってください。"
    )


def test_releasability_only_by_owner(api, personas, draft):
    article = Article.objects.get(draft=draft, heading="Purposes")
    response = api(personas.uk_drafter).patch(
        f"/api/v1/articles/{article.pk}/", {"releasability": "REL USA"}, format="json"
    )
    assert response.status_code == 403
    response = api(personas.owner).patch(
        f"/api/v1/articles/{article.pk}/", {"releasability": "REL USA"}, format="json"
    )
    assert response.status_code == 200 and response.json()["releasability"] == "REL USA"


def test_members_api(api, personas, draft):
    owner = api(personas.owner)
    members = owner.get(f"/api/v1/drafts/{draft.pk}/members/").json()
    assert members["count"] == 7
    response = owner.post(
        f"/api/v1/drafts/{draft.pk}/members/",
        {"username": "outsider", "role": "observer", "delegation": "JP"},
        format="json",
    )
    assert response.status_code == 201
    member_id = response.json()["id"]
    assert (
        owner.patch(
            f"/api/v1/drafts/{draft.pk}/members/{member_id}/", {"role": "drafter"}, format="json"
        ).json()["role"]
        == "drafter"
    )
    bad = owner.patch(
        f"/api/v1/drafts/{draft.pk}/members/{member_id}/", {"role": "consultee"}, format="json"
    )
    assert bad.status_code == 400 and "Only members of the US delegation" in bad.json()["detail"]
    assert owner.delete(f"/api/v1/drafts/{draft.pk}/members/{member_id}/").status_code == 204
    # A drafter cannot manage members.
    response = api(personas.uk_drafter).post(
        f"/api/v1/drafts/{draft.pk}/members/",
        {"username": "outsider", "role": "drafter", "delegation": "UK"},
        format="json",
    )
    assert response.status_code == 403
    assert not Membership.objects.filter(draft=draft, user=personas.outsider).exists()


def test_last_owner_cannot_leave(api, personas, draft):
    owner_membership = Membership.objects.get(draft=draft, role="owner")
    response = api(personas.owner).delete(
        f"/api/v1/drafts/{draft.pk}/members/{owner_membership.pk}/"
    )
    assert response.status_code == 400 and response.json()["code"] == "last_owner"


def test_consultee_and_outsider_see_no_live_draft(api, personas, draft):
    for user in (personas.consultee, personas.outsider):
        client = api(user)
        assert client.get("/api/v1/drafts/").json()["count"] == 0
        response = client.get(f"/api/v1/drafts/{draft.pk}/")
        assert response.status_code == 404
        assert draft.title not in response.content.decode()


def test_schema_is_valid_openapi(db, tmp_path):
    out = tmp_path / "schema.json"
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--format",
        "openapi-json",
        "--file",
        str(out),
    )
    schema = json.loads(out.read_text())
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/v1/drafts/",
        "/api/v1/drafts/{draft_id}/articles/",
        "/api/v1/articles/{article_id}/",
        "/api/v1/drafts/{draft_id}/members/",
        "/api/v1/library/treaties/",
        "/api/v1/library/provisions/",
        "/api/v1/library/clauses/",
        "/api/v1/auth/token/",
    ):
        assert path in schema["paths"], path


def test_schema_and_docs_pages_are_served(client, personas):
    assert client.get("/api/schema/").status_code == 200
    client.force_login(personas.outsider)
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    # The page's scripts and styles are served from our own static files, never from a CDN.
    # (Matching the word "cdn" in the page was flaky: the page embeds a random CSRF token.)
    page = docs.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets, page
    assert all(asset.startswith("/static/") for asset in assets), assets
    assert "SwaggerUIBundle" in page


@pytest.mark.parametrize("text", ["締約国は𠮟責 😀", "a\tb%25c+d"])
def test_text_round_trips_through_the_api(api, personas, draft, text):
    article = Article.objects.get(draft=draft, heading="Purposes")
    response = api(personas.jp_drafter).patch(
        f"/api/v1/articles/{article.pk}/", {"text_ja": text}, format="json"
    )
    assert response.json()["text_ja"] == text


def test_number_ja_beside_number(api, personas, draft):
    """The API gives each article its Japanese legal number; a fixed '2 bis' is 第二条の二."""
    client = api(personas.uk_drafter)
    page = client.get(f"/api/v1/drafts/{draft.pk}/articles/").json()
    assert [(a["number"], a["number_ja"]) for a in page["results"][:2]] == [
        ("", "前文"),
        ("1", "第一条"),
    ]
    created = client.post(
        f"/api/v1/drafts/{draft.pk}/articles/",
        {"heading": "Consultations", "number": "2 bis", "position": 4},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["number_ja"] == "第二条の二"
    schema = client.get("/api/schema/?format=json").json()
    assert schema["components"]["schemas"]["ArticleOut"]["properties"]["number_ja"]["readOnly"]
