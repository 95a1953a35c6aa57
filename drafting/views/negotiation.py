"""Pages of the negotiation: the board, and the forms of the article page's negotiation
panel (bracket a span, resolve or reopen a bracket, sign off, withdraw, reserve, reopen,
initial). Each form posts to ``article_negotiate``, which parses it and calls one service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ..errors import ApplicationError, NotFoundError
from ..forms import DraftSettingsForm, form_errors_add, initial_of, leads_forms
from ..labels import language_name
from ..models import Article
from ..permissions import signed_in
from ..selectors import drafts as draft_selectors
from ..selectors import negotiation as negotiation_selectors
from ..services import drafts as draft_services
from ..services import negotiation as negotiation_services
from ..textdiff import quote_locate
from .context import draft_context

MAX_FORM_OPTIONS = 3


@login_required
@require_safe
def negotiation_board(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = draft_selectors.draft_get(request.user, draft_id)
    error = None
    try:
        filters = negotiation_selectors.board_filters_parse(request.GET)
    except ApplicationError as exc:
        error, filters = exc, {}
    board = negotiation_selectors.negotiation_board(request.user, draft, filters)
    return render(
        request,
        "drafting/negotiation/board.html",
        draft_context(
            request,
            draft,
            board=board,
            error=error,
            statuses=[*Article.NegotiationStatus.choices, ("bracketed", _("Open, with brackets"))],
            delegations=negotiation_selectors.DELEGATIONS,
        ),
        status=error.status if error else 200,
    )


def _int(value: Any, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ApplicationError(
            _("%(name)s must be a whole number.") % {"name": name}, fields={name: ["Not a number."]}
        ) from None


def _form_options(request: HttpRequest) -> list[dict[str, Any]]:
    options = []
    for index in range(1, MAX_FORM_OPTIONS + 1):
        text = request.POST.get(f"option_text_{index}", "")
        if not text.strip():
            continue  # a row left empty is no option
        options.append(
            {
                "text": text.replace("\r\n", "\n"),
                "delegations": request.POST.getlist(f"option_delegations_{index}"),
                "note": request.POST.get(f"option_note_{index}", ""),
            }
        )
    return options


def _bracket_of(request: HttpRequest, article: Article) -> Any:
    bracket = negotiation_selectors.bracket_get(request.user, request.POST.get("bracket"))
    if bracket.article_id != article.pk:
        raise NotFoundError(_("No such bracket on this article."))
    return bracket


def _act(request: HttpRequest, article: Article, action: str) -> str:
    """Run one action; returns the message to show."""
    user, post = signed_in(request.user), request.POST
    if action == "bracket":
        language = post.get("language", "en")
        quote = post.get("quote", "")
        occurrence = _int(post.get("occurrence") or 1, "occurrence")
        if language not in ("en", "ja"):
            raise ApplicationError(
                _("Choose English or Japanese."), fields={"language": ["en or ja"]}
            )
        found = quote_locate(article.text(language), quote, occurrence)
        if found is None:
            raise ApplicationError(
                _(
                    "“%(quote)s” is not in the %(language)s text (occurrence %(n)s): copy the words exactly."
                )
                % {
                    "quote": quote[:80],
                    "language": language_name(language),
                    "n": occurrence,
                },
                fields={"quote": ["Not in the text."]},
                code="quote_not_found",
            )
        negotiation_services.bracket_create(
            actor=user,
            article=article,
            language=language,
            start=found[0],
            end=found[1],
            delegation=post.get("delegation") or None,
            options=_form_options(request),
            note=post.get("note", ""),
        )
        return _("Bracket added.")
    if action == "resolve":
        negotiation_services.bracket_resolve(
            actor=user,
            bracket=_bracket_of(request, article),
            resolution=post.get("resolution", ""),
            option=post.get("option") or None,
            reason=post.get("reason", ""),
        )
        return _("Bracket resolved.")
    if action == "reopen-bracket":
        negotiation_services.bracket_reopen(
            actor=user, bracket=_bracket_of(request, article), reason=post.get("reason", "")
        )
        return _("Bracket reopened.")
    if action == "signoff":
        negotiation_services.article_signoff(
            actor=user,
            article=article,
            revision_en=_int(post.get("revision_en"), "revision_en"),
            revision_ja=_int(post.get("revision_ja"), "revision_ja"),
        )
        return _("Signed off.")
    if action == "withdraw":
        negotiation_services.article_signoff_withdraw(
            actor=user, article=article, reason=post.get("reason", "")
        )
        return _("Sign-off withdrawn.")
    if action == "reserve":
        negotiation_services.article_reserve(actor=user, article=article, note=post.get("note", ""))
        return _("Reservation recorded.")
    if action == "reopen":
        negotiation_services.article_reopen(
            actor=user, article=article, reason=post.get("reason", "")
        )
        return _("Article reopened.")
    if action == "initial":
        negotiation_services.article_initial(actor=user, article=article, note=post.get("note", ""))
        return _("Initialling recorded.")
    raise NotFoundError(_("No such action."))


@login_required
@require_POST
def article_negotiate(
    request: HttpRequest, draft_id: int, article_id: int, action: str
) -> HttpResponse:
    draft = draft_selectors.draft_get(request.user, draft_id)
    article = draft_services.article_get_in_draft(draft, article_id)
    try:
        message = _act(request, article, action)
    except NotFoundError:
        raise
    except ApplicationError as exc:
        # Shown on a page of its own with the right status (400, 403, 409) and a way back;
        # nothing was written.
        return render(
            request,
            "drafting/negotiation/refused.html",
            draft_context(
                request, draft, article=article, error=exc, marking_note=article.releasability
            ),
            status=exc.status,
        )
    messages.success(request, message)
    return HttpResponseRedirect(article.get_absolute_url() + "#negotiation")


@login_required
@require_POST
def draft_leads(request: HttpRequest, draft_id: int) -> HttpResponse:
    """The settings page's "Delegation leads" forms (one per delegation, the button names
    it): the owner names who signs off, reserves and reopens for it. The same service as
    ``POST /api/v1/drafts/{id}/leads/`` checks and audits it."""
    draft = draft_selectors.draft_get(request.user, draft_id)
    delegation = request.POST.get("leads", "")
    forms = leads_forms(
        negotiation_selectors.delegation_leads(request.user, draft), request.POST, delegation
    )
    posted = next((form for form in forms if form.delegation == delegation), None)
    error = None
    try:
        if posted is None:
            # Not one of the forms the page shows: the service says what is wrong with it.
            negotiation_services.delegation_leads_set(
                actor=signed_in(request.user), draft=draft, delegation=delegation, usernames=[]
            )
        elif posted.is_valid():
            leads = negotiation_services.delegation_leads_set(
                actor=signed_in(request.user),
                draft=draft,
                delegation=delegation,
                usernames=posted.cleaned_data["usernames"],
            )
            names = ", ".join(lead.user.get_username() for lead in leads)
            messages.success(
                request,
                _("Leads of the %(delegation)s delegation: %(names)s.")
                % {"delegation": delegation, "names": names}
                if names
                else _(
                    "No lead named for the %(delegation)s delegation: its owner and drafters "
                    "all lead."
                )
                % {"delegation": delegation},
            )
            return redirect(reverse("draft-settings", args=[draft.pk]) + "#leads")
    except ApplicationError as exc:
        if posted is None:
            error = exc
        else:
            form_errors_add(posted, exc)
    return render(
        request,
        "drafting/draft_settings.html",
        draft_context(
            request,
            draft,
            form=DraftSettingsForm(initial=initial_of(draft)),
            leads_forms=forms,
            error=error,
        ),
        status=400,
    )
