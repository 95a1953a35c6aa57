"""The negotiation in a real browser: the UK drafter brackets a span with two options, the
Japanese drafter resolves it with the Japanese option, both delegations sign off, the board
changes, and the UK drafter, whose co-editor was open all along, fails to type into the
agreed article: the edit is refused, the editor says why and goes read-only, the text stays."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from drafting.models import Article, Revision, UserPreference

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "test-results"
VIEWPORT = {"width": 1280, "height": 1000}
SPAN = "will consult together"


def _open(browser: Browser, login: Any, username: str, url: str) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    page = context.new_page()
    login(page, username)
    page.goto(url)
    return context, page


def _editor_text(page: Page) -> str:
    return page.evaluate(
        "document.querySelector('[data-coedit]').coeditor.view.state.doc.toString()"
    )


def test_bracket_resolve_sign_off_board_and_locked_editor(
    browser: Browser, live_server: Any, demo: Any, login: Any
) -> None:
    SHOTS.mkdir(exist_ok=True)
    article = Article.objects.get(draft=demo, heading="Consultation")
    article_url = f"{live_server.url}{article.get_absolute_url()}"
    board_url = f"{live_server.url}/drafts/{demo.pk}/negotiation/"

    # 1. The UK drafter brackets "will consult together" with two options.
    uk_context, uk = _open(browser, login, "uk.drafter", article_url)
    uk.get_by_test_id("bracket-new").evaluate("details => { details.open = true; }")
    uk.get_by_label("The words to bracket (exactly as in the text)").fill(SPAN)
    uk.locator("#bn-delegation").select_option("UK")
    uk.locator("#bn-option-1").fill("may consult together")
    uk.locator("input[name=option_delegations_1][value=UK]").check()
    uk.locator("#bn-option-2").fill("shall consult together")
    uk.locator("input[name=option_delegations_2][value=JP]").check()
    uk.get_by_role("button", name="Add bracket").click()
    english = uk.get_by_test_id("bracketed-text-en")
    expect(english).to_contain_text(f"[UK: {SPAN} / Option A (UK): may consult together")
    expect(english).to_contain_text("Option B (JP): shall consult together]")
    english.scroll_into_view_if_needed()
    uk.screenshot(path=str(SHOTS / "negotiation-bracketed.png"), full_page=False)

    # The board shows the open bracket; the draft page draws it too.
    uk.goto(board_url)
    expect(uk.get_by_test_id("board-summary")).to_contain_text("open with 1 bracket (UK 1, JP 0)")
    uk.goto(f"{live_server.url}/drafts/{demo.pk}/")
    expect(uk.get_by_test_id("bracket").first).to_contain_text(f"[UK: {SPAN}")

    # The UK drafter opens the co-editor and keeps it open.
    coedit = uk_context.new_page()
    coedit.goto(f"{article_url}coedit/")
    expect(coedit.get_by_test_id("coedit-status")).to_have_text("Saved", timeout=15_000)
    expect(coedit.locator(".bracket-edge--open, [data-testid=bracket-open]").first).to_have_text(
        "[UK: ", timeout=15_000
    )
    coedit.screenshot(path=str(SHOTS / "negotiation-coedit-brackets.png"))

    # 2. The Japanese drafter resolves it with Option B, and signs off. (She works in the
    # English interface here; test_japanese_in_browser covers the Japanese one.)
    UserPreference.objects.filter(user__username="jp.drafter").update(language="en")
    jp_context, jp = _open(browser, login, "jp.drafter", article_url)
    item = jp.get_by_test_id("bracket-item").first
    item.get_by_label("Choose Option B").check()
    item.get_by_label("Why (recorded)").fill("Agreed at the table")
    item.get_by_role("button", name="Resolve bracket").click()
    expect(jp.get_by_test_id("bracketed-text-en")).to_contain_text("shall consult together")
    expect(jp.get_by_test_id("bracketed-text-en")).not_to_contain_text("[UK:")
    revision = Revision.objects.filter(article=article, language="en").order_by("-number").first()
    assert revision.kind == "bracket_resolved" and "Option B (proposed by JP)" in revision.message
    jp.get_by_test_id("signoff-button").click()
    expect(jp.get_by_test_id("signoff-JP")).to_contain_text("Signed off English revision")
    expect(jp.get_by_test_id("negotiation-status")).to_have_text("Open")

    # The co-editor received the resolved text.
    expect(coedit.get_by_test_id("coedit-editor")).to_contain_text(
        "shall consult together", timeout=15_000
    )

    # 3. The UK drafter signs off too; the resolution changed the English text, so the
    # article waits for the two texts to be confirmed in step, then is agreed ad referendum.
    uk.goto(article_url)
    uk.get_by_test_id("signoff-button").click()
    expect(uk.get_by_test_id("negotiation-status")).to_have_text("Open")
    uk.get_by_test_id("concordance-confirm").click()
    expect(uk.get_by_test_id("negotiation-status")).to_have_text("Agreed ad referendum")
    expect(uk.get_by_test_id("agreed-note")).to_be_visible()
    uk.screenshot(path=str(SHOTS / "negotiation-agreed.png"), full_page=True)

    # 4. The board changed.
    uk.goto(board_url)
    expect(uk.get_by_test_id("board-summary")).to_contain_text("1 agreed ad ref")
    expect(uk.get_by_test_id("board-summary")).to_contain_text("open with 0 brackets (UK 0, JP 0)")
    row = uk.locator(f"[data-testid=board-row][data-article='{article.pk}']")
    expect(row.get_by_test_id("board-status")).to_have_text("Agreed ad referendum")
    uk.screenshot(path=str(SHOTS / "negotiation-board.png"), full_page=True)

    # 5. Typing into the agreed article fails: refused, said why, read-only, text unchanged.
    agreed_text = Article.objects.get(pk=article.pk).text_en
    coedit.bring_to_front()
    coedit.locator("[data-coedit] .cm-content").click()
    coedit.keyboard.press("End")
    coedit.keyboard.type(" Typed after agreement.")
    locked = coedit.get_by_test_id("coedit-locked")
    expect(locked).to_contain_text("agreed ad referendum", timeout=15_000)
    expect(coedit.get_by_test_id("coedit-status")).to_have_text("Agreed — read only")
    assert _editor_text(coedit) == agreed_text
    coedit.keyboard.type("more")
    assert _editor_text(coedit) == agreed_text
    coedit.screenshot(path=str(SHOTS / "negotiation-coedit-locked.png"))
    assert Article.objects.get(pk=article.pk).text_en == agreed_text

    # A freshly opened co-editor is read-only from the start and says why.
    coedit.goto(f"{article_url}coedit/")
    expect(coedit.get_by_test_id("coedit-agreed")).to_contain_text("agreed ad referendum")
    expect(coedit.get_by_test_id("coedit-status")).to_have_text("Read only", timeout=15_000)
    jp_context.close()
    uk_context.close()
