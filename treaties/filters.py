"""The library's search filters from query parameters, for the API and the library page alike."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from . import selectors
from .models import LibraryClause


class ClauseFiltersIn(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    obligation_type = serializers.CharField(required=False, allow_blank=True, default="")
    treaty = serializers.CharField(required=False, allow_blank=True, default="")
    party = serializers.CharField(required=False, allow_blank=True, default="")
    year_from = serializers.IntegerField(
        required=False, min_value=1000, max_value=9999, allow_null=True, default=None
    )
    year_to = serializers.IntegerField(
        required=False, min_value=1000, max_value=9999, allow_null=True, default=None
    )
    status = serializers.ChoiceField(
        choices=[("", "any"), *LibraryClause.Status.choices], required=False, default=""
    )
    strength = serializers.ChoiceField(
        choices=[("", "any"), *LibraryClause.Strength.choices], required=False, default=""
    )


def clause_filters_parse(params: Any) -> selectors.ClauseFilters:
    """Query parameters to filters; shared by the API and the library page."""
    serializer = ClauseFiltersIn(data={k: v for k, v in params.items() if v != ""})
    serializer.is_valid(raise_exception=True)
    return selectors.ClauseFilters(**serializer.validated_data)
