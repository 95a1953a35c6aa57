"""The co-editing endpoints of docs/protocol.md (protocol 1) and the conflicts list."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import Language
from ..permissions import signed_in
from ..selectors import drafts as draft_selectors
from ..services import sync as sync_services
from .parsing import input_parse


class SessionIn(serializers.Serializer):
    language = serializers.ChoiceField(choices=Language.choices, default="en")


SESSION_OUT = inline_serializer(
    "EditSessionStarted",
    {
        "session": serializers.CharField(),
        "text": serializers.CharField(),
        "client_version": serializers.IntegerField(),
        "server_version": serializers.IntegerField(),
        "revision": serializers.IntegerField(),
        "protocol": serializers.IntegerField(),
        "read_only": serializers.BooleanField(),
    },
)


class SyncEditIn(serializers.Serializer):
    client_version = serializers.IntegerField(min_value=0)
    delta = serializers.CharField(allow_blank=True, trim_whitespace=False)


class SyncIn(serializers.Serializer):
    seq = serializers.IntegerField(min_value=1)
    server_version = serializers.IntegerField(min_value=0)
    edits = SyncEditIn(many=True)


SYNC_OUT = inline_serializer(
    "SyncResponse",
    {
        "seq": serializers.IntegerField(),
        "client_version": serializers.IntegerField(),
        "edits": serializers.ListField(child=serializers.DictField()),
        "revision": serializers.IntegerField(),
        "conflicts": serializers.ListField(child=serializers.DictField()),
        "editors": serializers.ListField(child=serializers.DictField()),
    },
)
RESET_OUT = inline_serializer(
    "SyncReset",
    {
        "seq": serializers.IntegerField(),
        "stale": serializers.BooleanField(required=False),
        "reset": serializers.BooleanField(required=False),
        "detail": serializers.CharField(),
        "text": serializers.CharField(required=False),
        "client_version": serializers.IntegerField(required=False),
        "server_version": serializers.IntegerField(required=False),
    },
)


class ArticleSessionsView(APIView):
    @extend_schema(request=SessionIn, responses={201: SESSION_OUT})
    def post(self, request: Request, article_id: int) -> Response:
        article = draft_selectors.article_get(request.user, article_id)
        data = input_parse(SessionIn, request.data)
        body = sync_services.session_start(
            actor=signed_in(request.user), article=article, language=data["language"]
        )
        return Response(body, status=status.HTTP_201_CREATED)


class ArticleSyncView(APIView):
    # The body is validated by the service, which must see duplicates and stale copies
    # before anything else; the serializer documents the shape.
    @extend_schema(request=SyncIn, responses={200: SYNC_OUT, 409: RESET_OUT})
    def post(self, request: Request, article_id: int, session: str) -> Response:
        result = sync_services.sync(
            actor=signed_in(request.user),
            article_id=article_id,
            session_key=session,
            payload=request.data,
        )
        return Response(result.body, status=result.status)


class ArticleConflictsView(APIView):
    @extend_schema(
        responses={
            200: inline_serializer(
                "Conflicts", {"conflicts": serializers.ListField(child=serializers.DictField())}
            )
        }
    )
    def get(self, request: Request, article_id: int) -> Response:
        article = draft_selectors.article_get(request.user, article_id)
        include = request.query_params.get("resolved", "").lower() in {"1", "true", "yes"}
        rows = sync_services.conflicts_for(
            signed_in(request.user), article, include_resolved=include
        )
        return Response({"conflicts": [sync_services.conflict_json(r) for r in rows]})


class ConflictResolveView(APIView):
    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                "ConflictResolved",
                {"id": serializers.IntegerField(), "resolved": serializers.BooleanField()},
            )
        },
    )
    def post(self, request: Request, conflict_id: int) -> Response:
        conflict = draft_selectors.conflict_get(request.user, conflict_id)
        conflict = sync_services.conflict_resolve(actor=signed_in(request.user), conflict=conflict)
        return Response({"id": conflict.pk, "resolved": conflict.resolved_at is not None})
