"""Pushes in real browsers: two Chromium contexts on a real ASGI server (uvicorn); a word
typed in one appears in the other with nobody doing anything, with the other's caret in
their delegation's colour. Without the socket (the WSGI live server has none) the editor
polls as before and says so.

How fast it arrives is benchmark B8's business (tests/benchmarks/), not an assertion here: a
timed assertion fails on a loaded machine for no fault of the code. What these tests prove is
that it was pushed. With the socket up, an editor whose user is not typing syncs by itself
only every 30 seconds (the safety net, frontend/src/coedit/client.js), so a word that arrives
within PUSHED_WITHIN can only have come by the push."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Browser, BrowserContext, Page, expect

from drafting.models import Article
from drafting.services.tokens import token_issue
from tests.asgi import AsgiServer

pytestmark = pytest.mark.browser
User = get_user_model()
SHOTS = Path(__file__).resolve().parents[2] / "test-results"
VIEWPORT = {"width": 1280, "height": 900}
# Well below the 30-second safety-net sync of an idle editor with its socket up.
PUSHED_WITHIN = 10_000


def _open(
    browser: Browser, server: AsgiServer, username: str, url: str
) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    page = context.new_page()
    page.goto(f"{server.url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("entente-demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server.url}/")
    page.goto(url)
    expect(page.get_by_test_id("coedit-status")).to_have_attribute(
        "data-state", "saved", timeout=15_000
    )
    expect(page.get_by_test_id("coedit-live")).to_have_attribute(
        "data-state", "push", timeout=15_000
    )
    return context, page


def _text(page: Page) -> str:
    return page.evaluate(
        "document.querySelector('[data-coedit]').coeditor.view.state.doc.toString()"
    )


def test_a_word_typed_in_one_browser_is_pushed_to_the_other(
    browser: Browser, asgi: AsgiServer, demo: Any
) -> None:
    article = Article.objects.get(draft=demo, heading="Consultation")
    url = f"{asgi.url}/drafts/{demo.pk}/articles/{article.pk}/coedit/?language=en"
    uk_context, uk = _open(browser, asgi, "uk.drafter", url)
    jp_context, jp = _open(browser, asgi, "jp.drafter", url)
    try:
        for word in (" Kanazawa", " Edinburgh", " Nagoya"):
            jp.locator(".cm-content").click()
            jp.keyboard.press("Control+End")
            jp.keyboard.type(word, delay=15)
            # No action on the UK side: the word must arrive by itself, pushed.
            uk.wait_for_function(
                "(word) => document.querySelector('[data-coedit]').coeditor.view.state.doc"
                ".toString().includes(word)",
                arg=word.strip(),
                timeout=PUSHED_WITHIN,
            )
        # The Japanese drafter's caret shows in the UK editor, in the JP colour, named.
        caret = uk.locator(".remote-caret.delegation--jp")
        expect(caret).to_have_count(1, timeout=3000)
        expect(caret).to_contain_text("Sato")
        expect(uk.get_by_test_id("coedit-presence")).to_contain_text("Sato")
        SHOTS.mkdir(exist_ok=True)
        uk.screenshot(path=str(SHOTS / "coedit-push-caret.png"))
        article.refresh_from_db()
        assert _text(uk) == _text(jp) == article.text_en
        assert article.text_en.endswith(" Kanazawa Edinburgh Nagoya")
    finally:
        uk_context.close()
        jp_context.close()


def test_without_the_socket_the_editor_polls_and_says_so(
    browser: Browser, live_server: Any, demo: Any, login: Any
) -> None:
    article = Article.objects.get(draft=demo, heading="Consultation")
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    page = context.new_page()
    try:
        login(page, "uk.drafter")
        page.goto(f"{live_server.url}/drafts/{demo.pk}/articles/{article.pk}/coedit/?language=en")
        expect(page.get_by_test_id("coedit-live")).to_contain_text(
            "Live updates unavailable", timeout=15_000
        )
        page.locator(".cm-content").click()
        page.keyboard.press("Control+End")
        page.keyboard.type(" Polled.", delay=10)
        expect(page.get_by_test_id("coedit-status")).to_have_attribute(
            "data-state", "saved", timeout=15_000
        )
        article.refresh_from_db()
        assert article.text_en.endswith(" Polled.")
    finally:
        context.close()


def _sign_in(browser: Browser, server: AsgiServer, username: str) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    page = context.new_page()
    page.goto(f"{server.url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("entente-demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server.url}/")
    return context, page


def test_the_draft_page_is_a_canvas_to_write_on(
    browser: Browser, asgi: AsgiServer, demo: Any
) -> None:
    article = Article.objects.get(draft=demo, heading="Consultation")
    url = f"{asgi.url}/drafts/{demo.pk}/?lang=both"
    uk_context, uk = _sign_in(browser, asgi, "uk.drafter")
    jp_context, jp = _sign_in(browser, asgi, "jp.drafter")
    try:
        for page in (uk, jp):
            page.goto(url)
            expect(page.locator("[data-canvas][data-ready]")).to_have_count(1, timeout=15_000)
        text = f'[data-canvas-text][data-article="{article.pk}"][data-language="en"]'
        # No editor until someone clicks: the page stays a page.
        assert uk.locator("[data-coedit]").count() == 0
        jp.locator(text).click()
        expect(jp.get_by_test_id("coedit-status")).to_have_attribute(
            "data-state", "saved", timeout=15_000
        )
        expect(jp.get_by_test_id("coedit-live")).to_have_attribute(
            "data-state", "push", timeout=15_000
        )
        uk.locator(text).click()
        expect(uk.get_by_test_id("coedit-status")).to_have_attribute(
            "data-state", "saved", timeout=15_000
        )
        assert uk.locator("[data-coedit]").count() == 1  # only the text clicked
        uk.keyboard.press("Control+End")
        uk.keyboard.type(" Hokkaido", delay=15)
        jp.wait_for_function(
            "() => document.querySelector('[data-coedit]').coeditor.view.state.doc"
            ".toString().includes('Hokkaido')",
            timeout=PUSHED_WITHIN,
        )
        # The UK drafter's caret in the JP editor; who is writing shows beside the article.
        expect(jp.locator(".remote-caret.delegation--uk")).to_have_count(1, timeout=3000)
        expect(jp.locator(f'[data-canvas-here="{article.pk}"]')).to_contain_text("Ashby")
        # A text the JP drafter did not open (the Japanese one) follows too.
        ja = f'[data-canvas-text][data-article="{article.pk}"][data-language="ja"]'
        uk.locator(ja).click()
        expect(uk.locator("[data-coedit]")).to_have_count(2, timeout=5000)
        expect(uk.get_by_test_id("coedit-status").nth(1)).to_have_attribute(
            "data-state", "saved", timeout=15_000
        )
        uk.keyboard.press("Control+End")
        uk.keyboard.type("札幌", delay=15)
        expect(jp.locator(ja)).to_contain_text("札幌", timeout=3000)
        SHOTS.mkdir(exist_ok=True)
        jp.screenshot(path=str(SHOTS / "canvas-jp.png"))
        article.refresh_from_db()
        assert article.text_en.endswith(" Hokkaido") and article.text_ja.endswith("札幌")
    finally:
        uk_context.close()
        jp_context.close()


def test_the_other_delegations_bracket_shows_without_a_reload(
    browser: Browser, asgi: AsgiServer, demo: Any
) -> None:
    """Issue 12: the JP drafter has the article page, the board and the draft page open; the
    UK drafter brackets words (through the API, as another browser would) and resolves them:
    each JP page shows it by itself, and none reloaded."""
    article = Article.objects.get(draft=demo, heading="Consultation")
    span = "will consult together"
    jp_context, jp = _sign_in(browser, asgi, "jp.drafter")
    pages = {
        "article": (jp, f"{asgi.url}{article.get_absolute_url()}"),
        "board": (jp_context.new_page(), f"{asgi.url}/drafts/{demo.pk}/negotiation/"),
        "draft": (jp_context.new_page(), f"{asgi.url}/drafts/{demo.pk}/"),
    }
    try:
        for page, url in pages.values():
            page.goto(url)
            page.evaluate("window.notReloaded = true")
        for name in ("article", "board"):
            expect(pages[name][0].locator("[data-negotiation-live]").first).to_have_attribute(
                "data-negotiation-push", "up", timeout=15_000
            )
        expect(pages["draft"][0].locator("[data-canvas]")).to_have_attribute(
            "data-socket", "up", timeout=15_000
        )
        expect(pages["board"][0].get_by_test_id("board-summary")).not_to_contain_text("UK 1")
        uk = asgi.transport(token_issue(user=User.objects.get(username="uk.drafter")))
        start = article.text_en.index(span)
        status, body = uk(
            f"/api/v1/articles/{article.pk}/brackets/",
            {
                "language": "en",
                "anchor_start": start,
                "anchor_end": start + len(span),
                "options": [{"text": "shall consult together", "delegations": ["UK"]}],
            },
        )
        assert status == 201, body
        shown = f"[UK: {span} / Option A (UK): shall consult together]"
        expect(pages["article"][0].get_by_test_id("bracketed-text-en")).to_contain_text(
            shown, timeout=5000
        )
        expect(pages["board"][0].get_by_test_id("board-summary")).to_contain_text(
            "UK 1, JP 0", timeout=5000
        )
        expect(pages["draft"][0].get_by_test_id("bracket").first).to_contain_text(
            f"[UK: {span}", timeout=5000
        )
        SHOTS.mkdir(exist_ok=True)
        pages["article"][0].get_by_test_id("bracketed-text-en").scroll_into_view_if_needed()
        pages["article"][0].screenshot(path=str(SHOTS / "negotiation-pushed-article.png"))
        pages["board"][0].screenshot(path=str(SHOTS / "negotiation-pushed-board.png"))
        # The JP drafter starts writing why she would resolve it; meanwhile the UK resolves
        # it. Her words stay (the panel says it changed); the board and draft page redraw.
        article_page = pages["article"][0]
        article_page.locator(f"#reason-{body['id']}").fill("Wording agreed in Tokyo")
        status, resolved = uk(f"/api/v1/brackets/{body['id']}/resolve/", {"resolution": "keep"})
        assert status == 200, resolved
        expect(pages["draft"][0].get_by_test_id("bracket")).to_have_count(0, timeout=5000)
        expect(pages["board"][0].get_by_test_id("board-summary")).not_to_contain_text(
            "UK 1", timeout=5000
        )
        expect(article_page.get_by_test_id("negotiation-stale")).to_be_visible(timeout=5000)
        expect(article_page.locator(f"#reason-{body['id']}")).to_have_value(
            "Wording agreed in Tokyo"
        )
        for page, _url in pages.values():
            assert page.evaluate("window.notReloaded") is True
        article_page.reload()
        expect(article_page.get_by_test_id("bracketed-text-en")).not_to_contain_text("[UK:")
    finally:
        jp_context.close()
