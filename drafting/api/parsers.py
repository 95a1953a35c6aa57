"""The API's JSON parser: orjson, which refuses nesting deeper than 1,024 levels, lone
surrogates, NaN and Infinity itself (Python's json module recurses until RecursionError, a
500, and accepts all of those); on top, no string anywhere may hold a NUL. Configured as
DRF's only JSON parser, so every endpoint, the unauthenticated token endpoint included,
gets a 400 for such a body before any view code runs."""

from __future__ import annotations

from typing import Any

import orjson
from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from .. import inputs


class StrictJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        raw = stream.read() if stream is not None else b""
        if encoding.lower().replace("-", "") != "utf8":
            try:
                raw = raw.decode(encoding).encode("utf-8", "surrogatepass")
            except (UnicodeError, LookupError):
                raise ParseError(
                    _("The request body is not valid %(encoding)s. Send UTF-8 JSON.")
                    % {"encoding": encoding}
                ) from None
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise ParseError(json_problem(exc)) from None
        problem = inputs.data_problem(data)
        if problem:
            where, why = problem
            raise ParseError(f"{where}: {why}")
        return data


def json_problem(exc: orjson.JSONDecodeError) -> str:
    """Where the body stops being JSON, in the reader's language: the parser's own words are
    English and technical. (The request's language is active: DRF parses the body when a
    view first reads it, after authentication.)"""
    if "depth limit" in str(exc):
        return _(
            "The request body nests deeper than 1,024 levels (line %(line)s, column %(column)s)."
        ) % {"line": exc.lineno, "column": exc.colno}
    return _(
        "The request body is not valid JSON (line %(line)s, column %(column)s). Send a JSON object."
    ) % {"line": exc.lineno, "column": exc.colno}
