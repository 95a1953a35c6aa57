"""The live co-editing page: who gets it, what it carries for the script, and its markings."""

from __future__ import annotations

import re

import pytest

from drafting.models import Article
from tests.drafting.test_pages import markings


def _article(draft) -> Article:
    return Article.objects.get(draft=draft, heading="Purposes")


def _url(draft, article, language: str | None = None) -> str:
    url = f"/drafts/{draft.pk}/articles/{article.pk}/coedit/"
    return f"{url}?language={language}" if language else url


def _data(html: str) -> dict[str, str]:
    tag = re.search(r"<section[^>]*\bdata-coedit\b[^>]*>", html, re.S)
    assert tag, "no editor mount point"
    return dict(re.findall(r'data-([a-z-]+)="([^"]*)"', tag.group(0)))


def test_drafter_gets_an_editable_live_editor(client, personas, draft):
    article = _article(draft)
    client.force_login(personas.jp_drafter)
    response = client.get(_url(draft, article))
    assert response.status_code == 200
    html = response.content.decode()
    data = _data(html)
    assert data["article"] == str(article.pk)
    assert data["language"] == "en"
    assert data["read-only"] == "false"
    assert data["csrf"]  # the token the script sends as X-CSRFToken
    assert data["username"] == "jp.drafter"
    assert data["api-root"] == "/api/v1/"
    assert data["conflicts-url"] == f"/api/v1/articles/{article.pk}/conflicts/"
    assert data["resolve-url"] == "/api/v1/conflicts/0/resolve/"
    assert 'data-testid="read-only-hint"' not in html
    assert "The Parties shall strengthen their alliance." in html  # shown before the script runs
    assert 'role="status"' in html
    # Without scripts: a pointer to the plain edit form.
    noscript = re.search(r"<noscript>(.*?)</noscript>", html, re.S)
    assert noscript and article.get_absolute_url() in noscript.group(1)
    assert "plain edit form" in noscript.group(1)
    # The language switch, the current language marked.
    assert 'aria-current="page" href="?language=en"' in html
    assert 'href="?language=ja"' in html


def test_japanese_text_and_unknown_language(client, personas, draft):
    article = _article(draft)
    article.text_ja = "両締約国は、𠮟責する。"
    article.save()
    client.force_login(personas.uk_drafter)
    html = client.get(_url(draft, article, "ja")).content.decode()
    assert _data(html)["language"] == "ja"
    assert "両締約国は、𠮟責する。" in html
    assert 'lang="ja"' in html
    # An unknown language falls back to English rather than failing.
    assert _data(client.get(_url(draft, article, "fr")).content.decode())["language"] == "en"


@pytest.mark.parametrize("who", ["reviewer", "observer"])
def test_readers_get_a_read_only_editor(client, personas, draft, who):
    article = _article(draft)
    client.force_login(getattr(personas, who))
    response = client.get(_url(draft, article))
    assert response.status_code == 200
    html = response.content.decode()
    assert _data(html)["read-only"] == "true"
    assert 'data-testid="read-only-hint"' in html
    assert "only the draft's drafters can change it" in html


@pytest.mark.parametrize("who", ["outsider", "consultee"])
def test_non_readers_get_404_without_the_text(client, personas, draft, who):
    article = _article(draft)
    client.force_login(getattr(personas, who))
    response = client.get(_url(draft, article))
    assert response.status_code == 404
    html = response.content.decode()
    assert draft.title not in html
    assert article.text_en not in html
    assert "data-coedit" not in html
    assert len(markings(html)) == 2


def test_anonymous_is_sent_to_sign_in(client, draft):
    article = _article(draft)
    response = client.get(_url(draft, article))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_an_article_of_another_draft_is_404(client, personas, draft):
    other = Article.objects.exclude(draft=draft).first()
    client.force_login(personas.uk_drafter)
    if other is not None:
        assert client.get(_url(draft, other)).status_code == 404
    assert client.get(f"/drafts/{draft.pk}/articles/999999/coedit/").status_code == 404


def test_banners_top_and_bottom_carry_marking_and_releasability(client, personas, draft):
    article = _article(draft)
    client.force_login(personas.reviewer)
    found = markings(client.get(_url(draft, article)).content.decode())
    assert found == [f"OFFICIAL-SENSITIVE · {article.releasability}"] * 2


def test_the_article_page_links_to_the_live_editor(client, personas, draft):
    article = _article(draft)
    client.force_login(personas.uk_drafter)
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'href="{_url(draft, article)}"' in html
    assert "Co-edit live" in html


def test_post_is_refused(client, personas, draft):
    article = _article(draft)
    client.force_login(personas.uk_drafter)
    assert client.post(_url(draft, article)).status_code == 405
