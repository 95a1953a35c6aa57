"""One entry point per kind of file, for the pages and the API alike: (file name, bytes)."""

from __future__ import annotations

import re
from datetime import date

from . import akn, docx_writer, pdf
from .content import DocCompare, DocDraft


def _stem(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:60].lower() or "draft"


def draft_file(doc: DocDraft, fmt: str, language: str, *, work_id: str) -> tuple[str, bytes]:
    suffix = re.sub(r"[^A-Za-z0-9]+", "-", doc.version_label.split(":")[0]).lower()
    name = f"{_stem(doc.title)}{'-' + suffix if suffix else ''}-{language}"
    if fmt == "docx":
        return f"{name}.docx", docx_writer.draft_docx(doc, language)
    if fmt == "pdf":
        return f"{name}.pdf", pdf.draft_pdf(doc, language)
    today = doc.generated_at.date() if doc.generated_at else date.today()
    return f"{name}.akn.xml", akn.draft_akn(doc, language, work_id=work_id, today=today)


def compare_file(compare: DocCompare, language: str) -> tuple[str, bytes]:
    name = f"{_stem(compare.draft.title)}-changes-{_stem(compare.from_label)}-to-{_stem(compare.to_label)}"
    return f"{name}-{language}.docx", docx_writer.compare_docx(compare, language)
