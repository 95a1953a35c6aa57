"""Reading Entente's exported DOCX back in tests: accept-all and reject-all by the XML."""

from __future__ import annotations

import io
import zipfile

from drafting.documents import docx_reader
from drafting.documents.safety import docx_open


def units(data: bytes) -> list[docx_reader.Unit]:
    return docx_reader.split(docx_open(data)).units


def resolved(unit: docx_reader.Unit, *, accept: bool) -> str:
    """The unit's text with every tracked change accepted (or rejected), reading w:ins, w:del
    and tracked paragraph marks as Word does."""
    out = []
    for i, p in enumerate(unit.paragraphs):
        if i:
            mark = unit.paragraphs[i - 1].mark
            if mark is None or (mark.kind == "ins") == accept:
                out.append("\n")
        keep = ("text", "ins") if accept else ("text", "del")
        out.append("".join(piece.text for piece in p.pieces if piece.kind in keep))
    return "".join(out)


def part(data: bytes, name: str) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read(name).decode()
