"""API v1 for concordance: are an article's English and Japanese texts in step, what changed
in each since they were last confirmed equivalent, and confirming them again."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..permissions import signed_in
from ..selectors import concordance as concordance_selectors
from ..selectors import drafts as draft_selectors
from ..services import concordance as concordance_services
from .history import CompareOut
from .serializers import ConcordanceOut


class StructureMismatchOut(serializers.Serializer):
    level = serializers.ChoiceField(choices=["paragraphs", "items"])
    counts = serializers.DictField(child=serializers.IntegerField())


class ConcordanceDetailOut(ConcordanceOut):
    article = serializers.IntegerField()
    redlines = serializers.DictField(
        child=CompareOut(),
        help_text="Per language changed since the confirmed pair: its redline from the "
        "confirmed revision to the latest.",
    )
    structure = StructureMismatchOut(many=True)


class ConfirmIn(serializers.Serializer):
    en = serializers.IntegerField(required=False, min_value=1)
    ja = serializers.IntegerField(required=False, min_value=1)


DRAFT_CONCORDANCE_OUT = inline_serializer(
    "DraftConcordance",
    {
        "counts": serializers.DictField(child=serializers.IntegerField()),
        "articles": serializers.ListField(child=serializers.DictField()),
    },
)

LANGUAGE = OpenApiParameter(
    "language", str, enum=["en", "ja"], description="Only this text's redline (default both)."
)


def _detail(request: Request, article: Any, language: str | None = None) -> dict[str, Any]:
    return concordance_selectors.concordance_detail(request.user, article, language).as_dict()


class ArticleConcordanceView(APIView):
    @extend_schema(parameters=[LANGUAGE], responses={200: ConcordanceDetailOut})
    def get(self, request: Request, article_id: int) -> Response:
        article = draft_selectors.article_get(request.user, article_id)
        language = concordance_selectors.concordance_language_parse(
            request.query_params.get("language")
        )
        return Response(_detail(request, article, language))


class ArticleConcordanceConfirmView(APIView):
    @extend_schema(request=ConfirmIn, responses={200: ConcordanceDetailOut})
    def post(self, request: Request, article_id: int) -> Response:
        article = draft_selectors.article_get(request.user, article_id)
        # Parsed by the service so that a key that is not a language code is a 400 naming it
        # (an input serializer would ignore it and confirm the latest pair instead).
        pair = concordance_services.concordance_pair_parse(request.data)
        concordance_services.concordance_confirm(
            actor=signed_in(request.user), article=article, revisions=pair
        )
        return Response(_detail(request, article))


class DraftConcordanceView(APIView):
    @extend_schema(responses={200: DRAFT_CONCORDANCE_OUT})
    def get(self, request: Request, draft_id: int) -> Response:
        draft = draft_selectors.draft_get(request.user, draft_id)
        overview = concordance_selectors.draft_concordance(request.user, draft)
        return Response(overview.as_dict())
