"""The code's structure: what the import contracts (lint-imports) do not say on their own."""

from __future__ import annotations

import ast
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
