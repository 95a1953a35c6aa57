"""What every API view module shares: input validation and pagination."""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
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
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


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


def paginated(request: Request, view: APIView, queryset: Any, serializer_class: Any) -> Response:
    paginator = Pagination()
    page: Any = paginator.paginate_queryset(queryset, request, view=view)
    data = serializer_class(page, many=True, context={"request": request}).data
    return paginator.get_paginated_response(data)
