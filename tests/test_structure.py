"""The code's structure: what the import contracts (lint-imports) do not say on their own."""

from __future__ import annotations

import ast
import itertools
import re
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("drafting", "treaties")


def _modules() -> list[Path]:
    return [
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    ]


def test_no_private_name_is_imported_across_modules() -> None:
    offenders = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {alias.name}")
    assert offenders == []


def test_imports_are_at_module_level() -> None:
    """A function-local import hides a cycle; the one exception registers the Celery tasks
    when the app is ready."""
    offenders = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for func in ast.walk(tree):
            if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                for node in ast.walk(func):
                    if isinstance(node, ast.Import | ast.ImportFrom):
                        offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert [o.split(":")[0] for o in offenders] == ["drafting/apps.py"]


@pytest.mark.parametrize("package", ["drafting.services", "drafting.core", "drafting.selectors"])
def test_modules_of_a_layer_import_each_other_without_cycles(package: str) -> None:
    graph = grimp.build_graph("drafting")
    modules = sorted(m for m in graph.find_children(package))
    cycles = [
        (a, b)
        for a in modules
        for b in modules
        if a < b
        and graph.chain_exists(importer=a, imported=b)
        and graph.chain_exists(importer=b, imported=a)
    ]
    assert cycles == []


# --- one label formatter, one table of language names ---------------------------------------

TEMPLATES = ROOT / "templates"
FRONTEND = ROOT / "frontend" / "src"
LANGUAGE_WORDS = {"English", "Japanese", "英語", "日本語"}
# The interface-language switcher names each language in itself ("English", "日本語"), by
# convention, so that a reader who cannot read the current one still finds their own: that is
# Django's LANGUAGES setting and the user's interface preference, not a name of a text language.
INTERFACE_LANGUAGE_NAMES = {"drafting/settings.py", "drafting/models/preferences.py"}
# The treaty library may not import drafting (its import contract), so its provisions' language
# choices name the two languages once more, there.
LIBRARY_LANGUAGE_NAMES = {"treaties/models.py"}


def test_language_names_come_from_one_table() -> None:
    """A text language is named by drafting.labels (pages: the text_language_name filter; the
    browser: languageName in frontend/src/i18n.js), never by a table or literal of its own."""
    offenders = []
    for path in _modules():
        where = str(path.relative_to(ROOT))
        allowed = {"drafting/labels.py"} | INTERFACE_LANGUAGE_NAMES | LIBRARY_LANGUAGE_NAMES
        if where in allowed:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in LANGUAGE_WORDS:
                offenders.append(f"{where}:{node.lineno} {node.value}")
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for word in LANGUAGE_WORDS:
            for pattern in (f'translate "{word}"', f">{word}<"):
                if pattern in text and path.name != "base.html":
                    offenders.append(f"{path.relative_to(ROOT)} {pattern}")
    for path in FRONTEND.rglob("*.js"):
        text = path.read_text(encoding="utf-8")
        for word in LANGUAGE_WORDS:
            if f'gettext("{word}")' in text and path.name != "i18n.js":
                offenders.append(f"{path.relative_to(ROOT)} {word}")
    assert offenders == []


# Where a label is *read* rather than written: the import's heading parser and the numbering.
LABEL_READERS = {"drafting/labels.py", "drafting/numbering.py", "drafting/documents/headings.py"}
GETTEXT = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy"}


def _label_formatting(tree: ast.AST) -> list[int]:
    """Lines that write an article label: f"Article {n}", "Article " + n, f"第{n}条", or a
    bare "Preamble" / 前文 (the article kind's translatable name, _("Preamble"), is no label)."""
    translated = {
        id(arg)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in GETTEXT
        for arg in node.args
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts = node.values
            for before, after in itertools.pairwise(parts):
                if (
                    isinstance(before, ast.Constant)
                    and isinstance(after, ast.FormattedValue)
                    and str(before.value).endswith(("Article ", "第"))
                ):
                    found.append(node.lineno)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            if isinstance(node.left, ast.Constant) and node.left.value == "Article ":
                found.append(node.lineno)
        elif (
            isinstance(node, ast.Constant)
            and node.value in ("Preamble", "前文")
            and id(node) not in translated
        ):
            found.append(node.lineno)
    return found


def test_article_labels_are_formatted_in_one_place() -> None:
    """ "Article 5 bis — Heading", 第五条の二（見出し） and 前文 are written by
    drafting.labels.article_label only (and the browser shows the labels the server sends)."""
    offenders = []
    for path in _modules():
        where = str(path.relative_to(ROOT))
        if where in LABEL_READERS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        offenders += [f"{where}:{line}" for line in _label_formatting(tree)]
    for path in FRONTEND.rglob("*.js"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"`Article \$\{|`第\$\{", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_label_check_finds_a_second_formatter() -> None:
    """The check above is only worth its silence if it would speak."""
    tree = ast.parse(
        'a = f"Article {n}"\nb = "Article " + n\nc = f"第{n}条"\nd = "前文"\ne = _("Preamble")\n'
    )
    assert _label_formatting(tree) == [1, 2, 3, 4]


# --- pages and the API read through selectors ----------------------------------------------

QUERY_METHODS = {
    "filter",
    "exclude",
    "order_by",
    "select_related",
    "prefetch_related",
    "annotate",
    "aggregate",
    "values_list",
    "exists",
    "get_or_create",
    "update_or_create",
    "in_bulk",
}


def _orm_queries(tree: ast.AST) -> list[int]:
    """Lines that query the database themselves: Model.objects, get_object_or_404, a
    queryset method, a related manager's .count(), or a .get(pk=...)."""
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and node.attr in ("objects", "all_objects")) or (
            isinstance(node, ast.Name) and node.id in ("get_object_or_404", "get_list_or_404")
        ):
            found.append(node.lineno)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method = node.func.attr
            if (
                method in QUERY_METHODS
                or (method == "count" and not node.args)
                or (method == "get" and node.keywords and not node.args)
            ):
                found.append(node.lineno)
    return sorted(set(found))


def test_pages_and_the_api_read_through_selectors() -> None:
    """Every read of pages and the API goes through drafting/selectors (or the library's
    treaties/selectors.py), where the access rules are applied once."""
    offenders = []
    for folder in ("views", "api"):
        for path in sorted((ROOT / "drafting" / folder).glob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            where = str(path.relative_to(ROOT))
            offenders += [f"{where}:{line}" for line in _orm_queries(tree)]
    assert offenders == []


def test_the_query_check_finds_a_query() -> None:
    tree = ast.parse(
        "a = Draft.objects.all()\n"
        "b = get_object_or_404(Draft, pk=1)\n"
        "c = round_.offices.order_by('name')\n"
        "d = draft.articles.count()\n"
        "e = qs.get(pk=1)\n"
        "f = request.GET.get('x')\n"
        "g = [1].count(1)\n"
    )
    assert _orm_queries(tree) == [1, 2, 3, 4, 5]


# --- selectors return typed objects -------------------------------------------------------

MAPPINGS = {"dict", "Dict", "Mapping", "MutableMapping"}


def _is_loose(annotation: ast.expr) -> bool:
    """A bare dict, or a dict with Any or another dict in its keys or values: a record spelled
    as keys. A plain mapping of typed values (counts by article id, filters by name, states
    by delegation) is not loose."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        annotation = ast.parse(annotation.value, mode="eval").body
    subscripted = {
        id(node.value) for node in ast.walk(annotation) if isinstance(node, ast.Subscript)
    }
    for node in ast.walk(annotation):
        if isinstance(node, ast.Name) and node.id in MAPPINGS and id(node) not in subscripted:
            return True
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Name)
            and node.value.id in MAPPINGS
            and any(
                isinstance(inner, ast.Name) and (inner.id == "Any" or inner.id in MAPPINGS)
                for inner in ast.walk(node.slice)
            )
        ):
            return True
    return False


def _loose_dict_returns(tree: ast.Module) -> list[str]:
    """The public functions of a module whose return annotation holds a loose dict (methods
    are not looked at: an as_dict() returns the JSON body, which is one)."""
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and not node.name.startswith("_")
        and node.returns is not None
        and _is_loose(node.returns)
    ]


def test_selectors_return_typed_objects_not_loose_dicts() -> None:
    """Selectors return model instances or frozen dataclasses (whose as_dict() is the API's
    JSON body), so that pages, the API and exports read one named structure."""
    offenders = []
    for path in sorted((ROOT / "drafting" / "selectors").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        where = str(path.relative_to(ROOT))
        offenders += [f"{where} {name}" for name in _loose_dict_returns(tree)]
    assert offenders == []


def test_the_loose_dict_check_finds_a_loose_dict() -> None:
    tree = ast.parse(
        "def a() -> dict[str, Any]: ...\n"
        "def b() -> list[dict[str, Any]]: ...\n"
        "def c() -> dict[str, dict[str, int]]: ...\n"
        "def d() -> dict: ...\n"
        "def e() -> Mapping[str, Any] | None: ...\n"
        "def f() -> 'dict[str, Any]': ...\n"
        "def counts() -> dict[int, int]: ...\n"
        "def states() -> dict[str, DelegationLeads]: ...\n"
        "def _private() -> dict[str, Any]: ...\n"
        "class Report:\n"
        "    def as_dict(self) -> dict[str, Any]: ...\n"
    )
    assert _loose_dict_returns(tree) == ["a", "b", "c", "d", "e", "f"]


FIELD_HINT = re.compile(r"fields=\{[^}]*?\[\s*\"([^\"]+)\"\s*\]")


def test_every_field_problem_a_service_names_is_in_the_catalogue() -> None:
    """A short problem written beside a field (`fields={"name": ["Too long."]}`) is shown
    through the catalogue: each must be listed in service_messages.FIELD_HINTS (and so be
    translated, which test_i18n's test_the_japanese_catalogue_is_complete checks)."""
    from drafting.service_messages import FIELD_HINTS

    written = {
        hint for path in _modules() for hint in FIELD_HINT.findall(path.read_text(encoding="utf-8"))
    }
    assert len(written) > 40, written
    assert written - set(FIELD_HINTS) == set()
