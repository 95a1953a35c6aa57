"""DOCX writers: a draft (English, Japanese or both side by side) and a comparison as real
Word tracked changes (w:ins / w:del with the revision's author and date) with review threads
as Word comments. Built on Entente's own template.docx."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import qn

from ..textdiff import Segment, utf16_len, utf16_slice
from .content import Author, ComparedArticle, DocArticle, DocCompare, DocDraft, DocThread

TEMPLATE = Path(__file__).with_name("template.docx")
MINCHO = "Noto Serif CJK JP"
W_URI = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = (
    f'xmlns:w="{W_URI}" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
    'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'mc:Ignorable="w14 w15"'
)
COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
COMMENTS_EX_TYPE = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended+xml"
)
COMMENTS_EX_REL = "http://schemas.microsoft.com/office/2011/relationships/commentsExtended"
LANGUAGES = ("en", "ja")
# XML 1.0 cannot carry most C0 controls; a tab becomes w:tab, the rest are dropped.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def word_date(at: datetime) -> str:
    """Word's w:date: UTC, whole seconds, with Z."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def _rpr(language: str) -> str:
    if language != "ja":
        return ""
    return (
        f'<w:rPr><w:rFonts w:eastAsia="{MINCHO}" w:hint="eastAsia"/>'
        '<w:lang w:eastAsia="ja-JP"/></w:rPr>'
    )


def _run(text: str, language: str, *, deleted: bool = False) -> str:
    tag = "w:delText" if deleted else "w:t"
    parts = []
    for i, piece in enumerate(_ILLEGAL.sub("", text).split("\t")):
        if i:
            parts.append("<w:tab/>")
        if piece:
            parts.append(f'<{tag} xml:space="preserve">{escape(piece)}</{tag}>')
    return f"<w:r>{_rpr(language)}{''.join(parts)}</w:r>" if parts else ""


class _Ids:
    def __init__(self) -> None:
        self.value = 0

    def next(self) -> int:
        self.value += 1
        return self.value


def _revision_attrs(ids: _Ids, author: Author) -> str:
    return (
        f'w:id="{ids.next()}" w:author="{escape(author.label, {chr(34): "&quot;"})}" '
        f'w:date="{word_date(author.at)}"'
    )


def _para(style: str, body: str, mark: str = "") -> str:
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{mark}</w:pPr>{body}</w:p>'


def _plain_paragraphs(text: str, style: str, language: str) -> list[str]:
    if not text:
        return []
    return [_para(style, _run(line, language)) for line in text.split("\n")]


class _Builder:
    """One document: its body XML, and the comments it collects."""

    def __init__(self, doc: DocDraft) -> None:
        self.doc = doc
        self.ids = _Ids()
        self.comments: list[tuple[int, DocThread, int, int | None]] = []
        self.comment_xml: list[str] = []
        self.comment_ex: list[str] = []
        self.comment_id = 0

    # --- frame -----------------------------------------------------------------------------

    def front(self, language: str) -> list[str]:
        doc = self.doc
        out = []
        titles = {"en": doc.title, "ja": doc.title_ja or doc.title}
        for lang in LANGUAGES if language == "both" else (language,):
            out.append(_para("EntenteTitle", _run(titles[lang], lang)))
            if language == "both" and doc.title_ja == "":
                break
        if doc.parties:
            out.append(_para("EntenteParties", _run(" — ".join(doc.parties), "en")))
        if doc.version_label:
            out.append(_para("EntenteVersion", _run(doc.version_label, "en")))
        if doc.cover_note or doc.deadline:
            if doc.deadline:
                out.append(
                    _para("EntenteCover", _run(f"Deadline for answers: {doc.deadline}", "en"))
                )
            for line in doc.cover_note.split("\n") if doc.cover_note else []:
                out.append(_para("EntenteCover", _run(line, "en")))
        return out

    def article_head(
        self, article: DocArticle, language: str, heading_xml: str | None = None
    ) -> list[str]:
        out = [
            _para("EntenteArticleHeading", heading_xml or _run(article.title(language), language))
        ]
        if not self.doc.releasability:
            out.append(_para("EntenteReleasability", _run(f"[{article.releasability}]", "en")))
        return out

    # --- tracked text ----------------------------------------------------------------------

    def tracked_paragraphs(
        self, segments: list[Segment], threads: list[DocThread], style: str, language: str
    ) -> list[str]:
        """Segments as paragraphs of runs in w:ins / w:del; a newline a revision inserted or
        deleted is that paragraph's mark, tracked in w:pPr/w:rPr so accept and reject join
        the paragraphs exactly as the texts have them."""
        paragraphs: list[str] = []
        body: list[str] = []
        for item in _with_comment_marks(segments, threads, self):
            if isinstance(item, str):
                body.append(item)
                continue
            lines = item.text.split("\n")
            for i, line in enumerate(lines):
                if i:
                    mark = ""
                    if item.op != "equal":
                        kind = "w:ins" if item.op == "insert" else "w:del"
                        mark = f"<w:rPr><{kind} {_revision_attrs(self.ids, item.tag)}/></w:rPr>"
                    paragraphs.append(_para(style, "".join(body), mark))
                    body = []
                if not line:
                    continue
                if item.op == "equal":
                    body.append(_run(line, language))
                elif item.op == "insert":
                    body.append(
                        f"<w:ins {_revision_attrs(self.ids, item.tag)}>{_run(line, language)}</w:ins>"
                    )
                else:
                    body.append(
                        f"<w:del {_revision_attrs(self.ids, item.tag)}>"
                        f"{_run(line, language, deleted=True)}</w:del>"
                    )
        if body or segments:
            paragraphs.append(_para(style, "".join(body)))
        return paragraphs

    def comment_add(self, thread: DocThread) -> int:
        """Writes the thread's comments (the first, then replies pointing to it) and returns
        the id of the first, which anchors the range."""
        first_id = self.comment_id
        parent_para = ""
        for comment in thread.comments:
            cid = self.comment_id
            self.comment_id += 1
            para_id = f"{0x10000000 + cid:08X}"
            author = comment.author
            initials = "".join(w[0] for w in author.name.split() if w)[:9] or "?"
            paragraphs = comment.body.split("\n") or [""]
            xml_paras = []
            for i, line in enumerate(paragraphs):
                attr = (
                    f' w14:paraId="{para_id}" w14:textId="77777777"'
                    if i == len(paragraphs) - 1
                    else ""
                )
                ref = (
                    '<w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr><w:annotationRef/></w:r>'
                    if i == 0
                    else ""
                )
                xml_paras.append(
                    f'<w:p{attr}><w:pPr><w:pStyle w:val="CommentText"/></w:pPr>{ref}'
                    f"{_run(line, 'ja' if _has_cjk(line) else 'en')}</w:p>"
                )
            self.comment_xml.append(
                f'<w:comment w:id="{cid}" w:author="{escape(author.label, {chr(34): "&quot;"})}" '
                f'w:date="{word_date(author.at)}" w:initials="{escape(initials)}">'
                f"{''.join(xml_paras)}</w:comment>"
            )
            parent = f' w15:paraIdParent="{parent_para}"' if parent_para else ""
            self.comment_ex.append(f'<w15:commentEx w15:paraId="{para_id}"{parent} w15:done="0"/>')
            if not parent_para:
                parent_para = para_id
        return first_id


def _has_cjk(text: str) -> bool:
    return any(
        "\u3000" <= ch <= "\u9fff" or "\uf900" <= ch <= "\uffef" or ord(ch) > 0x20000 for ch in text
    )


@dataclass
class _Mark:
    position: int  # UTF-16 offset in the "to" text
    order: int  # ends before starts at the same position
    xml: str


def _with_comment_marks(
    segments: list[Segment], threads: list[DocThread], builder: _Builder
) -> Iterator[Segment | str]:
    """The segments with comment range markers put in at the threads' offsets (which count
    the "to" text: equal and inserted segments)."""
    marks: list[_Mark] = []
    for thread in threads:
        first = builder.comment_add(thread)
        ids = range(first, first + len(thread.comments))
        marks.extend(_Mark(thread.start, 1, f'<w:commentRangeStart w:id="{cid}"/>') for cid in ids)
        for cid in ids:
            marks.append(
                _Mark(
                    thread.end,
                    0,
                    f'<w:commentRangeEnd w:id="{cid}"/><w:r><w:rPr><w:rStyle w:val="CommentReference"/>'
                    f'</w:rPr><w:commentReference w:id="{cid}"/></w:r>',
                )
            )
    marks.sort(key=lambda m: (m.position, m.order))
    position = k = 0
    for seg in segments:
        if seg.op == "delete":
            yield seg
            continue
        text = seg.text
        while text:
            while k < len(marks) and marks[k].position <= position:
                yield marks[k].xml
                k += 1
            length = utf16_len(text)
            if k < len(marks) and marks[k].position < position + length:
                cut = marks[k].position - position
                yield Segment(seg.op, utf16_slice(text, 0, cut), seg.tag)
                text = utf16_slice(text, cut, length)
                position += cut
            else:
                yield Segment(seg.op, text, seg.tag)
                position += length
                text = ""
    for mark in marks[k:]:
        yield mark.xml


_KEEP_OFF = '"/><w:keepNext w:val="0"/>'


def _in_cell(xml: str) -> str:
    """Headings keep with the next paragraph in running text; inside a table cell that only
    makes LibreOffice push the whole table to the next page, so it is switched off there."""
    for style in ("EntenteArticleHeading", "EntenteReleasability"):
        xml = xml.replace(f'<w:pStyle w:val="{style}"/>', f'<w:pStyle w:val="{style}{_KEEP_OFF}')
    return xml


def _bilingual_table(rows: Iterable[tuple[list[str], list[str]]]) -> str:
    cells = []
    for left, right in rows:
        left, right = [_in_cell(x) for x in left], [_in_cell(x) for x in right]
        cells.append(
            "<w:tr>"
            + "".join(
                f'<w:tc><w:tcPr><w:tcW w:w="4800" w:type="dxa"/></w:tcPr>{"".join(c) or "<w:p/>"}</w:tc>'
                for c in (left, right)
            )
            + "</w:tr>"
        )
    return (
        '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="9600" w:type="dxa"/>'
        '<w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid><w:gridCol w:w="4800"/>'
        f'<w:gridCol w:w="4800"/></w:tblGrid>{"".join(cells)}</w:tbl>'
    )


def _document(builder: _Builder, body: list[str]) -> bytes:
    doc = builder.doc
    document = docx.Document(str(TEMPLATE))
    document.core_properties.title = doc.title
    document.core_properties.author = "Entente"
    document.core_properties.subject = doc.marking
    document.core_properties.keywords = doc.marking
    section = document.sections[0]
    # Per article, the releasability of the article on the page: Word's STYLEREF field reads
    # the nearest "Entente Releasability" paragraph (a round pack is REL USA throughout).
    first_rel = next((f"[{a.releasability}]" for a in doc.articles), "")
    per_article = "" if doc.releasability else first_rel
    _marking(section.header, doc.marking, footer=False, releasability=per_article)
    _marking(section.footer, doc.marking, footer=True, releasability=per_article)
    element = document.element.body
    sect = element.find(qn("w:sectPr"))
    for old in list(element):
        if old is not sect:
            element.remove(old)
    fragment = parse_xml(f"<w:body {NS}>{''.join(body)}</w:body>")
    for child in list(fragment):
        sect.addprevious(child)
    if builder.comment_xml:
        comments = Part(
            PackURI("/word/comments.xml"),
            COMMENTS_TYPE,
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:comments {NS}>'
            f"{''.join(builder.comment_xml)}</w:comments>".encode(),
            document.part.package,
        )
        document.part.relate_to(comments, RT.COMMENTS)
        extended = Part(
            PackURI("/word/commentsExtended.xml"),
            COMMENTS_EX_TYPE,
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w15:commentsEx {NS}>'
            f"{''.join(builder.comment_ex)}</w15:commentsEx>".encode(),
            document.part.package,
        )
        document.part.relate_to(extended, COMMENTS_EX_REL)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _marking(part: object, marking: str, *, footer: bool, releasability: str) -> None:
    paragraph = part.paragraphs[0]  # type: ignore[attr-defined]
    paragraph.style = "Entente Marking"
    paragraph.add_run(marking)
    if releasability:
        paragraph._p.append(parse_xml(f'<w:r {NS}><w:t xml:space="preserve"> · </w:t></w:r>'))
        paragraph._p.append(
            parse_xml(
                f'<w:fldSimple {NS} w:instr=" STYLEREF &quot;Entente Releasability&quot; ">'
                f"<w:r><w:t>{escape(releasability)}</w:t></w:r></w:fldSimple>"
            )
        )
    if footer:
        p = paragraph._p
        p.append(parse_xml(f'<w:r {NS}><w:t xml:space="preserve"> — page </w:t></w:r>'))
        p.append(
            parse_xml(f'<w:fldSimple {NS} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>')
        )
        p.append(parse_xml(f'<w:r {NS}><w:t xml:space="preserve"> of </w:t></w:r>'))
        p.append(
            parse_xml(
                f'<w:fldSimple {NS} w:instr=" NUMPAGES "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
            )
        )


def _text_style(article: DocArticle) -> str:
    return "EntentePreamble" if article.kind == "preamble" else "EntenteArticleText"


def draft_docx(doc: DocDraft, language: str) -> bytes:
    """The draft as a lawyer expects it; ``language`` is en, ja or both (side by side)."""
    builder = _Builder(doc)
    body = builder.front(language)
    if language == "both":
        rows = []
        for article in doc.articles:
            rows.append(
                tuple(
                    builder.article_head(article, lang)
                    + _plain_paragraphs(article.text(lang), _text_style(article), lang)
                    for lang in LANGUAGES
                )
            )
        body.append(_bilingual_table(rows))  # type: ignore[arg-type]
    else:
        for article in doc.articles:
            body += builder.article_head(article, language)
            body += _plain_paragraphs(article.text(language), _text_style(article), language)
    return _document(builder, body)


def _compared_head(builder: _Builder, item: ComparedArticle, language: str) -> list[str]:
    article = item.article
    if item.heading_before is None or item.heading_author is None:
        return builder.article_head(article, language)
    before = DocArticle(
        **{
            **article.__dict__,
            "heading": item.heading_before[0],
            "heading_ja": item.heading_before[1],
        }
    )
    old, new = before.title(language), article.title(language)
    xml = (
        f"<w:del {_revision_attrs(builder.ids, item.heading_author)}>{_run(old, language, deleted=True)}</w:del>"
        f"<w:ins {_revision_attrs(builder.ids, item.heading_author)}>{_run(new, language)}</w:ins>"
    )
    return builder.article_head(article, language, xml)


def compare_docx(compare: DocCompare, language: str) -> bytes:
    """Version A to version B as Word tracked changes, one w:ins / w:del per revision."""
    builder = _Builder(compare.draft)
    body = builder.front(language if language != "both" else "en")
    body.append(
        _para(
            "EntenteVersion", _run(f"Changes from {compare.from_label} to {compare.to_label}", "en")
        )
    )
    languages = LANGUAGES if language == "both" else (language,)
    rows = []
    for item in compare.articles:
        blocks = []
        for lang in languages:
            text = item.texts.get(lang)
            paragraphs = _compared_head(builder, item, lang)
            if text is not None:
                paragraphs += builder.tracked_paragraphs(
                    text.segments, text.threads, _text_style(item.article), lang
                )
            blocks.append(paragraphs)
        if language == "both":
            rows.append((blocks[0], blocks[1]))
        else:
            body += blocks[0]
    if rows:
        body.append(_bilingual_table(rows))
    return _document(builder, body)
