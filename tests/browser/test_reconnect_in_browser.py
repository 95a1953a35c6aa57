"""The draft's socket lost and back, in a real browser: the server (uvicorn) stops, as in a
restart, while the UK drafter has the draft page, the negotiation board and the co-editor
open; meanwhile the JP drafter brackets words in one article and writes in another (through
the service layer: the server is down, so nobody is told). When the server is back on the
same port, the pages reconnect by themselves and must show both changes without a reload: the
pushes they missed are not sent again, so they have to fetch what they show.

`context.set_offline(True)` would not do here: Chromium's offline emulation leaves an open
WebSocket open, so the socket would never drop."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Browser, expect

from drafting.models import Article
from drafting.services.negotiation import bracket_create
from drafting.services.sync import session_start, sync
from drafting.textdiff import make_delta
from tests.asgi import AsgiServer
from tests.browser.test_push_in_browser import _sign_in

pytestmark = pytest.mark.browser
User = get_user_model()
# Generous: reconnecting waits for the socket's backoff (about 1, 2, 4 s between attempts).
BACK_WITHIN = 15_000


def _write(actor: Any, article: Article, words: str) -> None:
    """The JP drafter's co-editor syncing `words` at the end of the English text."""
    started = session_start(actor=actor, article=article, language="en")
    delta = make_delta(started["text"], started["text"] + words)
    result = sync(
        actor=actor,
        article_id=article.pk,
        session_key=started["session"],
        payload={"seq": 1, "server_version": 0, "edits": [{"client_version": 0, "delta": delta}]},
    )
    assert result.status == 200, result.body


def test_the_pages_catch_up_with_what_changed_while_the_socket_was_down(
    browser: Browser, asgi: AsgiServer, demo: Any
) -> None:
    consultation = Article.objects.get(draft=demo, heading="Consultation")
    assistance = Article.objects.get(draft=demo, heading="Mutual Assistance")
    span = "will consult together"
    context, draft_page = _sign_in(browser, asgi, "uk.drafter")
    board = context.new_page()
    coedit = context.new_page()
    try:
        draft_page.goto(f"{asgi.url}/drafts/{demo.pk}/?lang=both")
        board.goto(f"{asgi.url}/drafts/{demo.pk}/negotiation/")
        coedit.goto(f"{asgi.url}/drafts/{demo.pk}/articles/{assistance.pk}/coedit/?language=en")
        # On the draft page, an editor in Mutual Assistance (it says whether updates are live);
        # Consultation stays a page, drawn by the server.
        expect(draft_page.locator("[data-canvas][data-ready]")).to_have_count(1, timeout=15_000)
        draft_page.locator(
            f'[data-canvas-text][data-article="{assistance.pk}"][data-language="en"]'
        ).click()
        for page in (draft_page, coedit):
            expect(page.get_by_test_id("coedit-live")).to_have_attribute(
                "data-state", "push", timeout=15_000
            )
        expect(draft_page.locator("[data-canvas]")).to_have_attribute("data-socket", "up")
        expect(board.locator("[data-negotiation-live]").first).to_have_attribute(
            "data-negotiation-push", "up", timeout=15_000
        )
        expect(board.get_by_test_id("board-summary")).not_to_contain_text("JP 1")
        for page in (draft_page, board, coedit):
            page.evaluate("window.notReloaded = true")

        asgi.stop()
        # While it is down, the pages say so.
        for page in (draft_page, coedit):
            expect(page.get_by_test_id("coedit-live")).to_contain_text(
                "Live updates unavailable", timeout=15_000
            )
        expect(draft_page.locator("[data-canvas]")).to_have_attribute(
            "data-socket", "down", timeout=15_000
        )
        expect(board.locator("[data-negotiation-live]").first).to_have_attribute(
            "data-negotiation-push", "down", timeout=15_000
        )
        jp = User.objects.get(username="jp.drafter")
        start = consultation.text_en.index(span)
        bracket_create(
            actor=jp,
            article=consultation,
            language="en",
            start=start,
            end=start + len(span),
            options=[{"text": "shall consult together", "delegations": ["JP"]}],
        )
        _write(jp, assistance, " Kanazawa.")
        asgi.start()

        expect(draft_page.get_by_test_id("bracket").first).to_contain_text(
            f"[JP: {span}", timeout=BACK_WITHIN
        )
        expect(board.get_by_test_id("board-summary")).to_contain_text(
            "UK 0, JP 1", timeout=BACK_WITHIN
        )
        for page in (coedit, draft_page):
            page.wait_for_function(
                "() => document.querySelector('[data-coedit]').coeditor.view.state.doc"
                ".toString().endsWith(' Kanazawa.')",
                timeout=BACK_WITHIN,
            )
            expect(page.get_by_test_id("coedit-live")).to_have_attribute("data-state", "push")
        for page in (draft_page, board, coedit):
            assert page.evaluate("window.notReloaded") is True
    finally:
        context.close()
