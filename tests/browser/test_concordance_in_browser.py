"""The two authentic texts kept in step, in a real browser: an English change shows the
article out of step on the draft page, the article page shows the redline to carry over,
and a Japanese drafter confirms the pair again. Then the library search in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from drafting.models import Article, UserPreference
from drafting.services import drafts as draft_services

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "test-results"


def test_out_of_step_article_is_shown_and_confirmed(page: Page, live_server, demo, login):
    article = (
        Article.objects.filter(draft=demo, kind="article").exclude(text_ja="").order_by("position")
    ).first()
    assert article is not None
    owner = demo.created_by
    draft_services.article_edit(
        actor=owner, article=article, text_en=article.text_en + " Such measures shall be reported."
    )
    SHOTS.mkdir(exist_ok=True)

    # The Japanese drafter in the English interface here; test_japanese_in_browser covers hers.
    UserPreference.objects.filter(user__username="jp.drafter").update(language="en")
    login(page, "jp.drafter")
    page.goto(f"{live_server.url}{demo.get_absolute_url()}")
    badge = page.locator(f"#article-{article.pk} [data-testid=concordance-badge]")
    expect(badge).to_have_text("English ahead")
    expect(
        page.locator("[data-testid=concordance-badge][data-state=in_step]").first
    ).to_be_visible()
    page.locator(f"#article-{article.pk}").screenshot(path=str(SHOTS / "concordance-badge.png"))

    badge.click()
    panel = page.get_by_test_id("concordance")
    expect(panel).to_have_attribute("data-state", "en_ahead")
    expect(page.get_by_test_id("concordance-redline-en").locator("ins")).to_contain_text(
        "Such measures shall be reported."
    )
    panel.screenshot(path=str(SHOTS / "concordance-article-panel.png"))

    page.goto(f"{live_server.url}{article.get_absolute_url()}coedit/?language=ja")
    expect(page.get_by_test_id("concordance-redline-en")).to_be_visible()
    page.screenshot(path=str(SHOTS / "concordance-coedit.png"), full_page=True)

    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    page.get_by_test_id("concordance-confirm").get_by_role("button").click()
    expect(page.locator(".message")).to_contain_text("confirmed equivalent")
    expect(page.get_by_test_id("concordance")).to_have_attribute("data-state", "in_step")

    page.get_by_role("link", name="Texts in step").click()
    expect(page.get_by_test_id("concordance-table")).to_be_visible()
    expect(page.locator(f"#concordance-{article.pk}")).to_have_attribute("data-state", "in_step")
    page.screenshot(path=str(SHOTS / "concordance-overview.png"), full_page=True)


def test_library_search_in_both_languages(page: Page, live_server, demo, login):
    login(page, "uk.drafter")
    page.goto(f"{live_server.url}/library/")
    page.get_by_role("searchbox", name="Search").fill("ARMED ATTACKS")
    page.get_by_role("button", name="Search").click()
    results = page.get_by_test_id("clause-results")
    expect(results.locator("mark").first).to_be_visible()
    expect(results.locator("mark", has_text=re.compile("^armed$", re.I)).first).to_be_visible()
    page.screenshot(path=str(SHOTS / "library-search-en.png"))
    page.get_by_role("searchbox", name="Search").fill("協")
    page.get_by_role("button", name="Search").click()
    expect(results.locator("mark", has_text="協").first).to_be_visible()
    page.screenshot(path=str(SHOTS / "library-search-ja.png"))
