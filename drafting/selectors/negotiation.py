"""Reads of the negotiation's state, with the access rules applied: brackets, sign-offs, the
board, the two reading modes, and the bracketed segments of a text (for pages and exports).

Brackets belong to the live draft: whoever reads the live text (drafters, reviewers,
observers) sees them; a US consultee sees brackets only as a consultation round froze them
(``round_article_segments``), never the live ones.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Max, Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .. import permissions
from ..core.negotiation import AGREED, bracket_json, texts_in_step
from ..core.revisions import revision_number_latest
from ..errors import ApplicationError, NotFoundError, PermissionDeniedError
from ..models import (
    Article,
    ArticleStatusChange,
    Bracket,
    BracketEvent,
    BracketOption,
    DelegationLead,
    Draft,
    Membership,
    Response,
    Revision,
    Role,
    RoundArticle,
    SignOff,
)
from ..permissions import NEGOTIATING_DELEGATIONS, Reader
from ..textdiff import spans_nest

Status = Article.NegotiationStatus
# The two delegations, as plain strings, in the order the board shows them.
DELEGATIONS = ["UK", "JP"]


# --- delegation leads ----------------------------------------------------------------------


@dataclass(frozen=True)
class DelegationLeads:
    """Who may be named a delegation's lead (its owner or drafters, as ``(username, "Name
    (role)")``) and who is named now (usernames; none named: all of them lead)."""

    candidates: list[tuple[str, str]]
    named: list[str]


def delegation_leads(user: Any, draft: Draft) -> dict[str, DelegationLeads]:
    """Each delegation's leads, in the order of DELEGATIONS. For the owner's settings page."""
    if not permissions.can_name_leads(user, draft):
        raise PermissionDeniedError(_("Only the draft's owner names the delegation leads."))
    leads = {d: DelegationLeads(candidates=[], named=[]) for d in DELEGATIONS}
    for membership in (
        Membership.objects.filter(
            draft=draft, delegation__in=DELEGATIONS, role__in=[Role.OWNER, Role.DRAFTER]
        )
        .select_related("user")
        .order_by("delegation", "role", "user__username")
    ):
        member = membership.user
        name = member.get_full_name() or member.get_username()
        leads[membership.delegation].candidates.append(
            (member.get_username(), f"{name} ({membership.get_role_display()})")
        )
    for lead in DelegationLead.objects.filter(draft=draft).select_related("user"):
        if lead.delegation in leads:
            leads[lead.delegation].named.append(lead.user.get_username())
    return leads


# --- brackets ------------------------------------------------------------------------------


def brackets_of(
    user: Reader, article: Article, *, language: str | None = None
) -> QuerySet[Bracket]:
    """Every bracket of the article (open, resolved, detached), for readers of the live text."""
    if not permissions.can_view_draft(user, article.draft):
        raise NotFoundError(_("No such article."))
    qs = (
        Bracket.objects.filter(article=article)
        .select_related("resolved_by", "created_by", "resolved_option")
        .prefetch_related(
            "options",
            Prefetch("events", queryset=BracketEvent.objects.select_related("actor", "option")),
        )
    )
    if language:
        qs = qs.filter(language=language)
    return qs.order_by("language", "anchor_start", "pk")


def bracket_get(user: Reader, bracket_id: Any) -> Bracket:
    try:
        pk = int(bracket_id)
    except (TypeError, ValueError):
        raise NotFoundError(_("No such bracket.")) from None
    bracket = Bracket.objects.select_related("article__draft").filter(pk=pk).first()
    if bracket is None or not permissions.can_view_draft(user, bracket.article.draft):
        raise NotFoundError(_("No such bracket."))
    return bracket


# --- segments: a text as negotiators read it -------------------------------------------------


@dataclass
class Segment:
    """One piece of an article's text in reading order.

    ``kind`` is "text" (plain, outside any open bracket) or "bracket". A bracket segment
    carries ``delegation`` (on whose behalf the span is bracketed), ``options`` (each
    ``{"label", "letter", "text", "delegations", "note"}``), ``note``, ``bracket_id`` and
    ``children``: the segments of the bracketed span itself (text, and brackets nested in it).
    ``text`` is the plain text of the segment (for a bracket: its whole span)."""

    kind: str
    text: str
    delegation: str = ""
    bracket_id: int | None = None
    note: str = ""
    options: list[dict[str, Any]] = field(default_factory=list)
    children: list[Segment] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "text": self.text}
        if self.kind == "bracket":
            data.update(
                bracket=self.bracket_id,
                delegation=self.delegation,
                note=self.note,
                options=self.options,
                children=[child.as_dict() for child in self.children],
            )
        return data


def segments_build(text: str, brackets: list[dict[str, Any]]) -> list[Segment]:
    """Split ``text`` at the open, attached brackets given as bracket_json/snapshot dicts."""
    spans = [
        (b["anchor_start"], b["anchor_end"], b)
        for b in brackets
        if not b.get("detached") and b.get("status", "open") == "open"
    ]

    def convert(nodes: list[Any]) -> list[Segment]:
        out: list[Segment] = []
        for node in nodes:
            if node[0] == "text":
                out.append(Segment(kind="text", text=node[1]))
                continue
            bracket, children = node[1], convert(node[2])
            out.append(
                Segment(
                    kind="bracket",
                    text="".join(child.text for child in children),
                    delegation=bracket["delegation"],
                    bracket_id=bracket.get("id"),
                    note=bracket.get("note", ""),
                    options=[
                        {k: o[k] for k in ("label", "letter", "text", "delegations", "note")}
                        for o in bracket.get("options", [])
                    ],
                    children=children,
                )
            )
        return out

    return convert(spans_nest(text, spans))


def article_segments(user: Reader, article: Article, language: str) -> list[Segment]:
    """The article's current text in ``language`` split into plain and bracketed segments,
    with each bracket's delegation and options: what the draft page, the article page and
    exports draw as ``[UK: …]`` / ``[Option A: … / Option B: …]``. Readers of the live text
    only (NotFoundError otherwise); a round's copy is ``round_article_segments``."""
    brackets = [
        bracket_json(b, article.text(language))
        for b in brackets_of(user, article, language=language).filter(status=Bracket.Status.OPEN)
    ]
    return segments_build(article.text(language), brackets)


def round_article_segments(snapshot: RoundArticle, language: str) -> list[Segment]:
    """A round snapshot's text with the brackets it was sent with (the caller has checked
    that the user may read the round)."""
    brackets = [b for b in (snapshot.brackets or []) if b.get("language") == language]
    return segments_build(snapshot.text_en if language == "en" else snapshot.text_ja, brackets)


def segments_plain(segments: list[Segment]) -> str:
    """The segments written out the way negotiators type them: ``[UK: words]``, and a bracket
    with options as ``[Option A: … / Option B: …]`` (its current words first when they are
    not one of the options)."""
    out = []
    for segment in segments:
        if segment.kind == "text":
            out.append(segment.text)
            continue
        inner = segments_plain(segment.children)
        if segment.options:
            texts = [
                f"{o['label']} ({'/'.join(o['delegations'])})" if o["delegations"] else o["label"]
                for o in segment.options
            ]
            choices = [
                f"{label}: {o['text']}" for label, o in zip(texts, segment.options, strict=True)
            ]
            out.append(f"[{segment.delegation}: {inner} / " + " / ".join(choices) + "]")
        else:
            out.append(f"[{segment.delegation}: {inner}]")
    return "".join(out)


def _brackets_by_article(user: Reader, draft: Draft) -> dict[tuple[int, str], list[dict[str, Any]]]:
    """Open brackets of every article of the draft, keyed (article id, language): one query
    and one for the options, for draft_reading."""
    if not permissions.can_view_draft(user, draft):
        return {}
    out: dict[tuple[int, str], list[dict[str, Any]]] = {}
    brackets = (
        Bracket.objects.filter(article__draft=draft, status=Bracket.Status.OPEN, detached=False)
        .select_related("article")
        .prefetch_related("options")
    )
    for bracket in brackets:
        out.setdefault((bracket.article_id, bracket.language), []).append(
            bracket_json(bracket, bracket.article.text(bracket.language))
        )
    return out


# --- the board -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardSignOff:
    """A delegation's sign-off as the board shows it: the standing one, or else the last one
    withdrawn, with why."""

    standing: bool
    revision_en: int
    revision_ja: int
    signed_by: str
    signed_at: datetime
    withdrawn_at: datetime | None
    withdrawn_reason: str

    @classmethod
    def of(cls, signoff: SignOff) -> BoardSignOff:
        return cls(
            standing=signoff.withdrawn_at is None,
            revision_en=signoff.revision_en,
            revision_ja=signoff.revision_ja,
            signed_by=signoff.signed_by.get_username(),
            signed_at=signoff.signed_at,
            withdrawn_at=signoff.withdrawn_at,
            withdrawn_reason=signoff.withdrawn_reason,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "standing": self.standing,
            "revision_en": self.revision_en,
            "revision_ja": self.revision_ja,
            "signed_by": self.signed_by,
            "signed_at": self.signed_at.isoformat(),
            "withdrawn_at": self.withdrawn_at.isoformat() if self.withdrawn_at else None,
            "withdrawn_reason": self.withdrawn_reason,
        }


@dataclass(frozen=True)
class BoardUsPosition:
    """The latest US answer on an article: its position, by which office, in which round."""

    position: str
    label: str
    office: str
    round: int
    at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "label": self.label,
            "office": self.office,
            "round": self.round,
            "at": self.at.isoformat(),
        }


@dataclass(frozen=True)
class BoardReservation:
    """Who reserved an article that stands reserved, and why."""

    delegation: str
    note: str
    at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {"delegation": self.delegation, "note": self.note, "at": self.at.isoformat()}


@dataclass(frozen=True)
class BoardRow:
    """One article on the board; ``signoffs`` and ``open_brackets`` are by delegation, in
    the order of DELEGATIONS."""

    article: Article
    status: str
    status_label: str
    signoffs: dict[str, BoardSignOff | None]
    open_brackets: dict[str, int]
    options_pending: int
    detached_brackets: int
    texts_in_step: bool
    us_position: BoardUsPosition | None
    last_change: datetime
    reservation: BoardReservation | None
    revision_en: int
    revision_ja: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "article": self.article.pk,
            "label": self.article.label,
            "position": self.article.position,
            "status": self.status,
            "status_label": self.status_label,
            "signoffs": {d: s.as_dict() if s else None for d, s in self.signoffs.items()},
            "open_brackets": self.open_brackets,
            "options_pending": self.options_pending,
            "detached_brackets": self.detached_brackets,
            "texts_in_step": self.texts_in_step,
            "us_position": self.us_position.as_dict() if self.us_position else None,
            "reservation": self.reservation.as_dict() if self.reservation else None,
            "revision_en": self.revision_en,
            "revision_ja": self.revision_ja,
            "last_change": self.last_change.isoformat(),
        }


@dataclass(frozen=True)
class BoardCounts:
    """Counts over every article of the draft (whatever the board's filters show)."""

    articles: int
    open: int
    agreed_ad_ref: int
    initialled: int
    reserved: int
    open_with_brackets: int
    brackets: int
    brackets_by_delegation: dict[str, int]
    options_pending: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class NegotiationBoard:
    """The board: the counts and their sentence over the whole draft, and the rows the
    ``filters`` let through."""

    counts: BoardCounts
    summary: str
    rows: list[BoardRow]
    filters: dict[str, str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "summary": self.summary,
            "counts": self.counts.as_dict(),
            "filters": self.filters,
            "articles": [row.as_dict() for row in self.rows],
        }


BOARD_FILTERS = ("status", "bracketed_by", "awaiting")


def board_filters_parse(params: Any) -> dict[str, str]:
    filters = {}
    for name in BOARD_FILTERS:
        value = (params.get(name) or "").strip()
        if not value:
            continue
        allowed = (
            [*Status.values, "bracketed"] if name == "status" else sorted(NEGOTIATING_DELEGATIONS)
        )
        if value not in allowed:
            raise ApplicationError(
                _("Unknown %(name)s %(value)r: use one of %(allowed)s.")
                % {"name": name, "value": value, "allowed": ", ".join(allowed)},
                fields={name: [_("One of: %(allowed)s.") % {"allowed": ", ".join(allowed)}]},
            )
        filters[name] = value
    return filters


def negotiation_board(
    user: Reader, draft: Draft, filters: dict[str, str] | None = None
) -> NegotiationBoard:
    """Per article: status, each delegation's sign-off (standing, or the last withdrawn one
    with why), open brackets per delegation, options pending, texts in step, the latest US
    position and when it last changed; with counts over the whole draft at the top. Readers
    of the live draft only."""
    if not permissions.can_view_draft(user, draft):
        raise NotFoundError(_("No such draft."))
    filters = filters or {}
    articles = list(Article.objects.filter(draft=draft).order_by("position"))
    ids = [a.pk for a in articles]
    latest_signoffs: dict[tuple[int, str], SignOff] = {}
    for signoff in (
        SignOff.objects.filter(article_id__in=ids)
        .select_related("signed_by")
        .order_by("signed_at", "pk")
    ):
        key = (signoff.article_id, signoff.delegation)
        current = latest_signoffs.get(key)
        # A standing sign-off wins; otherwise the latest one.
        if current is None or current.withdrawn_at is not None or signoff.withdrawn_at is None:
            latest_signoffs[key] = signoff
    brackets = list(
        Bracket.objects.filter(article_id__in=ids, status=Bracket.Status.OPEN).values(
            "id", "article_id", "delegation", "detached"
        )
    )
    options = Counter(
        BracketOption.objects.filter(
            bracket__article_id__in=ids, bracket__status=Bracket.Status.OPEN
        ).values_list("bracket__article_id", flat=True)
    )
    revisions = {
        (row["article_id"], row["language"]): row["number"]
        for row in Revision.objects.filter(article_id__in=ids)
        .values("article_id", "language")
        .annotate(number=Max("number"))
    }
    changes: dict[int, ArticleStatusChange] = {}
    for change in ArticleStatusChange.objects.filter(article_id__in=ids).order_by("at", "pk"):
        changes[change.article_id] = change
    reservations: dict[int, ArticleStatusChange] = {
        c.article_id: c
        for c in ArticleStatusChange.objects.filter(
            article_id__in=ids, to_status=Status.RESERVED
        ).order_by("at", "pk")
    }
    positions: dict[int, Response] = {}
    for response in (
        Response.objects.filter(round_article__article_id__in=ids)
        .select_related("office", "round_article__round")
        .order_by("updated_at", "pk")
    ):
        positions[response.round_article.article_id] = response
    rows = []
    for article in articles:
        mine = [b for b in brackets if b["article_id"] == article.pk]
        per_delegation = {d: sum(1 for b in mine if b["delegation"] == d) for d in DELEGATIONS}
        signoffs = {
            d: (
                BoardSignOff.of(latest_signoffs[(article.pk, d)])
                if (article.pk, d) in latest_signoffs
                else None
            )
            for d in DELEGATIONS
        }
        us_response = positions.get(article.pk)
        latest_change = changes.get(article.pk)
        stamps = [article.updated_at]
        if latest_change:
            stamps.append(latest_change.at)
        for d in NEGOTIATING_DELEGATIONS:
            s = latest_signoffs.get((article.pk, d))
            if s:
                stamps.append(s.withdrawn_at or s.signed_at)
        reservation = reservations.get(article.pk)
        rows.append(
            BoardRow(
                article=article,
                status=article.negotiation_status,
                status_label=str(Status(article.negotiation_status).label),
                signoffs=signoffs,
                open_brackets=per_delegation,
                options_pending=options.get(article.pk, 0),
                detached_brackets=sum(1 for b in mine if b["detached"]),
                texts_in_step=texts_in_step(article),
                us_position=BoardUsPosition(
                    position=us_response.position,
                    label=us_response.get_position_display(),
                    office=us_response.office.name,
                    round=us_response.round_article.round.number,
                    at=us_response.updated_at,
                )
                if us_response
                else None,
                last_change=max(stamps),
                reservation=BoardReservation(
                    delegation=reservation.delegation, note=reservation.note, at=reservation.at
                )
                if reservation and article.negotiation_status == Status.RESERVED
                else None,
                revision_en=revisions.get((article.pk, "en"), 0),
                revision_ja=revisions.get((article.pk, "ja"), 0),
            )
        )
    counts = _counts(rows)
    shown = [row for row in rows if _row_matches(row, filters)]
    return NegotiationBoard(
        counts=counts, summary=counts_sentence(counts), rows=shown, filters=filters
    )


def _row_matches(row: BoardRow, filters: dict[str, str]) -> bool:
    status = filters.get("status")
    if status == "bracketed":
        if not any(row.open_brackets.values()):
            return False
    elif status and row.status != status:
        return False
    by = filters.get("bracketed_by")
    if by and not row.open_brackets.get(by):
        return False
    awaiting = filters.get("awaiting")
    if awaiting:
        signoff = row.signoffs.get(awaiting)
        if row.status != Status.OPEN or (signoff and signoff.standing):
            return False
    return True


def _counts(rows: list[BoardRow]) -> BoardCounts:
    by_status = Counter(row.status for row in rows)
    open_rows = [row for row in rows if row.status == Status.OPEN]
    brackets = {d: sum(row.open_brackets[d] for row in rows) for d in DELEGATIONS}
    return BoardCounts(
        articles=len(rows),
        open=by_status.get(Status.OPEN, 0),
        agreed_ad_ref=by_status.get(Status.AGREED_AD_REF, 0),
        initialled=by_status.get(Status.INITIALLED, 0),
        reserved=by_status.get(Status.RESERVED, 0),
        open_with_brackets=sum(1 for row in open_rows if any(row.open_brackets.values())),
        brackets=sum(brackets.values()),
        brackets_by_delegation=brackets,
        options_pending=sum(row.options_pending for row in rows),
    )


def counts_sentence(counts: BoardCounts) -> str:
    """ "14 articles: 9 agreed ad ref, 3 open with 5 brackets (UK 2, JP 3), 2 reserved"."""
    per = ", ".join(f"{d} {n}" for d, n in counts.brackets_by_delegation.items())
    parts = [
        _("%(n)s agreed ad ref") % {"n": counts.agreed_ad_ref},
    ]
    if counts.initialled:
        parts.append(_("%(n)s initialled") % {"n": counts.initialled})
    parts.append(
        ngettext(
            "%(n)s open with %(b)s bracket (%(per)s)",
            "%(n)s open with %(b)s brackets (%(per)s)",
            counts.brackets,
        )
        % {"n": counts.open, "b": counts.brackets, "per": per}
    )
    parts.append(_("%(n)s reserved") % {"n": counts.reserved})
    return _("%(n)s articles: %(parts)s") % {"n": counts.articles, "parts": ", ".join(parts)}


# --- the article's negotiation panel -------------------------------------------------------


@dataclass(frozen=True)
class ArticleNegotiation:
    """Everything the article page shows of the negotiation: the status, the log (newest
    first, the last 50), the sign-offs (the last 20) and those standing by delegation, the
    brackets (all of them, with their history; the open ones apart), the pair of revisions
    being read and each text drawn with its open brackets."""

    status: str
    status_label: str
    agreed: bool
    log: list[ArticleStatusChange]
    signoffs: list[SignOff]
    standing: dict[str, SignOff]
    brackets: list[Bracket]
    open_brackets: list[Bracket]
    revision_en: int
    revision_ja: int
    segments: dict[str, list[Segment]]


def article_negotiation(user: Reader, article: Article) -> ArticleNegotiation:
    brackets = list(brackets_of(user, article))
    return ArticleNegotiation(
        status=article.negotiation_status,
        status_label=str(Status(article.negotiation_status).label),
        agreed=article.negotiation_status in AGREED,
        log=list(
            ArticleStatusChange.objects.filter(article=article)
            .select_related("actor")
            .order_by("-at", "-pk")[:50]
        ),
        signoffs=list(
            SignOff.objects.filter(article=article)
            .select_related("signed_by", "withdrawn_by")
            .order_by("-signed_at", "-pk")[:20]
        ),
        standing={
            s.delegation: s
            for s in SignOff.objects.filter(article=article, withdrawn_at__isnull=True)
        },
        brackets=brackets,
        open_brackets=[b for b in brackets if b.status == Bracket.Status.OPEN],
        revision_en=revision_number_latest(article, "en"),
        revision_ja=revision_number_latest(article, "ja"),
        segments={
            language: segments_build(
                article.text(language),
                [
                    bracket_json(b, article.text(language))
                    for b in brackets
                    if b.language == language and b.status == "open"
                ],
            )
            for language in ("en", "ja")
        },
    )


def draft_reading(user: Reader, draft: Draft, mode: str, articles: list[Article]) -> list[Article]:
    """The draft's ``articles`` for one of two reading modes, each given ``included`` and
    ``segments`` ({"en": [...], "ja": [...]}, None for a text without open brackets):

    - ``bracketed``: every article, its open brackets drawn;
    - ``clean``: what is agreed so far: the articles agreed ad referendum or initialled, as
      they stand; the others are named with their status and their text left out.
    """
    if mode not in READING_MODES:
        raise ApplicationError(
            _("Unknown reading mode %(mode)r: use bracketed or clean.") % {"mode": mode},
            fields={"mode": ["Use bracketed or clean."]},
        )
    brackets = _brackets_by_article(user, draft)
    for article in articles:
        agreed = article.negotiation_status in AGREED
        article.included = mode == "bracketed" or agreed  # type: ignore[attr-defined]
        article.segments = {  # type: ignore[attr-defined]
            language: segments_build(article.text(language), brackets[(article.pk, language)])
            if (article.pk, language) in brackets
            else None
            for language in ("en", "ja")
        }
    return articles


READING_MODES = {
    "bracketed": gettext_lazy("Bracketed text"),
    "clean": gettext_lazy("Clean text agreed so far"),
}


def bracket_fresh(user: Any, bracket_id: Any) -> Bracket:
    """One bracket read as brackets_of reads it (options, events), after a change to it."""
    bracket = bracket_get(user, bracket_id)
    return brackets_of(user, bracket.article).get(pk=bracket.pk)
