"""Exports of what a user may read, as files. They take what a selector returned (already
filtered for the requester) and write nothing."""

from __future__ import annotations

from typing import Any

from treaties.csvexport import csv_text


def round_report_csv(report: dict[str, Any]) -> tuple[str, str]:
    """The round report as CSV, marked at top and bottom like every export: (file name, text).
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
