"""LibreOffice headless as an outside reader of what Entente writes: an exported comparison
converts and keeps every tracked change with its author and date, and every comment."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from collections import Counter

import pytest
from lxml import etree

from drafting.models import Article
from drafting.services import drafts as draft_services
from drafting.services import review as review_services
from drafting.services import versions as version_services
from drafting.services.revisions import revisions_close

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice (soffice) is not installed; .ci/run installs libreoffice-writer-nogui",
)

TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
DC = "http://purl.org/dc/elements/1.1/"


def convert(tmp_path, data: bytes, name: str) -> bytes:
    source = tmp_path / name
    source.write_bytes(data)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "fodt",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return (tmp_path / (source.stem + ".fodt")).read_bytes()


def docx_revisions(xml: str) -> Counter:
    found = Counter()
    for kind, attrs in re.findall(r"<w:(ins|del) ([^>]*)>", xml):
        author = re.search(r'w:author="([^"]*)"', attrs).group(1)
        date = re.search(r'w:date="([^"]*)"', attrs).group(1).rstrip("Z")
        found[("insertion" if kind == "ins" else "deletion", author, date)] += 1
    return found


def test_exported_comparison_survives_libreoffice(api, personas, draft, tmp_path):
    personas.uk_drafter.first_name, personas.uk_drafter.last_name = "Alice", "Drafter"
    personas.uk_drafter.save()
    articles = list(Article.objects.filter(draft=draft, kind="article").order_by("position"))
    version_services.version_create(actor=personas.owner, draft=draft, name="Baseline")
    draft_services.article_edit(
        actor=personas.uk_drafter,
        article=articles[0],
        text_en="The Parties shall steadily strengthen their alliance.",
    )
    revisions_close(draft)
    draft_services.article_edit(
        actor=personas.jp_drafter,
        article=Article.objects.get(pk=articles[1].pk),
        text_en="The Parties will consult together promptly.",
        text_ja="締約国は、𠮟速やかに協議する😀。",
    )
    revisions_close(draft)
    review_services.thread_start(
        actor=personas.reviewer,
        article=Article.objects.get(pk=articles[2].pk),
        language="en",
        start=3,
        end=15,
        body="Armed attack: define it?",
    )
    response = api(personas.uk_drafter).get(
        f"/api/v1/drafts/{draft.pk}/compare/export/", {"from": "1", "language": "both"}
    )
    assert response.status_code == 200
    document = zipfile.ZipFile(io.BytesIO(response.content))
    expected = docx_revisions(document.read("word/document.xml").decode())
    assert len(expected) >= 2
    root = etree.fromstring(convert(tmp_path, response.content, "compare.docx"))
    seen = Counter()
    for region in root.iter(f"{{{TEXT}}}changed-region"):
        change = region[0]
        kind = etree.QName(change).localname
        info = change.find(f"{{{OFFICE}}}change-info")
        seen[(kind, info.findtext(f"{{{DC}}}creator"), info.findtext(f"{{{DC}}}date"))] += 1
    assert set(seen) == set(expected)
    assert sum(seen.values()) == sum(expected.values())
    assert ("insertion", "Alice Drafter (UK)") in {(k, a) for k, a, _ in seen}
    annotations = [
        (a.findtext(f"{{{DC}}}creator"), "".join(a.itertext()))
        for a in root.iter(f"{{{OFFICE}}}annotation")
    ]
    assert any("Armed attack: define it?" in text for _, text in annotations)
