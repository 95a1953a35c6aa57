"""The one place that decides what a number, an id, a piece of text or a date from outside is.

Everything that arrives from a URL, a query string, a form or a JSON body goes through these
rules (directly, or through the middleware, the API's JSON parser and ``input_parse``), so
that whole classes of bad input are refused with a 400 instead of reaching the database:

- ids and integers are ASCII digits only ("²" and "٣" pass ``str.isdigit()`` and ``int()``
  treats some of them as numbers) and fit a signed 64-bit column (2**63 overflows both
  SQLite and PostgreSQL);
- text holds no NUL (PostgreSQL cannot store it; SQLite can, and then nothing else can save
  the row) and no lone UTF-16 surrogate (it cannot be encoded as UTF-8);
- dates are real dates (month 13 is a ValueError, not a 500).

Plain Python and Django only: views, the API, selectors and services may all use it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from .errors import ApplicationError

DB_INT_MAX = 2**63 - 1
DB_INT_MIN = -(2**63)
_ASCII_INT = re.compile(r"[+-]?[0-9]{1,19}", re.ASCII)
_SURROGATE = re.compile("[\ud800-\udfff]")


def id_parse(value: Any) -> int | None:
    """A database id (1 ... 2**63-1) from outside, or None if it cannot be one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1 <= value <= DB_INT_MAX else None
    if not isinstance(value, str) or not _ASCII_INT.fullmatch(value) or value[0] in "+-":
        return None
    number = int(value)
    return number if 1 <= number <= DB_INT_MAX else None


def ids_parse(values: list[Any]) -> list[int]:
    """The ids among form values; anything that cannot be an id is dropped."""
    return [number for number in (id_parse(v) for v in values) if number is not None]


def int_parse(
    value: Any,
    *,
    name: str,
    min_value: int = DB_INT_MIN,
    max_value: int = DB_INT_MAX,
) -> int:
    """A whole number from outside, or a 400 naming the field."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _ASCII_INT.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        raise ApplicationError(
            _("%(name)s must be a whole number written with the digits 0-9.") % {"name": name},
            fields={name: [_("Not a whole number.")]},
        )
    if not min_value <= number <= max_value:
        raise ApplicationError(
            _("%(name)s must be between %(min)s and %(max)s.")
            % {"name": name, "min": min_value, "max": max_value},
            fields={name: [_("Out of range.")]},
        )
    return number


def text_problem(value: str) -> str | None:
    """What makes this text unstorable, or None."""
    if "\x00" in value:
        return _("Text cannot contain the NUL character (U+0000).")
    if _SURROGATE.search(value):
        return _("Text cannot contain a lone UTF-16 surrogate (U+D800 to U+DFFF).")
    return None


def text_check(value: str, *, name: str) -> str:
    problem = text_problem(value)
    if problem:
        raise ApplicationError(f"{name}: {problem}", fields={name: [problem]})
    return value


def data_problem(data: Any, path: str = "") -> tuple[str, str] | None:
    """The first unstorable string (key or value) anywhere in parsed JSON: (where, why)."""
    stack: list[tuple[str, Any]] = [(path, data)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            problem = text_problem(item)
            if problem:
                return where or "body", problem
        elif isinstance(item, dict):
            for key, value in item.items():
                problem = text_problem(str(key))
                if problem:
                    return where or "body", problem
                stack.append((f"{where}.{key}" if where else str(key), value))
        elif isinstance(item, list):
            stack.extend((f"{where}[{i}]", value) for i, value in enumerate(item))
    return None


def datetime_parse(value: Any, *, name: str, require_timezone: bool = False) -> datetime:
    """An ISO 8601 date and time (UTC when no offset is given, unless one is required), or a
    400 naming the field."""
    message = _(
        "Give %(name)s as an ISO 8601 date and time with a time zone, e.g. 2026-12-01T17:00:00Z."
    ) % {"name": name}
    if not isinstance(value, str) or text_problem(value):
        raise ApplicationError(message, fields={name: [_("Not a date and time.")]})
    try:
        # RFC 3339 allows a lower-case t and z; Django's parser takes only upper case.
        parsed = parse_datetime(value.strip().upper())
    except ValueError:
        # Well formed but not a real date or time: month 13, 31 April, 25:00.
        parsed = None
    if parsed is None or (require_timezone and parsed.tzinfo is None):
        raise ApplicationError(message, fields={name: [_("Not a date and time with a time zone.")]})
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
