"""Live co-editing in a real browser: two drafters type into the same article at once over a
network that loses requests and answers, and both end with the database's text, every word
kept; Japanese (with 𠮟, outside the Basic Multilingual Plane) arrives intact."""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from drafting.models import Article, SyncConflict

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "test-results"
VIEWPORT = {"width": 1280, "height": 900}

UK_SENTENCE = "The Parties shall notify each other promptly of any such measures."
JP_SENTENCE = "Each Party shall designate a point of contact for these consultations."


def _article(demo: Any) -> Article:
    return Article.objects.get(draft=demo, heading="Consultation")


def _editor_text(page: Page) -> str:
    return page.evaluate(
        "document.querySelector('[data-coedit]').coeditor.view.state.doc.toString()"
    )


def _open(browser: Browser, login: Any, username: str, url: str) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    page = context.new_page()
    login(page, username)
    page.goto(url)
    expect(page.get_by_test_id("coedit-status")).to_have_attribute(
        "data-state", "saved", timeout=15_000
    )
    return context, page


def _lossy(context: BrowserContext, seed: int) -> dict[str, int]:
    """About 30% of sync requests fail: half never reach the server, half reach it and their
    answer is lost on the way back."""
    rng = random.Random(seed)
    counts = {"lost_request": 0, "lost_answer": 0, "passed": 0}

    def handle(route: Route) -> None:
        roll = rng.random()
        if roll < 0.15:
            counts["lost_request"] += 1
            route.abort()
        elif roll < 0.30:
            counts["lost_answer"] += 1
            route.fetch()  # the server applies it ...
            route.abort()  # ... and the browser never hears back
        else:
            counts["passed"] += 1
            route.continue_()

    context.route("**/sync/", handle)
    return counts


def _wait_until_converged(pages: list[Page], article: Article, field: str) -> str:
    deadline = time.monotonic() + 30
    while True:
        article.refresh_from_db()
        expected = getattr(article, field)
        texts = [_editor_text(p) for p in pages]
        if all(t == expected for t in texts):
            return expected
        if time.monotonic() > deadline:
            raise AssertionError(f"no convergence: db={expected!r} editors={texts!r}")
        pages[0].wait_for_timeout(250)


def test_two_drafters_type_at_once_over_a_lossy_network(
    browser: Browser, live_server: Any, demo: Any, login: Any
) -> None:
    article = _article(demo)
    original = article.text_en
    url = f"{live_server.url}/drafts/{demo.pk}/articles/{article.pk}/coedit/?language=en"
    uk_context, uk = _open(browser, login, "uk.drafter", url)
    jp_context, jp = _open(browser, login, "jp.drafter", url)
    try:
        counts = [_lossy(uk_context, 1), _lossy(jp_context, 2)]
        # UK types at the end of the text, Japan at the start, word by word in turn.
        uk.locator(".cm-content").click()
        uk.keyboard.press("Control+End")
        uk.keyboard.press("Enter")
        jp.locator(".cm-content").click()
        jp.keyboard.press("Control+Home")
        uk_words = UK_SENTENCE.split(" ")
        jp_words = JP_SENTENCE.split(" ")
        for i in range(max(len(uk_words), len(jp_words))):
            if i < len(uk_words):
                uk.keyboard.type(uk_words[i] + " ", delay=25)
            if i < len(jp_words):
                jp.keyboard.type(jp_words[i] + " ", delay=25)
        # Let some syncs happen on the lossy network before it heals.
        uk.wait_for_timeout(2500)
        uk_context.unroute("**/sync/")
        jp_context.unroute("**/sync/")
        assert sum(c["lost_request"] + c["lost_answer"] for c in counts) > 0, counts

        for page in (uk, jp):
            expect(page.get_by_test_id("coedit-status")).to_have_attribute(
                "data-state", "saved", timeout=45_000
            )
        final = _wait_until_converged([uk, jp], article, "text_en")

        for word in uk_words + jp_words:
            assert word in final, (word, final)
        assert UK_SENTENCE in final and JP_SENTENCE in final
        assert final.startswith(JP_SENTENCE)
        assert original.strip() in final  # nothing of the old text was lost
        expect(uk.get_by_test_id("coedit-conflicts")).to_be_hidden()
        # Each sees the other.
        expect(uk.get_by_test_id("coedit-presence")).to_contain_text("Sato Haruka", timeout=10_000)
        expect(jp.get_by_test_id("coedit-presence")).to_contain_text("Tom Ashby", timeout=10_000)

        SHOTS.mkdir(exist_ok=True)
        uk.screenshot(path=str(SHOTS / "coedit-uk.png"), full_page=True)
        jp.screenshot(path=str(SHOTS / "coedit-jp.png"), full_page=True)
    finally:
        uk_context.close()
        jp_context.close()


def test_japanese_with_astral_characters_arrives_intact(
    browser: Browser, live_server: Any, demo: Any, login: Any
) -> None:
    article = _article(demo)
    url = f"{live_server.url}/drafts/{demo.pk}/articles/{article.pk}/coedit/?language=ja"
    context, page = _open(browser, login, "jp.drafter", url)
    try:
        page.locator(".cm-content").click()
        page.keyboard.press("Control+End")
        page.keyboard.press("Enter")
        # insert_text is what an input method sends when it commits its text.
        pieces = ["両締約国は、", "相互に", "𠮟責", "することなく", "協議する。", "🙂"]
        for piece in pieces:
            page.keyboard.insert_text(piece)
            page.wait_for_timeout(120)
        page.keyboard.press("Backspace")  # deletes the emoji: both of its UTF-16 units
        expect(page.get_by_test_id("coedit-status")).to_have_attribute(
            "data-state", "saved", timeout=15_000
        )
        final = _wait_until_converged([page], article, "text_ja")
        assert final.endswith("\n両締約国は、相互に𠮟責することなく協議する。"), final
        assert "\ud842" not in final and "🙂" not in final
        assert page.locator("html").get_attribute("lang") == "ja"  # jp.drafter works in Japanese
        assert page.get_by_test_id("coedit-editor").get_attribute("lang") == "ja"
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "coedit-ja.png"), full_page=True)
    finally:
        context.close()


def test_overlapping_edits_show_a_conflict_to_copy_reapply_or_dismiss(
    browser: Browser, live_server: Any, demo: Any, login: Any
) -> None:
    """Both change the same words; the first change to reach the server stays, the other
    drafter sees theirs under "Edits that did not go in", re-applies it, and dismisses it."""
    article = _article(demo)
    url = f"{live_server.url}/drafts/{demo.pk}/articles/{article.pk}/coedit/?language=en"
    uk_context, uk = _open(browser, login, "uk.drafter", url)
    jp_context, jp = _open(browser, login, "jp.drafter", url)
    try:
        uk_context.route("**/sync/", lambda route: route.abort())  # UK is offline for now
        # Both select the word "fully" and replace it.
        for page, words in ((uk, "completely"), (jp, "openly")):
            page.locator(".cm-content").click()
            page.evaluate(
                """(words) => {
                  const view = document.querySelector('[data-coedit]').coeditor.view;
                  const at = view.state.doc.toString().indexOf('fully and frankly');
                  view.dispatch({selection: {anchor: at, head: at + 'fully'.length}});
                }""",
                words,
            )
            if page is uk:
                # One input event: typed key by key, a sync attempt between two keys would
                # stack the offline change as two edits ("c", then "ompletely"), and the
                # conflict would show only the first (the server merges each edit in turn).
                page.keyboard.insert_text(words)
            else:
                page.keyboard.type(words, delay=10)
        expect(jp.get_by_test_id("coedit-status")).to_have_attribute(
            "data-state", "saved", timeout=15_000
        )
        expect(uk.get_by_test_id("coedit-status")).to_have_text(
            "Offline — will retry", timeout=15_000
        )
        uk_context.unroute("**/sync/")
        uk.evaluate("document.querySelector('[data-coedit]').coeditor.syncer.syncSoon()")
        conflict = uk.get_by_test_id("coedit-conflict")
        expect(conflict).to_have_count(1, timeout=20_000)
        expect(conflict).to_contain_text("completely")
        expect(conflict).to_contain_text("openly")
        final = _wait_until_converged([uk, jp], article, "text_en")
        assert "openly and frankly" in final and "completely" not in final
        SHOTS.mkdir(exist_ok=True)
        uk.screenshot(path=str(SHOTS / "coedit-conflict.png"), full_page=True)

        # Re-apply at the end of the text, then dismiss.
        uk.locator(".cm-content").click()
        uk.keyboard.press("Control+End")
        conflict.get_by_role("button", name="Re-apply").click()
        expect(uk.get_by_test_id("coedit-status")).to_have_attribute(
            "data-state", "saved", timeout=15_000
        )
        final = _wait_until_converged([uk, jp], article, "text_en")
        assert final.endswith("completely")
        conflict.get_by_role("button", name="Dismiss").click()
        expect(uk.get_by_test_id("coedit-conflicts")).to_be_hidden()
        row = SyncConflict.objects.get(article=article)
        assert row.resolved_at is not None and row.author.username == "uk.drafter"
    finally:
        uk_context.close()
        jp_context.close()


def test_a_reviewer_watches_a_read_only_editor(
    browser: Browser, live_server: Any, demo: Any, login: Any
) -> None:
    article = _article(demo)
    url = f"{live_server.url}/drafts/{demo.pk}/articles/{article.pk}/coedit/?language=en"
    reviewer_context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    reviewer = reviewer_context.new_page()
    login(reviewer, "uk.reviewer")
    reviewer.goto(url)
    expect(reviewer.get_by_test_id("coedit-status")).to_have_text("Read only", timeout=15_000)
    expect(reviewer.get_by_test_id("read-only-hint")).to_be_visible()
    drafter_context, drafter = _open(browser, login, "uk.drafter", url)
    try:
        before = _editor_text(reviewer)
        reviewer.locator(".cm-content").click()
        reviewer.keyboard.type("nope")
        assert _editor_text(reviewer) == before  # nothing typed gets in
        drafter.locator(".cm-content").click()
        drafter.keyboard.press("Control+End")
        drafter.keyboard.type(" Watched.", delay=10)
        expect(drafter.get_by_test_id("coedit-status")).to_have_attribute(
            "data-state", "saved", timeout=15_000
        )
        final = _wait_until_converged([drafter, reviewer], article, "text_en")
        assert final.endswith(" Watched.")
        expect(reviewer.get_by_test_id("coedit-status")).to_have_text("Read only")
        expect(reviewer.locator(".cm-content")).to_have_attribute("aria-readonly", "true")
        expect(reviewer.get_by_test_id("coedit-presence")).to_contain_text("Tom Ashby")
        SHOTS.mkdir(exist_ok=True)
        reviewer.screenshot(path=str(SHOTS / "coedit-reviewer.png"), full_page=True)
    finally:
        reviewer_context.close()
        drafter_context.close()


def test_an_ime_composition_is_never_disturbed_by_arriving_text(
    browser: Browser, live_server: Any, demo: Any, login: Any
) -> None:
    """While Japan composes with an input method, the UK's typing arrives but waits; the
    composed text and the UK's both end up in the database."""
    article = _article(demo)
    url = f"{live_server.url}/drafts/{demo.pk}/articles/{article.pk}/coedit/?language=ja"
    jp_context, jp = _open(browser, login, "jp.drafter", url)
    uk_context, uk = _open(browser, login, "uk.drafter", url)
    try:
        jp.locator(".cm-content").click()
        jp.keyboard.press("Control+Home")
        cdp = jp_context.new_cdp_session(jp)
        for text in ("き", "きょ", "きょう"):
            cdp.send(
                "Input.imeSetComposition",
                {"text": text, "selectionStart": len(text), "selectionEnd": len(text)},
            )
            jp.wait_for_timeout(100)
        assert jp.evaluate("document.querySelector('[data-coedit]').coeditor.view.composing")
        uk.locator(".cm-content").click()
        uk.keyboard.press("Control+End")
        uk.keyboard.insert_text("（英国の追記）")
        expect(uk.get_by_test_id("coedit-status")).to_have_attribute(
            "data-state", "saved", timeout=15_000
        )
        jp.wait_for_timeout(2500)  # the UK's change reaches Japan's browser and waits there
        assert "（英国の追記）" not in _editor_text(jp)
        cdp.send("Input.insertText", {"text": "今日"})  # the input method commits
        expect(jp.get_by_test_id("coedit-status")).to_have_attribute(
            "data-state", "saved", timeout=15_000
        )
        final = _wait_until_converged([jp, uk], article, "text_ja")
        assert final.startswith("今日") and final.endswith("（英国の追記）"), final
        assert "きょう" not in final
    finally:
        jp_context.close()
        uk_context.close()
