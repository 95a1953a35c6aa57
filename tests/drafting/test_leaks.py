"""Smaller leaks (issue 15, part 7): access is re-checked when notifications are read; a
consultee's list of rounds names only their own office."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from drafting.models import Article, Membership, Notification
from drafting.services import consultation as consultation_services
from drafting.services import drafts as draft_services
from drafting.services import review
from drafting.services.members import member_add
from tests.conftest import UserFactory


def test_role_change_to_consultee_hides_old_notifications_quoting_internal_threads(
    draft, personas, api, client
):
    article = Article.objects.get(draft=draft, heading="Consultation")
    review.thread_start(
        actor=personas.owner,
        article=article,
        language="en",
        start=0,
        end=3,
        body="@uk.reviewer internal: we concede this point.",
        visibility="both",
    )
    seen = api(personas.reviewer).get("/api/v1/notifications/").json()
    assert any("internal" in n["body"] for n in seen["results"])
    # The reviewer becomes a US consultee of the same draft.
    Membership.objects.filter(draft=draft, user=personas.reviewer).update(
        role="consultee", delegation="US"
    )
    seen = api(personas.reviewer).get("/api/v1/notifications/").json()
    assert [n["kind"] for n in seen["results"]] == ["member_added"]
    assert not any("internal" in n["body"] for n in seen["results"])
    client.force_login(personas.reviewer)
    page = client.get("/notifications/").content.decode()
    assert "internal" not in page
    assert Notification.objects.filter(recipient=personas.reviewer).exists()  # kept, not shown


def test_removed_member_sees_no_notification_of_the_draft(draft, personas, api):
    member_add(
        actor=personas.owner,
        draft=draft,
        username=UserFactory(username="uk.temp").username,
        role="drafter",
        delegation="UK",
    )
    temp = Membership.objects.get(draft=draft, user__username="uk.temp").user
    assert api(temp).get("/api/v1/notifications/").json()["count"] == 1  # added to the draft
    Membership.objects.filter(draft=draft, user=temp).delete()
    assert api(temp).get("/api/v1/notifications/").json()["count"] == 0


def test_consultee_list_of_rounds_names_only_their_own_office(draft, personas, api):
    UserFactory(username="us.dod")
    member_add(
        actor=personas.owner, draft=draft, username="us.dod", role="consultee", delegation="US"
    )
    eap = consultation_services.office_create(
        actor=personas.owner, draft=draft, name="State EAP", members=["us.state"]
    )
    osd = consultation_services.office_create(
        actor=personas.owner, draft=draft, name="OSD Policy", members=["us.dod"]
    )
    purposes = Article.objects.get(draft=draft, heading="Purposes")
    draft_services.article_set_releasability(
        actor=personas.owner, article=purposes, releasability="REL USA"
    )
    consultation_services.round_open(
        actor=personas.owner,
        draft=draft,
        article_ids=[purposes.pk],
        office_ids=[eap.pk, osd.pk],
        deadline=timezone.now() + timedelta(days=3),
        cover_note="",
    )
    rounds = api(personas.consultee).get(f"/api/v1/drafts/{draft.pk}/consultations/").json()
    assert [o["name"] for o in rounds["results"][0]["offices"]] == ["State EAP"]
    owner = api(personas.owner).get(f"/api/v1/drafts/{draft.pk}/consultations/").json()
    assert [o["name"] for o in owner["results"][0]["offices"]] == ["OSD Policy", "State EAP"]
