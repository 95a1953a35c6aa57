"""CSV that is safe to open in a spreadsheet, for every CSV export (the library's, and the
consultation round report in drafting).

A cell starting with = + - @ (or a tab or carriage return, which spreadsheets skip before
looking for one of those) is read by Excel, LibreOffice and Google Sheets as a formula, which
can fetch URLs with the sheet's data or run commands (CSV or formula injection). Such a cell
is written with a leading apostrophe, which spreadsheets show as text (OWASP's advice).
`csv_cell_restore` undoes it exactly, so an export imports back unchanged: a value that itself
starts with an apostrophe before one of those characters gets one more apostrophe.

The file starts with a UTF-8 byte order mark: without it Excel reads UTF-8 as the local
code page and Japanese turns to mojibake.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

import tablib
from import_export.formats.base_formats import CSV

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _needs_apostrophe(value: str) -> bool:
    if value.startswith(FORMULA_STARTS):
        return True
    return value.startswith("'") and _needs_apostrophe(value[1:])


def csv_cell(value: Any) -> Any:
    """The cell as written to CSV: text that a spreadsheet would run gets an apostrophe."""
    if isinstance(value, str) and _needs_apostrophe(value):
        return "'" + value
    return value


def csv_cell_restore(value: Any) -> Any:
    """The inverse of csv_cell, for importing a file we exported."""
    if isinstance(value, str) and value.startswith("'") and _needs_apostrophe(value[1:]):
        return value[1:]
    return value


def csv_text(rows: Iterable[Iterable[Any]]) -> str:
    """Rows as CSV text, each cell through csv_cell, starting with the byte order mark."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return buffer.getvalue()


class SafeCSV(CSV):
    """django-import-export's CSV format through csv_cell on export and csv_cell_restore on
    import, with the byte order mark."""

    def export_data(self, dataset: Any, **kwargs: Any) -> str:
        safe = tablib.Dataset(
            *[tuple(csv_cell(cell) for cell in row) for row in dataset],
            headers=dataset.headers,
        )
        return BOM + str(super().export_data(safe, **kwargs))

    def create_dataset(self, in_stream: Any, **kwargs: Any) -> Any:
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode(self.encoding or "utf-8-sig")
        if isinstance(in_stream, str):
            in_stream = in_stream.removeprefix(BOM)
        dataset = super().create_dataset(in_stream, **kwargs)
        return tablib.Dataset(
            *[tuple(csv_cell_restore(cell) for cell in row) for row in dataset],
            headers=dataset.headers,
        )
