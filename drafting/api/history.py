"""API v1 for history: revisions, compare, tracked changes, versions, restore."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import ChangeDecision, Language, Revision, Version
from ..permissions import signed_in
from ..selectors import drafts as draft_selectors
from ..selectors import history
from ..services import changes as change_services
from ..services import restore as restore_services
from ..services import versions as version_services
from ..services.coalescing import revision_is_final
from .pagination import Pagination
from .parsing import input_parse, paginated

LANGUAGE = OpenApiParameter(
    "language", str, enum=["en", "ja"], description="Which text (default en)."
)


class RevisionOut(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    co_author = serializers.SerializerMethodField()
    delegation = serializers.CharField(source="author_delegation")
    summary = serializers.CharField(read_only=True)
    closed = serializers.SerializerMethodField()
    decision = serializers.SerializerMethodField()
    article: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Revision
        fields = [
            "article",
            "number",
            "language",
            "kind",
            "author",
            "co_author",
            "delegation",
            "created_at",
            "updated_at",
            "closed",
            "summary",
            "message",
            "chars_added",
            "chars_removed",
            "length",
            "text_hash",
            "decision",
        ]

    def get_author(self, r: Revision) -> str | None:
        return r.author.get_username() if r.author else None

    def get_co_author(self, r: Revision) -> str | None:
        return r.co_author.get_username() if r.co_author else None

    def get_closed(self, r: Revision) -> bool:
        return revision_is_final(r)

    def get_decision(self, r: Revision) -> str | None:
        decision: ChangeDecision | None = getattr(r, "decision", None)
        return decision.decision if decision else None


class RevisionDetailOut(RevisionOut):
    text = serializers.CharField()

    class Meta(RevisionOut.Meta):
        fields = [*RevisionOut.Meta.fields, "text"]


class DiffOpOut(serializers.Serializer):
    op = serializers.ChoiceField(choices=["equal", "insert", "delete"])
    text = serializers.CharField()


class CompareOut(serializers.Serializer):
    language = serializers.CharField()
    to = serializers.IntegerField()
    added = serializers.IntegerField()
    removed = serializers.IntegerField()
    ops = DiffOpOut(many=True)

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        fields["from"] = serializers.IntegerField()
        return fields


class DecisionIn(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class DecideAllIn(serializers.Serializer):
    language = serializers.ChoiceField(choices=Language.choices, default="en")
    since = serializers.IntegerField(min_value=0, default=0, help_text="Baseline revision number.")


class VersionOut(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username")
    articles = serializers.SerializerMethodField()

    class Meta:
        model = Version
        fields = ["number", "name", "note", "created_by", "created_at", "articles"]

    def get_articles(self, v: Version) -> int:
        return len(v.content)


class VersionDetailOut(VersionOut):
    content = serializers.JSONField()

    class Meta(VersionOut.Meta):
        fields = [*VersionOut.Meta.fields, "content"]


class VersionIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


DRAFT_COMPARE_OUT = inline_serializer(
    "DraftCompare",
    {
        "from": serializers.CharField(),
        "to": serializers.CharField(),
        "counts": serializers.DictField(child=serializers.IntegerField()),
        "articles": serializers.ListField(child=serializers.DictField()),
    },
)


def _article(request: Request, article_id: int) -> Any:
    return draft_selectors.article_get(request.user, article_id)


class ArticleRevisionsView(APIView):
    pagination_class = Pagination  # the OpenAPI schema then says "a page of"

    @extend_schema(parameters=[LANGUAGE], responses={200: RevisionOut(many=True)})
    def get(self, request: Request, article_id: int) -> Response:
        article = _article(request, article_id)
        language = history.language_parse(request.query_params.get("language"))
        return paginated(
            request, self, history.revisions_of(request.user, article, language), RevisionOut
        )


class ArticleRevisionDetailView(APIView):
    @extend_schema(parameters=[LANGUAGE], responses={200: RevisionDetailOut})
    def get(self, request: Request, article_id: int, number: int) -> Response:
        article = _article(request, article_id)
        language = history.language_parse(request.query_params.get("language"))
        revision = history.revision_get(article, language, number)
        revision.text = history.text_of(request.user, article, language, revision.number)  # type: ignore[attr-defined]
        return Response(RevisionDetailOut(revision).data)


class ArticleRevisionRestoreView(APIView):
    @extend_schema(
        parameters=[LANGUAGE],
        request=None,
        responses={
            200: PolymorphicProxySerializer(
                component_name="RevisionRestored",
                serializers=[
                    RevisionOut,
                    inline_serializer("NothingChanged", {"detail": serializers.CharField()}),
                ],
                resource_type_field_name=None,
            )
        },
    )
    def post(self, request: Request, article_id: int, number: int) -> Response:
        article = _article(request, article_id)
        language = history.language_parse(request.query_params.get("language"))
        revision = restore_services.revision_restore(
            actor=signed_in(request.user), article=article, language=language, number=number
        )
        if revision is None:
            return Response(
                {"detail": "The text is already as it was at that revision; nothing changed."}
            )
        return Response(RevisionOut(revision).data)


class ArticleRevisionDecisionView(APIView):
    decision = ""

    @extend_schema(parameters=[LANGUAGE], request=DecisionIn, responses={200: RevisionOut})
    def post(self, request: Request, article_id: int, number: int) -> Response:
        article = _article(request, article_id)
        language = history.language_parse(request.query_params.get("language"))
        data = input_parse(DecisionIn, request.data)
        revision = history.revision_get(article, language, number)
        if self.decision == "accept":
            change_services.change_accept(
                actor=signed_in(request.user), revision=revision, reason=data["reason"]
            )
        else:
            change_services.change_reject(
                actor=signed_in(request.user), revision=revision, reason=data["reason"]
            )
        revision = history.revision_fresh(request.user, revision)
        return Response(RevisionOut(revision).data)


# What selectors.history.revision_number_parse reads: "7", or "<article id>:7".
REVISION_REF = r"^([0-9]{1,19}:)?[0-9]{1,9}$"


class ArticleCompareView(APIView):
    @extend_schema(
        parameters=[
            LANGUAGE,
            OpenApiParameter(
                "from",
                str,
                required=True,
                pattern=REVISION_REF,
                description="Revision number (0: empty text), or <article id>:<number> naming "
                "this article.",
            ),
            OpenApiParameter(
                "to",
                str,
                required=True,
                pattern=REVISION_REF,
                description="Revision number, or <article id>:<number> naming this article.",
            ),
        ],
        responses={200: CompareOut},
    )
    def get(self, request: Request, article_id: int) -> Response:
        article = _article(request, article_id)
        language = history.language_parse(request.query_params.get("language"))
        result = history.article_compare(
            request.user,
            article,
            language,
            request.query_params.get("from"),
            request.query_params.get("to"),
        )
        return Response(result.as_dict())


class ArticleChangesView(APIView):
    @extend_schema(
        parameters=[
            LANGUAGE,
            OpenApiParameter(
                "since",
                {"type": "integer", "minimum": 0},
                description="Baseline revision (default 0).",
            ),
        ],
        responses={
            200: inline_serializer(
                "TrackedChanges", {"changes": serializers.ListField(child=serializers.DictField())}
            )
        },
    )
    def get(self, request: Request, article_id: int) -> Response:
        article = _article(request, article_id)
        language = history.language_parse(request.query_params.get("language"))
        changes = history.article_changes(
            request.user, article, language, request.query_params.get("since")
        )
        return Response({"changes": [c.as_dict() for c in changes]})


class ArticleChangesDecideAllView(APIView):
    decision = ""

    @extend_schema(
        request=DecideAllIn,
        responses={200: inline_serializer("DecidedAll", {"decided": serializers.IntegerField()})},
    )
    def post(self, request: Request, article_id: int) -> Response:
        article = _article(request, article_id)
        data = input_parse(DecideAllIn, request.data)
        decided = change_services.changes_decide_all(
            actor=signed_in(request.user),
            article=article,
            language=data["language"],
            since=data["since"],
            decision=self.decision,
        )
        return Response({"decided": decided})


class DraftVersionsView(APIView):
    pagination_class = Pagination  # the OpenAPI schema then says "a page of"

    @extend_schema(responses={200: VersionOut(many=True)})
    def get(self, request: Request, draft_id: int) -> Response:
        draft = draft_selectors.draft_get(request.user, draft_id)
        return paginated(request, self, history.versions_of(request.user, draft), VersionOut)

    @extend_schema(request=VersionIn, responses={201: VersionOut})
    def post(self, request: Request, draft_id: int) -> Response:
        draft = draft_selectors.draft_get(request.user, draft_id)
        data = input_parse(VersionIn, request.data)
        version = version_services.version_create(
            actor=signed_in(request.user), draft=draft, **data
        )
        return Response(VersionOut(version).data, status=status.HTTP_201_CREATED)


class DraftVersionDetailView(APIView):
    @extend_schema(responses={200: VersionDetailOut})
    def get(self, request: Request, draft_id: int, number: int) -> Response:
        draft = draft_selectors.draft_get(request.user, draft_id)
        return Response(VersionDetailOut(history.version_get(request.user, draft, number)).data)


class DraftVersionRestoreView(APIView):
    @extend_schema(request=None, responses={200: VersionOut})
    def post(self, request: Request, draft_id: int, number: int) -> Response:
        draft = draft_selectors.draft_get(request.user, draft_id)
        version = history.version_get(request.user, draft, number)
        restore_services.version_restore(actor=signed_in(request.user), version=version)
        return Response(VersionOut(version).data)


class DraftCompareView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "from",
                str,
                required=True,
                pattern=r"^([0-9]{1,9}|now)$",
                description="Version number, or 'now'.",
            ),
            OpenApiParameter(
                "to",
                str,
                pattern=r"^([0-9]{1,9}|now)$",
                description="Version number, or 'now' (the default).",
            ),
        ],
        responses={200: DRAFT_COMPARE_OUT},
    )
    def get(self, request: Request, draft_id: int) -> Response:
        draft = draft_selectors.draft_get(request.user, draft_id)
        result = history.draft_compare(
            request.user, draft, request.query_params.get("from"), request.query_params.get("to")
        )
        return Response(result.as_dict())


class DraftChangesView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "since_version", int, description="Baseline version (default: everything)."
            )
        ],
        responses={
            200: inline_serializer(
                "DraftTrackedChanges",
                {
                    "since_version": serializers.IntegerField(allow_null=True),
                    "articles": serializers.ListField(child=serializers.DictField()),
                },
            )
        },
    )
    def get(self, request: Request, draft_id: int) -> Response:
        draft = draft_selectors.draft_get(request.user, draft_id)
        result = history.draft_changes(
            request.user, draft, request.query_params.get("since_version")
        )
        return Response(result.as_dict())


class DraftHistoryView(APIView):
    pagination_class = Pagination  # the OpenAPI schema then says "a page of"

    @extend_schema(responses={200: RevisionOut(many=True)})
    def get(self, request: Request, draft_id: int) -> Response:
        draft = draft_selectors.draft_get(request.user, draft_id)
        return paginated(request, self, history.draft_timeline(request.user, draft), RevisionOut)
