"""Reads of the consultation, with the rule that matters most applied here: a US consultee
sees only the frozen snapshots of rounds sent to their office, and their own office's
answers and channel — never live text, unreleased articles, internal threads, history,
diffs or members beyond the snapshot."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from .. import inputs, permissions, textdiff
from ..errors import NotFoundError
from ..models import (
    Article,
    ChannelMessage,
    DisclosureEvent,
    Draft,
    Office,
    Response,
    Role,
    Round,
    RoundArticle,
)
from ..permissions import Reader
from .drafts import members_of
from .history import ops_json


def _draft_for_consultation(user: Reader, draft_id: Any) -> Draft:
    draft = (
        Draft.objects.filter(pk=draft_id).first() if inputs.id_parse(draft_id) is not None else None
    )
    if draft is None or permissions.role_of(user, draft) is None:
        raise NotFoundError("No such draft.")
    return draft


def rounds_for(user: Reader, draft: Draft) -> QuerySet[Round]:
    """The rounds a user may see, each with the offices they may see prefetched: a consultee
    sees only the rounds sent to their office, and in them only their own office(s)."""
    qs = Round.objects.filter(draft=draft).select_related("opened_by")
    if permissions.can_view_draft(user, draft):
        return qs.prefetch_related("offices").order_by("-number")
    consultee = permissions.actor_or_none(user)
    if consultee is not None and permissions.role_of(consultee, draft) == "consultee":
        own = Office.objects.filter(draft=draft, members=consultee)
        return (
            qs.filter(offices__members=consultee)
            .prefetch_related(Prefetch("offices", queryset=own))
            .distinct()
            .order_by("-number")
        )
    return Round.objects.none()


def round_get(user: Reader, round_id: Any) -> Round:
    round_ = (
        Round.objects.select_related("draft").filter(pk=round_id).first()
        if inputs.id_parse(round_id) is not None
        else None
    )
    if round_ is None or not permissions.can_read_round(user, round_):
        raise NotFoundError("No such consultation round.")
    return round_


def round_by_number(user: Reader, draft: Draft, number: Any) -> Round:
    round_ = (
        Round.objects.select_related("draft").filter(draft=draft, number=number).first()
        if inputs.id_parse(number) is not None
        else None
    )
    if round_ is None or not permissions.can_read_round(user, round_):
        raise NotFoundError("No such consultation round.")
    return round_


def offices_for(user: Reader, draft: Draft) -> QuerySet[Office]:
    if permissions.can_view_draft(user, draft):
        return Office.objects.filter(draft=draft).prefetch_related("members")
    member = permissions.actor_or_none(user)
    if member is None:
        return Office.objects.none()
    return Office.objects.filter(draft=draft, members=member).prefetch_related("members")


def office_ids_visible(user: Reader, round_: Round) -> set[int] | None:
    """None: every office of the round; otherwise only these."""
    if permissions.can_view_draft(user, round_.draft):
        return None
    return permissions.consultee_office_ids(user, round_)


def responses_for(user: Reader, round_: Round) -> QuerySet[Response]:
    qs = Response.objects.filter(round_article__round=round_).select_related(
        "office", "submitted_by", "round_article", "disposition__decided_by"
    )
    visible = office_ids_visible(user, round_)
    if visible is not None:
        qs = qs.filter(office_id__in=visible)
    return qs.order_by("round_article__position", "office__name")


def round_article_get(user: Reader, round_: Round, snapshot_id: Any) -> RoundArticle:
    snapshot = (
        RoundArticle.objects.filter(round=round_, pk=snapshot_id).first()
        if inputs.id_parse(snapshot_id) is not None
        else None
    )
    if snapshot is None:
        raise NotFoundError("No such article in this round.")
    return snapshot


def response_get(user: Reader, response_id: Any) -> Response:
    response = (
        Response.objects.select_related("round_article__round__draft", "office")
        .filter(pk=response_id)
        .first()
        if inputs.id_parse(response_id) is not None
        else None
    )
    if response is None:
        raise NotFoundError("No such response.")
    round_ = response.round_article.round
    visible = (
        office_ids_visible(user, round_) if permissions.can_read_round(user, round_) else set()
    )
    if visible is not None and response.office_id not in visible:
        raise NotFoundError("No such response.")
    return response


def messages_for(
    user: Reader, round_: Round, office_id: int | None = None
) -> QuerySet[ChannelMessage]:
    qs = (
        ChannelMessage.objects.filter(round=round_)
        .select_related("author", "office")
        .order_by("created_at")
    )
    visible = office_ids_visible(user, round_)
    if visible is not None:
        qs = qs.filter(office_id__in=visible)
    if office_id is not None:
        qs = qs.filter(office_id=office_id)
    return qs


def disclosures_for(user: Reader, round_: Round) -> QuerySet[DisclosureEvent]:
    if not permissions.can_view_draft(user, round_.draft):
        raise NotFoundError("No such consultation round.")
    return (
        DisclosureEvent.objects.filter(round=round_).select_related("office", "user").order_by("at")
    )


@dataclass(frozen=True)
class EarlierAnswer:
    """An office's answer in the previous round and how it was disposed of, in words."""

    office: str
    position: str
    rationale: str
    disposition: str
    disposition_rationale: str


@dataclass(frozen=True)
class ChangesSincePrevious:
    """A round article against the previous round that included it (``previous_round`` None:
    no round did): each text's word-level diff, by language (only the changed ones), and how
    the earlier answers were disposed of."""

    previous_round: int | None
    diffs: dict[str, list[textdiff.DiffOp]]
    dispositions: list[EarlierAnswer]

    def as_dict(self) -> dict[str, Any]:
        return {
            "previous_round": self.previous_round,
            "diffs": {language: ops_json(ops) for language, ops in self.diffs.items()},
            "dispositions": [asdict(d) for d in self.dispositions],
        }


def changes_since_previous(user: Reader, snapshot: RoundArticle) -> ChangesSincePrevious:
    """What changed in this article since the previous round that included it, and how each
    earlier answer (of the offices the user may see) was disposed of: what a consultee sees
    in the next round."""
    previous = snapshot.previous
    if previous is None:
        return ChangesSincePrevious(previous_round=None, diffs={}, dispositions=[])
    diffs = {
        language: textdiff.word_diff(
            getattr(previous, f"text_{language}"), getattr(snapshot, f"text_{language}")
        )
        for language in ("en", "ja")
        if getattr(previous, f"text_{language}") != getattr(snapshot, f"text_{language}")
    }
    visible = office_ids_visible(user, snapshot.round)
    earlier = Response.objects.filter(round_article=previous).select_related(
        "office", "disposition"
    )
    if visible is not None:
        earlier = earlier.filter(office_id__in=visible)
    dispositions = [
        EarlierAnswer(
            office=r.office.name,
            position=r.get_position_display(),
            rationale=r.rationale,
            disposition=r.disposition.get_outcome_display()
            if hasattr(r, "disposition")
            else "Not yet decided",
            disposition_rationale=r.disposition.rationale if hasattr(r, "disposition") else "",
        )
        for r in earlier
    ]
    return ChangesSincePrevious(
        previous_round=previous.round.number, diffs=diffs, dispositions=dispositions
    )


@dataclass(frozen=True)
class ReportCell:
    """One office's answer on one article of a round (``response`` None: outstanding)."""

    office: str
    office_id: int
    response: int | None
    position: str | None
    position_label: str
    wording: str
    rationale: str
    disposition: str | None
    disposition_label: str
    disposition_rationale: str


@dataclass(frozen=True)
class ReportRow:
    """One article of a round, with a cell per office."""

    snapshot: int
    article: int
    label: str
    cells: list[ReportCell]

    def as_dict(self) -> dict[str, Any]:
        return {
            "snapshot": self.snapshot,
            "article": self.article,
            "label": self.label,
            "cells": [asdict(cell) for cell in self.cells],
        }


@dataclass(frozen=True)
class RoundReport:
    """A round's articles by the offices the user may see, and how many answers are still
    outstanding."""

    round: int
    status: str
    deadline: datetime
    classification: str
    offices: list[str]
    rows: list[ReportRow]
    outstanding: int

    @property
    def answered(self) -> int:
        return sum(1 for row in self.rows for cell in row.cells if cell.response is not None)

    @property
    def disposed(self) -> int:
        return sum(1 for row in self.rows for cell in row.cells if cell.disposition is not None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "round": self.round,
            "status": self.status,
            "deadline": self.deadline.isoformat(),
            "classification": self.classification,
            "offices": self.offices,
            "rows": [row.as_dict() for row in self.rows],
            "outstanding": self.outstanding,
        }


def report(user: Reader, round_: Round) -> RoundReport:
    """Articles by offices: positions, dispositions and outstanding answers."""
    visible = office_ids_visible(user, round_)
    offices = [o for o in round_.offices.order_by("name") if visible is None or o.pk in visible]
    snapshots = list(round_.articles.order_by("position"))
    responses = {(r.round_article_id, r.office_id): r for r in responses_for(user, round_)}
    rows = []
    outstanding = 0
    for snapshot in snapshots:
        cells = []
        for office in offices:
            response = responses.get((snapshot.pk, office.pk))
            if response is None:
                outstanding += 1
            disposition = getattr(response, "disposition", None) if response else None
            cells.append(
                ReportCell(
                    office=office.name,
                    office_id=office.pk,
                    response=response.pk if response else None,
                    position=response.position if response else None,
                    position_label=response.get_position_display() if response else "Outstanding",
                    wording=response.wording if response else "",
                    rationale=response.rationale if response else "",
                    disposition=disposition.outcome if disposition else None,
                    disposition_label=disposition.get_outcome_display() if disposition else "",
                    disposition_rationale=disposition.rationale if disposition else "",
                )
            )
        rows.append(
            ReportRow(
                snapshot=snapshot.pk,
                article=snapshot.article_id,
                label=snapshot.label,
                cells=cells,
            )
        )
    return RoundReport(
        round=round_.number,
        status=round_.status,
        deadline=round_.deadline,
        classification=round_.draft.classification,
        offices=[o.name for o in offices],
        rows=rows,
        outstanding=outstanding,
    )


@dataclass(frozen=True)
class UsPosition:
    """An office's answer on an article in a round."""

    office: str
    position: str
    position_label: str
    rationale: str
    wording: str


@dataclass(frozen=True)
class ArticleUsStatus:
    """The last round that included an article, the word-level diff of each text changed
    since (by language) and the latest US positions on it, office by office."""

    round: int
    diffs: dict[str, list[dict[str, str]]]
    positions: list[UsPosition]

    @property
    def changed(self) -> bool:
        return bool(self.diffs)

    def as_dict(self) -> dict[str, Any]:
        return {
            "round": self.round,
            "changed": self.changed,
            "diffs": self.diffs,
            "positions": [asdict(p) for p in self.positions],
        }


def article_us_status(user: Reader, article: Article) -> ArticleUsStatus | None:
    """For the drafters: whether the article changed since the last round that included it
    (with the diff), and the latest US positions on it; None if no round included it."""
    if not permissions.can_view_draft(user, article.draft):
        raise NotFoundError("No such article.")
    snapshot = (
        RoundArticle.objects.filter(article=article)
        .select_related("round")
        .order_by("-round__number")
        .first()
    )
    if snapshot is None:
        return None
    changed = {
        language: [
            {"op": op.op, "text": op.text}
            for op in textdiff.word_diff(
                getattr(snapshot, f"text_{language}"), article.text(language)
            )
        ]
        for language in ("en", "ja")
        if getattr(snapshot, f"text_{language}") != article.text(language)
    }
    positions = [
        UsPosition(
            office=r.office.name,
            position=r.position,
            position_label=r.get_position_display(),
            rationale=r.rationale,
            wording=r.wording,
        )
        for r in Response.objects.filter(round_article=snapshot)
        .select_related("office")
        .order_by("office__name")
    ]
    return ArticleUsStatus(round=snapshot.round.number, diffs=changed, positions=positions)


def rounds_with_articles(round_qs: QuerySet[Round]) -> QuerySet[Round]:
    return round_qs.prefetch_related(
        Prefetch("articles", queryset=RoundArticle.objects.order_by("position"))
    )


def round_articles(round_: Round) -> QuerySet[RoundArticle]:
    """A round's frozen articles in order, each with the round it was last sent in (callers
    have the round from a selector that checked who may read it)."""
    return round_.articles.select_related("previous__round").order_by("position")


def office_get(user: Any, office_id: Any) -> Office:
    """An office of a draft, for those who may see the draft's offices; anyone else gets the
    same 404 as for an office that does not exist."""
    office = (
        Office.objects.select_related("draft").filter(pk=office_id).first()
        if inputs.id_parse(office_id) is not None
        else None
    )
    if office is None or not offices_for(user, office.draft).filter(pk=office.pk).exists():
        raise NotFoundError(_("No such office."))
    return office


def round_office(round_: Round, office_id: Any) -> Office | None:
    """The office among those the round was sent to, or None."""
    if inputs.id_parse(office_id) is None:
        return None
    return round_.offices.filter(pk=office_id).first()


def response_fresh(user: Any, response: Response) -> Response:
    """The response read again (after a disposition), with what its page and API show (the
    response comes from response_get, which checked who may read it)."""
    return Response.objects.select_related(
        "disposition__decided_by", "office", "round_article", "submitted_by"
    ).get(pk=response.pk)


# --- what the consultation pages list ---------------------------------------------------------


def round_numbers(user: Any, draft: Draft) -> list[int]:
    """The numbers of the rounds the user may see (a consultee's navigation)."""
    return list(rounds_for(user, draft).values_list("number", flat=True))


def offices_by_name(user: Any, draft: Draft) -> list[Office]:
    return list(offices_for(user, draft).order_by("name"))


def office_of_draft(user: Any, draft: Draft, office_id: Any) -> Office:
    """One of the draft's offices the user may see, or the 404 of an office that does not
    exist."""
    office = office_get(user, office_id)
    if office.draft_id != draft.pk:
        raise NotFoundError(_("No such office."))
    return office


def consultees_of(user: Any, draft: Draft) -> list[Any]:
    """The draft's US consultees (the people an office may hold), for its members' readers."""
    from_members = members_of(user, draft).filter(role=Role.CONSULTEE)
    return [m.user for m in from_members]


@dataclass(frozen=True)
class RoundCounts:
    """How many articles a round froze and how many offices it went to."""

    articles: int
    offices: int


def round_counts(round_: Round) -> RoundCounts:
    return RoundCounts(articles=round_.articles.count(), offices=round_.offices.count())


def round_offices_by_name(round_: Round) -> list[Office]:
    return list(round_.offices.order_by("name"))


def office_members_by_name(office: Office) -> list[Any]:
    return list(office.members.order_by("username"))


def answers_count(user: Any, round_: Round) -> int:
    """How many answers of the round the user may read."""
    return responses_for(user, round_).count()
