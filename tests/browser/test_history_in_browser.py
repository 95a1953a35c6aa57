"""History in a real browser: a drafter edits an article twice, steps back through its
revisions with the keyboard, compares them, names a version and rejects one change."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from drafting.models import Article, ChangeDecision, Revision, Version
from drafting.services.coalescing import COALESCE_WINDOW

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "test-results"

FIRST_EDIT = (
    "The Parties will consult together whenever",
    "The Parties shall consult together without delay whenever",
)
SECOND_EDIT = ("fully and frankly", "fully, frankly and in good faith")


def _edit(page: Page, article: Article, old: str, new: str) -> None:
    page.goto(article.get_absolute_url_for_test)  # type: ignore[attr-defined]
    field = page.get_by_label("English text")
    text = field.input_value()
    assert old in text
    field.fill(text.replace(old, new))
    page.get_by_role("button", name="Save article").click()
    expect(page.locator(".message")).to_contain_text("saved")


def test_drafter_steps_through_history_compares_versions_and_rejects_a_change(
    page: Page, live_server, demo, login
):
    article = Article.objects.get(draft=demo, heading="Consultation")
    article.get_absolute_url_for_test = f"{live_server.url}{article.get_absolute_url()}"  # type: ignore[attr-defined]
    original = article.text_en
    login(page, "uk.drafter")

    _edit(page, article, *FIRST_EDIT)
    # A drafter who pauses before the next edit gets a revision of its own (edits in quick
    # succession are coalesced); the test does not wait a minute, it backdates the first.
    pause = COALESCE_WINDOW + timedelta(seconds=1)
    for revision in Revision.objects.filter(article=article):
        Revision.objects.filter(pk=revision.pk).update(
            created_at=revision.created_at - pause, updated_at=revision.updated_at - pause
        )
    _edit(page, article, *SECOND_EDIT)
    assert Revision.objects.filter(article=article, language="en").count() == 3

    # History: the current text, and a slider that steps back with the keyboard.
    page.get_by_role("navigation", name="This article").get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", name=re.compile("Revision 3 of 3"))).to_be_visible()
    expect(page.get_by_test_id("marking-top")).to_contain_text("OFFICIAL-SENSITIVE")
    view = page.locator("[data-history-view] .legal-text")
    expect(view).to_contain_text("in good faith")
    slider = page.get_by_label("Step through revisions")
    # The page's script has wired the slider (it marks the form when it has).
    expect(page.locator("form[data-history-slider][data-ready]")).to_have_count(1)
    slider.focus()
    page.keyboard.press("ArrowLeft")
    expect(page.locator("[data-history-live]")).to_have_text(re.compile(r"Revision 2 of 3 by .+"))
    expect(view).to_contain_text("shall consult together without delay")
    expect(view).not_to_contain_text("in good faith")
    expect(page).to_have_url(re.compile(r"at=2"))
    expect(page.locator('.timeline__item[aria-current="true"]')).to_have_attribute(
        "data-revision", "2"
    )
    page.locator(".what-changed summary").click()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "history.png"), full_page=True)

    page.keyboard.press("Tab")  # away and back: the slider keeps working from the keyboard
    slider.focus()
    page.keyboard.press("Home")
    expect(page.locator("[data-history-live]")).to_have_text(re.compile(r"Revision 1 of 3 by"))
    expect(view).to_contain_text("The Parties will consult together whenever")
    expect(slider).to_be_focused()

    # Compare revision 1 with revision 3, inline and side by side.
    page.get_by_role("navigation", name="This article").get_by_role("link", name="Compare").click()
    page.get_by_label("From revision").select_option("1")
    page.get_by_label("To revision").select_option("3")
    page.get_by_role("button", name="Compare").click()
    redline = page.locator(".compare-result .redline")
    expect(redline.locator("del.redline__del").first).to_contain_text("will")
    expect(redline.locator("ins.redline__ins").filter(has_text="shall")).to_have_count(1)
    expect(redline.locator("ins.redline__ins").filter(has_text="good faith")).to_have_count(1)
    page.get_by_label("Side by side").check()
    page.get_by_role("button", name="Compare").click()
    expect(page.locator(".redline--old del.redline__del").first).to_be_visible()
    expect(page.locator(".redline--new ins.redline__ins").first).to_be_visible()
    expect(page.locator(".redline--old ins")).to_have_count(0)
    page.screenshot(path=str(SHOTS / "history-compare.png"), full_page=True)

    # Name a version.
    page.get_by_role("navigation", name="Draft", exact=True).get_by_role(
        "link", name="Versions"
    ).click()
    page.get_by_label("Name", exact=True).fill("Text for US consultation, round 1")
    page.get_by_role("button", name="Name this version").click()
    expect(page.locator(".message")).to_contain_text("Version 2")
    expect(
        page.get_by_role("link", name=re.compile("^v2 Text for US consultation"))
    ).to_be_visible()
    assert Version.objects.filter(draft=demo, number=2).exists()
    page.screenshot(path=str(SHOTS / "history-versions.png"), full_page=True)

    # Track changes: reject the first edit alone; the second stays.
    page.get_by_role("navigation", name="Draft", exact=True).get_by_role(
        "link", name="Track changes"
    ).click()
    expect(page.get_by_role("heading", name="Track changes")).to_be_visible()
    page.screenshot(path=str(SHOTS / "history-track-changes.png"))
    change = page.get_by_test_id(f"change-{article.pk}-en-2")
    expect(change.locator("ins.redline__ins").filter(has_text="without delay")).to_be_visible()
    expect(change.locator(".author")).to_have_class(re.compile("delegation--uk"))
    change.get_by_label("Reason (optional)").fill("Keep “will”.")
    change.scroll_into_view_if_needed()
    page.get_by_test_id(f"change-{article.pk}-en-3").screenshot(
        path=str(SHOTS / "history-changes.png")
    )
    change.get_by_role("button", name="Reject revision 2 (English)").click()
    expect(page.locator(".message")).to_contain_text("revision 2 rejected")
    expect(page.get_by_test_id(f"change-{article.pk}-en-2")).to_have_count(0)

    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    current = page.locator(".current-text .legal-text[lang=en]")
    expect(current).to_contain_text("The Parties will consult together whenever")
    expect(current).to_contain_text("fully, frankly and in good faith")
    article.refresh_from_db()
    assert article.text_en == original.replace(*SECOND_EDIT)
    decision = ChangeDecision.objects.get(revision__article=article, revision__number=2)
    assert (decision.decision, decision.reason) == ("rejected", "Keep “will”.")


def test_reviewer_reads_history_and_compares_versions_without_controls(
    page: Page, live_server, demo, login
):
    from django.contrib.auth import get_user_model

    from drafting.services import versions as version_services
    from drafting.services.drafts import article_edit

    users = {u.username: u for u in get_user_model().objects.all()}
    article = Article.objects.get(draft=demo, heading="Consultation")
    version_services.version_create(actor=users["uk.lead"], draft=demo, name="Round 1")
    article_edit(
        actor=users["jp.drafter"],
        article=article,
        text_en=article.text_en.replace(*FIRST_EDIT),
        text_ja=article.text_ja.replace("協議する。", "遅滞なく協議する。"),
    )
    login(page, "uk.reviewer")
    page.goto(f"{live_server.url}/drafts/{demo.pk}/versions/")
    expect(page.get_by_role("button", name="Name this version")).to_have_count(0)
    page.get_by_role("link", name="Compare with now (v2)").click()
    expect(page.locator(".change-count--changed strong")).to_have_text("1")
    changed = page.locator(f"#compare-{article.pk}")
    expect(changed.locator(".tag")).to_have_text("changed")
    expect(changed.locator('.redline[lang="ja"] ins')).to_contain_text("遅滞なく")
    expect(page.locator("details.compare-article--unchanged")).to_have_count(11)
    page.screenshot(path=str(SHOTS / "history-draft-compare.png"), full_page=True)

    page.goto(f"{live_server.url}/drafts/{demo.pk}/versions/1/")
    expect(page.get_by_test_id("version-text")).to_contain_text("The Parties will consult together")
    expect(page.get_by_role("link", name=re.compile("Restore this version"))).to_have_count(0)
    page.screenshot(path=str(SHOTS / "history-version.png"))

    page.goto(f"{live_server.url}/drafts/{demo.pk}/changes/?since=1")
    expect(page.get_by_test_id(f"change-{article.pk}-ja-2")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^(Accept|Reject)"))).to_have_count(0)

    page.goto(f"{live_server.url}/drafts/{demo.pk}/history/")
    expect(page.locator(".draft-timeline__row").first).to_contain_text("Article 2 — Consultation")
    page.screenshot(path=str(SHOTS / "history-draft.png"))
