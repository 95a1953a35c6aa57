"""What every API view module shares: input validation and pagination."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .pagination import Pagination


def input_parse(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    """Validate input with an input serializer; its errors become the API's 400."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def paginated(request: Request, view: APIView, queryset: Any, serializer_class: Any) -> Response:
    paginator = Pagination()
    page: Any = paginator.paginate_queryset(queryset, request, view=view)
    data = serializer_class(page, many=True, context={"request": request}).data
    return paginator.get_paginated_response(data)
