"""Pages for the history of a draft: revisions of an article (with a time slider), compare
two revisions or two versions (inline redline or side by side), named versions, and the
track-changes view with accept and reject.

They mirror drafting/api/history.py: the same selectors decide what the user may see (a
non-member and a US consultee get 404 from every one of them) and the same services write
(a reviewer's POST gets the service's PermissionDeniedError, shown as a 403 page). Any other
ApplicationError is shown in the page with its status, or, after a POST, as a message on the
page the user came from.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from .. import permissions, textdiff
from ..errors import ApplicationError, PermissionDeniedError
from ..labels import LANGUAGE_NAMES, article_label
from ..models import Article, ChangeDecision, Draft, Language, Revision, Version
from ..selectors import drafts as draft_selectors
from ..selectors import history
from ..services import changes as change_services
from ..services import drafts as draft_services
from ..services import restore as restore_services
from ..services import versions as version_services
from .context import LANG_VIEWS, draft_context

PAGE_SIZE = 50
COMPARE_MODES = {"inline": gettext_lazy("Inline redline"), "side": gettext_lazy("Side by side")}
# What happened to an article between two versions (selectors.history's status codes).
CHANGE_STATUSES = {
    "added": gettext_lazy("added"),
    "removed": gettext_lazy("removed"),
    "moved": gettext_lazy("moved"),
    "changed": gettext_lazy("changed"),
    "unchanged": gettext_lazy("unchanged"),
    "moved and changed": gettext_lazy("moved and changed"),
}
# Track changes shows each change with this much unchanged text around it.
CONTEXT_CHARS = 120


# --- helpers ------------------------------------------------------------------------------


def _article_in_draft(
    request: HttpRequest, draft_id: int, article_id: int
) -> tuple[Draft, Article]:
    draft = draft_selectors.draft_get(request.user, draft_id)
    return draft, draft_services.article_get_in_draft(draft, article_id)


def _language(value: Any) -> tuple[str, ApplicationError | None]:
    try:
        return history.language_parse(value), None
    except ApplicationError as exc:
        return "en", exc


def _mode(value: Any) -> str:
    return value if value in COMPARE_MODES else "inline"


def _decision_of(revision: Revision) -> ChangeDecision | None:
    # The reverse one-to-one raises (an AttributeError) when there is no decision.
    return getattr(revision, "decision", None)


def _with_query(url: str, **params: Any) -> str:
    query = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{url}?{urlencode(query)}" if query else url


def _status(error: ApplicationError | None) -> int:
    return error.status if error else 200


def _head(text: str, size: int) -> str:
    """The first ``size`` characters, cut at a space if there is one near the cut."""
    cut = text[:size]
    space = cut.rfind(" ", size - 30)
    return cut[:space] if space > 0 else cut


def _tail(text: str, size: int) -> str:
    """The last ``size`` characters, cut at a space if there is one near the cut."""
    cut = text[-size:]
    space = cut.find(" ", 0, 30)
    return cut[space + 1 :] if space >= 0 else cut


def _trim(ops: list[textdiff.DiffOp], context: int = CONTEXT_CHARS) -> list[textdiff.DiffOp]:
    """The change with only some unchanged text around it: long equal runs keep about
    ``context`` characters next to each change, with an ellipsis for the rest."""
    trimmed: list[textdiff.DiffOp] = []
    last = len(ops) - 1
    for index, op in enumerate(ops):
        text = op.text
        if op.op == "equal" and 0 < index < last and len(text) > 2 * context + 20:
            text = _head(text, context) + " … " + _tail(text, context)
        elif op.op == "equal" and index == 0 and index != last and len(text) > context + 10:
            text = "…" + _tail(text, context)
        elif op.op == "equal" and index == last and index != 0 and len(text) > context + 10:
            text = _head(text, context) + "…"
        trimmed.append(textdiff.DiffOp(op.op, text))
    return trimmed


def _redirect_after(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    """Back to the page the form was on, if it is one of ours (never an outside address)."""
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(back)
    return HttpResponseRedirect(fallback)


# --- article history ----------------------------------------------------------------------


@login_required
@require_safe
def article_history(request: HttpRequest, draft_id: int, article_id: int) -> HttpResponse:
    draft, article = _article_in_draft(request, draft_id, article_id)
    language, error = _language(request.GET.get("language"))
    revisions = history.revisions_of(request.user, article, language)
    latest = history.revision_latest(article, language)
    latest_number = latest.number if latest else 0
    page = Paginator(revisions, PAGE_SIZE).get_page(request.GET.get("page"))
    at = latest_number
    shown: Revision | None = latest
    text = ""
    change: history.Compare | None = None
    if error is None and latest is not None:
        try:
            if request.GET.get("at", "") != "":
                at = history.revision_number_parse(article, request.GET["at"], "at")
                if at < 1:
                    raise ApplicationError(
                        _("at= is a revision number from 1 to %(latest)s.")
                        % {"latest": latest_number},
                        fields={"at": [_("Out of range.")]},
                    )
            text = history.text_of(request.user, article, language, at)
            shown = history.revision_numbered(request.user, article, language, at)
            change = history.article_compare(request.user, article, language, at - 1, at)
        except ApplicationError as exc:
            error, shown = exc, None
    rows = [{"revision": r, "decision": _decision_of(r)} for r in page.object_list]
    context = draft_context(
        request,
        draft,
        article=article,
        marking_note=article.releasability,
        language=language,
        language_names=LANGUAGE_NAMES,
        page=page,
        rows=rows,
        latest=latest,
        latest_number=latest_number,
        at=at,
        shown=shown,
        text=text,
        change=change,
        error=error,
    )
    return render(request, "drafting/history/article_history.html", context, status=_status(error))


@login_required
@require_POST
def revision_restore(
    request: HttpRequest, draft_id: int, article_id: int, number: int
) -> HttpResponse:
    draft, article = _article_in_draft(request, draft_id, article_id)
    language = request.POST.get("language", "en")
    back = _with_query(
        reverse("article-history", args=[draft.pk, article.pk]),
        language=language if language in LANGUAGE_NAMES else None,
    )
    try:
        language = history.language_parse(language)
        revision = restore_services.revision_restore(
            actor=permissions.signed_in(request.user),
            article=article,
            language=language,
            number=number,
        )
    except PermissionDeniedError:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(back)
    if revision is None:
        messages.info(
            request,
            _("The text is already as it was at revision %(number)s; nothing changed.")
            % {"number": number},
        )
    else:
        messages.success(
            request,
            _(
                "Revision %(number)s restored as revision %(new)s. "
                "The revisions in between are kept in the history."
            )
            % {"number": number, "new": revision.number},
        )
    return HttpResponseRedirect(back)


# --- article compare ----------------------------------------------------------------------


def _revision_label(by_number: dict[int, Revision], number: int) -> str:
    revision = by_number.get(number)
    if revision is None:
        return _("Empty text (before revision 1)")
    author = revision.author
    who = (author.get_full_name() or author.get_username()) if author else _("the system")
    return _("Revision %(number)s, by %(who)s") % {"number": number, "who": who}


@login_required
@require_safe
def article_compare(request: HttpRequest, draft_id: int, article_id: int) -> HttpResponse:
    draft, article = _article_in_draft(request, draft_id, article_id)
    language, error = _language(request.GET.get("language"))
    revisions = history.revisions_by_number(request.user, article, language)
    latest_number = revisions[0].number if revisions else 0
    from_value = request.GET.get("from") or str(max(latest_number - 1, 0))
    to_value = request.GET.get("to") or str(latest_number)
    mode = _mode(request.GET.get("mode"))
    compare: history.Compare | None = None
    if error is None:
        try:
            compare = history.article_compare(request.user, article, language, from_value, to_value)
        except ApplicationError as exc:
            error = exc
    by_number = {r.number: r for r in revisions}
    context = draft_context(
        request,
        draft,
        article=article,
        marking_note=article.releasability,
        language=language,
        language_names=LANGUAGE_NAMES,
        revisions=revisions,
        from_value=from_value,
        to_value=to_value,
        mode=mode,
        modes=COMPARE_MODES,
        compare=compare,
        from_label=_revision_label(by_number, compare.from_number) if compare else "",
        to_label=_revision_label(by_number, compare.to_number) if compare else "",
        error=error,
    )
    return render(request, "drafting/history/article_compare.html", context, status=_status(error))


# --- draft history ------------------------------------------------------------------------


@login_required
@require_safe
def draft_history(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = draft_selectors.draft_get(request.user, draft_id)
    page = Paginator(history.draft_timeline(request.user, draft), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [{"revision": r, "decision": _decision_of(r)} for r in page.object_list]
    return render(
        request,
        "drafting/history/draft_history.html",
        draft_context(request, draft, page=page, rows=rows, language_names=LANGUAGE_NAMES),
    )


# --- versions -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def draft_versions(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = draft_selectors.draft_get(request.user, draft_id)
    form = {"name": "", "note": ""}
    error: ApplicationError | None = None
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form}
        try:
            version = version_services.version_create(
                actor=permissions.signed_in(request.user),
                draft=draft,
                name=form["name"],
                note=form["note"],
            )
        except PermissionDeniedError:
            raise
        except ApplicationError as exc:
            error = exc
        else:
            messages.success(
                request,
                _("Version %(number)s “%(name)s” named: the text is frozen.")
                % {"number": version.number, "name": version.name},
            )
            return redirect("draft-versions", draft_id=draft.pk)
    versions = list(history.versions_of(request.user, draft))
    return render(
        request,
        "drafting/history/versions.html",
        draft_context(request, draft, versions=versions, form=form, error=error),
        status=_status(error),
    )


def _content_articles(content: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A version's frozen articles, labelled as the live ones are."""
    articles = []
    for item in content:
        preamble = item.get("kind") == Article.Kind.PREAMBLE
        number = str(item.get("number") or "")
        label = article_label(number, item.get("heading") or "", preamble=preamble)
        label_ja = article_label(
            number, "", item.get("heading_ja") or "", preamble=preamble, language="ja"
        )
        articles.append({**item, "label": label, "label_ja": label_ja})
    return articles


@login_required
@require_safe
def draft_version(request: HttpRequest, draft_id: int, number: int) -> HttpResponse:
    draft = draft_selectors.draft_get(request.user, draft_id)
    version = history.version_get(request.user, draft, number)
    lang = request.GET.get("lang", "both")
    if lang not in LANG_VIEWS:
        lang = "both"
    return render(
        request,
        "drafting/history/version_detail.html",
        draft_context(
            request,
            draft,
            version=version,
            articles=_content_articles(version.content),
            lang=lang,
            lang_views=LANG_VIEWS,
        ),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def draft_version_restore(request: HttpRequest, draft_id: int, number: int) -> HttpResponse:
    """GET asks for confirmation, saying what restoring would change; POST restores."""
    draft = draft_selectors.draft_get(request.user, draft_id)
    version = history.version_get(request.user, draft, number)
    if request.method == "POST":
        try:
            restore_services.version_restore(
                actor=permissions.signed_in(request.user), version=version
            )
        except PermissionDeniedError:
            raise
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("draft-version", draft_id=draft.pk, number=version.number)
        messages.success(
            request,
            _(
                "The draft now reads as version %(number)s “%(name)s”. Every change "
                "was recorded as a new revision; nothing in the history was lost."
            )
            % {"number": version.number, "name": version.name},
        )
        return redirect(draft)
    if not permissions.can_edit_text(request.user, draft):
        raise PermissionDeniedError(_("Only the draft's drafters can restore a version."))
    result = history.draft_compare(request.user, draft, "now", version.number)
    return render(
        request,
        "drafting/history/version_restore.html",
        draft_context(
            request,
            draft,
            version=version,
            counts=result.counts,
            affected=[a for a in result.articles if a.status != "unchanged"],
        ),
    )


# --- draft compare ------------------------------------------------------------------------


def _languages_of(change: history.ArticleChange) -> list[dict[str, Any]]:
    return [
        {"code": code, "name": name, "ops": change.diffs.get(code)}
        for code, name in LANGUAGE_NAMES.items()
    ]


def _ref_label(ref: str, labels: dict[int, str]) -> str:
    if ref == "now":
        return _("Now")
    return labels.get(int(ref.lstrip("v")), ref)


@login_required
@require_safe
def draft_compare(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = draft_selectors.draft_get(request.user, draft_id)
    versions = list(history.versions_of(request.user, draft))
    from_value = request.GET.get("from", "").strip()
    if not from_value and versions and "from" not in request.GET:
        from_value = str(versions[0].number)
    to_value = request.GET.get("to", "").strip() or "now"
    mode = _mode(request.GET.get("mode"))
    error: ApplicationError | None = None
    result: history.DraftCompare | None = None
    if versions or "from" in request.GET:
        try:
            result = history.draft_compare(request.user, draft, from_value, to_value)
        except ApplicationError as exc:
            error = exc
    changes = []
    if result is not None:
        changes = [{"change": c, "languages": _languages_of(c)} for c in result.articles]
    labels = {v.number: f"v{v.number} {v.name}" for v in versions}
    return render(
        request,
        "drafting/history/draft_compare.html",
        draft_context(
            request,
            draft,
            versions=versions,
            from_value=from_value,
            to_value=to_value,
            mode=mode,
            modes=COMPARE_MODES,
            result=result,
            changes=changes,
            from_label=_ref_label(result.from_ref, labels) if result else "",
            to_label=_ref_label(result.to_ref, labels) if result else "",
            counts=[
                (name, result.counts.get(name, 0) if result else 0, CHANGE_STATUSES[name])
                for name in ("added", "removed", "moved", "changed", "unchanged")
            ],
            statuses=CHANGE_STATUSES,
            error=error,
        ),
        status=_status(error),
    )


# --- track changes ------------------------------------------------------------------------


def _change_item(change: history.TrackedChange) -> dict[str, Any]:
    # A text written (or cleared) in one go is one long mark: folded, so that the changes
    # around it stay readable.
    whole = change.ops[0].op if len(change.ops) == 1 and change.ops[0].op != "equal" else ""
    return {
        "revision": change.revision,
        "ops": _trim(change.ops),
        "whole": whole,
        "length": len(change.ops[0].text) if whole else 0,
    }


@login_required
@require_safe
def draft_changes(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = draft_selectors.draft_get(request.user, draft_id)
    versions = list(history.versions_of(request.user, draft))
    since = request.GET.get("since", "").strip()
    error: ApplicationError | None = None
    items: list[dict[str, Any]] = []
    version: Version | None = None
    try:
        result = history.draft_changes(request.user, draft, since or None)
    except ApplicationError as exc:
        error = exc
    else:
        version = result.since
        for item in result.articles:
            article = item.article
            languages = []
            for code, changes in item.changes.items():
                if not changes:
                    continue
                languages.append(
                    {
                        "code": code,
                        "name": LANGUAGE_NAMES[code],
                        "baseline": history.version_baseline(version, article.pk, code),
                        "changes": [_change_item(c) for c in changes],
                    }
                )
            items.append({"article": article, "languages": languages})
    return render(
        request,
        "drafting/history/draft_changes.html",
        draft_context(
            request,
            draft,
            versions=versions,
            since=since,
            since_version=version,
            items=items,
            pending=sum(len(lang["changes"]) for item in items for lang in item["languages"]),
            this_page=request.get_full_path(),
            error=error,
        ),
        status=_status(error),
    )


DECISIONS = {
    "accepted": ChangeDecision.Decision.ACCEPTED,
    "accept": ChangeDecision.Decision.ACCEPTED,
    "rejected": ChangeDecision.Decision.REJECTED,
    "reject": ChangeDecision.Decision.REJECTED,
}


def _decision_parse(value: Any) -> str:
    decision = DECISIONS.get(str(value or "").strip().lower())
    if decision is None:
        raise ApplicationError(
            _("Unknown decision %(value)r: use accepted or rejected.") % {"value": value}
        )
    return decision


def _changes_url(draft: Draft, article: Article, language: str) -> str:
    return reverse("draft-changes", args=[draft.pk]) + f"#changes-{article.pk}-{language}"


@login_required
@require_POST
def change_decide(
    request: HttpRequest, draft_id: int, article_id: int, number: int
) -> HttpResponse:
    draft, article = _article_in_draft(request, draft_id, article_id)
    language = request.POST.get("language", "en")
    back = _changes_url(draft, article, language)
    try:
        language = history.language_parse(language)
        decision = _decision_parse(request.POST.get("decision"))
        revision = history.revision_get(article, language, number)
        reason = request.POST.get("reason", "").strip()
        if decision == ChangeDecision.Decision.ACCEPTED:
            change_services.change_accept(
                actor=permissions.signed_in(request.user), revision=revision, reason=reason
            )
        else:
            change_services.change_reject(
                actor=permissions.signed_in(request.user), revision=revision, reason=reason
            )
    except PermissionDeniedError:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if decision == ChangeDecision.Decision.ACCEPTED:
            messages.success(
                request,
                _("%(article)s: revision %(number)s accepted.")
                % {"article": article.label_in(), "number": number},
            )
        else:
            messages.success(
                request,
                _("%(article)s: revision %(number)s rejected; the text no longer has that change.")
                % {"article": article.label_in(), "number": number},
            )
    return _redirect_after(request, back)


@login_required
@require_POST
def changes_decide_all(request: HttpRequest, draft_id: int, article_id: int) -> HttpResponse:
    draft, article = _article_in_draft(request, draft_id, article_id)
    language = request.POST.get("language", "en")
    back = _changes_url(draft, article, language)
    try:
        language = history.language_parse(language)
        decision = _decision_parse(request.POST.get("decision"))
        since = history.revision_number_parse(article, request.POST.get("since") or "0", "since")
        decided = change_services.changes_decide_all(
            actor=permissions.signed_in(request.user),
            article=article,
            language=language,
            since=since,
            decision=decision,
        )
    except PermissionDeniedError:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        values = {
            "article": article.label_in(),
            "language": Language(language).label,
            "count": decided,
        }
        if decided and decision == ChangeDecision.Decision.ACCEPTED:
            messages.success(
                request,
                ngettext(
                    "%(article)s (%(language)s): %(count)s change accepted.",
                    "%(article)s (%(language)s): %(count)s changes accepted.",
                    decided,
                )
                % values,
            )
        elif decided:
            messages.success(
                request,
                ngettext(
                    "%(article)s (%(language)s): %(count)s change rejected.",
                    "%(article)s (%(language)s): %(count)s changes rejected.",
                    decided,
                )
                % values,
            )
        else:
            messages.info(
                request,
                _("%(article)s: no changes were waiting for a decision.") % values,
            )
    return _redirect_after(request, back)
