"""Builds template.docx, Entente's own Word template (committed; run again after a change):

    python -m drafting.documents.make_template

It starts from python-docx's blank package, drops the stylesWithEffects part (Word 2010
leftovers that differ from styles.xml and make validators complain), and defines the styles
the exporter uses: title, parties, preamble, article headings and text, releasability, the
marking in header and footer, and the comment styles. Japanese runs default to Noto Serif
CJK JP through w:eastAsia; English to Liberation Serif (metric-compatible with Times New Roman).
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm

TEMPLATE = Path(__file__).with_name("template.docx")
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
SERIF = "Liberation Serif"
MINCHO = "Noto Serif CJK JP"

STYLES = [
    # (type, id, name, based on, pPr, rPr)
    (
        "paragraph",
        "EntenteTitle",
        "Entente Title",
        "Normal",
        '<w:keepNext/><w:spacing w:before="240" w:after="240"/><w:jc w:val="center"/>',
        '<w:b/><w:sz w:val="32"/>',
    ),
    (
        "paragraph",
        "EntenteParties",
        "Entente Parties",
        "Normal",
        '<w:spacing w:after="240"/><w:jc w:val="center"/>',
        "<w:i/>",
    ),
    (
        "paragraph",
        "EntenteVersion",
        "Entente Version",
        "Normal",
        '<w:spacing w:after="240"/><w:jc w:val="center"/>',
        '<w:color w:val="555555"/><w:sz w:val="20"/>',
    ),
    (
        "paragraph",
        "EntenteArticleHeading",
        "Entente Article Heading",
        "Normal",
        '<w:keepNext/><w:spacing w:before="280" w:after="80"/><w:outlineLvl w:val="1"/>',
        '<w:b/><w:sz w:val="24"/>',
    ),
    (
        "paragraph",
        "EntenteArticleText",
        "Entente Article Text",
        "Normal",
        '<w:spacing w:after="120" w:line="276" w:lineRule="auto"/><w:jc w:val="both"/>',
        "",
    ),
    ("paragraph", "EntentePreamble", "Entente Preamble", "EntenteArticleText", "", ""),
    (
        "paragraph",
        "EntenteReleasability",
        "Entente Releasability",
        "Normal",
        '<w:keepNext/><w:spacing w:after="60"/>',
        '<w:smallCaps/><w:color w:val="7A1F1F"/><w:sz w:val="18"/>',
    ),
    (
        "paragraph",
        "EntenteMarking",
        "Entente Marking",
        "Normal",
        '<w:spacing w:after="0"/><w:jc w:val="center"/>',
        '<w:b/><w:color w:val="9B0000"/><w:sz w:val="20"/>',
    ),
    (
        "paragraph",
        "EntenteCover",
        "Entente Cover Note",
        "Normal",
        '<w:pBdr><w:top w:val="single" w:sz="4" w:space="4" w:color="999999"/>'
        '<w:bottom w:val="single" w:sz="4" w:space="4" w:color="999999"/></w:pBdr>'
        '<w:spacing w:after="240"/>',
        "",
    ),
    # Word's own comment styles, under their built-in ids, so Word and LibreOffice map them.
    (
        "paragraph",
        "CommentText",
        "annotation text",
        "Normal",
        '<w:spacing w:after="0"/>',
        '<w:sz w:val="20"/>',
    ),
    ("character", "CommentReference", "annotation reference", None, "", '<w:sz w:val="16"/>'),
    ("paragraph", "CommentSubject", "annotation subject", "CommentText", "", "<w:b/>"),
]


def _style_xml(kind: str, style_id: str, name: str, based: str | None, ppr: str, rpr: str) -> str:
    based_xml = f'<w:basedOn w:val="{based}"/>' if based else ""
    ppr_xml = f"<w:pPr>{ppr}</w:pPr>" if ppr and kind == "paragraph" else ""
    rpr_xml = f"<w:rPr>{rpr}</w:rPr>" if rpr else ""
    return (
        f'<w:style {W_NS} w:type="{kind}" w:customStyle="1" w:styleId="{style_id}">'
        f'<w:name w:val="{name}"/>{based_xml}<w:qFormat/>{ppr_xml}{rpr_xml}</w:style>'
    )


def build(path: Path = TEMPLATE) -> None:
    document = docx.Document()
    part = document.part
    for rel_id, rel in list(part.rels.items()):
        if rel.reltype.endswith(("/stylesWithEffects", "/customXml")):
            part.drop_rel(rel_id)
    styles = document.styles.element
    for style in list(styles.findall(qn("w:style"))):
        # python-docx's blank package carries ~150 table and list styles nobody uses here.
        if style.get(qn("w:type")) == "table" and style.get(qn("w:styleId")) not in (
            "TableGrid",
            "TableNormal",
        ):
            styles.remove(style)
    fonts = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for old in fonts.findall(qn("w:rFonts")) + fonts.findall(qn("w:lang")):
        fonts.remove(old)
    fonts.insert(
        0,
        parse_xml(
            f'<w:rFonts {W_NS} w:ascii="{SERIF}" w:hAnsi="{SERIF}" w:cs="{SERIF}" '
            f'w:eastAsia="{MINCHO}"/>'
        ),
    )
    fonts.append(parse_xml(f'<w:lang {W_NS} w:val="en-GB" w:eastAsia="ja-JP" w:bidi="ar-SA"/>'))
    for spec in STYLES:
        styles.append(parse_xml(_style_xml(*spec)))
    section = document.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    section.top_margin = section.bottom_margin = Mm(25)
    section.left_margin = section.right_margin = Mm(22)
    document.core_properties.author = "Entente"
    document.core_properties.title = "Entente template"
    document.core_properties.comments = ""
    document.save(str(path))


if __name__ == "__main__":
    build()
