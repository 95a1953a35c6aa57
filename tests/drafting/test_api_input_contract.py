"""The API refuses what its OpenAPI schema calls invalid (issue 15, part 6): query parameters
are held to their declared type, enum and bounds, and JSON bodies to their fields' types and
names, instead of being read leniently."""

from __future__ import annotations

from typing import Any

import pytest

from drafting.models import Article, Draft


@pytest.mark.parametrize(
    "query, name",
    [
        ("unread=null", "unread"),
        ("unread=yes", "unread"),
        ("page_size=abc", "page_size"),
        ("page_size=0", "page_size"),
        ("page_size=201", "page_size"),
        ("page=0", "page"),
        ("page=%C2%B2", "page"),
    ],
)
def test_a_query_parameter_outside_the_schema_is_a_400(api: Any, personas: Any, query, name):
    response = api(personas.owner).get(f"/api/v1/notifications/?{query}")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid" and name in response.json()["fields"]


def test_query_enums_and_required_parameters_are_checked(api: Any, draft, personas: Any):
    article = Article.objects.filter(draft=draft, kind="article").first()
    client = api(personas.owner)
    response = client.get(f"/api/v1/articles/{article.pk}/brackets/?language=AAA")
    assert response.status_code == 400 and "language" in response.json()["fields"]
    response = client.get(f"/api/v1/articles/{article.pk}/compare/?to=1")
    assert response.status_code == 400 and "from" in response.json()["fields"]
    # What the schema allows still works.
    assert client.get("/api/v1/notifications/?unread=true&page_size=200").status_code == 200
    assert client.get(f"/api/v1/articles/{article.pk}/brackets/?language=ja").status_code == 200


@pytest.mark.parametrize(
    "body, field",
    [
        ({"title": 5}, "title"),
        ({"title": "Treaty", "title_ja": 0}, "title_ja"),
        ({"title": "Treaty", "parties": "Japan"}, "parties"),
        ({"title": "Treaty", "tilte": "typo"}, "tilte"),
    ],
)
def test_a_json_body_of_the_wrong_shape_is_a_400_and_writes_nothing(
    api: Any, personas: Any, body, field
):
    before = Draft.objects.count()
    response = api(personas.owner).post(
        "/api/v1/drafts/", {"delegation": "UK", **body}, format="json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    assert Draft.objects.count() == before


def test_whole_numbers_and_booleans_are_not_read_from_text(api: Any, draft, personas: Any):
    article = Article.objects.filter(draft=draft, kind="article").first()
    client = api(personas.owner)
    response = client.post(f"/api/v1/articles/{article.pk}/move/", {"position": "2"}, format="json")
    assert response.status_code == 400 and "position" in response.json()["fields"]
    response = client.post(f"/api/v1/drafts/{draft.pk}/mute/", {"muted": "yes"}, format="json")
    assert response.status_code == 400 and "muted" in response.json()["fields"]
    response = client.post(f"/api/v1/drafts/{draft.pk}/mute/", {"muted": True}, format="json")
    assert response.status_code == 200 and response.json() == {"muted": True}
