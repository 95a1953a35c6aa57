"""Exports of what a user may read, as files. They take what a selector returned (already
filtered for the requester) and write nothing."""

from __future__ import annotations

import csv
import io
from typing import Any


def round_report_csv(report: dict[str, Any]) -> tuple[str, str]:
    """The round report as CSV, marked at top and bottom like every export: (file name, text)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    marking = report["classification"]
    writer.writerow([marking])
    writer.writerow(
        [
            f"Consultation round {report['round']} ({report['status']}), deadline {report['deadline']}"
        ]
    )
    writer.writerow(
        [
            "Article",
            "Office",
            "Position",
            "Wording",
            "Rationale",
            "Disposition",
            "Disposition rationale",
        ]
    )
    for row in report["rows"]:
        for cell in row["cells"]:
            writer.writerow(
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
    writer.writerow([f"Outstanding answers: {report['outstanding']}"])
    writer.writerow([marking])
    return f"round-{report['round']}-report.csv", buffer.getvalue()
