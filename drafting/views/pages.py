"""Server-rendered pages for drafts. Each view parses the form, calls a selector or a
service, and renders; a service's ApplicationError is shown beside the form with what the
user typed kept in it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from treaties import selectors as library_selectors
from treaties.models import LibraryClause

from .. import inputs, permissions
from ..demo import PERSONAS
from ..errors import ApplicationError, NotFoundError, PermissionDeniedError
from ..forms import DraftSettingsForm, form_errors_add, initial_of, leads_forms
from ..models import Article, Classification, Delegation, Releasability, Role
from ..selectors import drafts as draft_selectors
from ..selectors import negotiation as negotiation_selectors
from ..services import drafts as draft_services
from ..services import members as member_services
from ..services import notifications as notification_services
from ..services import twofactor as twofactor_services
from . import twofactor as twofactor_views
from .context import LANG_VIEWS, draft_context


class EntenteLoginView(LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if twofactor_services.needs_second_factor(user):
            # The password was right; the session is signed in only after the code.
            return twofactor_views.pending_start(self.request, user, self.get_success_url())
        return super().form_valid(form)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if settings.DEMO_MODE:
            context["personas"] = PERSONAS
            context["demo_password"] = settings.DEMO_PASSWORD
        return context


def admin_login_redirect(request: HttpRequest) -> HttpResponse:
    query = request.META.get("QUERY_STRING", "")
    return redirect(f"{reverse('login')}?{query}" if query else reverse("login"))


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")


def _int_or_none(value: str | None) -> int | None:
    if value in (None, ""):
        return None
    return inputs.int_parse(value, name="position", min_value=1)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    drafts = list(draft_selectors.drafts_dashboard(permissions.signed_in(request.user)))
    consultee_of = draft_selectors.consultee_draft_count(request.user)
    # The page names every draft the user belongs to (consultees' drafts too): it carries the
    # highest of their markings.
    sensitive = draft_selectors.member_of_sensitive_draft(request.user)
    marking = Classification.OFFICIAL_SENSITIVE if sensitive else Classification.OFFICIAL
    return render(
        request,
        "drafting/dashboard.html",
        {"drafts": drafts, "consultee_of": consultee_of, "marking": marking},
    )


@login_required
def draft_new(request: HttpRequest) -> HttpResponse:
    form = {
        "title": "",
        "classification": Classification.OFFICIAL_SENSITIVE,
        "delegation": Delegation.UK,
    }
    error = None
    if request.method == "POST":
        form = {
            k: request.POST.get(k, "")
            for k in ("title", "title_ja", "classification", "delegation")
        }
        try:
            draft = draft_services.draft_create(
                actor=permissions.signed_in(request.user),
                title=form["title"],
                title_ja=form["title_ja"],
                classification=form["classification"],
                delegation=form["delegation"],
            )
        except ApplicationError as exc:
            error = exc
        else:
            messages.success(
                request, _("Draft created. Add its articles, or insert clauses from the library.")
            )
            return redirect(draft)
    return render(
        request,
        "drafting/draft_new.html",
        {
            "form": form,
            "error": error,
            "classifications": Classification.choices,
            "delegations": [
                (Delegation.UK, Delegation.UK.label),
                (Delegation.JP, Delegation.JP.label),
            ],
            "marking": form.get("classification") or Classification.OFFICIAL,
        },
        status=400 if error else 200,
    )


@login_required
def draft_detail(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = draft_selectors.draft_get(request.user, draft_id)
    lang = request.GET.get("lang", "both")
    if lang not in LANG_VIEWS:
        lang = "both"
    articles = list(draft_selectors.articles_of(request.user, draft))
    # Two reading modes (selectors.negotiation): the bracketed text, or what is agreed so far.
    mode = request.GET.get("mode", "bracketed")
    if mode not in negotiation_selectors.READING_MODES:
        mode = "bracketed"
    articles = negotiation_selectors.draft_reading(request.user, draft, mode, articles)
    return render(
        request,
        "drafting/draft_detail.html",
        draft_context(
            request,
            draft,
            articles=articles,
            lang=lang,
            lang_views=LANG_VIEWS,
            numbering_problems=draft_selectors.numbering_problems(articles),
            mode=mode,
            reading_modes=negotiation_selectors.READING_MODES,
        ),
    )


def _article_form_values(request: HttpRequest) -> dict[str, str]:
    return {
        k: request.POST.get(k, "")
        for k in (
            "heading",
            "heading_ja",
            "text_en",
            "text_ja",
            "number",
            "releasability",
        )
    }


@login_required
def article_detail(request: HttpRequest, draft_id: int, article_id: int) -> HttpResponse:
    draft = draft_selectors.draft_get(request.user, draft_id)
    article = draft_services.article_get_in_draft(draft, article_id)
    error: ApplicationError | None = None
    form: dict[str, str] | None = None
    if request.method == "POST":
        form = _article_form_values(request)
        try:
            article = _article_save(request, article, form)
        except ApplicationError as exc:
            error = exc
        else:
            messages.success(request, _("%(article)s saved.") % {"article": article.label_in()})
            return HttpResponseRedirect(article.get_absolute_url() + "?saved=1")
    context = draft_context(
        request,
        draft,
        article=article,
        form=form,
        error=error,
        marking_note=article.releasability,
        statuses=Article.NegotiationStatus.choices,
        releasabilities=Releasability.choices,
    )
    return render(request, "drafting/article_detail.html", context, status=_status_for(error))


def _status_for(error: ApplicationError | None) -> int:
    return error.status if error else 200


def _article_save(request: HttpRequest, article: Article, form: dict[str, str]) -> Article:
    base = request.POST.get("base_updated_at", "")
    if base and base != article.updated_at.isoformat():
        # Someone saved this article after the form was opened: never overwrite their change.
        raise ApplicationError(
            _(
                "Someone else saved this article while you were editing it. Your text is kept "
                "in the form below; compare it with the current text above, then save again."
            ),
            code="edited_meanwhile",
        )
    number = form["number"]
    releasability = form["releasability"] or None
    if releasability == article.releasability or not permissions.can_change_releasability(
        request.user, article.draft
    ):
        releasability = None if releasability == article.releasability else releasability
    return draft_services.article_update(
        actor=permissions.signed_in(request.user),
        article=article,
        heading=form["heading"],
        heading_ja=form["heading_ja"],
        text_en=form["text_en"].replace("\r\n", "\n"),
        text_ja=form["text_ja"].replace("\r\n", "\n"),
        number=(number if article.number_fixed or number != article.number else None)
        if article.kind == Article.Kind.ARTICLE
        else None,
        releasability=releasability,
    )


@login_required
def article_new(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = draft_selectors.draft_get(request.user, draft_id)
    if not permissions.can_edit_text(request.user, draft):
        raise PermissionDeniedError(_("Only the draft's drafters can add articles."))
    error = None
    form = {
        "heading": "",
        "heading_ja": "",
        "text_en": "",
        "text_ja": "",
        "position": "",
        "kind": "article",
    }
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form}
        try:
            article = draft_services.article_create(
                actor=permissions.signed_in(request.user),
                draft=draft,
                kind=form["kind"] or Article.Kind.ARTICLE,
                heading=form["heading"],
                heading_ja=form["heading_ja"],
                text_en=form["text_en"].replace("\r\n", "\n"),
                text_ja=form["text_ja"].replace("\r\n", "\n"),
                position=_int_or_none(form["position"]),
            )
        except ApplicationError as exc:
            error = exc
        else:
            messages.success(request, _("%(article)s added.") % {"article": article.label_in()})
            return redirect(article)
    return render(
        request,
        "drafting/article_new.html",
        draft_context(
            request,
            draft,
            form=form,
            error=error,
            count=draft_selectors.article_count(request.user, draft),
        ),
        status=_status_for(error),
    )


@login_required
@require_POST
def article_move(request: HttpRequest, draft_id: int, article_id: int) -> HttpResponse:
    draft = draft_selectors.draft_get(request.user, draft_id)
    article = draft_services.article_get_in_draft(draft, article_id)
    position = _int_or_none(request.POST.get("position"))
    try:
        if position is None:
            raise ApplicationError(
                _("Give the position to move the article to, as a whole number.")
            )
        article = draft_services.article_move(
            actor=permissions.signed_in(request.user), article=article, position=position
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Moved: it is now %(article)s.") % {"article": article.label_in()}
        )
    return HttpResponseRedirect(reverse("draft-detail", args=[draft.pk]) + f"#article-{article.pk}")


@login_required
@require_POST
def article_delete(request: HttpRequest, draft_id: int, article_id: int) -> HttpResponse:
    draft = draft_selectors.draft_get(request.user, draft_id)
    article = draft_services.article_get_in_draft(draft, article_id)
    label = article.label_in()
    try:
        draft_services.article_delete(actor=permissions.signed_in(request.user), article=article)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(article)
    messages.success(
        request,
        _("%(article)s deleted; the articles after it were renumbered.") % {"article": label},
    )
    return redirect(draft)


@login_required
def members(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = draft_selectors.draft_get(request.user, draft_id)
    error = None
    form = {"username": "", "role": Role.DRAFTER, "delegation": Delegation.UK}
    if request.method == "POST":
        action = request.POST.get("action", "add")
        try:
            if action == "add":
                form = {k: request.POST.get(k, "") for k in form}
                membership = member_services.member_add(
                    actor=permissions.signed_in(request.user), draft=draft, **form
                )
                messages.success(
                    request,
                    _("%(user)s added as %(role)s.")
                    % {
                        "user": membership.user.get_username(),
                        "role": membership.get_role_display(),
                    },
                )
            else:
                membership = draft_selectors.membership_get(
                    request.user, draft, request.POST.get("membership")
                )
                if action == "remove":
                    member_services.member_remove(
                        actor=permissions.signed_in(request.user), membership=membership
                    )
                    messages.success(
                        request, _("%(user)s removed.") % {"user": membership.user.get_username()}
                    )
                else:
                    member_services.member_change(
                        actor=permissions.signed_in(request.user),
                        membership=membership,
                        role=request.POST.get("role") or None,
                        delegation=request.POST.get("delegation") or None,
                    )
                    messages.success(
                        request, _("%(user)s updated.") % {"user": membership.user.get_username()}
                    )
        except ApplicationError as exc:
            error = exc
        else:
            return redirect("draft-members", draft_id=draft.pk)
    return render(
        request,
        "drafting/members.html",
        draft_context(
            request,
            draft,
            members=draft_selectors.members_of(request.user, draft),
            form=form,
            error=error,
            roles=Role.choices,
            delegations=Delegation.choices,
        ),
        status=_status_for(error),
    )


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        notification_services.notifications_mark_read(user=permissions.signed_in(request.user))
        return redirect("notifications")
    items = list(draft_selectors.notifications_for(permissions.signed_in(request.user))[:200])
    marking = (
        Classification.OFFICIAL_SENSITIVE
        if any(n.draft.classification == Classification.OFFICIAL_SENSITIVE for n in items)
        else Classification.OFFICIAL
    )
    return render(request, "drafting/notifications.html", {"items": items, "marking": marking})


@login_required
@require_POST
def clause_insert(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        clause = library_selectors.clause_get(slug)
    except LibraryClause.DoesNotExist:
        raise NotFoundError(_("No such clause.")) from None
    if inputs.id_parse(request.POST.get("draft", "")) is None:
        raise ApplicationError(_("Choose the draft to insert the clause into."))
    draft = draft_selectors.draft_get(request.user, request.POST.get("draft"))
    try:
        article = draft_services.clause_insert(
            actor=permissions.signed_in(request.user),
            draft=draft,
            clause=clause,
            position=_int_or_none(request.POST.get("position")),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("clause-detail", slug=slug)
    messages.success(
        request,
        _("“%(clause)s” inserted into “%(draft)s” as %(article)s.")
        % {"clause": clause.title, "draft": draft.title, "article": article.label_in()},
    )
    return redirect(article)


@login_required
@require_http_methods(["GET", "POST"])
def draft_settings(request: HttpRequest, draft_id: int) -> HttpResponse:
    """The draft's title, parties and classification marking (its owner only)."""
    draft = draft_selectors.draft_get(request.user, draft_id)
    if not permissions.can_edit_draft_details(request.user, draft):
        raise PermissionDeniedError(
            _("Only the draft's owner (lead drafter) can change its title, parties or marking.")
        )
    form = DraftSettingsForm(request.POST or None, initial=initial_of(draft))
    if request.method == "POST" and form.is_valid():
        try:
            draft_services.draft_update(
                actor=permissions.signed_in(request.user), draft=draft, **form.cleaned_data
            )
        except ApplicationError as exc:
            form_errors_add(form, exc)
        else:
            messages.success(request, _("Draft settings saved."))
            return redirect("draft-settings", draft_id=draft.pk)
    return render(
        request,
        "drafting/draft_settings.html",
        draft_context(
            request,
            draft,
            form=form,
            leads_forms=leads_forms(negotiation_selectors.delegation_leads(request.user, draft)),
        ),
        status=400 if form.errors else 200,
    )


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links; send them to the icon."""
    return HttpResponsePermanentRedirect(static("drafting/favicon.svg"))
