"""Clause library API v1 (read-only: library admins curate in the Django admin)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import searchtext, selectors
from .filters import clause_filters_parse
from .models import LibraryClause, Provision, Treaty


class TreatyOut(serializers.ModelSerializer):
    parties: serializers.SlugRelatedField = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="name"
    )
    year = serializers.IntegerField(read_only=True, allow_null=True)
    complete = serializers.BooleanField(source="is_complete", read_only=True)

    class Meta:
        model = Treaty
        fields = [
            "slug",
            "title",
            "short_title",
            "signed_on",
            "entered_into_force",
            "year",
            "parties",
            "source",
            "licence_note",
            "coverage_note",
            "complete",
        ]


class ProvisionOut(serializers.ModelSerializer):
    treaty: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    treaty_title = serializers.CharField(source="treaty.short_title", read_only=True)
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]

    class Meta:
        model = Provision
        fields = [
            "id",
            "treaty",
            "treaty_title",
            "number",
            "label",
            "heading",
            "text",
            "language",
            "partial",
            "is_fragment",
            "source",
            "coverage_note",
        ]


class ClauseHighlightOut(serializers.Serializer):
    """The clause's title and texts as HTML: escaped, with the words the query matched in
    <mark>."""

    title = serializers.CharField()
    text = serializers.CharField()
    text_ja = serializers.CharField()


class ClauseOut(serializers.ModelSerializer):
    obligation_type: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    derived_from = ProvisionOut(many=True, read_only=True)
    rank = serializers.SerializerMethodField()
    highlight = serializers.SerializerMethodField()

    class Meta:
        model = LibraryClause
        fields = [
            "slug",
            "title",
            "text",
            "text_ja",
            "status",
            "obligation_type",
            "commitment_strength",
            "guidance",
            "derived_from",
            "updated_at",
            "rank",
            "highlight",
        ]

    def _terms(self) -> list[searchtext.Term]:
        request = self.context.get("request")
        query = request.query_params.get("q", "") if request is not None else ""
        return searchtext.query_terms(query[:200])

    def get_rank(self, clause: LibraryClause) -> int | None:
        """Relevance to the query (higher first); null without a query."""
        return getattr(clause, "rank", None) if self._terms() else None

    @extend_schema_field(ClauseHighlightOut(allow_null=True))
    def get_highlight(self, clause: LibraryClause) -> dict[str, str] | None:
        terms = self._terms()
        if not terms:
            return None
        return {
            name: searchtext.highlight(getattr(clause, name), terms)
            for name in ("title", "text", "text_ja")
        }


_CLAUSE_PARAMS = [
    OpenApiParameter(
        "q", str, description="Words to find in the clause, its guidance or its precedents."
    ),
    OpenApiParameter("obligation_type", str, description="Obligation type code, e.g. defence."),
    OpenApiParameter("treaty", str, description="Slug of a precedent treaty."),
    OpenApiParameter("party", str, description="A party to a precedent treaty, e.g. Japan."),
    # The bounds of treaties.filters (a year of four digits).
    OpenApiParameter("year_from", {"type": "integer", "minimum": 1000, "maximum": 9999}),
    OpenApiParameter("year_to", {"type": "integer", "minimum": 1000, "maximum": 9999}),
    OpenApiParameter("status", str, enum=LibraryClause.Status.values),
    OpenApiParameter("strength", str, enum=LibraryClause.Strength.values),
]


class TreatyListView(generics.ListAPIView):
    serializer_class = TreatyOut

    def get_queryset(self) -> Any:
        return selectors.treaties_list()


class TreatyDetailView(APIView):
    @extend_schema(responses={200: TreatyOut})
    def get(self, request: Request, slug: str) -> Response:
        try:
            return Response(TreatyOut(selectors.treaty_get(slug)).data)
        except Treaty.DoesNotExist:
            raise Http404 from None


@extend_schema(
    parameters=[
        OpenApiParameter("q", str),
        OpenApiParameter("treaty", str, description="Treaty slug."),
        OpenApiParameter("partial", bool),
    ]
)
class ProvisionListView(generics.ListAPIView):
    serializer_class = ProvisionOut

    def get_queryset(self) -> Any:
        params = self.request.query_params
        partial_param = params.get("partial")
        partial = (
            None if partial_param in (None, "") else partial_param.lower() in {"1", "true", "yes"}
        )
        return selectors.provisions_list(
            q=params.get("q", "")[:200], treaty=params.get("treaty", ""), partial=partial
        )


class ProvisionDetailView(APIView):
    @extend_schema(responses={200: ProvisionOut})
    def get(self, request: Request, provision_id: int) -> Response:
        provision = Provision.objects.select_related("treaty").filter(pk=provision_id).first()
        if provision is None:
            raise Http404
        return Response(ProvisionOut(provision).data)


@extend_schema(parameters=_CLAUSE_PARAMS)
class ClauseListView(generics.ListAPIView):
    serializer_class = ClauseOut

    def get_queryset(self) -> Any:
        return selectors.clauses_search(clause_filters_parse(self.request.query_params))


class ClauseDetailView(APIView):
    @extend_schema(responses={200: ClauseOut})
    def get(self, request: Request, slug: str) -> Response:
        try:
            return Response(ClauseOut(selectors.clause_get(slug)).data)
        except LibraryClause.DoesNotExist:
            raise Http404 from None
