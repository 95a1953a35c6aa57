"""The US consultation in a real browser: a State Department consultee goes from the
dashboard to round 1 and answers an article with a concern; the lead drafter finds it in the
round report and records a disposition, which the consultee then sees."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from drafting.models import Disposition, Response, Round

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "test-results"
RATIONALE = (
    "Read with Article 5 of the US-Japan treaty, this could suggest an automatic commitment."
)


def test_consultee_answers_and_the_lead_drafter_disposes(page: Page, live_server, demo, login):
    SHOTS.mkdir(exist_ok=True)
    round_ = Round.objects.get(draft=demo, number=1)
    first = round_.articles.order_by("position").first()

    # The consultee: from the dashboard to round 1, never through the live draft.
    login(page, "us.state")
    page.get_by_role("link", name=re.compile("your consultation rounds")).click()
    expect(page.get_by_role("heading", name="Your consultation rounds")).to_be_visible()
    page.get_by_test_id("round-list").get_by_role("link", name="Round 1", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("Consultation round 1"))).to_be_visible()
    expect(page.get_by_test_id("marking-top")).to_have_text(re.compile("REL USA"))
    nav = page.get_by_test_id("consultee-nav")
    expect(nav.get_by_role("link", name="History")).to_have_count(0)

    form = page.get_by_test_id("response-form").first
    wording = form.get_by_label("Your proposed wording")
    expect(wording).to_be_hidden()  # asked for only with a proposed wording
    form.get_by_role("radio", name="Proposed wording").check()
    expect(wording).to_be_visible()
    form.get_by_role("radio", name="Concern").check()
    expect(wording).to_be_hidden()
    form.get_by_label("Rationale").fill(RATIONALE)
    form.get_by_role("button", name="Send the answer").click()
    expect(page.locator(".message")).to_contain_text("concern on")
    answer = Response.objects.get(round_article=first)
    assert (answer.office.name, answer.position, answer.rationale) == (
        "State EAP",
        "concern",
        RATIONALE,
    )
    expect(
        page.get_by_test_id("response-form").first.get_by_role("radio", name="Concern")
    ).to_be_checked()
    page.screenshot(path=str(SHOTS / "consultation-round-consultee.png"), full_page=True)

    # The lead drafter: the report shows the concern and what is still outstanding.
    page.context.clear_cookies()
    login(page, "uk.lead")
    page.goto(f"{live_server.url}{demo.get_absolute_url()}")
    page.get_by_role("navigation", name="Draft").get_by_role("link", name="US consultation").click()
    expect(page.get_by_test_id("open-round-form")).to_contain_text("Open round 2")
    page.screenshot(path=str(SHOTS / "consultation-list-owner.png"), full_page=True)
    page.get_by_test_id("round-list").get_by_role("link", name="Report").first.click()
    report = page.get_by_test_id("report")
    expect(report).to_contain_text("Concern")
    expect(report).to_contain_text(RATIONALE)
    expect(report.locator(".report-cell--outstanding").first).to_contain_text("Outstanding")
    page.screenshot(path=str(SHOTS / "consultation-report.png"), full_page=True)

    # ... and records a disposition on the round page.
    page.get_by_role("navigation", name="This round").get_by_role(
        "link", name="Articles and answers"
    ).click()
    page.screenshot(path=str(SHOTS / "consultation-round-owner.png"), full_page=True)
    dispose = page.get_by_test_id("dispose-form").first
    dispose.get_by_role("radio", name="Partly accepted").check()
    dispose.get_by_label(re.compile("^Rationale")).fill(
        "We add “in accordance with its constitutional processes”."
    )
    dispose.get_by_role("button", name="Record disposition").click()
    expect(page.locator(".message")).to_contain_text("partly accepted")
    disposition = Disposition.objects.get(response=answer)
    assert disposition.outcome == "partly_accepted"
    page.get_by_role("navigation", name="This round").get_by_role("link", name="Report").click()
    expect(page.get_by_test_id("report")).to_contain_text("Partly accepted")
    page.screenshot(path=str(SHOTS / "consultation-report-disposed.png"), full_page=True)

    # The consultee sees how the concern was disposed of.
    page.context.clear_cookies()
    login(page, "us.state")
    page.goto(f"{live_server.url}{round_.get_absolute_url()}")
    expect(page.locator(f"#article-{first.pk}")).to_contain_text("Partly accepted")


def test_owner_opens_a_round_and_a_refused_deadline_keeps_the_form(
    page: Page, live_server, demo, login
):
    """The open-round form posts to its own action: a deadline in the past comes back on the
    rounds page with the message beside the form and the cover note as typed; fixed, the round
    opens."""
    SHOTS.mkdir(exist_ok=True)
    login(page, "uk.lead")
    page.goto(f"{live_server.url}/drafts/{demo.pk}/consultations/")
    form = page.get_by_test_id("open-round-form")
    expect(form).to_contain_text("Open round 2")
    form.locator("input[name=articles]:not([disabled])").first.check()
    form.locator("input[name=offices]").first.check()
    form.locator("#deadline").fill("2020-01-01T10:00")
    form.get_by_label("Cover note").fill("Typed with care: please read Article 2 first.")
    form.get_by_role("button", name="Open round 2").click()
    expect(page.locator("#form-error")).to_contain_text("The deadline is in the past")
    form = page.get_by_test_id("open-round-form")
    expect(form.get_by_label("Cover note")).to_have_value(
        "Typed with care: please read Article 2 first."
    )
    page.screenshot(path=str(SHOTS / "consultation-open-refused.png"), full_page=True)
    form.locator("#deadline").fill("2099-01-01T10:00")
    form.get_by_role("button", name="Open round 2").click()
    expect(page.get_by_role("heading", name=re.compile("Consultation round 2"))).to_be_visible()
    assert Round.objects.get(draft=demo, number=2).cover_note.startswith("Typed with care")
