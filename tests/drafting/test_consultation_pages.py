"""US consultation pages: the rounds of a draft (opening one, the offices), a round with its
frozen articles, answers, dispositions and channel, the report (page and CSV) and the
disclosure log; who sees what, and what bad input gives."""

from __future__ import annotations

import csv
import html as html_lib
import io
import re
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from drafting.models import ChannelMessage, DisclosureEvent, Disposition, Response, Round
from drafting.services import consultation as services
from drafting.services import drafts as draft_services
from drafting.services.drafts import article_edit
from tests.drafting.test_pages import markings

LIVE_WORDS = "ZEBRA-LIVE-ONLY wording added after the round"
UNRELEASED = "The Parties shall strengthen their alliance."


@pytest.fixture
def world(us_offices: dict[str, Any]) -> dict[str, Any]:
    """Two REL USA articles, one UK/JPN ONLY; offices State EAP (us.state) and OSD Policy
    (us.dod, another consultee of the draft): tests/conftest.py's us_offices."""
    return us_offices


def _open(draft, personas, world, offices=None, number_of_days=7) -> Round:
    return services.round_open(
        actor=personas.owner,
        draft=draft,
        article_ids=[world["consultation"].pk, world["assistance"].pk],
        office_ids=[o.pk for o in (offices or [world["eap"]])],
        deadline=timezone.now() + timedelta(days=number_of_days),
        cover_note="Round one: your views on consultation and mutual assistance.",
    )


@pytest.fixture
def round_(draft, personas, world) -> Round:
    return _open(draft, personas, world)


def urls(draft, number: int = 1) -> dict[str, str]:
    return {
        "list": reverse("consultation-list", args=[draft.pk]),
        "round": reverse("round-detail", args=[draft.pk, number]),
        "report": reverse("round-report", args=[draft.pk, number]),
        "csv": reverse("round-report-csv", args=[draft.pk, number]),
        "disclosures": reverse("round-disclosures", args=[draft.pk, number]),
    }


def actions(draft) -> dict[str, str]:
    """The owner's forms on the rounds page, one action each."""
    return {
        "open": reverse("consultation-round-open", args=[draft.pk]),
        "office_create": reverse("consultation-office-create", args=[draft.pk]),
    }


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def deadline_in(days: float) -> str:
    return (timezone.now() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


# --- opening a round --------------------------------------------------------------------


def test_owner_opens_a_round_from_the_page_and_sees_it_listed(client, draft, personas, world):
    client.force_login(personas.owner)
    html = page(client, urls(draft)["list"])
    assert "Open round 1" in html
    purposes = world["purposes"]
    # An article not released to the US is listed, disabled, with the reason and a link.
    box = re.search(rf'<input[^>]*id="open-article-{purposes.pk}"[^>]*>', html).group(0)
    assert "disabled" in box
    assert "Not released to the US" in html and purposes.get_absolute_url() in html
    response = client.post(
        actions(draft)["open"],
        {
            "articles": [world["consultation"].pk, world["assistance"].pk],
            "offices": [world["eap"].pk, world["osd"].pk],
            "deadline": deadline_in(10),
            "cover_note": "Please look at Articles 2 and 3.",
            "close_at_deadline": "1",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == urls(draft)["round"]
    round_ = Round.objects.get(draft=draft, number=1)
    assert round_.articles.count() == 2 and round_.close_at_deadline
    assert round_.cover_note == "Please look at Articles 2 and 3."
    html = page(client, urls(draft)["list"])
    assert "Round 1 opened: 2 article(s) frozen and sent to 2 office(s)." in html
    row = re.search(r'<tr data-round="1">.*?</tr>', html, re.S).group(0)
    assert "Round 1" in row and "Open" in row and "0/4" in row
    assert "OSD Policy" in row and "State EAP" in row
    assert re.search(r"due in (9|10) days", row)
    assert "Open round 2" in html


def test_the_deadline_is_read_as_utc(client, draft, personas, world):
    client.force_login(personas.owner)
    when = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    client.post(
        actions(draft)["open"],
        {
            "articles": [world["consultation"].pk],
            "offices": [world["eap"].pk],
            "deadline": when.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert Round.objects.get(draft=draft).deadline == when
    assert "UTC" in page(client, urls(draft)["list"])


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("past", "The deadline is in the past"),
        ("unreleased", "Only articles marked REL USA can be sent"),
        ("no_deadline", "Give the deadline as a date and a time"),
        ("no_office", "Choose at least one US office"),
    ],
)
def test_bad_input_shows_the_message_and_keeps_what_was_typed(
    client, draft, personas, world, case, message
):
    client.force_login(personas.owner)
    data: dict[str, Any] = {
        "articles": [world["consultation"].pk],
        "offices": [world["eap"].pk],
        "deadline": deadline_in(5),
        "cover_note": "A cover note I typed with care.",
    }
    if case == "past":
        data["deadline"] = deadline_in(-1)
    elif case == "unreleased":
        data["articles"] = [world["consultation"].pk, world["purposes"].pk]
    elif case == "no_deadline":
        data["deadline"] = "next Tuesday"
    else:
        data["offices"] = []
    response = client.post(actions(draft)["open"], data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "A cover note I typed with care.</textarea>" in html
    box = re.search(rf'<input[^>]*id="open-article-{world["consultation"].pk}"[^>]*>', html)
    assert "checked" in box.group(0)
    assert not Round.objects.filter(draft=draft).exists()
    assert markings(html) == ["OFFICIAL-SENSITIVE"] * 2


def test_only_the_owner_opens_rounds_and_manages_offices(client, draft, personas, world):
    client.force_login(personas.uk_drafter)
    html = page(client, urls(draft)["list"])
    assert "Open round" not in html and "Create an office" not in html
    response = client.post(
        actions(draft)["open"],
        {
            "articles": [world["consultation"].pk],
            "offices": [world["eap"].pk],
            "deadline": deadline_in(5),
        },
    )
    assert response.status_code == 403
    assert "Only the draft's owner" in html_lib.unescape(response.content.decode())
    assert not Round.objects.exists()


def test_owner_creates_an_office_and_changes_its_members(client, draft, personas, world):
    client.force_login(personas.owner)
    response = client.post(
        actions(draft)["office_create"], {"name": "INDOPACOM J5", "members": ["us.dod"]}
    )
    assert response.status_code == 302
    office = draft.offices.get(name="INDOPACOM J5")
    assert list(office.members.values_list("username", flat=True)) == ["us.dod"]
    response = client.post(
        reverse("consultation-office-members", args=[draft.pk, office.pk]),
        {"members": ["us.state", "us.dod"]},
    )
    assert response.status_code == 302
    assert set(office.members.values_list("username", flat=True)) == {"us.state", "us.dod"}
    # Only the draft's consultees can belong to an office; the name typed is kept.
    response = client.post(
        actions(draft)["office_create"], {"name": "Joint Staff", "members": ["uk.drafter"]}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Only US consultees of this draft" in html and 'value="Joint Staff"' in html


def test_each_form_posts_to_its_own_action(client, draft, personas, world):
    client.force_login(personas.owner)
    html = page(client, urls(draft)["list"])
    assert f'action="{actions(draft)["open"]}"' in html
    assert f'action="{actions(draft)["office_create"]}"' in html
    members_url = reverse("consultation-office-members", args=[draft.pk, world["eap"].pk])
    assert f'action="{members_url}"' in html
    assert 'name="action"' not in html
    # The list itself takes no POST any more.
    assert client.post(urls(draft)["list"], {"action": "open_round"}).status_code == 405


@pytest.mark.parametrize(
    ("action", "data", "message"),
    [
        (
            "open",
            {"articles": ["²"], "offices": [], "deadline": "2099-01-01T10:00"},
            "is not the id",
        ),
        ("open", {"articles": [], "offices": [], "deadline": ""}, "Give the deadline"),
        ("office_create", {"name": "", "members": ["us.dod"]}, "This field is required"),
        ("office_create", {"name": "N" * 121, "members": []}, "at most 120 characters"),
    ],
)
def test_a_form_refused_by_its_checks_answers_400_with_the_message(
    client, draft, personas, world, action, data, message
):
    client.force_login(personas.owner)
    data = {**data, "cover_note": "Kept as typed."} if action == "open" else data
    response = client.post(actions(draft)[action], data)
    assert response.status_code == 400
    html = html_lib.unescape(response.content.decode())
    assert message in html
    if action == "open":
        assert "Kept as typed.</textarea>" in html
    else:
        assert f'value="{data["name"]}"' in html
    assert not Round.objects.exists() and draft.offices.count() == 2


def test_office_members_of_another_draft_or_by_another_persona_are_refused(
    client, draft, personas, world
):
    other = draft_services.draft_create(actor=personas.owner, title="Other", delegation="UK")
    members_url = reverse("consultation-office-members", args=[other.pk, world["eap"].pk])
    client.force_login(personas.owner)
    assert client.post(members_url, {"members": ["us.dod"]}).status_code == 404
    own_url = reverse("consultation-office-members", args=[draft.pk, world["eap"].pk])
    client.force_login(personas.uk_drafter)
    response = client.post(own_url, {"members": ["us.dod"]})
    assert response.status_code == 403
    client.force_login(personas.consultee)
    for url in (own_url, actions(draft)["office_create"], actions(draft)["open"]):
        assert client.post(url, {"name": "X", "members": ["us.dod"]}).status_code in (403, 404)
    assert list(world["eap"].members.values_list("username", flat=True)) == ["us.state"]
    assert draft.offices.count() == 2


# --- the consultee ----------------------------------------------------------------------


def test_consultee_sees_the_snapshot_never_the_live_text(client, draft, personas, world, round_):
    article = world["assistance"]
    sent_text = article.text_en
    article_edit(actor=personas.uk_drafter, article=article, text_en=LIVE_WORDS)
    client.force_login(personas.consultee)
    html = page(client, urls(draft)["round"])
    assert sent_text in html
    assert "ZEBRA-LIVE-ONLY" not in html
    assert UNRELEASED not in html and "Purposes" not in html
    assert 'lang="ja"' in html and "締約国は、" in html
    assert "Round one: your views" in html
    # No way to the live draft: a nav of the consultee's rounds only.
    assert 'data-testid="consultee-nav"' in html
    for live in (f'href="/drafts/{draft.pk}/"', "/history/", "/members/", "/versions/"):
        assert live not in html, live
    assert markings(html) == ["OFFICIAL-SENSITIVE · REL USA"] * 2
    # Opening it is logged, once.
    page(client, urls(draft)["round"])
    opened = DisclosureEvent.objects.filter(round=round_, kind="opened")
    assert [(e.user, e.office) for e in opened] == [(personas.consultee, world["eap"])]


def test_consultee_lists_only_their_rounds_with_a_minimal_nav(client, draft, personas, world):
    _open(draft, personas, world, offices=[world["osd"]])  # round 1: OSD only
    _open(draft, personas, world, offices=[world["eap"]])  # round 2: State EAP
    client.force_login(personas.consultee)
    html = page(client, urls(draft)["list"])
    assert 'data-round="2"' in html and 'data-round="1"' not in html
    assert "OSD Policy" not in html
    assert "Open round" not in html and "Disclosure log" not in html
    assert f'href="/drafts/{draft.pk}/"' not in html
    assert markings(html) == ["OFFICIAL-SENSITIVE · REL USA"] * 2
    page(client, urls(draft, 1)["round"], 404)


def test_consultee_answers_an_article(client, draft, personas, world, round_):
    snapshot = round_.articles.get(article=world["consultation"])
    client.force_login(personas.consultee)
    response = client.post(
        urls(draft)["round"],
        {
            "action": "respond",
            "snapshot": snapshot.pk,
            "office": world["eap"].pk,
            "position": "proposed_wording",
            "wording": "The Parties shall consult promptly.",
            "rationale": "Clearer.",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#article-{snapshot.pk}")
    answer = Response.objects.get(round_article=snapshot, office=world["eap"])
    assert (answer.position, answer.wording, answer.rationale) == (
        "proposed_wording",
        "The Parties shall consult promptly.",
        "Clearer.",
    )
    html = page(client, urls(draft)["round"])
    assert 'value="proposed_wording" checked' in html and "Update the answer" in html
    # The wording goes only with a proposed wording.
    client.post(
        urls(draft)["round"],
        {
            "action": "respond",
            "snapshot": snapshot.pk,
            "office": world["eap"].pk,
            "position": "concern",
            "wording": "stale",
            "rationale": "On reflection, a concern.",
        },
    )
    answer.refresh_from_db()
    assert (answer.position, answer.wording) == ("concern", "")


def test_a_proposed_wording_without_wording_keeps_the_rationale(
    client, draft, personas, world, round_
):
    snapshot = round_.articles.get(article=world["consultation"])
    client.force_login(personas.consultee)
    response = client.post(
        urls(draft)["round"],
        {
            "action": "respond",
            "snapshot": snapshot.pk,
            "office": world["eap"].pk,
            "position": "proposed_wording",
            "wording": "",
            "rationale": "My careful rationale.",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "A proposed wording needs the wording." in html
    assert "My careful rationale.</textarea>" in html
    assert f'href="#respond-{snapshot.pk}-{world["eap"].pk}"' in html
    assert not Response.objects.exists()


def test_consultee_of_another_office_and_outsiders_get_404(client, draft, personas, world, round_):
    for user in (world["dod"], personas.outsider):
        client.force_login(user)
        for name, url in urls(draft).items():
            response = client.get(url)
            assert response.status_code == 404, (user, name)
            assert b"Mutual assistance" not in response.content
        response = client.post(
            urls(draft)["round"],
            {"action": "post", "office": world["eap"].pk, "body": "hello"},
        )
        assert response.status_code == 404
    assert not ChannelMessage.objects.exists()


def test_disclosure_log_is_the_drafters_only(client, draft, personas, world, round_):
    client.force_login(personas.consultee)
    page(client, urls(draft)["round"])
    page(client, urls(draft)["disclosures"], 404)
    assert "Disclosure log" not in page(client, urls(draft)["round"])
    client.force_login(personas.reviewer)
    html = page(client, urls(draft)["disclosures"])
    log = re.search(r'data-testid="disclosure-log">.*?</table>', html, re.S).group(0)
    assert "Sent" in log and "Opened" in log
    assert "us.state" in log and "State EAP" in log
    assert "Article 3 — Mutual assistance" in log
    assert markings(html) == ["OFFICIAL-SENSITIVE"] * 2


# --- drafters and readers ---------------------------------------------------------------


@pytest.fixture
def answered(draft, personas, world, round_) -> Response:
    snapshot = round_.articles.get(article=world["consultation"])
    return services.response_submit(
        actor=personas.consultee,
        round_article=snapshot,
        position="concern",
        rationale="This could be read as an automatic commitment.",
    )


def test_drafter_records_a_disposition(client, draft, personas, world, round_, answered):
    client.force_login(personas.uk_drafter)
    html = page(client, urls(draft)["round"])
    assert "This could be read as an automatic commitment." in html
    assert 'data-testid="dispose-form"' in html
    assert "No answer yet" in html  # the other article
    response = client.post(
        urls(draft)["round"],
        {
            "action": "dispose",
            "response": answered.pk,
            "outcome": "partly_accepted",
            "rationale": "",
        },
    )
    assert response.status_code == 400
    assert "Give the rationale" in response.content.decode()
    assert 'value="partly_accepted" checked' in response.content.decode()
    response = client.post(
        urls(draft)["round"],
        {
            "action": "dispose",
            "response": answered.pk,
            "outcome": "partly_accepted",
            "rationale": "We add 'in accordance with its constitutional processes'.",
        },
    )
    assert response.status_code == 302
    disposition = Disposition.objects.get(response=answered)
    assert (
        disposition.outcome == "partly_accepted" and disposition.decided_by == personas.uk_drafter
    )
    # The office sees how its concern was disposed of.
    client.force_login(personas.consultee)
    html = page(client, urls(draft)["round"])
    assert "Partly accepted" in html and "constitutional processes" in html


def test_reviewer_sees_rounds_and_answers_but_no_disposition_form(
    client, draft, personas, world, round_, answered
):
    client.force_login(personas.reviewer)
    assert 'data-round="1"' in page(client, urls(draft)["list"])
    html = page(client, urls(draft)["round"])
    assert "This could be read as an automatic commitment." in html
    assert 'data-testid="dispose-form"' not in html and "Close round" not in html
    assert 'data-testid="response-form"' not in html
    response = client.post(
        urls(draft)["round"],
        {"action": "dispose", "response": answered.pk, "outcome": "noted", "rationale": "x"},
    )
    assert response.status_code == 403
    assert not Disposition.objects.exists()


def test_report_page_and_csv_carry_the_marking(client, draft, personas, world, round_, answered):
    services.disposition_record(
        actor=personas.owner, response=answered, outcome="noted", rationale="Noted, thanks."
    )
    client.force_login(personas.owner)
    html = page(client, urls(draft)["report"])
    assert markings(html) == ["OFFICIAL-SENSITIVE · REL USA"] * 2
    table = re.search(r'data-testid="report"[^>]*>.*?</table>', html, re.S).group(0)
    assert "Concern" in table and "Noted" in table and "Noted, thanks." in table
    assert table.count("report-cell--outstanding") == 1  # Article 3 has no answer yet
    assert urls(draft)["csv"] in html
    response = client.get(urls(draft)["csv"])
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["OFFICIAL-SENSITIVE"] and rows[-1] == ["OFFICIAL-SENSITIVE"]
    assert rows[3][:3] == ["Article 2 — Consultation", "State EAP", "Concern"]
    assert "Outstanding answers: 1" in rows[-2][0]
    # The consultee's report holds their office only.
    client.force_login(personas.consultee)
    html = page(client, urls(draft)["report"])
    assert "State EAP" in html and markings(html) == ["OFFICIAL-SENSITIVE · REL USA"] * 2
    assert page(client, urls(draft)["csv"]).startswith("\ufeffOFFICIAL-SENSITIVE")


def test_channel_between_an_office_and_the_drafters(client, draft, personas, world):
    round_ = _open(draft, personas, world, offices=[world["eap"], world["osd"]])
    client.force_login(personas.consultee)
    response = client.post(
        urls(draft)["round"],
        {"action": "post", "office": world["eap"].pk, "body": "When is the next round?"},
    )
    assert response.status_code == 302
    client.force_login(world["dod"])
    services.channel_post(actor=world["dod"], round_=round_, office=world["osd"], body="OSD-ONLY")
    html = page(client, urls(draft)["round"])
    assert "When is the next round?" not in html and "OSD-ONLY" in html
    client.force_login(personas.consultee)
    html = page(client, urls(draft)["round"])
    assert "When is the next round?" in html and "OSD-ONLY" not in html
    # Posting to another office's channel is refused, and what was typed is kept.
    response = client.post(
        urls(draft)["round"], {"action": "post", "office": world["osd"].pk, "body": "sneaky"}
    )
    assert response.status_code == 403
    client.force_login(personas.uk_drafter)
    html = page(client, urls(draft)["round"])
    assert "When is the next round?" in html and "OSD-ONLY" in html


def test_owner_closes_the_round_and_answers_stop(client, draft, personas, world, round_):
    client.force_login(personas.owner)
    response = client.post(urls(draft)["round"], {"action": "close"})
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.status == "closed"
    client.force_login(personas.consultee)
    html = page(client, urls(draft)["round"])
    assert 'data-testid="response-form"' not in html and "This round is closed" in html
    response = client.post(
        urls(draft)["round"],
        {
            "action": "respond",
            "snapshot": round_.articles.first().pk,
            "office": world["eap"].pk,
            "position": "concern",
            "rationale": "late",
        },
    )
    assert response.status_code == 409
    assert "closed" in response.content.decode()


# --- since the US last saw it -----------------------------------------------------------


def test_next_round_shows_what_changed_and_how_concerns_were_disposed_of(
    client, draft, personas, world, round_, answered
):
    services.disposition_record(
        actor=personas.owner,
        response=answered,
        outcome="accepted",
        rationale="We now say 'shall consult'.",
    )
    article_edit(
        actor=personas.uk_drafter,
        article=world["consultation"],
        text_en="The Parties shall consult together promptly.",
    )
    _open(draft, personas, world)
    client.force_login(personas.consultee)
    html = page(client, urls(draft, 2)["round"])
    assert "Changed since round 1" in html
    assert '<del class="redline__del">' in html and '<ins class="redline__ins">' in html
    assert "promptly" in html
    assert "Unchanged since round 1" in html  # Article 3
    assert "How the answers in round 1 were disposed of" in html
    assert "Accepted" in html and "We now say" in html


def test_article_page_shows_the_united_states_block_to_readers(
    client, draft, personas, world, round_, answered
):
    article = world["consultation"]
    client.force_login(personas.reviewer)
    html = page(client, article.get_absolute_url())
    block = re.search(r'data-testid="us-status">.*?</aside>', html, re.S).group(0)
    assert urls(draft)["round"] in block and "Unchanged since." in block
    assert "State EAP" in block and "Concern" in block
    article_edit(actor=personas.uk_drafter, article=article, text_en="Changed text.")
    block = re.search(
        r'data-testid="us-status">.*?</aside>',
        page(client, article.get_absolute_url()),
        re.S,
    ).group(0)
    assert "Changed since." in block and '<ins class="redline__ins">' in block
    # An article never sent has no block.
    assert 'data-testid="us-status"' not in page(client, world["purposes"].get_absolute_url())


def test_consultee_goes_from_the_dashboard_to_their_rounds(client, draft, personas, world):
    client.force_login(personas.consultee)
    html = page(client, "/")
    assert "no round has been sent to your office yet" in html
    _open(draft, personas, world)
    html = page(client, "/")
    assert urls(draft)["list"] in html and "1 round, 1 open" in html


def test_readers_have_the_consultation_link_in_the_draft_nav(client, draft, personas):
    client.force_login(personas.reviewer)
    assert urls(draft)["list"] in page(client, f"/drafts/{draft.pk}/history/")


def test_every_consultation_page_carries_the_marking_top_and_bottom(
    client, draft, personas, world, round_, answered
):
    for user in (personas.owner, personas.reviewer, personas.consultee):
        client.force_login(user)
        for name, url in urls(draft).items():
            if name == "csv" or (name == "disclosures" and user == personas.consultee):
                continue
            found = markings(page(client, url))
            assert len(found) == 2 and all(m.startswith("OFFICIAL-SENSITIVE") for m in found), (
                user,
                name,
                found,
            )
