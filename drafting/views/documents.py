"""Pages for texts in and out: the export and import page of a draft, downloads, the print
view, the import of a Word draft (upload, preview of the split, create) and of a marked-up
copy, and the consultation round pack. The same selectors and services as the API."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import delivery
from ..documents import pdf
from ..errors import ApplicationError
from ..models import Classification
from ..permissions import signed_in
from ..selectors import drafts as draft_selectors
from ..selectors import exports as selectors
from ..selectors import history as history_selectors
from ..services import imports as import_services
from .context import draft_context


def _upload(request: HttpRequest) -> tuple[bytes, str]:
    upload = request.FILES.get("file")
    if upload is None:
        raise ApplicationError(_("Choose a Word file (.docx) to upload."))
    limit = import_services.MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise ApplicationError(
            _("The file is %(size).1f MB; the limit is %(limit)d MB.")
            % {"size": upload.size / 1048576, "limit": limit // 1048576}
        )
    return upload.read(limit + 1), upload.name or "upload.docx"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def draft_documents(request: HttpRequest, draft_id: int) -> HttpResponse:
    """Exports of every kind, the print view, and (for drafters) the marked-up copy import."""
    draft = draft_selectors.draft_get(request.user, draft_id)
    result: dict[str, Any] | None = None
    error: ApplicationError | None = None
    status = 200
    if request.method == "POST":
        try:
            data, filename = _upload(request)
            result = import_services.markup_import(
                actor=signed_in(request.user), draft=draft, data=data, filename=filename
            )
        except ApplicationError as exc:
            error, status = exc, exc.status
    versions = list(history_selectors.versions_of(request.user, draft))
    return render(
        request,
        "drafting/documents/documents.html",
        draft_context(
            request,
            draft,
            versions=versions,
            result=result,
            error=error,
            formats=selectors.FORMATS,
        ),
        status=status,
    )


@login_required
def draft_export(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = draft_selectors.draft_get(request.user, draft_id)
    return delivery.draft_export(
        request.user,
        draft,
        fmt=request.GET.get("format"),
        language=request.GET.get("language"),
        version=request.GET.get("version"),
    )


@login_required
def draft_compare_export(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = draft_selectors.draft_get(request.user, draft_id)
    return delivery.compare_export(
        request.user,
        draft,
        fmt=request.GET.get("format"),
        language=request.GET.get("language"),
        from_ref=request.GET.get("from"),
        to_ref=request.GET.get("to"),
        pending=request.GET.get("pending"),
    )


@login_required
def draft_print(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = draft_selectors.draft_get(request.user, draft_id)
    language = request.GET.get("language", "both")
    if language not in selectors.EXPORT_LANGUAGES:
        language = "both"
    doc = selectors.export_content(request.user, draft, request.GET.get("version"))
    html = pdf.draft_html(doc, language, print_view=True, back_url=draft.get_absolute_url())
    return HttpResponse(html)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def draft_import(request: HttpRequest) -> HttpResponse:
    """Upload → preview of the split → create. Nothing is created from a file that cannot be
    split; the page says why and where."""
    context: dict[str, Any] = {
        "classifications": Classification.values,
        "form": {
            "title": "",
            "classification": Classification.OFFICIAL_SENSITIVE,
            "delegation": "UK",
        },
        "marking": "OFFICIAL",
    }
    if request.method == "POST":
        form = {
            "title": request.POST.get("title", "").strip(),
            "classification": request.POST.get("classification", Classification.OFFICIAL_SENSITIVE),
            "delegation": request.POST.get("delegation", "UK"),
        }
        context["form"] = form
        if form["delegation"] not in ("UK", "JP"):
            form["delegation"] = "UK"
        try:
            token = request.POST.get("token", "")
            if token:
                data, filename = import_services.upload_take(
                    actor=signed_in(request.user), token=token
                )
                result = import_services.draft_import(
                    actor=signed_in(request.user),
                    data=data,
                    filename=filename,
                    title=form["title"],
                    classification=form["classification"],
                    delegation=form["delegation"],
                )
                return HttpResponseRedirect(reverse("draft-detail", args=[result["draft"]]))
            data, filename = _upload(request)
            context["preview"] = import_services.draft_import(
                actor=signed_in(request.user),
                data=data,
                filename=filename,
                title=form["title"],
                classification=form["classification"],
                delegation=form["delegation"],
                dry_run=True,
            )
            context["token"] = import_services.upload_stage(
                actor=signed_in(request.user), data=data, filename=filename
            )
            context["filename"] = filename
            # The file is about to become a draft under this marking: the page shows it.
            context["marking"] = form["classification"]
            form["title"] = form["title"] or context["preview"]["title"]
        except ApplicationError as exc:
            context["error"] = exc
            return render(request, "drafting/documents/import.html", context, status=exc.status)
    return render(request, "drafting/documents/import.html", context)


@login_required
def round_export(request: HttpRequest, draft_id: int, number: int) -> HttpResponse:
    round_ = selectors.round_for_export(request.user, draft_id, number)
    return delivery.round_export(
        request.user, round_, fmt=request.GET.get("format"), language=request.GET.get("language")
    )
