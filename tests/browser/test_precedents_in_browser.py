"""Precedent intelligence in a real browser: the panel loads beside the article (htmx) with
the article's obligations and closest precedents, follows the co-editor, and the alliance
profile page shows the verdict and the side-by-side table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from drafting.models import Article, UserPreference

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "test-results"


def test_panel_and_profile(browser: Browser, live_server: Any, demo: Any, login: Any) -> None:
    article = (
        Article.objects.filter(draft=demo, kind="article", text_en__icontains="armed attack")
        .order_by("position")
        .first()
    )
    assert article is not None
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    # The Japanese drafter in the English interface here; test_japanese_in_browser covers hers.
    UserPreference.objects.filter(user__username="jp.drafter").update(language="en")
    login(page, "jp.drafter")
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    panel = page.get_by_test_id("precedent-panel")
    expect(panel.get_by_test_id("obligations")).to_contain_text("Defence", timeout=15_000)
    expect(panel.get_by_test_id("precedents").locator("li")).to_have_count(10)
    SHOTS.mkdir(exist_ok=True)
    panel.screenshot(path=str(SHOTS / "precedents-panel.png"))

    # The redline against the first precedent.
    panel.get_by_test_id("precedents").locator("a").first.click()
    expect(page.get_by_test_id("precedent-redline")).to_be_visible()

    # In the co-editor, the compact panel for the language being edited.
    page.goto(f"{live_server.url}/drafts/{demo.pk}/articles/{article.pk}/coedit/?language=ja")
    expect(page.get_by_test_id("precedent-panel").get_by_test_id("precedents")).to_contain_text(
        "ja", timeout=15_000
    )

    page.goto(f"{live_server.url}/drafts/{demo.pk}/profile/")
    expect(page.get_by_test_id("alliance-verdict")).to_be_visible()
    expect(page.get_by_test_id("comparison").locator("tbody tr")).to_have_count(6)
    page.screenshot(path=str(SHOTS / "alliance-profile.png"), full_page=True)
    context.close()
