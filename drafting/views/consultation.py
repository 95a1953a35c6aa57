"""Pages for the US consultation: the rounds of a draft (and, for the owner, opening one and
managing the US offices), a round with its frozen articles, the answers, the dispositions and
the consultation channel, the round report (page and CSV) and the disclosure log.

They mirror drafting/api/consultation.py: the same selectors decide what each user sees (a
consultee sees only the rounds sent to their office, only the frozen snapshots and only their
own office's answers and channel; never the live draft) and the same services write. A
service's ApplicationError is shown next to the form it came from, with what the user typed
kept, and the page is answered with the error's status. The owner's forms on the rounds page
(opening a round, creating an office, an office's members) post each to a view of its own,
checked by a Django form (drafting/forms.py) before the service sees it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from .. import inputs, permissions
from ..downloads import csv_response
from ..errors import ApplicationError, NotFoundError
from ..forms import (
    DEADLINE_FORMAT,
    OfficeCreateForm,
    OfficeMembersForm,
    RoundOpenForm,
    form_error,
)
from ..labels import LANGUAGE_NAMES, reader_language
from ..models import Disposition, Draft, Office, Releasability, Response, Role, Round
from ..selectors import consultation as selectors
from ..selectors import drafts as draft_selectors
from ..services import consultation as services
from ..services import exports
from .context import draft_context

REL_USA = Releasability.REL_USA.value


# --- helpers ------------------------------------------------------------------------------


def _draft(request: HttpRequest, draft_id: int) -> Draft:
    """The draft, for its readers and its consultees; anyone else gets 404."""
    return selectors._draft_for_consultation(request.user, draft_id)


def _is_consultee(request: HttpRequest, draft: Draft) -> bool:
    return permissions.role_of(request.user, draft) == Role.CONSULTEE


def _context(request: HttpRequest, draft: Draft, **extra: Any) -> dict[str, Any]:
    """The draft's page context; a consultee gets a nav of their rounds only, never links to
    the live draft."""
    consultee = _is_consultee(request, draft)
    context = draft_context(
        request,
        draft,
        is_consultee=consultee,
        can_manage_consultation=permissions.can_manage_consultation(request.user, draft),
        can_dispose=permissions.can_dispose(request.user, draft),
        marking_note=REL_USA,
        **extra,
    )
    if consultee:
        context["nav_rounds"] = selectors.round_numbers(request.user, draft)
    return context


def _round(request: HttpRequest, draft_id: int, number: int) -> tuple[Draft, Round]:
    draft = _draft(request, draft_id)
    return draft, selectors.round_by_number(request.user, draft, number)


def _status(error: ApplicationError | None) -> int:
    return error.status if error else 200


def _due(round_: Round, now: datetime) -> dict[str, Any]:
    """How the deadline reads: overdue, due today, due in N days; or closed."""
    if round_.status == Round.Status.CLOSED:
        return {"state": "closed", "text": _("closed")}
    left = round_.deadline - now
    if left < timedelta(0):
        days = (-left).days
        return {
            "state": "overdue",
            "text": (
                ngettext("overdue by %(days)s day", "overdue by %(days)s days", days)
                % {"days": days}
                if days
                else _("overdue")
            ),
        }
    days = left.days
    if days == 0:
        hours = max(int(left.total_seconds() // 3600), 0)
        return {
            "state": "soon",
            "text": (
                ngettext("due in %(hours)s hour", "due in %(hours)s hours", hours)
                % {"hours": hours}
                if hours
                else _("due now")
            ),
        }
    return {
        "state": "soon" if days < 2 else "due",
        "text": ngettext("due in %(days)s day", "due in %(days)s days", days) % {"days": days},
    }


def _names_html(offices: Any, *, last: str) -> SafeString:
    """Office names in bold, joined for a sentence: "A, B and C" (or 「A、B及びC」)."""
    names = [format_html("<strong>{}</strong>", o.name) for o in offices]
    if len(names) <= 1:
        return SafeString("".join(names))
    return format_html(
        "{}{}{}",
        format_html_join(_(", "), "{}", ((n,) for n in names[:-1])),
        last,
        names[-1],
    )


# --- the rounds of a draft ----------------------------------------------------------------


def _round_rows(request: HttpRequest, rounds: list[Round], now: datetime) -> list[dict[str, Any]]:
    rows = []
    for round_ in rounds:
        visible = selectors.office_ids_visible(request.user, round_)
        offices = [o for o in round_.offices.all() if visible is None or o.pk in visible]
        articles = selectors.round_counts(round_).articles
        rows.append(
            {
                "round": round_,
                "offices": sorted(offices, key=lambda o: o.name),
                "articles": articles,
                "answered": selectors.answers_count(request.user, round_),
                "expected": articles * len(offices),
                "due": _due(round_, now),
            }
        )
    return rows


def _open_form_default(now: datetime) -> dict[str, Any]:
    deadline = (now + timedelta(days=14)).replace(hour=17, minute=0, second=0, microsecond=0)
    return {
        "articles": [],
        "offices": [],
        "deadline": deadline.strftime(DEADLINE_FORMAT),
        "cover_note": "",
        "close_at_deadline": False,
    }


def _typed(request: HttpRequest, *lists: str) -> dict[str, Any]:
    """What the user typed in a form, as the page puts it back (lists for checkboxes)."""
    typed: dict[str, Any] = {key: request.POST.get(key, "") for key in request.POST}
    for key in lists:
        typed[key] = request.POST.getlist(key)
    return typed


def _list_page(
    request: HttpRequest,
    draft: Draft,
    *,
    open_form: dict[str, Any] | None = None,
    office_form: dict[str, Any] | None = None,
    members_form: dict[str, Any] | None = None,
    error: ApplicationError | None = None,
    error_for: str = "",
) -> HttpResponse:
    """The rounds of a draft, with the owner's forms (opening a round, the offices): the page,
    and what a form's action answers with when what was typed is refused (kept in the form)."""
    user = request.user
    rounds = list(selectors.rounds_for(user, draft))
    reader = permissions.can_view_draft(user, draft)
    if not reader and not rounds:
        # A consultee sees only the rounds sent to their office: with none, nothing is here.
        raise NotFoundError(_("No consultation round was sent to your office."))
    now = timezone.now()
    open_form = open_form or _open_form_default(now)
    office_form = office_form or {"name": "", "members": []}
    offices = selectors.offices_by_name(user, draft)
    manage = permissions.can_manage_consultation(user, draft)
    articles: list[Any] = []
    consultees: list[Any] = []
    if manage:
        articles = list(draft_selectors.articles_of(user, draft))
        consultees = selectors.consultees_of(user, draft)
    office_rows = []
    for office in offices:
        mine = error_for == f"office-{office.pk}"
        office_rows.append(
            {
                "office": office,
                "members": list(office.members.all()),
                "chosen": list(members_form["members"])
                if mine and members_form is not None
                else [m.get_username() for m in office.members.all()],
                "error": error if mine else None,
            }
        )
    placed = (error_for in ("open", "office") and manage) or any(r["error"] for r in office_rows)
    context = _context(
        request,
        draft,
        rows=_round_rows(request, rounds, now),
        top_error=error if error is not None and not placed else None,
        offices=office_rows,
        articles=articles,
        consultees=consultees,
        open_form=open_form,
        chosen_articles={str(a) for a in open_form["articles"]},
        chosen_offices={str(o) for o in open_form["offices"]},
        office_form=office_form,
        next_number=(rounds[0].number + 1) if rounds else 1,
        error=error,
        error_for=error_for,
        rel_usa=REL_USA,
    )
    if reader:
        # The owner's form lists the articles that are not released: not a REL USA page.
        context["marking_note"] = ""
    return render(request, "drafting/consultation/list.html", context, status=_status(error))


@login_required
@require_safe
def consultation_list(request: HttpRequest, draft_id: int) -> HttpResponse:
    return _list_page(request, _draft(request, draft_id))


@login_required
@require_POST
def consultation_round_open(request: HttpRequest, draft_id: int) -> HttpResponse:
    """The owner opens a round: the chosen articles frozen and sent to the chosen offices."""
    draft = _draft(request, draft_id)
    form = RoundOpenForm(request.POST)
    typed = _typed(request, "articles", "offices")
    typed["close_at_deadline"] = bool(request.POST.get("close_at_deadline"))
    try:
        if not form.is_valid():
            raise form_error(form)
        data = form.cleaned_data
        round_ = services.round_open(
            actor=permissions.signed_in(request.user),
            draft=draft,
            article_ids=data["articles"],
            office_ids=data["offices"],
            deadline=data["deadline"],
            cover_note=data["cover_note"],
            close_at_deadline=data["close_at_deadline"],
        )
    except ApplicationError as exc:
        return _list_page(request, draft, open_form=typed, error=exc, error_for="open")
    counts = selectors.round_counts(round_)
    messages.success(
        request,
        _(
            "Round %(number)s opened: %(articles)s article(s) frozen "
            "and sent to %(offices)s office(s)."
        )
        % {"number": round_.number, "articles": counts.articles, "offices": counts.offices},
    )
    return HttpResponseRedirect(reverse("round-detail", args=[draft.pk, round_.number]))


@login_required
@require_POST
def consultation_office_create(request: HttpRequest, draft_id: int) -> HttpResponse:
    """The owner creates a US office of the draft, with its consultees."""
    draft = _draft(request, draft_id)
    form = OfficeCreateForm(request.POST)
    typed = _typed(request, "members")
    try:
        if not form.is_valid():
            raise form_error(form)
        office = services.office_create(
            actor=permissions.signed_in(request.user),
            draft=draft,
            name=form.cleaned_data["name"],
            members=form.cleaned_data["members"],
        )
    except ApplicationError as exc:
        return _list_page(request, draft, office_form=typed, error=exc, error_for="office")
    messages.success(request, _("Office “%(name)s” created.") % {"name": office.name})
    return HttpResponseRedirect(reverse("consultation-list", args=[draft.pk]) + "#offices")


@login_required
@require_POST
def consultation_office_members(
    request: HttpRequest, draft_id: int, office_id: int
) -> HttpResponse:
    """The owner sets who belongs to one of the draft's US offices."""
    draft = _draft(request, draft_id)
    office = selectors.office_of_draft(request.user, draft, office_id)
    form = OfficeMembersForm(request.POST)
    typed = _typed(request, "members")
    try:
        if not form.is_valid():
            raise form_error(form)
        office = services.office_set_members(
            actor=permissions.signed_in(request.user),
            office=office,
            members=form.cleaned_data["members"],
        )
    except ApplicationError as exc:
        return _list_page(
            request, draft, members_form=typed, error=exc, error_for=f"office-{office.pk}"
        )
    messages.success(request, _("Members of “%(name)s” saved.") % {"name": office.name})
    return HttpResponseRedirect(
        reverse("consultation-list", args=[draft.pk]) + f"#office-{office.pk}"
    )


# --- one round ----------------------------------------------------------------------------


def _response_form(response: Response | None, typed: dict[str, str] | None) -> dict[str, str]:
    if typed is not None:
        return typed
    if response is None:
        return {"position": "", "wording": "", "rationale": ""}
    return {
        "position": response.position,
        "wording": response.wording,
        "rationale": response.rationale,
    }


def _round_items(
    request: HttpRequest,
    round_: Round,
    offices: list[Office],
    mine: list[Office],
    error: ApplicationError | None,
    error_for: str,
    typed: dict[str, str] | None,
) -> list[dict[str, Any]]:
    """Each frozen article, with the answers the user may see, the forms they may use and
    what changed since the previous round that included it."""
    user = request.user
    responses: dict[int, dict[int, Response]] = defaultdict(dict)
    for response in selectors.responses_for(user, round_):
        responses[response.round_article_id][response.office_id] = response
    items = []
    for snapshot in selectors.round_articles(round_):
        by_office = responses.get(snapshot.pk, {})
        answers = []
        for office in offices:
            answer = by_office.get(office.pk)
            key = f"dispose-{answer.pk}" if answer else ""
            disposition = getattr(answer, "disposition", None) if answer else None
            answers.append(
                {
                    "office": office,
                    "response": answer,
                    "disposition": disposition,
                    "key": key,
                    "error": error if key and key == error_for else None,
                    "form": typed
                    if key and key == error_for and typed is not None
                    else {
                        "outcome": disposition.outcome if disposition else "",
                        "rationale": disposition.rationale if disposition else "",
                    },
                }
            )
        own = []
        for office in mine:
            own_answer = by_office.get(office.pk)
            key = f"respond-{snapshot.pk}-{office.pk}"
            own.append(
                {
                    "office": office,
                    "response": own_answer,
                    "disposition": getattr(own_answer, "disposition", None) if own_answer else None,
                    "key": key,
                    "error": error if key == error_for else None,
                    "form": _response_form(own_answer, typed if key == error_for else None),
                }
            )
        since = selectors.changes_since_previous(user, snapshot)
        items.append(
            {
                "snapshot": snapshot,
                "label_ja": snapshot.label_ja,
                # The article as the page's sentences name it, in the interface language.
                "label_ui": snapshot.label_ja if reader_language() == "ja" else snapshot.label,
                "answers": answers,
                "own": own,
                "since": since,
                "diffs": [
                    {"code": code, "name": name, "ops": since.diffs.get(code)}
                    for code, name in LANGUAGE_NAMES.items()
                    if since.diffs.get(code)
                ],
            }
        )
    return items


def _round_post(request: HttpRequest, round_: Round) -> tuple[str, str]:
    """Do what the form asked; return the success message and the anchor to go back to."""
    user = permissions.signed_in(request.user)
    action = request.POST.get("action", "")
    if action == "respond":
        snapshot = selectors.round_article_get(user, round_, request.POST.get("snapshot"))
        office = request.POST.get("office", "")
        position = request.POST.get("position", "")
        if not position:
            raise ApplicationError(
                _("Choose your office's position on this article."),
                fields={"position": [_("Required.")]},
            )
        response = services.response_submit(
            actor=user,
            round_article=snapshot,
            position=position,
            # The wording goes with a proposed wording only; otherwise it is hidden in the form.
            wording=request.POST.get("wording", "").replace("\r\n", "\n")
            if position == Response.Position.PROPOSED_WORDING
            else "",
            rationale=request.POST.get("rationale", "").replace("\r\n", "\n"),
            office_id=inputs.id_parse(office),
        )
        return (
            _(
                "%(office)s: %(position)s on %(article)s recorded. "
                "You can change it until the round closes."
            )
            % {
                "office": response.office.name,
                "position": response.get_position_display().lower(),
                "article": snapshot.label,
            },
            f"article-{snapshot.pk}",
        )
    if action == "dispose":
        response = selectors.response_get(user, request.POST.get("response"))
        if response.round_article.round_id != round_.pk:
            raise NotFoundError(_("No such response in this round."))
        outcome = request.POST.get("outcome", "")
        if not outcome:
            raise ApplicationError(
                _("Choose the disposition."), fields={"outcome": [_("Required.")]}
            )
        disposition = services.disposition_record(
            actor=user,
            response=response,
            outcome=outcome,
            rationale=request.POST.get("rationale", "").replace("\r\n", "\n"),
        )
        return (
            _("%(office)s on %(article)s: %(outcome)s.")
            % {
                "office": response.office.name,
                "article": response.round_article.label,
                "outcome": disposition.get_outcome_display().lower(),
            },
            f"article-{response.round_article_id}",
        )
    if action == "post":
        office_id = request.POST.get("office", "")
        channel = selectors.round_office(round_, office_id)
        if channel is None:
            raise NotFoundError(_("That office is not in this round."))
        services.channel_post(
            actor=user,
            round_=round_,
            office=channel,
            body=request.POST.get("body", "").replace("\r\n", "\n"),
        )
        return (
            _("Message sent to the channel with %(office)s.") % {"office": channel.name},
            f"channel-{channel.pk}",
        )
    if action == "close":
        services.round_close(actor=user, round_=round_)
        return (
            _("Round %(number)s closed: answers are no longer taken.") % {"number": round_.number},
            "round-status",
        )
    raise ApplicationError(_("Unknown action."))


def _error_for(request: HttpRequest) -> tuple[str, dict[str, str] | None]:
    """Which form an error belongs to, and what was typed in it."""
    post = request.POST
    action = post.get("action", "")
    if action == "respond":
        return (
            f"respond-{post.get('snapshot', '')}-{post.get('office', '')}",
            {k: post.get(k, "") for k in ("position", "wording", "rationale")},
        )
    if action == "dispose":
        return f"dispose-{post.get('response', '')}", {
            k: post.get(k, "") for k in ("outcome", "rationale")
        }
    if action == "post":
        return f"post-{post.get('office', '')}", {"body": post.get("body", "")}
    return "", None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def round_detail(request: HttpRequest, draft_id: int, number: int) -> HttpResponse:
    draft, round_ = _round(request, draft_id, number)
    user = permissions.signed_in(request.user)
    error: ApplicationError | None = None
    error_for, typed = "", None
    if request.method == "POST":
        try:
            message, anchor = _round_post(request, round_)
        except ApplicationError as exc:
            error = exc
            error_for, typed = _error_for(request)
            round_.refresh_from_db()
        else:
            messages.success(request, message)
            return HttpResponseRedirect(
                reverse("round-detail", args=[draft.pk, round_.number]) + f"#{anchor}"
            )
    elif _is_consultee(request, draft):
        services.round_opened(user=user, round_=round_)
    visible = selectors.office_ids_visible(user, round_)
    offices = [
        o for o in selectors.round_offices_by_name(round_) if visible is None or o.pk in visible
    ]
    mine_ids = permissions.consultee_office_ids(user, round_)
    mine = [o for o in offices if o.pk in mine_ids]
    channels = []
    for office in offices:
        key = f"post-{office.pk}"
        channels.append(
            {
                "office": office,
                "messages": list(selectors.messages_for(user, round_, office.pk)),
                "can_post": permissions.can_use_channel(user, round_, office.pk),
                "key": key,
                "error": error if key == error_for else None,
                "form": typed if key == error_for and typed is not None else {"body": ""},
            }
        )
    items = _round_items(request, round_, offices, mine, error, error_for, typed)
    placed = (
        error is not None
        and error_for != ""
        and (
            any(a["key"] == error_for for i in items for a in i["answers"] + i["own"])
            or any(c["key"] == error_for for c in channels)
        )
    )
    context = _context(
        request,
        draft,
        round=round_,
        due=_due(round_, timezone.now()),
        offices=offices,
        mine=mine,
        office_names=_names_html(offices, last=_(", ")),
        mine_names=_names_html(mine, last=_(" and ")),
        items=items,
        any_previous=any(i["since"].previous_round for i in items),
        channels=channels,
        is_open=round_.status == Round.Status.OPEN,
        positions=Response.Position.choices,
        outcomes=Disposition.Outcome.choices,
        error=error if not placed else None,
        any_error=error,
        error_anchor=error_for if placed else "",
    )
    return render(request, "drafting/consultation/round.html", context, status=_status(error))


# --- report, CSV, disclosures -------------------------------------------------------------


@login_required
@require_safe
def round_report(request: HttpRequest, draft_id: int, number: int) -> HttpResponse:
    draft, round_ = _round(request, draft_id, number)
    report = selectors.report(request.user, round_)
    return render(
        request,
        "drafting/consultation/report.html",
        _context(
            request,
            draft,
            round=round_,
            due=_due(round_, timezone.now()),
            report=report,
            answered=report.answered,
            disposed=report.disposed,
            awaiting=report.answered - report.disposed,
            # Offices share the width equally; the table scrolls rather than squeeze them.
            office_width=f"{78 / max(len(report.offices), 1):.2f}%",
            min_width=f"{12 + 15 * len(report.offices)}rem",
        ),
    )


@login_required
@require_safe
def round_report_csv(request: HttpRequest, draft_id: int, number: int) -> HttpResponse:
    _draft, round_ = _round(request, draft_id, number)
    return csv_response(*exports.round_report_csv(selectors.report(request.user, round_).as_dict()))


@login_required
@require_safe
def round_disclosures(request: HttpRequest, draft_id: int, number: int) -> HttpResponse:
    draft, round_ = _round(request, draft_id, number)
    events = list(selectors.disclosures_for(request.user, round_))  # consultees: 404
    labels = {s.pk: s.label for s in round_.articles.all()}
    rows = []
    for event in events:
        if event.kind == "sent":
            articles = [a.get("label", "") for a in event.articles if isinstance(a, dict)]
        else:
            articles = [
                labels.get(a, f"snapshot {a}") for a in event.articles if isinstance(a, int)
            ]
        rows.append({"event": event, "articles": articles})
    first_opened: dict[tuple[int, int], datetime] = {}
    for event in events:
        if event.kind == "opened" and event.user_id is not None:
            first_opened.setdefault((event.office_id, event.user_id), event.at)
    offices = [
        {
            "office": office,
            "members": [
                {"user": m, "opened_at": first_opened.get((office.pk, m.pk))}
                for m in selectors.office_members_by_name(office)
            ],
        }
        for office in selectors.round_offices_by_name(round_)
    ]
    context = _context(
        request, draft, round=round_, due=_due(round_, timezone.now()), rows=rows, offices=offices
    )
    context["marking_note"] = ""
    return render(request, "drafting/consultation/disclosures.html", context)
