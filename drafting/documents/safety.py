"""Opening a DOCX that came from a stranger: size limits before reading, no macros, no XML
entities. Every refusal is a DocumentError whose message says what is wrong."""

from __future__ import annotations

import io
import zipfile
from typing import Any
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from django.utils.translation import gettext

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PART_BYTES = 30 * 1024 * 1024
MAX_TOTAL_BYTES = 60 * 1024 * 1024
MAX_RATIO = 150  # a DOCX's XML compresses ~10:1; a zip bomb ~1000:1
MAX_ENTRIES = 1000

MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_TYPES = (
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
    "application/vnd.ms-office.vbaProject",
)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


class DocumentError(ValueError):
    """A file that cannot be read as a DOCX, or that a reader refuses; the message says why."""


class Docx:
    """The parts of a DOCX, read safely, parsed on demand."""

    def __init__(self, parts: dict[str, bytes]) -> None:
        self.parts = parts

    def xml(self, name: str) -> Element | None:
        data = self.parts.get(name)
        if data is None:
            return None
        try:
            return SafeET.fromstring(data, forbid_dtd=True)
        except DefusedXmlException as exc:
            raise DocumentError(
                gettext(
                    "%(name)s declares a DTD or XML entities (%(error)s); a Word file never needs them, so it is refused."
                )
                % {"name": name, "error": type(exc).__name__}
            ) from None
        except SafeET.ParseError as exc:
            raise DocumentError(
                gettext("%(name)s is not well-formed XML: %(exc)s.") % {"name": name, "exc": exc}
            ) from None


def docx_open(data: Any, *, limit: int = MAX_UPLOAD_BYTES) -> Docx:
    """Check and read a DOCX's parts. Sizes are checked from the zip directory before any part
    is decompressed, and reads are capped again in case the directory lies."""
    if not isinstance(data, bytes | bytearray):
        raise DocumentError("No file was uploaded.")
    if len(data) > limit:
        raise DocumentError(
            gettext("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": f"{len(data) / 1048576:.1f}", "limit": f"{limit / 1048576:.0f}"}
        )
    if not data.startswith(b"PK\x03\x04"):
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            raise DocumentError("This is an old binary Word file (.doc); save it as .docx.")
        raise DocumentError("The file is not a DOCX (a Word document is a zip package).")
    try:
        archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DocumentError(
            gettext("The file is not a readable zip package: %(exc)s.") % {"exc": exc}
        ) from None
    if len(infos) > MAX_ENTRIES:
        raise DocumentError(
            gettext("The package has %(length)s parts; a DOCX has a few dozen.")
            % {"length": len(infos)}
        )
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES:
            raise DocumentError(
                gettext(
                    "The package unpacks to more than %(limit)s MB (part %(filename)s): refused as a possible zip bomb."
                )
                % {"limit": MAX_TOTAL_BYTES // 1048576, "filename": repr(info.filename)}
            )
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
            raise DocumentError(
                gettext("Part %(filename)s compresses %(ratio)s:1: refused as a possible zip bomb.")
                % {"filename": repr(info.filename), "ratio": info.file_size // info.compress_size}
            )
        if info.flag_bits & 0x1:
            raise DocumentError("The package is encrypted; remove the password and try again.")
    names = {info.filename for info in infos}
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise DocumentError("The file contains macros (a .docm); save it as a plain .docx.")
    for required in ("[Content_Types].xml", "word/document.xml"):
        if required not in names:
            raise DocumentError(
                gettext("The package has no %(required)s: it is not a Word document.")
                % {"required": required}
            )
    parts: dict[str, bytes] = {}
    for info in infos:
        if info.filename.endswith((".xml", ".rels")):
            try:
                with archive.open(info) as handle:
                    content = handle.read(MAX_PART_BYTES + 1)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
                raise DocumentError(
                    gettext("Part %(filename)s cannot be read: %(exc)s.")
                    % {"filename": repr(info.filename), "exc": exc}
                ) from None
            if len(content) > MAX_PART_BYTES:
                raise DocumentError(
                    gettext("Part %(filename)s is larger than its directory says.")
                    % {"filename": repr(info.filename)}
                )
            parts[info.filename] = content
    doc = Docx(parts)
    types = doc.xml("[Content_Types].xml")
    assert types is not None
    content_types = {el.get("ContentType", "") for el in types}
    if any(t in content_types for t in MACRO_TYPES):
        raise DocumentError("The file is macro-enabled (a .docm); save it as a plain .docx.")
    if MAIN_TYPE not in content_types:
        raise DocumentError("The package's main part is not a Word document.")
    return doc
