"""The review panel's containers on the co-editing page and the article page: who gets them,
what they carry for the script (permissions, the API, the text), 404 for those who may not read
the draft, and the markings top and bottom."""

from __future__ import annotations

import json
import re

import pytest

from drafting.models import Article
from tests.drafting.test_pages import markings


def _article(draft) -> Article:
    return Article.objects.get(draft=draft, heading="Purposes")


def _coedit(draft, article, language: str = "en") -> str:
    return f"/drafts/{draft.pk}/articles/{article.pk}/coedit/?language={language}"


def _panels(html: str) -> dict[str, dict[str, str]]:
    panels = {}
    for tag in re.findall(r"<aside[^>]*\bdata-review\b[^>]*>", html, re.S):
        data = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', tag))
        panels[data["language"]] = data
    return panels


@pytest.mark.parametrize(
    ("who", "can_comment", "can_decide"),
    [("reviewer", "true", "false"), ("jp_drafter", "true", "true"), ("observer", "false", "false")],
)
def test_coedit_page_has_the_panel(client, personas, draft, who, can_comment, can_decide):
    article = _article(draft)
    client.force_login(getattr(personas, who))
    for language in ("en", "ja"):
        response = client.get(_coedit(draft, article, language))
        assert response.status_code == 200
        html = response.content.decode()
        panels = _panels(html)
        assert list(panels) == [language]
        panel = panels[language]
        assert panel["article"] == str(article.pk)
        assert panel["draft"] == str(draft.pk)
        assert panel["drafts-url"] == "/api/v1/drafts/"
        assert panel["csrf"]
        assert panel["username"] == getattr(personas, who).username
        assert panel["can-comment"] == can_comment
        assert panel["can-decide"] == can_decide
        assert panel["align"] == "true"
        assert 'class="review-layout"' in html
        assert len(markings(html)) == 2


@pytest.mark.parametrize(("who", "can_decide"), [("reviewer", "false"), ("uk_drafter", "true")])
def test_article_page_has_a_panel_per_language(client, personas, draft, who, can_decide):
    article = _article(draft)
    article.text_ja = "両締約国は、𠮟責する。<script>"
    article.save()
    client.force_login(getattr(personas, who))
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    panels = _panels(html)
    assert sorted(panels) == ["en", "ja"]
    for language, panel in panels.items():
        assert panel["can-comment"] == "true"
        assert panel["can-decide"] == can_decide
        assert panel["text"] == f"review-text-{language}"
        assert f'id="{panel["text-mount"]}"' in html
        assert "align" not in panel
        source = re.search(
            rf'<script id="review-text-{language}" type="application/json">(.*?)</script>',
            html,
            re.S,
        )
        assert source, language
        assert json.loads(source.group(1)) == getattr(article, f"text_{language}")
    assert "<script>" not in html.split('id="review-text-ja"')[1].split("</script>")[0]
    found = markings(html)
    assert len(found) == 2 and found[0] == found[1]


@pytest.mark.parametrize("who", ["outsider", "consultee"])
def test_outsiders_and_consultees_get_404(client, personas, draft, who):
    article = _article(draft)
    client.force_login(getattr(personas, who))
    for url in (_coedit(draft, article), article.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 404
        html = response.content.decode()
        assert "data-review" not in html
        assert "strengthen their alliance" not in html
