"""Query parameters are held to the OpenAPI schema the API publishes (issue 15, part 6).

Each view reads its query string its own way, and a lenient read (``unread=null`` taken as
false, ``language=AAA`` as English, ``page_size=abc`` as the default) answers a request the
schema calls invalid as though it were valid. This middleware checks every query parameter
of an API request against the parameter the schema declares for that operation, before the
view runs: its type (whole numbers with the ASCII digits, ``true``/``false``), its enum,
its bounds, its length and its pattern, and that required ones are there. What breaks a
rule is a 400 naming the parameter; parameters the schema does not declare are left to the
view. The schema is generated once per process, from the same views and serializers it
describes, so a parameter added to a view is checked as soon as it is documented.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from drf_spectacular.generators import SchemaGenerator
from rest_framework import exceptions

from .. import inputs
from ..errors import ApplicationError
from .authentication import ApiTokenAuthentication
from .errors import error_body

_CONVERTER = re.compile(r"<(?:[^>:]+:)?([^>]+)>")
BOOLEANS = {"true": True, "false": False, "1": True, "0": False}


@functools.cache
def query_parameters() -> dict[tuple[str, str], list[dict[str, Any]]]:
    """(path template, method) -> the query parameters the schema declares."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            if isinstance(operation, dict):
                found[(path, method.upper())] = [
                    p for p in operation.get("parameters", []) if p.get("in") == "query"
                ]
    return found


def value_check(name: str, value: str, schema: dict[str, Any]) -> None:
    """Raise a 400 naming the parameter unless the value is one the schema allows."""
    kind = schema.get("type")
    if kind == "integer":
        inputs.int_parse(
            value,
            name=name,
            min_value=int(schema.get("minimum", inputs.DB_INT_MIN)),
            max_value=int(schema.get("maximum", inputs.DB_INT_MAX)),
        )
        return
    if kind == "boolean":
        if value.lower() not in BOOLEANS:
            raise ApplicationError(
                _("%(name)s must be true or false.") % {"name": name},
                fields={name: [_("Not true or false.")]},
            )
        return
    if kind == "array":
        # Form style, exploded (the schema's default): each repetition is one item.
        value_check(name, value, schema.get("items", {}))
        return
    inputs.text_check(value, name=name)
    if "enum" in schema and value not in schema["enum"]:
        raise ApplicationError(
            _("%(name)s must be one of: %(choices)s.")
            % {"name": name, "choices": ", ".join(str(c) for c in schema["enum"])},
            fields={name: [_("Not one of the allowed values.")]},
        )
    if len(value) > schema.get("maxLength", len(value)) or len(value) < schema.get("minLength", 0):
        raise ApplicationError(
            _("%(name)s must be %(min)s to %(max)s characters long.")
            % {"name": name, "min": schema.get("minLength", 0), "max": schema.get("maxLength")},
            fields={name: [_("Wrong length.")]},
        )
    if "pattern" in schema and not re.search(schema["pattern"], value):
        raise ApplicationError(
            _("%(name)s is not in the expected form (%(pattern)s).")
            % {"name": name, "pattern": schema["pattern"]},
            fields={name: [_("Not in the expected form.")]},
        )
    if schema.get("format") == "date-time":
        inputs.datetime_parse(value, name=name)


def query_check(path: str, method: str, query: Any) -> None:
    for parameter in query_parameters().get((path, method), []):
        name = parameter["name"]
        values = query.getlist(name)
        if not values:
            if parameter.get("required"):
                raise ApplicationError(
                    _("Give the query parameter %(name)s.") % {"name": name},
                    fields={name: [_("This parameter is required.")]},
                )
            continue
        for value in values:
            value_check(name, value, parameter.get("schema", {}))


class QueryContractMiddleware:
    """Holds every API request's query string to the schema (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or not request.path.startswith("/api/v1/") or not request.GET:
            return None
        path = "/" + _CONVERTER.sub(r"{\1}", match.route)
        try:
            query_check(path, request.method or "GET", request.GET)
        except ApplicationError:
            # DRF authenticates token clients inside the view, which this refusal never
            # reaches: word it in the token user's saved language, as the view would.
            _token_user_locale(request)
            try:
                query_check(path, request.method or "GET", request.GET)
            except ApplicationError as error:
                return _refusal(error)
        return None


def _token_user_locale(request: HttpRequest) -> None:
    """Activates the saved language of the request's token user, if it carries a valid token
    (a refused token changes nothing: the view would refuse it before reading the query)."""
    try:
        ApiTokenAuthentication().authenticate(request)  # type: ignore[arg-type]
    except exceptions.APIException:
        return


def _refusal(error: ApplicationError) -> JsonResponse:
    return JsonResponse(error_body(error), status=error.status)
