"""A Japanese drafter in a real browser: the interface is Japanese on the dashboard, the draft,
an article and the co-editor (the server's pages and the browser code's strings alike), the
treaty text is set in Mincho and never in monospace, and the marking stays on screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from drafting.models import Article, UserPreference
from tests.i18n_check import english_left_over, names_from_database

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "test-results"


def _japanese_only(page: Page, where: str) -> None:
    """The page as the browser shows it, after its scripts ran, has no English interface."""
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    leftovers = english_left_over(page.content(), names_from_database())
    assert not leftovers, f"{where}: English left over {leftovers}"


def _font_of(page: Page, selector: str) -> str:
    return page.evaluate("(s) => getComputedStyle(document.querySelector(s)).fontFamily", selector)


def test_a_japanese_drafter_sees_a_japanese_interface(
    page: Page, live_server: Any, demo: Any, login: Any
) -> None:
    login(page, "jp.drafter")  # the demo's Japanese personas start in Japanese
    SHOTS.mkdir(exist_ok=True)

    # Dashboard
    expect(page.get_by_role("heading", name="担当草案")).to_be_visible()
    expect(page.get_by_role("button", name="日本語")).to_have_attribute("aria-pressed", "true")
    _japanese_only(page, "dashboard")

    # Draft
    page.get_by_role("link", name="Treaty of Alliance between", exact=False).first.click()
    expect(page.get_by_role("link", name="条を追加")).to_be_visible()
    expect(page.get_by_role("link", name="第一条", exact=False).first).to_be_visible()
    _japanese_only(page, "draft")

    # Article: the review panel is drawn by the bundle, in Japanese from the JS catalogue.
    article = Article.objects.get(draft=demo, heading="Consultation")
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    panel = page.get_by_test_id("review-panel-ja")
    expect(panel.get_by_role("button", name="コメント", exact=True)).to_be_visible(timeout=10_000)
    expect(panel.get_by_role("button", name="修正提案", exact=True)).to_be_visible()
    _japanese_only(page, "article")
    # Treaty text: Mincho for Japanese, the serif face for English, monospace nowhere.
    ja_font = _font_of(page, "#review-text-mount-ja .cm-content")
    en_font = _font_of(page, "#review-text-mount-en .cm-content")
    scroller_font = _font_of(page, "#review-text-mount-ja .cm-scroller")
    assert ja_font.startswith('"Noto Serif CJK JP"'), ja_font
    assert en_font.startswith('"Noto Serif"'), en_font
    for font in (ja_font, en_font, scroller_font):
        assert "monospace" not in font, font
    line_break = page.evaluate(
        "getComputedStyle(document.querySelector('#review-text-mount-ja .cm-content')).lineBreak"
    )
    assert line_break == "strict"
    page.screenshot(path=str(SHOTS / "article-ja.png"), full_page=True)

    # The marking stays on screen at the top and the bottom while the page scrolls.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight / 2)")
    page.wait_for_timeout(200)
    top = page.get_by_test_id("marking-top").bounding_box()
    bottom = page.get_by_test_id("marking-bottom").bounding_box()
    height = page.viewport_size["height"]
    assert top is not None and bottom is not None
    assert abs(top["y"]) < 1, top
    assert abs(bottom["y"] + bottom["height"] - height) < 1, (bottom, height)
    page.screenshot(path=str(SHOTS / "article-ja-scrolled.png"))

    # Co-edit: the status and presence come from the bundle.
    page.goto(f"{live_server.url}{article.get_absolute_url()}coedit/?language=ja")
    status = page.get_by_test_id("coedit-status")
    expect(status).to_have_attribute("data-state", "saved", timeout=15_000)
    expect(status).to_have_text("保存済み")
    expect(page.get_by_test_id("coedit-presence")).to_have_text("他に閲覧中の人はいません。")
    assert "monospace" not in _font_of(page, "[data-coedit] .cm-content")
    # A page shorter than the window: the bottom marking still sits at the window's bottom.
    bottom = page.get_by_test_id("marking-bottom").bounding_box()
    assert bottom is not None
    assert abs(bottom["y"] + bottom["height"] - height) < 1, (bottom, height)
    _japanese_only(page, "co-edit")
    page.screenshot(path=str(SHOTS / "coedit-ja.png"), full_page=True)

    # The switcher: English, kept as the user's preference.
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en-GB")
    expect(page.get_by_test_id("coedit-status")).to_have_text("Saved", timeout=15_000)
    preference = UserPreference.objects.get(user__username="jp.drafter")
    assert preference.language == "en"
