"""Pure parts of texts in and out: tracked segments, headings, hostile files."""

from __future__ import annotations

import io
import itertools
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drafting import textdiff
from drafting.documents.headings import eid_of, heading_parse
from drafting.documents.safety import DocumentError, docx_open
from drafting.labels import article_label

ALPHABET = st.sampled_from(list("ab 𠮟😀締約国は\n.,"))
TEXTS = st.text(alphabet=ALPHABET, max_size=25)


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=6))
def test_tracked_segments_accept_is_last_and_reject_is_first(texts):
    steps = [(textdiff.make_delta(a, b), i) for i, (a, b) in enumerate(itertools.pairwise(texts))]
    segments = textdiff.tracked_segments(texts[0], steps)
    assert textdiff.segments_accept(segments) == texts[-1]
    assert textdiff.segments_reject(segments) == texts[0]
    for seg in segments:
        if seg.op != "equal":
            assert seg.tag in range(len(steps))


def test_tracked_segments_attribute_each_revision():
    a, b, c = "The Parties shall consult.", "The Parties shall meet.", "The Parties shall meet 𠮟."
    segments = textdiff.tracked_segments(
        a, [(textdiff.make_delta(a, b), "r2"), (textdiff.make_delta(b, c), "r3")]
    )
    assert {s.tag for s in segments if s.op == "insert"} == {"r2", "r3"}
    assert [s.text for s in segments if s.op == "insert" and s.tag == "r3"] == [" 𠮟"]


@pytest.mark.parametrize(
    ("text", "number", "heading", "language"),
    [
        ("Article 5", "5", "", "en"),
        ("Article 5 bis — Consultation", "5 bis", "Consultation", "en"),
        ("ARTICLE 12: Duration", "12", "Duration", "en"),
        ("第5条", "5", "", "ja"),
        ("第五条の二（協議）", "5 bis", "協議", "ja"),
        ("第十二条（存続期間）", "12", "存続期間", "ja"),
        ("第１２条", "12", "", "ja"),
    ],
)
def test_headings(text, number, heading, language):
    parsed = heading_parse(text)
    assert parsed is not None
    assert (parsed.number, parsed.heading, parsed.language) == (number, heading, language)


@pytest.mark.parametrize(
    "text", ["The Parties agree that Article 5 applies.", "第5条の規定により", "Articles"]
)
def test_not_headings(text):
    assert heading_parse(text) is None


def test_japanese_label_and_eid_of_5_bis():
    # Exports write the label the pages show, and the import reads it back.
    assert article_label("5 bis", language="ja") == "第五条の二"
    assert heading_parse(article_label("5 bis", language="ja")).number == "5 bis"
    assert eid_of("article", "5 bis") == "art_5bis"


def _zip(parts: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
DOC = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>'


def test_a_minimal_package_opens():
    assert (
        docx_open(_zip({"[Content_Types].xml": TYPES, "word/document.xml": DOC})).xml(
            "word/document.xml"
        )
        is not None
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7 not a zip", "not a DOCX"),
        (b"\xd0\xcf\x11\xe0old word", ".doc"),
        (b"PK\x03\x04broken", "not a readable zip"),
        (_zip({"[Content_Types].xml": TYPES}), "no word/document.xml"),
        (
            _zip(
                {
                    "[Content_Types].xml": TYPES,
                    "word/document.xml": DOC,
                    "word/vbaProject.bin": b"x",
                }
            ),
            "macros",
        ),
        (
            _zip(
                {
                    "[Content_Types].xml": TYPES.replace(b"document.main", b"x"),
                    "word/document.xml": DOC,
                }
            ),
            "not a Word document",
        ),
        (_zip({"[Content_Types].xml": TYPES, "word/document.xml": b"\0" * 40_000_000}), "zip bomb"),
        (_zip({"[Content_Types].xml": TYPES, "word/document.xml": b" " * 200_000}), "zip bomb"),
    ],
)
def test_hostile_packages_are_refused(data, message):
    with pytest.raises(DocumentError, match=message):
        docx_open(data)


def test_xml_entities_are_refused():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        b"<w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>"
    )
    doc = docx_open(_zip({"[Content_Types].xml": TYPES, "word/document.xml": bomb}))
    with pytest.raises(DocumentError, match="DTD or XML entities"):
        doc.xml("word/document.xml")


def test_oversized_upload_is_refused():
    with pytest.raises(DocumentError, match="limit"):
        docx_open(b"PK\x03\x04" + b"0" * 100, limit=50)
