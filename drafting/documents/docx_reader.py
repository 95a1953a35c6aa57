"""Reading a DOCX: its paragraphs (in tables too) with tracked changes and comment ranges,
split into preamble and articles by their headings, and its comments with their replies.

Works on the safely opened parts of drafting.documents.safety; nothing here touches the
database. Offsets count UTF-16 units, as everywhere in Entente.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from xml.etree.ElementTree import Element

from ..textdiff import utf16_len
from .headings import heading_parse, is_preamble_heading
from .safety import DocumentError, Docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
W15 = "{http://schemas.microsoft.com/office/word/2012/wordml}"
SKIPPED_STYLES = {"EntenteParties", "EntenteVersion", "EntenteCover", "EntenteMarking"}
TITLE_STYLES = {"EntenteTitle", "Title"}
_REL = re.compile(r"^\s*\[(?P<rel>[A-Z/ ]{3,30})\]\s*$")
_CJK = re.compile("[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")


@dataclass
class Piece:
    kind: str  # text, ins, del, cstart, cend
    text: str = ""
    author: str = ""
    date: str = ""
    comment: str = ""


@dataclass
class Paragraph:
    index: int  # 1-based, in document order, for messages ("paragraph 12")
    style: str
    pieces: list[Piece]
    column: int | None  # table column, or None outside tables
    row: int | None
    mark: Piece | None = None  # the paragraph mark inserted or deleted

    @property
    def text(self) -> str:
        """The text with every change accepted."""
        return "".join(p.text for p in self.pieces if p.kind in ("text", "ins"))

    @property
    def original(self) -> str:
        return "".join(p.text for p in self.pieces if p.kind in ("text", "del"))


def _attrs(el: Element) -> tuple[str, str]:
    return el.get(f"{W}author", ""), el.get(f"{W}date", "")


def _run_text(run: Element) -> str:
    out = []
    for child in run:
        tag = child.tag
        if tag in (f"{W}t", f"{W}delText"):
            out.append(child.text or "")
        elif tag == f"{W}tab":
            out.append("\t")
        elif tag in (f"{W}br", f"{W}cr"):
            out.append("\n")
        elif tag == f"{W}noBreakHyphen":
            out.append("\u2011")
    return "".join(out)


def _pieces(el: Element, kind: str = "text", author: str = "", date: str = "") -> Iterator[Piece]:
    for child in el:
        tag = child.tag
        if tag == f"{W}r":
            text = _run_text(child)
            if text:
                yield Piece(kind, text, author, date)
        elif tag in (f"{W}ins", f"{W}moveTo"):
            yield from _pieces(child, "ins", *_attrs(child))
        elif tag in (f"{W}del", f"{W}moveFrom"):
            yield from _pieces(child, "del", *_attrs(child))
        elif tag == f"{W}commentRangeStart":
            yield Piece("cstart", comment=child.get(f"{W}id", ""))
        elif tag == f"{W}commentRangeEnd":
            yield Piece("cend", comment=child.get(f"{W}id", ""))
        elif tag in (
            f"{W}hyperlink",
            f"{W}smartTag",
            f"{W}fldSimple",
            f"{W}sdt",
            f"{W}sdtContent",
            f"{W}customXml",
            f"{W}bdo",
            f"{W}dir",
        ):
            yield from _pieces(child, kind, author, date)


def paragraphs(doc: Docx) -> list[Paragraph]:
    root = doc.xml("word/document.xml")
    body = root.find(f"{W}body") if root is not None else None
    if body is None:
        raise DocumentError("word/document.xml has no body.")
    out: list[Paragraph] = []
    row_counter = 0

    def para(p: Element, column: int | None, row: int | None) -> None:
        ppr = p.find(f"{W}pPr")
        style = ""
        mark = None
        if ppr is not None:
            pstyle = ppr.find(f"{W}pStyle")
            style = pstyle.get(f"{W}val", "") if pstyle is not None else ""
            rpr = ppr.find(f"{W}rPr")
            if rpr is not None:
                for kind, tag in (("ins", f"{W}ins"), ("del", f"{W}del")):
                    found = rpr.find(tag)
                    if found is not None:
                        mark = Piece(kind, "\n", *_attrs(found))
        out.append(Paragraph(len(out) + 1, style, list(_pieces(p)), column, row, mark))

    def walk(el: Element, column: int | None, row: int | None) -> None:
        nonlocal row_counter
        for child in el:
            if child.tag == f"{W}p":
                para(child, column, row)
            elif child.tag == f"{W}tbl":
                for tr in child.findall(f"{W}tr"):
                    row_counter += 1
                    for col, tc in enumerate(tr.findall(f"{W}tc")):
                        walk(tc, col, row_counter)
            elif child.tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml"):
                walk(child, column, row)

    walk(body, None, None)
    return out


@dataclass
class Unit:
    """One provision in one language as the file has it: the preamble or an article."""

    kind: str
    number: str
    heading: str
    language: str
    where: int  # paragraph index of its heading
    releasability: str = ""
    paragraphs: list[Paragraph] = field(default_factory=list)

    @property
    def text(self) -> str:
        return _join(self.paragraphs, accepted=True)


def _join(paras: list[Paragraph], *, accepted: bool) -> str:
    lines = [p.text if accepted else p.original for p in paras]
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


@dataclass
class Split:
    title: str = ""
    title_ja: str = ""
    units: list[Unit] = field(default_factory=list)
    paragraphs: int = 0


def _language_of(text: str) -> str:
    return "ja" if _CJK.search(text) else "en"


def split(doc: Docx) -> Split:
    """Preamble and articles, found by their headings ("Article N", 第N条, "Preamble", 前文).
    A bilingual table has English on the left and Japanese on the right."""
    paras = paragraphs(doc)
    result = Split(paragraphs=len(paras))
    current: dict[int | None, Unit | None] = {}
    front: dict[int | None, list[Paragraph]] = {}
    for p in paras:
        text = p.text
        if p.style in SKIPPED_STYLES:
            continue
        if p.style in TITLE_STYLES and text.strip():
            if _language_of(text) == "ja":
                result.title_ja = result.title_ja or text.strip()
            else:
                result.title = result.title or text.strip()
            continue
        heading = heading_parse(text)
        preamble = None if heading else is_preamble_heading(text)
        if heading or preamble:
            new_unit = (
                Unit("article", heading.number, heading.heading, heading.language, p.index)
                if heading
                else Unit("preamble", "", text.strip(), preamble or "en", p.index)
            )
            result.units.append(new_unit)
            current[p.column] = new_unit
            continue
        unit = current.get(p.column)
        match = _REL.match(text)
        if (
            unit is not None
            and match
            and not unit.paragraphs
            and p.style in ("EntenteReleasability", "")
        ):
            unit.releasability = match["rel"].strip()
            continue
        if unit is None:
            front.setdefault(p.column, []).append(p)
        else:
            unit.paragraphs.append(p)
    # A file without "Preamble": what comes before Article 1, after the title, is the preamble.
    if not any(u.kind == "preamble" for u in result.units):
        leading = [p for p in front.get(None, []) if p.text.strip()]
        if leading and not result.title:
            result.title = leading.pop(0).text.strip()
        if leading:
            unit = Unit("preamble", "", "", _language_of(leading[0].text), leading[0].index)
            unit.paragraphs = leading
            result.units.insert(0, unit)
    return result


@dataclass
class Change:
    start: int  # UTF-16 offsets in the unit's original text (every change rejected)
    end: int
    replacement: str
    deleted: str
    author: str
    date: str


@dataclass
class CommentRange:
    comment: str  # the w:id
    start: int
    end: int


def changes_of(unit: Unit) -> tuple[str, list[Change], list[CommentRange]]:
    """The unit's original text, its tracked changes in that text's offsets (a deletion and
    the insertion right after it by the same author are one replacement), and its comment
    ranges (original offsets)."""
    pieces: list[Piece] = []
    for i, p in enumerate(unit.paragraphs):
        if i:
            prev = unit.paragraphs[i - 1]
            pieces.append(prev.mark or Piece("text", "\n"))
        pieces.extend(p.pieces)
    # Trailing blank paragraphs are not part of the text (see _join).
    original_parts: list[str] = []
    changes: list[Change] = []
    ranges: dict[str, list[int]] = {}
    pos = 0
    for piece in pieces:
        if piece.kind == "cstart":
            ranges.setdefault(piece.comment, [pos, pos])[0] = pos
            continue
        if piece.kind == "cend":
            ranges.setdefault(piece.comment, [pos, pos])[1] = pos
            continue
        length = utf16_len(piece.text)
        if piece.kind == "text":
            original_parts.append(piece.text)
            pos += length
        elif piece.kind == "del":
            last = changes[-1] if changes else None
            if last and last.end == pos and not last.replacement and last.author == piece.author:
                last.end += length
                last.deleted += piece.text
            else:
                changes.append(Change(pos, pos + length, "", piece.text, piece.author, piece.date))
            original_parts.append(piece.text)
            pos += length
        elif piece.kind == "ins":
            last = changes[-1] if changes else None
            if last and last.end == pos and last.author == piece.author:
                last.replacement += piece.text
            else:
                changes.append(Change(pos, pos, piece.text, "", piece.author, piece.date))
    original = "".join(original_parts)
    while original.endswith("\n") and not any(c.end >= utf16_len(original) for c in changes):
        original = original[:-1]
    limit = utf16_len(original)
    comment_ranges = [
        CommentRange(cid, min(s, limit), min(e, limit)) for cid, (s, e) in ranges.items()
    ]
    return original, changes, comment_ranges


@dataclass
class WordComment:
    id: str
    author: str
    date: str
    text: str
    para_id: str
    parent: str = ""  # the w:id of the comment this one replies to


def comments(doc: Docx) -> dict[str, WordComment]:
    root = doc.xml("word/comments.xml")
    if root is None:
        return {}
    found: dict[str, WordComment] = {}
    by_para: dict[str, str] = {}
    for el in root.findall(f"{W}comment"):
        cid = el.get(f"{W}id", "")
        paras = el.findall(f".//{W}p")
        text = "\n".join("".join(_run_text(r) for r in p.iter(f"{W}r")) for p in paras).strip()
        para_id = paras[-1].get(f"{W14}paraId", "") if paras else ""
        found[cid] = WordComment(
            cid, el.get(f"{W}author", ""), el.get(f"{W}date", ""), text, para_id
        )
        if para_id:
            by_para[para_id] = cid
    extended = doc.xml("word/commentsExtended.xml")
    if extended is not None:
        for ex in extended.findall(f"{W15}commentEx"):
            parent = ex.get(f"{W15}paraIdParent")
            child = by_para.get(ex.get(f"{W15}paraId", ""))
            if parent and child and parent in by_para:
                found[child].parent = by_para[parent]
    return found


def parse_date(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None
    except ValueError:
        return None
