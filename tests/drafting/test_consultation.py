"""The US consultation workflow on the real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from drafting.errors import ApplicationError, ConflictError, PermissionDeniedError
from drafting.models import DisclosureEvent, Notification, Response, Round, RoundReminder
from drafting.services import consultation as services
from drafting.services import drafts as draft_services


@pytest.fixture
def world(us_offices):
    """Two US offices; two articles released to the US (Consultation, Mutual assistance), one
    not (Purposes): tests/conftest.py's us_offices."""
    return us_offices


def open_round(draft, personas, world, articles=None, offices=None, days=7, **kw) -> Round:
    return services.round_open(
        actor=personas.owner,
        draft=draft,
        article_ids=[a.pk for a in (articles or [world["consultation"], world["assistance"]])],
        office_ids=[o.pk for o in (offices or [world["eap"]])],
        deadline=timezone.now() + timedelta(days=days),
        cover_note="Please comment.",
        **kw,
    )


def test_round_freezes_snapshots_and_logs_disclosure(draft, personas, world):
    round_ = open_round(draft, personas, world)
    assert round_.number == 1
    snapshot = round_.articles.get(article=world["consultation"])
    draft_services.article_edit(
        actor=personas.uk_drafter, article=world["consultation"], text_en="Changed after sending."
    )
    snapshot.refresh_from_db()
    assert snapshot.text_en == "The Parties will consult together."
    sent = DisclosureEvent.objects.get(round=round_, kind="sent")
    assert sent.office == world["eap"] and [a["article"] for a in sent.articles] == [
        world["consultation"].pk,
        world["assistance"].pk,
    ]
    assert Notification.objects.filter(recipient=personas.consultee, kind="round_sent").exists()
    assert not Notification.objects.filter(recipient=world["dod"], kind="round_sent").exists()


def test_only_rel_usa_articles_and_future_deadlines(draft, personas, world):
    with pytest.raises(ApplicationError, match="REL USA") as exc:
        open_round(draft, personas, world, articles=[world["consultation"], world["purposes"]])
    assert exc.value.code == "not_releasable"
    with pytest.raises(ApplicationError, match="in the past"):
        open_round(draft, personas, world, days=-1)
    with pytest.raises(PermissionDeniedError):
        services.round_open(
            actor=personas.uk_drafter,
            draft=draft,
            article_ids=[world["consultation"].pk],
            office_ids=[world["eap"].pk],
            deadline=timezone.now() + timedelta(days=1),
        )
    assert not Round.objects.exists()


def test_responses_dispositions_and_closing(draft, personas, world):
    round_ = open_round(draft, personas, world, offices=[world["eap"], world["osd"]])
    snapshot = round_.articles.get(article=world["assistance"])
    response = services.response_submit(
        actor=personas.consultee,
        round_article=snapshot,
        position="concern",
        rationale="Reads as an automatic commitment in the Pacific.",
    )
    revised = services.response_submit(
        actor=personas.consultee,
        round_article=snapshot,
        position="proposed_wording",
        wording="such action as it deems necessary",
        rationale="NATO Art. 5 wording.",
    )
    assert revised.pk == response.pk and revised.position == "proposed_wording"
    with pytest.raises(ApplicationError, match="needs the wording"):
        services.response_submit(
            actor=world["dod"], round_article=snapshot, position="proposed_wording"
        )
    with pytest.raises(PermissionDeniedError):
        services.disposition_record(
            actor=personas.consultee, response=revised, outcome="accepted", rationale="me"
        )
    services.disposition_record(
        actor=personas.jp_drafter,
        response=revised,
        outcome="partly_accepted",
        rationale="Adopted in Article 3(1).",
    )
    services.round_close(actor=personas.owner, round_=round_)
    with pytest.raises(ConflictError, match="closed"):
        services.response_submit(
            actor=world["dod"], round_article=snapshot, position="no_objection"
        )
    with pytest.raises(ConflictError, match="already closed"):
        services.round_close(actor=personas.owner, round_=round_)
    assert Response.objects.count() == 1


def test_consultee_of_another_office_cannot_answer(draft, personas, world):
    round_ = open_round(draft, personas, world)  # EAP only
    snapshot = round_.articles.first()
    with pytest.raises(PermissionDeniedError):
        services.response_submit(
            actor=world["dod"], round_article=snapshot, position="no_objection"
        )


def test_reminders_and_escalations_are_sent_once(draft, personas, world):
    round_ = open_round(draft, personas, world, days=7, close_at_deadline=True)
    assert services.deadlines_run() == {"reminders": 0, "escalations": 0, "closed": 0}
    near = round_.deadline - timedelta(hours=2)
    assert services.deadlines_run(near)["reminders"] == 1
    assert services.deadlines_run(near)["reminders"] == 0
    late = round_.deadline + timedelta(minutes=5)
    assert services.deadlines_run(late) == {"reminders": 0, "escalations": 1, "closed": 1}
    assert services.deadlines_run(late) == {"reminders": 0, "escalations": 0, "closed": 0}
    assert RoundReminder.objects.filter(round=round_).count() == 2
    assert Notification.objects.filter(recipient=personas.owner, kind="round_overdue").count() == 1
    assert (
        Notification.objects.filter(recipient=personas.consultee, kind="round_reminder").count()
        == 1
    )
    round_.refresh_from_db()
    assert round_.status == "closed"


def test_next_round_shows_what_changed_and_dispositions(draft, personas, world, api):
    first = open_round(draft, personas, world)
    snapshot = first.articles.get(article=world["consultation"])
    response = services.response_submit(
        actor=personas.consultee, round_article=snapshot, position="concern", rationale="Too vague."
    )
    services.disposition_record(
        actor=personas.uk_drafter, response=response, outcome="accepted", rationale="Clarified."
    )
    services.round_close(actor=personas.owner, round_=first)
    draft_services.article_edit(
        actor=personas.uk_drafter,
        article=world["consultation"],
        text_en="The Parties shall strengthen and deepen their alliance.",
    )
    status = (
        api(personas.uk_drafter)
        .get(f"/api/v1/articles/{world['consultation'].pk}/us-status/")
        .json()
    )
    assert (
        status["round"] == 1
        and status["changed"]
        and status["positions"][0]["position"] == "concern"
    )
    second = open_round(draft, personas, world, articles=[world["consultation"]])
    body = api(personas.consultee).get(f"/api/v1/consultations/{second.pk}/").json()
    since = body["articles"][0]["since_previous_round"]
    assert since["previous_round"] == 1
    assert {"op": "insert", "text": " and deepen"} in since["diffs"]["en"] or any(
        op["op"] == "insert" and "deepen" in op["text"] for op in since["diffs"]["en"]
    )
    assert since["dispositions"][0]["disposition"] == "Accepted"
    # Opening it was logged, once.
    api(personas.consultee).get(f"/api/v1/consultations/{second.pk}/")
    assert (
        DisclosureEvent.objects.filter(round=second, kind="opened", user=personas.consultee).count()
        == 1
    )


def test_report_page_data_and_csv_carry_the_marking(draft, personas, world, api):
    round_ = open_round(draft, personas, world, offices=[world["eap"], world["osd"]])
    snapshot = round_.articles.get(article=world["consultation"])
    services.response_submit(
        actor=personas.consultee, round_article=snapshot, position="no_objection"
    )
    report = api(personas.owner).get(f"/api/v1/consultations/{round_.pk}/report/").json()
    assert report["outstanding"] == 3 and report["offices"] == ["OSD Policy", "State EAP"]
    csv_response = api(personas.owner).get(
        f"/api/v1/consultations/{round_.pk}/report/?download=csv"
    )
    lines = csv_response.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0] == lines[-1] == "OFFICIAL-SENSITIVE"
    # A consultee's report shows only their own office.
    mine = api(personas.consultee).get(f"/api/v1/consultations/{round_.pk}/report/").json()
    assert mine["offices"] == ["State EAP"]


def test_channel_between_office_and_drafters(draft, personas, world, api):
    round_ = open_round(draft, personas, world, offices=[world["eap"], world["osd"]])
    client = api(personas.consultee)
    posted = client.post(
        f"/api/v1/consultations/{round_.pk}/messages/",
        {"office": world["eap"].pk, "body": "A question"},
        format="json",
    )
    assert posted.status_code == 201
    wrong = client.post(
        f"/api/v1/consultations/{round_.pk}/messages/",
        {"office": world["osd"].pk, "body": "x"},
        format="json",
    )
    assert wrong.status_code == 403
    assert (
        api(world["dod"]).get(f"/api/v1/consultations/{round_.pk}/messages/").json()["count"] == 0
    )
    assert (
        api(personas.uk_drafter).get(f"/api/v1/consultations/{round_.pk}/messages/").json()["count"]
        == 1
    )


def test_api_open_round_bad_input(draft, personas, world, api):
    client = api(personas.owner)
    url = f"/api/v1/drafts/{draft.pk}/consultations/"
    body = {
        "articles": [world["purposes"].pk],
        "offices": [world["eap"].pk],
        "deadline": "2030-01-01T00:00:00Z",
    }
    assert client.post(url, body, format="json").json()["code"] == "not_releasable"
    body = {
        "articles": [world["consultation"].pk],
        "offices": [world["eap"].pk],
        "deadline": "yesterday",
    }
    assert client.post(url, body, format="json").status_code == 400
    body["deadline"] = "2001-01-01T00:00:00Z"
    assert client.post(url, body, format="json").json()["code"] == "deadline_in_past"
    assert not Round.objects.exists()
