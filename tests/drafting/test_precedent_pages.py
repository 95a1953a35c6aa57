"""The precedent intelligence pages: the panel beside the article and in the co-editor, the
redline page, the drafters' correction form and the alliance profile page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from drafting.models import Article, ObligationCorrection
from treaties.models import Provision

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _article(draft: Any) -> Article:
    return Article.objects.get(draft=draft, heading="Mutual assistance")


def test_panel_is_loaded_beside_the_article_and_in_the_coeditor(draft: Any, personas: Any) -> None:
    article = _article(draft)
    client = _client(personas.reviewer)
    page = client.get(article.get_absolute_url()).content.decode()
    panel_url = f"/drafts/{draft.pk}/articles/{article.pk}/precedents/"
    assert f'hx-get="{panel_url}"' in page
    coedit = client.get(
        f"/drafts/{draft.pk}/articles/{article.pk}/coedit/?language=ja"
    ).content.decode()
    assert f'hx-get="{panel_url}?compact=1&amp;language=ja"' in coedit
    assert "OFFICIAL-SENSITIVE" in client.get(panel_url).content.decode()  # no script: a page
    panel = client.get(panel_url, headers={"HX-Request": "true"})
    assert panel.status_code == 200
    assert "<html" not in panel.content.decode()
    html = panel.content.decode()
    assert 'data-testid="obligations"' in html and "Defence" in html
    assert 'data-testid="precedents"' in html
    assert "obligations-form" not in html  # reviewers read, drafters correct


def test_marking_and_profile_page(draft: Any, personas: Any) -> None:
    response = _client(personas.observer).get(f"/drafts/{draft.pk}/profile/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "OFFICIAL-SENSITIVE" in html
    assert 'data-alliance="true"' in html
    assert "North Atlantic Treaty" in html and "Hiroshima" in html


@pytest.mark.parametrize("who", ["consultee", "outsider"])
def test_pages_refuse_consultees_and_outsiders(draft: Any, personas: Any, who: str) -> None:
    article = _article(draft)
    provision = Provision.objects.get(treaty__slug="north_atlantic_treaty_1949", number="5")
    client = _client(getattr(personas, who))
    for url in (
        f"/drafts/{draft.pk}/profile/",
        f"/drafts/{draft.pk}/articles/{article.pk}/precedents/",
        f"/drafts/{draft.pk}/articles/{article.pk}/precedents/provision/{provision.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/drafts/{draft.pk}/articles/{article.pk}/obligations/").status_code == 404


def test_redline_page(draft: Any, personas: Any) -> None:
    article = _article(draft)
    provision = Provision.objects.get(treaty__slug="north_atlantic_treaty_1949", number="5")
    response = _client(personas.owner).get(
        f"/drafts/{draft.pk}/articles/{article.pk}/precedents/provision/{provision.pk}/?language=en"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "redline__del" in html and "redline__ins" in html and "OFFICIAL-SENSITIVE" in html


def test_drafter_corrects_with_the_form(draft: Any, personas: Any) -> None:
    article = _article(draft)
    url = f"/drafts/{draft.pk}/articles/{article.pk}/obligations/"
    assert (
        _client(personas.reviewer)
        .post(url, {"consul-on": "1", "consul-strength": "consultative"})
        .status_code
        == 403
    )
    response = _client(personas.uk_drafter).post(
        url,
        {
            "defense-on": "1",
            "defense-strength": "conditional",
            "defense-conditions": "location, constitutional processes",
            "note": "Read with Article 6.",
        },
    )
    assert response.status_code == 302
    (correction,) = ObligationCorrection.objects.all()
    (obligation,) = correction.obligations
    assert obligation["conditions"] == ["location", "constitutional processes"]
    assert obligation["evidence"]["quote"]  # the computed evidence is kept
    panel = _client(personas.reviewer).get(f"/drafts/{draft.pk}/articles/{article.pk}/precedents/")
    assert 'data-testid="obligations-corrected"' in panel.content.decode()
    bad = _client(personas.uk_drafter).post(url, {"defense-on": "1", "defense-strength": "huge"})
    assert bad.status_code == 400
    assert ObligationCorrection.objects.count() == 1
