"""Exports as the pages and the API both deliver them: read what the requester may take
(selectors), make the file (drafting.documents), record the export (services), and answer with
the file. One function per kind of export, so that the page and the API cannot drift apart.

It reads through selectors and writes through services, so it sits above both; pages and the
API may not import each other, so it is a layer of its own between them and the selectors
(the "Drafting layers" import contract).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _

from .documents import render
from .downloads import file_response
from .errors import ApplicationError
from .models import Draft, Round
from .selectors import exports as selectors
from .services import exports as export_services

TRUTHY = ("1", "true", "yes")


def draft_export(
    user: Any, draft: Draft, *, fmt: Any, language: Any, version: Any = None
) -> HttpResponse:
    """The draft now (or a named version) as DOCX, PDF or Akoma Ntoso."""
    fmt, language = selectors.export_params(fmt, language)
    doc = selectors.export_content(user, draft, version)
    filename, data = render.draft_file(doc, fmt, language, work_id=f"entente-{draft.pk}")
    export_services.export_record(
        actor=user,
        draft=draft,
        what="draft",
        fmt=fmt,
        language=language,
        marking=doc.marking,
        detail={"version": version or "now"},
    )
    return file_response(filename, fmt, data, doc.marking)


def compare_export(
    user: Any,
    draft: Draft,
    *,
    fmt: Any,
    language: Any,
    from_ref: Any,
    to_ref: Any,
    pending: Any = None,
) -> HttpResponse:
    """The changes from one version to another (or now) as Word tracked changes."""
    if (fmt or "docx") != "docx":
        raise ApplicationError(
            _("A comparison exports as DOCX only."), fields={"format": [_("Use docx.")]}
        )
    _fmt, language = selectors.export_params("docx", language)
    compare = selectors.export_compare(
        user, draft, from_ref, to_ref, pending=str(pending or "").lower() in TRUTHY
    )
    filename, data = render.compare_file(compare, language)
    export_services.export_record(
        actor=user,
        draft=draft,
        what="compare",
        fmt="docx",
        language=language,
        marking=compare.draft.marking,
        detail={"from": compare.from_label, "to": compare.to_label},
    )
    return file_response(filename, "docx", data, compare.draft.marking)


def round_export(user: Any, round_: Round, *, fmt: Any, language: Any) -> HttpResponse:
    """A consultation round's pack (REL USA), as PDF by default, DOCX or Akoma Ntoso (one
    language per file, as for a draft): the round's frozen texts with the brackets they were
    sent with."""
    fmt, language = selectors.export_params(fmt or "pdf", language)
    doc = selectors.export_round(user, round_)
    filename, data = render.draft_file(doc, fmt, language, work_id=f"entente-{round_.draft_id}")
    export_services.export_record(
        actor=user,
        draft=round_.draft,
        what="round",
        fmt=fmt,
        language=language,
        marking=doc.marking,
        round_=round_,
        detail={"round": round_.number},
    )
    return file_response(f"round-{round_.number}-{filename}", fmt, data, doc.marking)
