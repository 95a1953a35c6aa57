"""What every API view module shares: input validation and pagination."""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import QueryDict
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import inputs
from .pagination import Pagination


def input_parse(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    """Validate input with an input serializer; its errors become the API's 400.

    Every integer field, however deeply nested, is bounded to what a 64-bit column holds
    (DRF's IntegerField has no bound by default, and 2**63 reaches the database as a 500).
    Text fields already refuse NUL and lone surrogates (DRF's CharField validators), and the
    JSON parser refuses them anywhere in a body."""
    serializer = serializer_class(data=data)
    _bound_integers(serializer)
    if isinstance(data, dict) and not isinstance(data, QueryDict):
        # A JSON body (form data is text throughout): its values have the schema's types.
        problems = _type_problems(serializer, data, "")
        if problems:
            raise serializers.ValidationError(problems)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _type_problems(field: Any, value: Any, where: str) -> dict[str, list[str]]:
    """Where a JSON value has another type than its field (DRF turns 5 into "5" for a text
    field, "5" and 5.0 into 5 for a whole number, "yes" into True): {where: [problem]}.

    The schema gives each field one JSON type; a value of another type is refused rather
    than converted, so that what the schema calls invalid is invalid here too."""
    if (
        value is None
        or getattr(field, "read_only", False)
        or isinstance(field, serializers.MultipleChoiceField | serializers.JSONField)
    ):
        return {}
    expected: tuple[type, ...] | None = None
    if isinstance(field, serializers.ListSerializer | serializers.ListField):
        if not isinstance(value, list):
            return _wrong(where, _("a list"))
        found: dict[str, list[str]] = {}
        for index, item in enumerate(value):
            found.update(_type_problems(field.child, item, f"{where}[{index}]"))
        return found
    if isinstance(field, serializers.Serializer):
        if not isinstance(value, dict):
            return _wrong(where, _("an object"))
        found = {}
        for name, item in value.items():
            child = field.fields.get(name)
            place = f"{where}.{name}" if where else str(name)
            if child is None or child.read_only:
                # The schema names every property a body may have; another is a mistake
                # (a misspelt field would otherwise be ignored without a word).
                found[place] = [_("Not a field of this request.")]
            else:
                found.update(_type_problems(child, item, place))
        return found
    if isinstance(field, serializers.DictField):
        if not isinstance(value, dict):
            return _wrong(where, _("an object"))
        found = {}
        for key, item in value.items():
            found.update(_type_problems(field.child, item, f"{where}.{key}"))
        return found
    if isinstance(field, serializers.BooleanField):
        expected, what = (bool,), _("true or false")
    elif isinstance(field, serializers.IntegerField):
        expected, what = (int,), _("a whole number")
    elif isinstance(field, serializers.FloatField | serializers.DecimalField):
        expected, what = (int, float), _("a number")
    elif isinstance(field, serializers.CharField | serializers.ChoiceField):
        if isinstance(field, serializers.ChoiceField) and not all(
            isinstance(choice, str) for choice in field.choices
        ):
            return {}
        expected, what = (str,), _("text")
    if expected is None:
        return {}
    if (isinstance(value, bool) and bool not in expected) or not isinstance(value, expected):
        return _wrong(where, what)
    return {}


def _wrong(where: str, what: str) -> dict[str, list[str]]:
    return {where or "body": [_("Give %(what)s here.") % {"what": what}]}


def _bound_integers(field: Any) -> None:
    if isinstance(field, serializers.ListSerializer):
        _bound_integers(field.child)
    elif isinstance(field, serializers.Serializer):
        for child in field.fields.values():
            _bound_integers(child)
    elif isinstance(field, serializers.ListField | serializers.DictField):
        _bound_integers(field.child)
    elif isinstance(field, serializers.IntegerField):
        if field.max_value is None or field.max_value > inputs.DB_INT_MAX:
            field.max_value = inputs.DB_INT_MAX
            field.validators.append(MaxValueValidator(inputs.DB_INT_MAX))
        if field.min_value is None or field.min_value < inputs.DB_INT_MIN:
            field.min_value = inputs.DB_INT_MIN
            field.validators.append(MinValueValidator(inputs.DB_INT_MIN))


def text_described(schema: dict[str, Any], **kwargs: Any) -> serializers.CharField:
    """A text field whose rule the schema states (``schema``) while a service keeps the rule
    and its message: anything else still reaches the service and is its 400."""
    # A class of its own: DRF copies a serializer's fields by class and arguments, so a mark
    # on the instance would be lost.
    described = extend_schema_field(schema)(type("DescribedText", (serializers.CharField,), {}))
    return described(**kwargs)


def text_choice(choices: list[str], **kwargs: Any) -> serializers.CharField:
    """A text field the schema declares as one of ``choices`` (see text_described)."""
    values = [*choices, ""] if kwargs.get("allow_blank") else list(choices)
    # Inside allOf: drf-spectacular then leaves it in place instead of naming it as one more
    # enum component (the choice sets here are already named, with their labels, elsewhere).
    return text_described({"allOf": [{"type": "string", "enum": values}]}, **kwargs)


def paginated(request: Request, view: APIView, queryset: Any, serializer_class: Any) -> Response:
    paginator = Pagination()
    page: Any = paginator.paginate_queryset(queryset, request, view=view)
    data = serializer_class(page, many=True, context={"request": request}).data
    return paginator.get_paginated_response(data)
