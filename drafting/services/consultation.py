"""The US consultation workflow: offices, rounds, responses, dispositions, the channel,
deadlines (reminders and escalations, each sent once) and the disclosure log."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from .. import permissions
from ..core.markdown import comment_body_validate, render_markdown
from ..core.negotiation import brackets_snapshot
from ..errors import ApplicationError, ConflictError, PermissionDeniedError
from ..models import (
    Article,
    ChannelMessage,
    DisclosureEvent,
    Disposition,
    Draft,
    Membership,
    Office,
    Releasability,
    Response,
    Revision,
    Role,
    Round,
    RoundArticle,
    RoundReminder,
)
from ..models.notification_text import choice_value, label_value, time_value
from ..permissions import Actor
from .audit import audit_record
from .notifications import notification_create

REMINDER_BEFORE = timedelta(hours=24)
MAX_TEXT = 20_000


def _require_owner(actor: Actor, draft: Draft) -> None:
    if not permissions.can_manage_consultation(actor, draft):
        raise PermissionDeniedError(
            "Only the draft's owner manages US offices and consultation rounds."
        )


# --- offices ------------------------------------------------------------------------------


def _consultees(draft: Draft, usernames: list[str]) -> list[Any]:
    User = get_user_model()
    users = list(User.objects.filter(username__in=usernames))
    found = {u.get_username() for u in users}
    missing = [n for n in usernames if n not in found]
    if missing:
        raise ApplicationError(
            gettext("Unknown users: %(missing)s.") % {"missing": ", ".join(missing)},
            fields={"members": ["Unknown user."]},
        )
    consultees = set(
        Membership.objects.filter(draft=draft, role=Role.CONSULTEE, user__in=users).values_list(
            "user__username", flat=True
        )
    )
    refused = [n for n in usernames if n not in consultees]
    if refused:
        raise ApplicationError(
            gettext(
                "Only US consultees of this draft can belong to an office: %(refused)s is not one. Add them to the draft as consultees first."
            )
            % {"refused": ", ".join(refused)},
            fields={"members": ["Not a consultee of this draft."]},
        )
    return users


def office_create(
    *, actor: Actor, draft: Draft, name: str, members: list[str] | None = None
) -> Office:
    _require_owner(actor, draft)
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise ApplicationError(
            "An office needs a name of at most 120 characters.", fields={"name": ["Required."]}
        )
    with transaction.atomic():
        if Office.objects.filter(draft=draft, name=name).exists():
            raise ApplicationError(
                gettext("This draft already has an office named %(name)s.") % {"name": repr(name)},
                fields={"name": ["Taken."]},
            )
        users = _consultees(draft, members or [])
        office = Office.objects.create(draft=draft, name=name)
        office.members.set(users)
        audit_record(
            actor=actor,
            action="office.create",
            object_type="office",
            object_id=office.pk,
            draft_id=draft.pk,
            data={"name": name, "members": sorted(members or [])},
        )
    return office


def office_set_members(*, actor: Actor, office: Office, members: list[str]) -> Office:
    _require_owner(actor, office.draft)
    with transaction.atomic():
        users = _consultees(office.draft, members)
        office.members.set(users)
        audit_record(
            actor=actor,
            action="office.members",
            object_type="office",
            object_id=office.pk,
            draft_id=office.draft_id,
            data={"members": sorted(members)},
        )
    return office


# --- rounds -------------------------------------------------------------------------------


def _notify_office(office: Office, round_: Round, kind: str, params: dict[str, Any]) -> None:
    for user in office.members.all():
        notification_create(
            recipient=user,
            draft=round_.draft,
            kind=kind,
            params=params,
            url=round_.get_absolute_url(),
        )


def _latest_revision(article: Article, language: str) -> int:
    latest = Revision.objects.filter(article=article, language=language).aggregate(n=Max("number"))[
        "n"
    ]
    return latest or 0


def round_open(
    *,
    actor: Actor,
    draft: Draft,
    article_ids: list[int],
    office_ids: list[int],
    deadline: datetime,
    cover_note: str = "",
    close_at_deadline: bool = False,
) -> Round:
    """Freeze the chosen REL USA articles and send them to the chosen offices."""
    _require_owner(actor, draft)
    if not article_ids:
        raise ApplicationError(
            "Choose at least one article to send.", fields={"articles": ["Required."]}
        )
    if not office_ids:
        raise ApplicationError("Choose at least one US office.", fields={"offices": ["Required."]})
    if deadline <= timezone.now():
        raise ApplicationError(
            "The deadline is in the past: choose a date and time to come.",
            fields={"deadline": ["In the past."]},
            code="deadline_in_past",
        )
    if len(cover_note) > MAX_TEXT:
        raise ApplicationError("The cover note is too long.", fields={"cover_note": ["Too long."]})
    with transaction.atomic():
        draft = Draft.objects.select_for_update().get(pk=draft.pk)
        articles = list(
            Article.objects.filter(draft=draft, pk__in=article_ids).order_by("position")
        )
        missing = set(article_ids) - {a.pk for a in articles}
        if missing:
            raise ApplicationError(
                gettext("These articles are not in this draft: %(missing)s.")
                % {"missing": sorted(missing)},
                fields={"articles": ["Not in this draft."]},
            )
        unreleased = [a.label for a in articles if a.releasability != Releasability.REL_USA]
        if unreleased:
            raise ApplicationError(
                "Only articles marked REL USA can be sent to the United States; these are not: "
                + "; ".join(unreleased)
                + ". The owner can change an article's releasability first.",
                fields={"articles": ["Not REL USA."]},
                code="not_releasable",
            )
        offices = list(Office.objects.filter(draft=draft, pk__in=office_ids))
        if len(offices) != len(set(office_ids)):
            raise ApplicationError(
                "Some offices are not offices of this draft.", fields={"offices": ["Unknown."]}
            )
        number = (Round.objects.filter(draft=draft).aggregate(n=Max("number"))["n"] or 0) + 1
        round_ = Round.objects.create(
            draft=draft,
            number=number,
            cover_note=cover_note.strip(),
            deadline=deadline,
            close_at_deadline=close_at_deadline,
            opened_by=actor,
        )
        round_.offices.set(offices)
        snapshots = []
        for article in articles:
            previous = (
                RoundArticle.objects.filter(article=article, round__draft=draft)
                .order_by("-round__number")
                .first()
            )
            snapshots.append(
                RoundArticle.objects.create(
                    round=round_,
                    article=article,
                    position=article.position,
                    kind=article.kind,
                    number=article.number,
                    heading=article.heading,
                    heading_ja=article.heading_ja,
                    text_en=article.text_en,
                    text_ja=article.text_ja,
                    releasability=article.releasability,
                    revision_en=_latest_revision(article, "en"),
                    revision_ja=_latest_revision(article, "ja"),
                    brackets=brackets_snapshot(article),
                    previous=previous,
                )
            )
        sent = [{"snapshot": s.pk, "article": s.article_id, "label": s.label} for s in snapshots]
        for office in offices:
            DisclosureEvent.objects.create(
                round=round_, office=office, kind=DisclosureEvent.Kind.SENT, articles=sent
            )
            _notify_office(
                office,
                round_,
                "round_sent",
                {
                    "round": number,
                    "count": len(snapshots),
                    "office": office.name,
                    "note": cover_note.strip()[:1500],
                    "deadline": time_value(deadline),
                },
            )
        audit_record(
            actor=actor,
            action="round.open",
            object_type="round",
            object_id=round_.pk,
            draft_id=draft.pk,
            data={
                "number": number,
                "articles": [s.article_id for s in snapshots],
                "offices": [o.name for o in offices],
                "deadline": deadline.isoformat(),
            },
        )
    return round_


def round_close(
    *, actor: Actor | None, round_: Round, reason: str = "closed by the owner"
) -> Round:
    if actor is not None:
        _require_owner(actor, round_.draft)
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        if round_.status == Round.Status.CLOSED:
            raise ConflictError(
                gettext("Round %(number)s is already closed.") % {"number": round_.number},
                code="round_closed",
            )
        round_.status, round_.closed_at, round_.closed_by = (
            Round.Status.CLOSED,
            timezone.now(),
            actor,
        )
        round_.save(update_fields=["status", "closed_at", "closed_by"])
        audit_record(
            actor=actor,
            action="round.close",
            object_type="round",
            object_id=round_.pk,
            draft_id=round_.draft_id,
            data={"reason": reason},
        )
    return round_


# --- responses, dispositions, channel ------------------------------------------------------


def _office_for(actor: Actor, round_: Round, office_id: int | None) -> Office:
    mine = permissions.consultee_office_ids(actor, round_)
    if not mine:
        raise PermissionDeniedError(
            "Only consultees of an office this round was sent to can answer it."
        )
    if office_id is None:
        if len(mine) > 1:
            raise ApplicationError(
                "You belong to several offices in this round: say which one you answer for.",
                fields={"office": ["Required."]},
            )
        office_id = next(iter(mine))
    if office_id not in mine:
        raise PermissionDeniedError("You do not answer for that office.")
    return Office.objects.get(pk=office_id)


def response_submit(
    *,
    actor: Actor,
    round_article: RoundArticle,
    position: str,
    rationale: str = "",
    wording: str = "",
    office_id: int | None = None,
) -> Response:
    """An office's position on one article of the round; it may be revised until the round closes."""
    round_ = round_article.round
    office = _office_for(actor, round_, office_id)
    if position not in Response.Position.values:
        raise ApplicationError(
            gettext("Unknown position %(position)s: use %(choices)s.")
            % {"position": repr(position), "choices": ", ".join(Response.Position.values)},
            fields={"position": ["Unknown."]},
        )
    if position == Response.Position.PROPOSED_WORDING and not (wording or "").strip():
        raise ApplicationError(
            "A proposed wording needs the wording.", fields={"wording": ["Required."]}
        )
    if len(rationale or "") > MAX_TEXT or len(wording or "") > MAX_TEXT:
        raise ApplicationError("The rationale or wording is too long (20,000 characters at most).")
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        if round_.status != Round.Status.OPEN:
            raise ConflictError(
                gettext("Round %(number)s is closed: answers are no longer taken.")
                % {"number": round_.number},
                code="round_closed",
            )
        response, created = Response.objects.update_or_create(
            round_article=round_article,
            office=office,
            defaults={
                "position": position,
                "wording": (wording or "").strip(),
                "rationale": (rationale or "").strip(),
                "submitted_by": actor,
            },
        )
        audit_record(
            actor=actor,
            action="response.submit" if created else "response.revise",
            object_type="response",
            object_id=response.pk,
            draft_id=round_.draft_id,
            data={
                "round": round_.number,
                "article": round_article.article_id,
                "office": office.name,
                "position": position,
            },
        )
        for membership in Membership.objects.filter(
            draft=round_.draft, role__in=[Role.OWNER, Role.DRAFTER]
        ).select_related("user"):
            notification_create(
                recipient=membership.user,
                draft=round_.draft,
                kind="response",
                params={
                    "office": office.name,
                    "position": choice_value("position", response.position),
                    "article": label_value(round_article.label, round_article.label_ja),
                    "text": (rationale or "")[:1500],
                },
                url=round_.get_absolute_url(),
            )
    return response


def disposition_record(
    *, actor: Actor, response: Response, outcome: str, rationale: str
) -> Disposition:
    draft = response.round_article.round.draft
    if not permissions.can_dispose(actor, draft):
        raise PermissionDeniedError("Only the draft's drafters record dispositions.")
    if outcome not in Disposition.Outcome.values:
        raise ApplicationError(
            gettext("Unknown outcome %(outcome)s: use %(choices)s.")
            % {"outcome": repr(outcome), "choices": ", ".join(Disposition.Outcome.values)},
            fields={"outcome": ["Unknown."]},
        )
    if not (rationale or "").strip():
        raise ApplicationError(
            "Give the rationale for the disposition.", fields={"rationale": ["Required."]}
        )
    with transaction.atomic():
        disposition, _ = Disposition.objects.update_or_create(
            response=response,
            defaults={
                "outcome": outcome,
                "rationale": rationale.strip()[:MAX_TEXT],
                "decided_by": actor,
            },
        )
        audit_record(
            actor=actor,
            action="disposition.record",
            object_type="disposition",
            object_id=disposition.pk,
            draft_id=draft.pk,
            data={"response": response.pk, "outcome": outcome},
        )
    return disposition


def channel_post(*, actor: Actor, round_: Round, office: Office, body: Any) -> ChannelMessage:
    if not permissions.can_use_channel(actor, round_, office.pk):
        raise PermissionDeniedError(
            "Only that office's consultees and the drafters write in this channel."
        )
    body = comment_body_validate(body)
    with transaction.atomic():
        message = ChannelMessage.objects.create(
            round=round_, office=office, author=actor, body=body, body_html=render_markdown(body)
        )
        audit_record(
            actor=actor,
            action="channel.post",
            object_type="channel_message",
            object_id=message.pk,
            draft_id=round_.draft_id,
            data={"round": round_.number, "office": office.name},
        )
        recipients = list(office.members.all()) + [
            m.user
            for m in Membership.objects.filter(
                draft=round_.draft, role__in=[Role.OWNER, Role.DRAFTER]
            ).select_related("user")
        ]
        for user in {u.pk: u for u in recipients}.values():
            if user.pk != actor.pk:
                notification_create(
                    recipient=user,
                    draft=round_.draft,
                    kind="channel",
                    params={"round": round_.number, "office": office.name, "text": body[:1500]},
                    url=round_.get_absolute_url(),
                )
    return message


def round_opened(*, user: Actor, round_: Round) -> None:
    """Log, once per consultee, that they opened what their office was sent."""
    for office_id in permissions.consultee_office_ids(user, round_):
        if DisclosureEvent.objects.filter(
            round=round_, office_id=office_id, user=user, kind="opened"
        ).exists():
            continue
        with transaction.atomic():
            DisclosureEvent.objects.create(
                round=round_,
                office_id=office_id,
                user=user,
                kind=DisclosureEvent.Kind.OPENED,
                articles=list(round_.articles.values_list("pk", flat=True)),
            )
            audit_record(
                actor=user,
                action="round.opened",
                object_type="round",
                object_id=round_.pk,
                draft_id=round_.draft_id,
                data={"office": office_id},
            )


# --- deadlines ----------------------------------------------------------------------------


def _send_once(round_: Round, office: Office, kind: str) -> bool:
    """Claim the reminder row; only the run that inserts it sends."""
    try:
        with transaction.atomic():
            RoundReminder.objects.create(round=round_, office=office, kind=kind)
    except IntegrityError:
        return False
    return True


def deadlines_run(now: datetime | None = None) -> dict[str, int]:
    """Remind offices before the deadline, escalate when overdue (to the office and the
    owner), and close rounds set to close at their deadline. Safe to run any number of times:
    each reminder and escalation is sent once."""
    now = now or timezone.now()
    counts = {"reminders": 0, "escalations": 0, "closed": 0}
    for round_ in (
        Round.objects.filter(status=Round.Status.OPEN)
        .select_related("draft")
        .prefetch_related("offices")
    ):
        for office in round_.offices.all():
            answered = Response.objects.filter(round_article__round=round_, office=office).count()
            outstanding = round_.articles.count() - answered
            if outstanding <= 0:
                continue
            if now > round_.deadline:
                if _send_once(round_, office, RoundReminder.Kind.ESCALATION):
                    counts["escalations"] += 1
                    with transaction.atomic():
                        params = {
                            "office": office.name,
                            "count": outstanding,
                            "round": round_.number,
                        }
                        _notify_office(office, round_, "round_overdue", params)
                        for owner in Membership.objects.filter(
                            draft=round_.draft, role=Role.OWNER
                        ).select_related("user"):
                            notification_create(
                                recipient=owner.user,
                                draft=round_.draft,
                                kind="round_overdue",
                                params=params,
                                url=round_.get_absolute_url(),
                            )
                        audit_record(
                            actor=None,
                            action="round.escalate",
                            object_type="round",
                            object_id=round_.pk,
                            draft_id=round_.draft_id,
                            data={"office": office.name, "outstanding": outstanding},
                        )
            elif round_.deadline - now <= REMINDER_BEFORE and _send_once(
                round_, office, RoundReminder.Kind.REMINDER
            ):
                counts["reminders"] += 1
                with transaction.atomic():
                    _notify_office(
                        office,
                        round_,
                        "round_reminder",
                        {
                            "round": round_.number,
                            "count": outstanding,
                            "deadline": time_value(round_.deadline),
                        },
                    )
                    audit_record(
                        actor=None,
                        action="round.remind",
                        object_type="round",
                        object_id=round_.pk,
                        draft_id=round_.draft_id,
                        data={"office": office.name},
                    )
        if round_.close_at_deadline and now > round_.deadline:
            try:
                round_close(actor=None, round_=round_, reason="closed at its deadline")
                counts["closed"] += 1
            except ConflictError:
                pass
    return counts
