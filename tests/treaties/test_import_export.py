"""Import and export of the clause library: the resources, then the admin that library admins use.

Every import here is all-or-nothing: a dataset with one bad row writes none of its rows.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any

import pytest
import tablib
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from import_export.formats.base_formats import JSON

from tests.conftest import UserFactory

# The admin's CSV format: import-export's, made safe for spreadsheets (treaties/csvexport.py).
from treaties.csvexport import SafeCSV as CSV
from treaties.models import LibraryClause, Provision
from treaties.resources import LibraryClauseResource

pytestmark = pytest.mark.django_db

NATO = "north_atlantic_treaty_1949"
US_ROK = "us_rok_mutual_defense_treaty_1953"
US_JAPAN = "us_japan_treaty_of_mutual_cooperation_and_security_1960"
HEADERS = [
    "slug",
    "title",
    "heading_ja",
    "text",
    "text_ja",
    "status",
    "obligation_type",
    "commitment_strength",
    "derived_from",
    "guidance",
]
ADMIN = "/admin/treaties/libraryclause/"


def row(slug: str, **overrides: str) -> dict[str, str]:
    values = {
        "slug": slug,
        "title": f"Imported {slug}",
        "text": "The Parties will consult together whenever either of them so requests.",
        "text_ja": "両締約国は、いずれか一方の締約国の要請により協議する。",
        "status": "approved",
        "obligation_type": "consultation",
        "commitment_strength": "consultative",
        "derived_from": f"{NATO}:4|{US_ROK}:II",
        "guidance": "Imported in a test.",
    }
    return values | overrides


VALID = [
    row("imported-consultation"),
    row(
        "imported-peaceful-settlement",
        obligation_type="non_aggression",
        commitment_strength="automatic",
        status="fallback",
        derived_from=f"{US_JAPAN}:fragment:I",
        text_ja="",
    ),
    row("imported-no-precedent", obligation_type="dispute_settlement", derived_from=""),
]


def dataset(rows: list[dict[str, str]], headers: list[str] = HEADERS) -> tablib.Dataset:
    return tablib.Dataset(*[[r.get(h, "") for h in headers] for r in rows], headers=headers)


def as_csv(rows: list[dict[str, str]], headers: list[str] = HEADERS) -> str:
    return dataset(rows, headers).export("csv")


def as_json(rows: list[dict[str, str]]) -> str:
    return json.dumps(rows, ensure_ascii=False)


def refs(slug: str) -> set[tuple[str, str, bool]]:
    clause = LibraryClause.objects.get(slug=slug)
    return set(clause.derived_from.values_list("treaty__slug", "number", "is_fragment"))


def clause_rows() -> list[Any]:
    return list(LibraryClause.objects.order_by("pk").values())


def clause_links() -> list[Any]:
    return list(LibraryClause.derived_from.through.objects.order_by("pk").values())


def assert_valid_rows_created() -> None:
    consultation = LibraryClause.objects.get(slug="imported-consultation")
    assert consultation.obligation_type.code == "consultation"
    assert consultation.text_ja.startswith("両締約国は")
    assert refs("imported-consultation") == {(NATO, "4", False), (US_ROK, "II", False)}
    settlement = LibraryClause.objects.get(slug="imported-peaceful-settlement")
    assert settlement.status == LibraryClause.Status.FALLBACK
    assert settlement.commitment_strength == LibraryClause.Strength.AUTOMATIC
    assert refs("imported-peaceful-settlement") == {(US_JAPAN, "I", True)}
    assert refs("imported-no-precedent") == set()


# --- the resource --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "payload"),
    [(CSV, lambda: as_csv(VALID)), (JSON, lambda: as_json(VALID))],
    ids=["csv", "json"],
)
def test_valid_import_creates_clauses_with_their_precedents(fmt: Any, payload: Any) -> None:
    before = LibraryClause.objects.count()
    data = fmt().create_dataset(payload())
    result = LibraryClauseResource().import_data(data)
    assert not result.has_errors(), [e.error for _, errs in result.row_errors() for e in errs]
    assert not result.has_validation_errors(), [r.error_dict for r in result.invalid_rows]
    assert result.totals["new"] == 3
    assert LibraryClause.objects.count() == before + 3
    assert_valid_rows_created()


def test_dry_run_writes_nothing() -> None:
    before = clause_rows()
    result = LibraryClauseResource().import_data(dataset(VALID), dry_run=True)
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == 3
    assert clause_rows() == before


MALFORMED = {
    "unknown obligation type": (row("imported-bad", obligation_type="alliance_forever"), HEADERS),
    "bad status": (row("imported-bad", status="maybe"), HEADERS),
    "bad strength": (row("imported-bad", commitment_strength="eternal"), HEADERS),
    "unknown provision": (row("imported-bad", derived_from=f"{NATO}:99"), HEADERS),
    "malformed provision ref": (row("imported-bad", derived_from=f"{NATO}-5"), HEADERS),
    "missing text": (row("imported-bad", text=""), HEADERS),
    "missing slug": (row("", title="No slug"), HEADERS),
    "unknown column": (row("imported-bad") | {"colour": "blue"}, [*HEADERS, "colour"]),
}


@pytest.mark.parametrize("case", list(MALFORMED))
@pytest.mark.parametrize("fmt", [CSV, JSON], ids=["csv", "json"])
def test_one_malformed_row_writes_no_row(case: str, fmt: Any) -> None:
    bad, headers = MALFORMED[case]
    # Also an update of an existing clause, which must not be applied either.
    existing = LibraryClause.objects.order_by("pk").first()
    assert existing is not None
    update = row(existing.slug, title=existing.title, text="Changed by a failed import.")
    rows = [VALID[0], update, bad, VALID[1]]
    if fmt is CSV:
        payload = as_csv(rows, headers)
    else:
        payload = json.dumps([{h: r.get(h, "") for h in headers} for r in rows])
    before, links = clause_rows(), clause_links()

    result = LibraryClauseResource().import_data(fmt().create_dataset(payload))

    assert result.has_errors() or result.has_validation_errors()
    assert clause_rows() == before
    assert clause_links() == links
    assert not LibraryClause.objects.filter(slug__startswith="imported-").exists()
    existing.refresh_from_db()
    assert existing.text != "Changed by a failed import."


def test_row_errors_say_what_is_wrong() -> None:
    result = LibraryClauseResource().import_data(
        dataset([VALID[0], row("imported-bad", status="maybe", text="")])
    )
    assert result.has_validation_errors()
    (invalid,) = result.invalid_rows
    assert invalid.number == 2
    assert "maybe" in " ".join(invalid.error_dict["status"])
    assert "text" in invalid.error_dict

    result = LibraryClauseResource().import_data(
        dataset([row("imported-bad", derived_from=f"{NATO}:99")])
    )
    assert result.has_validation_errors() and not result.has_errors()
    (invalid,) = result.invalid_rows
    assert invalid.error_dict["derived_from"] == [f"No provision '{NATO}:99' in the corpus."]

    result = LibraryClauseResource().import_data(
        dataset([row("imported-bad") | {"colour": "x"}], [*HEADERS, "colour"])
    )
    assert result.has_errors()
    assert "colour" in str(result.base_errors[0].error)


def test_export_renders_codes_and_provision_refs() -> None:
    exported = LibraryClauseResource().export()
    assert exported.headers == HEADERS
    by_slug = {r["slug"]: r for r in exported.dict}
    assert len(by_slug) == LibraryClause.objects.count()
    for slug, values in by_slug.items():
        clause = LibraryClause.objects.get(slug=slug)
        assert values["obligation_type"] == clause.obligation_type.code
        assert values["text"] == clause.text
        wanted = {
            f"{t}:fragment:{n}" if frag else f"{t}:{n}"
            for t, n, frag in clause.derived_from.values_list(
                "treaty__slug", "number", "is_fragment"
            )
        }
        assert set(filter(None, values["derived_from"].split("|"))) == wanted
    fragment = Provision.objects.get(treaty__slug=US_JAPAN, number="I", is_fragment=True)
    citing = fragment.library_clauses.get()
    assert f"{US_JAPAN}:fragment:I" in by_slug[citing.slug]["derived_from"].split("|")


@pytest.mark.parametrize("fmt", [JSON, CSV], ids=["json", "csv"])
def test_export_then_reimport_is_a_no_op(fmt: Any) -> None:
    before, links = clause_rows(), clause_links()
    exported = fmt().export_data(LibraryClauseResource().export())

    result = LibraryClauseResource().import_data(fmt().create_dataset(exported))

    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == len(before)
    assert result.totals["update"] == result.totals["new"] == 0
    assert clause_rows() == before  # updated_at included: nothing was saved
    assert clause_links() == links
    assert fmt().export_data(LibraryClauseResource().export()) == exported


def test_reimport_of_an_edited_export_changes_only_that_clause() -> None:
    exported = json.loads(JSON().export_data(LibraryClauseResource().export()))
    target = exported[0]
    target["text"] = target["text"] + " (amended)"
    target["derived_from"] = f"{NATO}:9"

    result = LibraryClauseResource().import_data(JSON().create_dataset(json.dumps(exported)))

    assert result.totals["update"] == 1
    assert result.totals["skip"] == len(exported) - 1
    clause = LibraryClause.objects.get(slug=target["slug"])
    assert clause.text.endswith(" (amended)")
    assert refs(clause.slug) == {(NATO, "9", False)}


# --- the admin -----------------------------------------------------------------------------------


class _HiddenInputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "input" and a.get("type") == "hidden" and a.get("name"):
            self.values[a["name"] or ""] = a.get("value") or ""


def hidden_inputs(html: str) -> dict[str, str]:
    parser = _HiddenInputs()
    parser.feed(html)
    return parser.values


def format_index(fmt: type) -> str:
    model_admin: Any = admin.site._registry[LibraryClause]
    return str([type(f()) for f in model_admin.get_import_formats()].index(fmt))


@pytest.fixture
def librarian(personas: Any) -> Client:
    client = Client()
    client.force_login(personas.librarian)
    return client


def upload(client: Client, name: str, content: str, fmt: type) -> Any:
    return client.post(
        f"{ADMIN}import/",
        {
            "resource": "0",
            "format": format_index(fmt),
            "import_file": SimpleUploadedFile(name, content.encode("utf-8")),
        },
    )


def test_librarian_is_staff_in_the_group_not_superuser(personas: Any) -> None:
    librarian = personas.librarian
    assert librarian.is_staff and not librarian.is_superuser
    assert librarian.groups.filter(name="Library admins").exists()


def test_librarian_opens_the_library_admin(librarian: Client) -> None:
    response = librarian.get(ADMIN)
    assert response.status_code == 200
    assert LibraryClause.objects.order_by("title").first().title in response.content.decode()  # type: ignore[union-attr]
    assert librarian.get(f"{ADMIN}import/").status_code == 200
    assert librarian.get(f"{ADMIN}export/").status_code == 200
    for path in ("/admin/treaties/treaty/", "/admin/treaties/provision/", "/admin/treaties/party/"):
        assert librarian.get(path).status_code == 200, path


def test_librarian_exports_json(librarian: Client) -> None:
    data = {"resource": "0", "format": format_index(JSON)}
    data |= {f"libraryclauseresource_{name}": "on" for name in HEADERS}
    response = librarian.post(f"{ADMIN}export/", data)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    exported = json.loads(b"".join(response).decode() if response.streaming else response.content)
    assert {r["slug"] for r in exported} == set(
        LibraryClause.objects.values_list("slug", flat=True)
    )


def test_admin_import_of_a_malformed_csv_shows_the_errors_and_writes_nothing(
    librarian: Client,
) -> None:
    before, links = clause_rows(), clause_links()
    content = as_csv([VALID[0], row("imported-bad", status="maybe"), VALID[1]])

    response = upload(librarian, "clauses.csv", content, CSV)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Value &#x27;maybe&#x27; is not a valid choice." in html
    assert "confirm_form" not in response.context or not response.context["confirm_form"]
    assert 'name="import_file_name"' not in html
    assert clause_rows() == before
    assert clause_links() == links


def test_admin_import_with_an_unknown_provision_shows_the_error(librarian: Client) -> None:
    content = as_csv([VALID[0], row("imported-bad", derived_from=f"{NATO}:99")])
    response = upload(librarian, "clauses.csv", content, CSV)
    assert response.status_code == 200
    assert f"No provision &#x27;{NATO}:99&#x27; in the corpus." in response.content.decode()
    assert 'name="import_file_name"' not in response.content.decode()
    assert not LibraryClause.objects.filter(slug__startswith="imported-").exists()


@pytest.mark.parametrize(
    ("fmt", "name", "payload"),
    [(CSV, "clauses.csv", lambda: as_csv(VALID)), (JSON, "clauses.json", lambda: as_json(VALID))],
    ids=["csv", "json"],
)
def test_admin_import_then_confirm_creates_the_clauses(
    librarian: Client, personas: Any, fmt: type, name: str, payload: Any
) -> None:
    before = LibraryClause.objects.count()
    response = upload(librarian, name, payload(), fmt)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="import_file_name"' in html, html[:3000]
    # The first step is a dry run.
    assert LibraryClause.objects.count() == before

    confirm = hidden_inputs(html)
    fields = {
        k: confirm[k] for k in ("import_file_name", "original_file_name", "format", "resource")
    }
    assert fields["original_file_name"] == name
    confirm_response = librarian.post(f"{ADMIN}process_import/", fields)

    assert confirm_response.status_code == 302
    assert confirm_response["Location"].endswith(ADMIN)
    assert LibraryClause.objects.count() == before + 3
    assert_valid_rows_created()
    assert (
        LogEntry.objects.filter(
            user=personas.librarian, object_repr__startswith="Imported "
        ).count()
        == 3
    )


def test_librarian_cannot_open_other_admin_pages(librarian: Client) -> None:
    assert librarian.get("/admin/drafting/draft/").status_code == 403
    assert librarian.get("/admin/auth/user/").status_code == 403
    assert librarian.get("/admin/auth/group/").status_code == 403


def test_staff_outside_the_library_group_cannot_import_or_export(personas: Any) -> None:
    clerk: Any = UserFactory(username="staff.clerk", is_staff=True)
    client = Client()
    client.force_login(clerk)
    before = LibraryClause.objects.count()
    assert client.get(ADMIN).status_code == 403
    assert client.get(f"{ADMIN}import/").status_code == 403
    assert client.get(f"{ADMIN}export/").status_code == 403
    response = client.post(
        f"{ADMIN}import/",
        {
            "resource": "0",
            "format": format_index(CSV),
            "import_file": SimpleUploadedFile("c.csv", as_csv(VALID).encode()),
        },
    )
    assert response.status_code == 403
    assert LibraryClause.objects.count() == before


@pytest.mark.parametrize("who", ["outsider", "anonymous"])
def test_non_staff_are_sent_to_the_admin_login(personas: Any, who: str) -> None:
    client = Client()
    if who == "outsider":
        client.force_login(personas.outsider)
    for path in (ADMIN, f"{ADMIN}import/", f"{ADMIN}export/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/admin/login/"), path
    response = client.post(
        f"{ADMIN}import/",
        {
            "resource": "0",
            "format": format_index(CSV),
            "import_file": SimpleUploadedFile("c.csv", b"x"),
        },
    )
    assert response.status_code == 302
    assert not LibraryClause.objects.filter(slug__startswith="imported-").exists()


def test_admin_import_reports_every_bad_row_naming_its_value(librarian: Client) -> None:
    """Three bad rows of three kinds (an unknown obligation type, a bad choice, an unknown
    provision) are all reported, each naming the value, and nothing is written."""
    before = clause_rows()
    content = as_csv(
        [
            VALID[0],
            row("imported-bad-type", obligation_type="alliance"),
            row("imported-bad-status", status="maybe"),
            row("imported-bad-ref", derived_from=f"{NATO}:99"),
        ]
    )

    response = upload(librarian, "clauses.csv", content, CSV)

    assert response.status_code == 200
    html = response.content.decode()
    assert "No obligation type &#x27;alliance&#x27;" in html
    assert "&#x27;maybe&#x27; is not a valid choice" in html
    assert f"No provision &#x27;{NATO}:99&#x27; in the corpus." in html
    assert "matching query does not exist" not in html
    assert "Traceback" not in html and "/site-packages/" not in html
    assert clause_rows() == before


def test_admin_import_with_an_unknown_column_says_so_without_a_traceback(
    librarian: Client,
) -> None:
    content = as_csv([row("imported-bad") | {"colour": "blue"}], [*HEADERS, "colour"])
    response = upload(librarian, "clauses.csv", content, CSV)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Unknown columns: colour." in html
    assert "Traceback" not in html and "/site-packages/" not in html and ".py" not in html


def test_librarian_exports_csv_safe_for_spreadsheets(librarian: Client) -> None:
    clause = LibraryClause.objects.order_by("pk").first()
    assert clause is not None
    LibraryClause.objects.filter(pk=clause.pk).update(title="@SUM(1+1) 相互防衛")
    data = {"resource": "0", "format": format_index(CSV)}
    data |= {f"libraryclauseresource_{name}": "on" for name in HEADERS}
    response = librarian.post(f"{ADMIN}export/", data)
    assert response.status_code == 200
    raw = b"".join(response) if response.streaming else response.content
    assert raw.startswith(b"\xef\xbb\xbf")  # the UTF-8 byte order mark, for Excel
    rows = {r["slug"]: r for r in tablib.import_set(raw.decode("utf-8-sig"), format="csv").dict}
    assert rows[clause.slug]["title"] == "'@SUM(1+1) 相互防衛"
