"""Exports of what a user may read, as files. They take what a selector returned (already
filtered for the requester) and write nothing."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from treaties.csvexport import csv_text

from .. import permissions
from ..models import DisclosureEvent, Draft, Round
from ..permissions import Actor
from .audit import audit_record


def round_report_csv(report: dict[str, Any]) -> tuple[str, str]:
    """The round report (its JSON body, ``RoundReport.as_dict()``: services do not import
    selectors) as CSV, marked at top and bottom like every export: (file name, text).
    Written by treaties.csvexport, so that no answer runs as a spreadsheet formula."""
    marking = report["classification"]
    rows: list[list[Any]] = [
        [marking],
        [
            f"Consultation round {report['round']} ({report['status']}), deadline {report['deadline']}"
        ],
        [
            "Article",
            "Office",
            "Position",
            "Wording",
            "Rationale",
            "Disposition",
            "Disposition rationale",
        ],
    ]
    for row in report["rows"]:
        for cell in row["cells"]:
            rows.append(
                [
                    row["label"],
                    cell["office"],
                    cell["position_label"],
                    cell["wording"],
                    cell["rationale"],
                    cell["disposition_label"],
                    cell["disposition_rationale"],
                ]
            )
    rows.append([f"Outstanding answers: {report['outstanding']}"])
    rows.append([marking])
    return f"round-{report['round']}-report.csv", csv_text(rows)


# --- documents: every export is an audit event; round packs go into the disclosure log -----


def export_record(
    *,
    actor: Actor,
    draft: Draft,
    what: str,
    fmt: str,
    language: str,
    marking: str,
    detail: dict[str, Any] | None = None,
    round_: Round | None = None,
) -> None:
    """Record that ``actor`` took a file out: who, what, which marking. A round pack leaves
    for the US offices, so it is also logged against each office of the round the actor
    exports for (a consultee: their own offices; the owner: every office of the round)."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=f"export.{what}",
            object_type="round" if round_ else "draft",
            object_id=round_.pk if round_ else draft.pk,
            draft_id=draft.pk,
            data={"format": fmt, "language": language, "marking": marking, **(detail or {})},
        )
        if round_ is not None:
            offices = permissions.consultee_office_ids(actor, round_) or set(
                round_.offices.values_list("pk", flat=True)
            )
            articles = list(round_.articles.values_list("pk", flat=True))
            DisclosureEvent.objects.bulk_create(
                DisclosureEvent(
                    round=round_,
                    office_id=office_id,
                    user=actor,
                    kind=DisclosureEvent.Kind.EXPORTED,
                    articles=articles,
                )
                for office_id in sorted(offices)
            )
