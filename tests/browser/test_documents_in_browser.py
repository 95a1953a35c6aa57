"""Texts in and out in a real browser: download the Word file from the draft page, print the
draft (the marking on every printed page), and import the file back through the preview."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from drafting.models import Draft

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "test-results"


def test_export_print_and_import_back(page: Page, live_server, demo, login, tmp_path):
    SHOTS.mkdir(exist_ok=True)
    login(page, "uk.lead")
    page.goto(f"{live_server.url}{demo.get_absolute_url()}")
    with page.expect_download() as download:
        page.get_by_test_id("export-docx").click()
    word = tmp_path / "draft.docx"
    download.value.save_as(word)
    assert word.read_bytes().startswith(b"PK")

    page.get_by_role("link", name="More exports and imports").click()
    expect(page.get_by_test_id("export-form")).to_be_visible()
    page.screenshot(path=str(SHOTS / "documents-page.png"), full_page=True)

    # The print view, printed by Chromium itself: the marking on every page.
    page.goto(f"{live_server.url}/drafts/{demo.pk}/print/?language=both")
    page.emulate_media(media="print")
    printed = tmp_path / "printed.pdf"
    page.pdf(path=str(printed), format="A4")
    text = subprocess.run(
        ["pdftotext", str(printed), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = text.split("\f")[:-1]
    assert len(pages) >= 2
    assert all(p.count("OFFICIAL-SENSITIVE") >= 2 for p in pages), (
        "a printed page lacks the marking"
    )
    page.emulate_media(media="screen")

    page.goto(f"{live_server.url}/")
    page.get_by_test_id("import-draft").click()
    page.get_by_label("Word file (.docx)").set_input_files(str(word))
    page.get_by_role("button", name="Preview the split").click()
    expect(page.get_by_test_id("import-preview")).to_be_visible()
    page.screenshot(path=str(SHOTS / "import-preview.png"), full_page=True)
    page.get_by_label("Title").fill("Imported back")
    page.get_by_test_id("import-create").click()
    expect(page.get_by_role("heading", level=1).first).to_contain_text(
        re.compile("Treaty|Imported")
    )
    copy = Draft.objects.get(title="Imported back")
    assert copy.articles.count() == demo.articles.count()
