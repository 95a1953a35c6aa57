"""File downloads, for the pages and the API alike."""

from __future__ import annotations

from django.http import HttpResponse


def csv_response(filename: str, text: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "akn": "application/akn+xml",
}


def file_response(filename: str, fmt: str, data: bytes, marking: str) -> HttpResponse:
    """A document download; the marking travels in a header too, for proxies and logs."""
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # HTTP headers are ASCII: the dash between marking and caveat becomes a slash.
    response["X-Classification"] = marking.replace(" — ", " / ")
    response["Cache-Control"] = "no-store"
    return response
