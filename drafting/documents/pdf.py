"""The draft as HTML for print (the print view) and as PDF through WeasyPrint, with the
marking in the running header and footer of every page and "page N of M"."""

from __future__ import annotations

import logging
from typing import Any

import weasyprint
from django.template.loader import render_to_string

from .content import DocDraft

TEMPLATE = "drafting/documents/document.html"
# WeasyPrint logs every layout step at INFO; that is noise in the server's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def _articles(doc: DocDraft) -> list[dict[str, Any]]:
    return [
        {
            "title_en": a.title("en"),
            "title_ja": a.title("ja"),
            "releasability": a.releasability,
            "lines_en": a.text_en.split("\n") if a.text_en else [],
            "lines_ja": a.text_ja.split("\n") if a.text_ja else [],
        }
        for a in doc.articles
    ]


def css_string(text: str) -> str:
    """Text for a CSS string literal in double quotes (escaped, so nothing ends the rule)."""
    return "".join(ch if ch.isalnum() or ch in " -—/.,()" else f"\\{ord(ch):06x}" for ch in text)


def draft_html(
    doc: DocDraft, language: str, *, print_view: bool = False, back_url: str = ""
) -> str:
    return render_to_string(
        TEMPLATE,
        {
            "doc": doc,
            "language": language,
            "articles": _articles(doc),
            "print_view": print_view,
            "back_url": back_url,
            "marking_css": css_string(doc.marking),
        },
    )


def draft_pdf(doc: DocDraft, language: str) -> bytes:
    html = draft_html(doc, language)
    # base_url=None and no url_fetcher needed: the HTML references nothing outside itself.
    return weasyprint.HTML(string=html).write_pdf()
