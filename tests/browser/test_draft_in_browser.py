"""A drafter's first minutes, in a real browser: sign in, read the draft, insert a clause."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from drafting.models import Article

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "test-results"


def test_drafter_inserts_a_library_clause(page: Page, live_server, demo, login):
    login(page, "uk.drafter")
    expect(page.get_by_test_id("marking-top")).to_have_text("OFFICIAL-SENSITIVE")
    page.get_by_role("link", name=re.compile("Treaty of Alliance between")).click()
    expect(page.get_by_test_id("marking-top")).to_have_text("OFFICIAL-SENSITIVE")
    expect(page.get_by_test_id("marking-bottom")).to_have_text("OFFICIAL-SENSITIVE")
    expect(page.get_by_role("heading", name="前文")).to_be_visible()
    count_before = Article.objects.filter(draft=demo).count()

    page.get_by_role("link", name="Insert from library").click()
    page.get_by_label("Obligation type").select_option("consultation")
    page.get_by_role("button", name="Search").click()
    clause = page.get_by_test_id("insert-consultation-nato-art4")
    clause.get_by_label("at position").fill("3")
    clause.get_by_role("button", name="Insert into draft").click()

    expect(page.locator(".message")).to_contain_text("inserted into")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Article 2")
    expect(page.get_by_role("heading", name="Provenance")).to_be_visible()
    expect(
        page.get_by_role("link", name=re.compile("North Atlantic Treaty.*Art. 4"))
    ).to_be_visible()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "inserted-clause.png"), full_page=True)

    assert Article.objects.filter(draft=demo).count() == count_before + 1
    inserted = Article.objects.get(draft=demo, position=3)
    assert inserted.source_clause.slug == "consultation-nato-art4"
    assert inserted.number == "2"
    assert inserted.provenance["inserted_by"] == "uk.drafter"


def test_reviewer_reads_but_has_no_editing_controls(page: Page, live_server, demo, login):
    login(page, "uk.reviewer")
    page.goto(f"{live_server.url}{demo.get_absolute_url()}")
    expect(page.get_by_role("link", name="Add article")).to_have_count(0)
    page.get_by_role("link", name=re.compile(r"^Article 1")).first.click()
    expect(page.get_by_test_id("article-form")).to_have_count(0)
    expect(page.get_by_text("only the draft's drafters can change its text")).to_be_visible()


def test_unsaved_text_survives_a_reload(page: Page, live_server, demo, login):
    """What a drafter typed but did not save comes back after the page is reloaded."""
    login(page, "jp.drafter")  # works in Japanese: the notice comes from the JS catalogue
    article = Article.objects.get(draft=demo, position=2)
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    page.get_by_label("日本語の条文").fill("締約国は、𠮟責を受けない。")
    page.on("dialog", lambda dialog: dialog.accept())
    page.reload()
    expect(page.get_by_label("日本語の条文")).to_have_value("締約国は、𠮟責を受けない。")
    expect(page.get_by_role("status").filter(has_text="未保存の入力内容")).to_be_visible()
    page.get_by_role("button", name="条を保存").click()
    expect(page.locator(".message")).to_contain_text("保存しました")
    article.refresh_from_db()
    assert article.text_ja == "締約国は、𠮟責を受けない。"
    page.reload()
    expect(page.get_by_role("status").filter(has_text="未保存の入力内容")).to_have_count(0)
