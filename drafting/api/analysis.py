"""API v1 for precedent intelligence: an article's analysis (ATOP obligations and closest
precedents), a drafter's correction of its tagging, the redline against a precedent, and the
draft's alliance profile. All of it reads live text: consultees and outsiders get 404."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..permissions import signed_in
from ..selectors import analysis as analysis_selectors
from ..selectors import drafts as draft_selectors
from ..services import analysis as analysis_services
from .parsing import input_parse

AnalysisOut = inline_serializer(
    "ArticleAnalysis",
    {
        "obligations": serializers.ListField(child=serializers.DictField()),
        "corrected": serializers.DictField(allow_null=True),
        "computed_obligations": serializers.ListField(child=serializers.DictField()),
        "precedents": serializers.ListField(child=serializers.DictField()),
    },
)


class ObligationsIn(serializers.Serializer):
    obligations = serializers.ListField(child=serializers.DictField(), allow_empty=True)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ArticleAnalysisView(APIView):
    @extend_schema(responses={200: AnalysisOut})
    def get(self, request: Request, article_id: int) -> Response:
        article = draft_selectors.article_get(request.user, article_id)
        return Response(analysis_selectors.article_analysis(request.user, article).as_dict())


class ArticleObligationsView(APIView):
    @extend_schema(request=ObligationsIn, responses={200: AnalysisOut})
    def put(self, request: Request, article_id: int) -> Response:
        article = draft_selectors.article_get(request.user, article_id)
        data = input_parse(ObligationsIn, request.data)
        analysis_services.obligations_correct(
            actor=signed_in(request.user),
            article=article,
            obligations=data["obligations"],
            note=data["note"],
        )
        return Response(analysis_selectors.article_analysis(request.user, article).as_dict())


class PrecedentCompareView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("language", str, enum=["en", "ja"], description="Default en.")
        ],
        responses={
            200: inline_serializer(
                "PrecedentCompare",
                {
                    "kind": serializers.CharField(),
                    "id": serializers.IntegerField(),
                    "language": serializers.CharField(),
                    "precedent_text": serializers.CharField(),
                    "article_text": serializers.CharField(),
                    "added": serializers.IntegerField(),
                    "removed": serializers.IntegerField(),
                    "ops": serializers.ListField(child=serializers.DictField()),
                },
            )
        },
    )
    def get(self, request: Request, article_id: int, kind: str, pid: int) -> Response:
        article = draft_selectors.article_get(request.user, article_id)
        return Response(
            analysis_selectors.precedent_compare(
                request.user, article, kind, pid, request.query_params.get("language")
            ).as_dict()
        )


class DraftAnalysisView(APIView):
    @extend_schema(
        responses={
            200: inline_serializer(
                "DraftAnalysis",
                {
                    "alliance": serializers.BooleanField(),
                    "definition": serializers.CharField(),
                    "reasons": serializers.ListField(child=serializers.DictField()),
                    "profile": serializers.DictField(),
                    "comparison": serializers.ListField(child=serializers.DictField()),
                },
            )
        }
    )
    def get(self, request: Request, draft_id: int) -> Response:
        draft = draft_selectors.draft_get(request.user, draft_id)
        return Response(analysis_selectors.draft_analysis(request.user, draft).as_dict())
