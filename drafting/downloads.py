"""File downloads, for the pages and the API alike."""

from __future__ import annotations

from django.http import HttpResponse


def csv_response(filename: str, text: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
