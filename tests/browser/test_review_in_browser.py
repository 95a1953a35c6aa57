"""Review in a real browser: a reviewer comments on a span (with an @mention) and proposes
wording; a drafter sees both on the text, the thread highlighted and the suggestion inline,
and accepts the suggestion, which becomes a revision naming them both."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from drafting.models import Article, Revision, Suggestion, Thread

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "test-results"
VIEWPORT = {"width": 1280, "height": 900}


def _article(demo: Any) -> Article:
    return Article.objects.get(draft=demo, heading="Consultation")


def _open(browser: Browser, login: Any, username: str, url: str) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    page = context.new_page()
    login(page, username)
    page.goto(url)
    expect(page.locator("[data-coedit] .cm-content")).to_be_visible(timeout=15_000)
    return context, page


def _select(page: Page, words: str) -> None:
    """Selects `words` in the live editor, as a drag over them would."""
    page.evaluate(
        """(words) => {
          const view = document.querySelector('[data-coedit]').coeditor.view;
          const from = view.state.doc.toString().indexOf(words);
          if (from < 0) throw new Error('not in the text: ' + words);
          view.focus();
          view.dispatch({ selection: { anchor: from, head: from + words.length } });
        }""",
        words,
    )


def test_reviewer_comments_and_suggests_drafter_accepts(
    browser: Browser, live_server: Any, demo: Any, login: Any
) -> None:
    article = _article(demo)
    url = f"{live_server.url}/drafts/{demo.pk}/articles/{article.pk}/coedit/"

    reviewer_ctx, reviewer = _open(browser, login, "uk.reviewer", url)
    panel = reviewer.get_by_test_id("review-panel-en")
    expect(panel).to_be_visible()

    # A comment: select a span, Ctrl-Alt-M, an @mention picked from the listbox by keyboard.
    _select(reviewer, "consult together")
    reviewer.keyboard.press("Control+Alt+m")
    form = panel.get_by_test_id("review-comment-form")
    expect(form).to_be_visible()
    body = form.get_by_label("Comment")
    # First a mention the server refuses: the reason is read out and the text stays.
    body.fill("Who is @outsider here?")
    form.get_by_role("button", name="Submit").click()
    expect(panel.get_by_test_id("review-live")).to_contain_text("Not saved", timeout=10_000)
    expect(body).to_have_value("Who is @outsider here?")
    body.fill("")
    body.press_sequentially("Should this be binding? @jp.dr")
    listbox = form.get_by_role("listbox")
    expect(listbox).to_be_visible()
    expect(listbox.get_by_role("option").first).to_have_attribute("aria-selected", "true")
    body.press("Enter")
    expect(body).to_have_value("Should this be binding? @jp.drafter ")
    form.get_by_role("button", name="Submit").click()
    thread_item = panel.get_by_test_id("review-thread")
    expect(thread_item).to_have_count(1, timeout=10_000)
    expect(thread_item).to_contain_text("consult together")
    expect(thread_item).to_contain_text("@jp.drafter")
    expect(reviewer.locator(".review-mark")).to_have_text("consult together")

    # A suggestion on another span.
    _select(reviewer, "fully and frankly")
    panel.get_by_test_id("review-suggest-button").click()
    sform = panel.get_by_test_id("review-suggestion-form")
    sform.get_by_label("Replacement wording").fill("fully, frankly and promptly")
    sform.get_by_role("button", name="Submit suggestion").click()
    expect(panel.get_by_test_id("review-suggestion")).to_have_count(1, timeout=10_000)
    # A reviewer cannot decide.
    expect(panel.get_by_test_id("review-accept")).to_have_count(0)

    thread = Thread.objects.get(article=article)
    assert thread.created_by.username == "uk.reviewer"
    assert [u.username for u in thread.comments.get().mentions.all()] == ["jp.drafter"]
    suggestion = Suggestion.objects.get(article=article)
    reviewer_ctx.close()

    drafter_ctx, drafter = _open(browser, login, "jp.drafter", url)
    panel = drafter.get_by_test_id("review-panel-en")
    expect(drafter.locator(".review-mark")).to_have_text("consult together", timeout=10_000)
    expect(drafter.locator(f".review-mark--thread-{thread.pk}")).to_be_visible()
    expect(drafter.locator(".review-del")).to_have_text("fully and frankly")
    expect(drafter.get_by_test_id("review-inline-insert")).to_contain_text(
        "fully, frankly and promptly"
    )
    expect(drafter.get_by_test_id("review-inline-insert")).to_contain_text("uk.reviewer")
    SHOTS.mkdir(exist_ok=True)
    drafter.locator(".review-layout").screenshot(path=str(SHOTS / "review.png"))

    panel.get_by_test_id("review-accept").click()
    # jp.drafter works in Japanese (the demo persona's preference): the panel says so in Japanese.
    expect(panel.get_by_test_id("review-live")).to_contain_text("採用しました", timeout=10_000)
    deadline = time.monotonic() + 10
    while "fully, frankly and promptly" not in Article.objects.get(pk=article.pk).text_en:
        assert time.monotonic() < deadline, "the accepted wording never reached the text"
        drafter.wait_for_timeout(200)
    text = Article.objects.get(pk=article.pk).text_en
    assert "communicate with one another fully, frankly and promptly, and" in text
    suggestion.refresh_from_db()
    assert suggestion.status == "accepted"
    revision = Revision.objects.filter(article=article).order_by("-number").first()
    assert revision is not None
    assert revision.author.username == "jp.drafter"
    assert revision.co_author is not None and revision.co_author.username == "uk.reviewer"
    # The live editor receives the change; the inline suggestion is gone.
    expect(drafter.locator("[data-coedit] .cm-content")).to_contain_text(
        "fully, frankly and promptly", timeout=15_000
    )
    expect(drafter.locator(".review-del")).to_have_count(0)

    # The article page shows the same thread over its read-only English text, and resolving
    # it there unhighlights the span.
    drafter.goto(f"{live_server.url}{article.get_absolute_url()}")
    read_panel = drafter.get_by_test_id("review-panel-en")
    expect(read_panel.get_by_test_id("review-thread")).to_have_count(1, timeout=10_000)
    expect(drafter.locator(".review-static .review-mark")).to_have_text("consult together")
    read_panel.get_by_test_id("review-resolve").click()
    expect(drafter.locator(".review-static .review-mark")).to_have_count(0, timeout=10_000)
    thread.refresh_from_db()
    assert thread.status == "resolved"
    drafter_ctx.close()


def test_mentions_load_again_after_the_member_list_failed(
    browser: Browser, live_server: Any, demo: Any, login: Any
) -> None:
    """The page asks for the members once, in the background. If that request fails (a busy
    server, a dropped connection), the first "@" asks again rather than finding no one."""
    article = _article(demo)
    url = f"{live_server.url}/drafts/{demo.pk}/articles/{article.pk}/coedit/"
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    page = context.new_page()
    login(page, "uk.reviewer")
    refused: list[str] = []

    def refuse_once(route: Any) -> None:
        if not refused:
            refused.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/members/**", refuse_once)
    page.goto(url)
    expect(page.locator("[data-coedit] .cm-content")).to_be_visible(timeout=15_000)
    panel = page.get_by_test_id("review-panel-en")
    expect(panel).to_be_visible()
    deadline = time.monotonic() + 10
    while not refused:
        assert time.monotonic() < deadline, "the page never asked for the members"
        page.wait_for_timeout(100)

    _select(page, "consult together")
    page.keyboard.press("Control+Alt+m")
    form = panel.get_by_test_id("review-comment-form")
    body = form.get_by_label("Comment")
    body.press_sequentially("Over to @jp.dr")
    listbox = form.get_by_role("listbox")
    expect(listbox).to_be_visible()
    expect(listbox.get_by_role("option").first).to_contain_text("@jp.drafter")

    # Leaving the field and coming straight back (a click on Submit, a quick return to the
    # text) keeps the list for the typing that follows.
    body.fill("")
    page.evaluate("() => { const t = document.activeElement; t.blur(); t.focus(); }")
    body.press_sequentially("@jp.dr")
    page.wait_for_timeout(400)
    expect(listbox).to_be_visible()
    context.close()


def _select_static(page: Page, language: str, words: str) -> None:
    """Selects `words` in the article page's read-only text of `language`."""
    page.evaluate(
        """([language, words]) => {
          const view = document.querySelector(`[data-testid=review-panel-${language}]`).reviewPanel.view;
          const from = view.state.doc.toString().indexOf(words);
          if (from < 0) throw new Error('not in the text: ' + words);
          view.focus();
          view.dispatch({ selection: { anchor: from, head: from + words.length } });
        }""",
        [language, words],
    )


def _focused(page: Page) -> dict[str, str]:
    return page.evaluate(
        """() => {
          const a = document.activeElement;
          return {
            tag: a.tagName,
            testid: a.dataset.testid || '',
            cls: a.className || '',
            text: (a.textContent || '').slice(0, 200),
          };
        }"""
    )


def test_load_failure_clears_when_the_network_comes_back(
    browser: Browser, live_server: Any, demo: Any, login: Any
) -> None:
    """A list that could not load says so; once the network is back the panel loads again
    and the message goes (the 15 s poll would be too late for this test's 5 s wait)."""
    article = _article(demo)
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    page = context.new_page()
    login(page, "uk.reviewer")
    blocked = [True]

    def threads(route: Any) -> None:
        if blocked[0] and "language=en" in route.request.url:
            route.abort()
        else:
            route.continue_()

    page.route("**/threads/?*", threads)
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    panel = page.get_by_test_id("review-panel-en")
    live = panel.get_by_test_id("review-live")
    expect(live).to_contain_text("Could not load comments", timeout=10_000)
    expect(panel.get_by_test_id("review-list")).to_be_empty()

    blocked[0] = False
    context.set_offline(True)
    context.set_offline(False)
    expect(live).not_to_contain_text("Could not load comments", timeout=5_000)
    expect(live).to_have_text("")
    expect(panel.get_by_test_id("review-list")).to_contain_text("No open comments or suggestions.")
    context.close()


def test_focus_follows_the_forms_and_escape_keeps_the_text(
    browser: Browser, live_server: Any, demo: Any, login: Any
) -> None:
    """Keyboard use of the panel on the article page: Escape closes a form and gives the
    focus back to what opened it, the text typed comes back when it opens again, and after
    a save the focus is on the new item and the live region says what happened."""
    article = _article(demo)
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    page = context.new_page()
    login(page, "uk.reviewer")
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    panel = page.get_by_test_id("review-panel-en")
    expect(panel.get_by_test_id("review-list")).to_contain_text("No open comments", timeout=10_000)

    # A comment opened from the button; Escape closes it, focus back on the button.
    _select_static(page, "en", "consult together")
    panel.get_by_test_id("review-comment-button").click()
    form = panel.get_by_test_id("review-comment-form")
    form.get_by_label("Comment").fill("Is this binding?")
    page.keyboard.press("Escape")
    expect(form).to_have_count(0)
    assert _focused(page)["testid"] == "review-comment-button"
    # Opened again, it holds what was typed.
    panel.get_by_test_id("review-comment-button").click()
    expect(form.get_by_label("Comment")).to_have_value("Is this binding?")
    expect(form.get_by_test_id("review-draft-restored")).to_be_visible()
    form.get_by_role("button", name="Submit").click()
    expect(panel.get_by_test_id("review-live")).to_have_text("Comment added.", timeout=10_000)
    thread = Thread.objects.get(article=article)
    expect(panel.locator(f'[data-key="thread-{thread.pk}"]')).to_be_focused()

    # A suggestion opened from the text with Ctrl-Alt-S: Escape returns to the text.
    _select_static(page, "en", "fully and frankly")
    page.keyboard.press("Control+Alt+s")
    sform = panel.get_by_test_id("review-suggestion-form")
    sform.get_by_label("Replacement wording").fill("fully, frankly and promptly")
    sform.get_by_label("Replacement wording").press("Escape")
    expect(sform).to_have_count(0)
    focused = _focused(page)
    assert "cm-content" in focused["cls"], focused
    page.keyboard.press("Control+Alt+s")
    expect(sform.get_by_label("Replacement wording")).to_have_value("fully, frankly and promptly")
    sform.get_by_role("button", name="Submit suggestion").click()
    expect(panel.get_by_test_id("review-live")).to_have_text("Suggestion added.", timeout=10_000)
    suggestion = Suggestion.objects.get(article=article)
    assert suggestion.replacement == "fully, frankly and promptly"
    expect(panel.locator(f'[data-key="suggestion-{suggestion.pk}"]')).to_be_focused()

    # A reply: Escape gives the focus back to Reply, the reply's text is kept.
    item = panel.locator(f'[data-key="thread-{thread.pk}"]')
    item.get_by_role("button", name="Reply").click()
    item.get_by_label("Reply").fill("Yes, it binds both.")
    page.keyboard.press("Escape")
    expect(item.get_by_test_id("review-reply-form")).to_have_count(0)
    reply_button = item.get_by_role("button", name="Reply")
    expect(reply_button).to_be_focused()
    reply_button.press("Enter")
    expect(item.get_by_label("Reply")).to_have_value("Yes, it binds both.")
    item.get_by_test_id("review-reply-form").get_by_role("button", name="Reply").click()
    expect(panel.get_by_test_id("review-live")).to_have_text("Reply added.", timeout=10_000)
    reply = thread.comments.order_by("-pk").first()
    assert reply is not None and reply.body == "Yes, it binds both."
    expect(panel.locator(f'[data-comment="{reply.pk}"]')).to_be_focused()
    # Saved texts are no longer drafts: the forms open empty.
    item.get_by_role("button", name="Reply").click()
    expect(item.get_by_label("Reply")).to_have_value("")
    SHOTS.mkdir(exist_ok=True)
    panel.screenshot(path=str(SHOTS / "review-focus.png"))
    context.close()
