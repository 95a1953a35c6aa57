"""API v1 for review: anchored threads, comments, suggestions, muting."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import Comment, Language, Suggestion, Thread, Visibility
from ..permissions import signed_in
from ..selectors import drafts as draft_selectors
from ..selectors import review as review_selectors
from ..services import review as review_services
from .pagination import Pagination
from .parsing import input_parse, paginated


class CommentOut(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username")
    mentions: serializers.SlugRelatedField = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="username"
    )
    edited = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = [
            "id",
            "thread",
            "author",
            "body",
            "body_html",
            "mentions",
            "created_at",
            "edited_at",
            "edited",
        ]

    def get_edited(self, comment: Comment) -> bool:
        return comment.edited_at is not None


class ThreadOut(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username")
    comments = CommentOut(many=True, read_only=True)

    class Meta:
        model = Thread
        fields = [
            "id",
            "article",
            "language",
            "anchor_start",
            "anchor_end",
            "quote",
            "anchor_revision",
            "detached",
            "visibility",
            "delegation",
            "status",
            "created_by",
            "created_at",
            "resolved_at",
            "comments",
        ]


class ThreadIn(serializers.Serializer):
    language = serializers.ChoiceField(choices=Language.choices, default="en")
    anchor_start = serializers.IntegerField(help_text="UTF-16 offset of the first character.")
    anchor_end = serializers.IntegerField(help_text="UTF-16 offset after the last character.")
    body = serializers.CharField(
        max_length=1_100_000, trim_whitespace=False, help_text="Markdown; @username mentions."
    )
    visibility = serializers.ChoiceField(choices=Visibility.choices, default="both")


class CommentIn(serializers.Serializer):
    body = serializers.CharField(max_length=1_100_000, trim_whitespace=False)


class SuggestionOut(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username")
    decided_by = serializers.SerializerMethodField()

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "article",
            "language",
            "anchor_start",
            "anchor_end",
            "original",
            "replacement",
            "note",
            "visibility",
            "delegation",
            "status",
            "stale",
            "created_by",
            "created_at",
            "decided_by",
            "decided_at",
            "reason",
            "revision_number",
        ]

    def get_decided_by(self, s: Suggestion) -> str | None:
        return s.decided_by.get_username() if s.decided_by else None


class SuggestionIn(serializers.Serializer):
    language = serializers.ChoiceField(choices=Language.choices, default="en")
    anchor_start = serializers.IntegerField()
    anchor_end = serializers.IntegerField()
    replacement = serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=60_000)
    note = serializers.CharField(allow_blank=True, required=False, default="", max_length=5000)
    visibility = serializers.ChoiceField(choices=Visibility.choices, default="both")


class RejectIn(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class ArticleThreadsView(APIView):
    pagination_class = Pagination  # the OpenAPI schema then says "a page of"

    @extend_schema(
        parameters=[
            OpenApiParameter("language", str),
            OpenApiParameter("status", str, enum=["open", "resolved"]),
            OpenApiParameter("mine", bool),
            OpenApiParameter("delegation", str, enum=["UK", "JP"]),
        ],
        responses={200: ThreadOut(many=True)},
    )
    def get(self, request: Request, article_id: int) -> Response:
        article = draft_selectors.article_get(request.user, article_id)
        p = request.query_params
        qs = review_selectors.threads_of(
            request.user,
            article,
            language=p.get("language", ""),
            status=p.get("status", ""),
            mine=p.get("mine", "").lower() in {"1", "true"},
            delegation=p.get("delegation", ""),
        )
        return paginated(request, self, qs, ThreadOut)

    @extend_schema(request=ThreadIn, responses={201: ThreadOut})
    def post(self, request: Request, article_id: int) -> Response:
        article = draft_selectors.article_get(request.user, article_id)
        data = input_parse(ThreadIn, request.data)
        thread = review_services.thread_start(
            actor=signed_in(request.user),
            article=article,
            language=data["language"],
            start=data["anchor_start"],
            end=data["anchor_end"],
            body=data["body"],
            visibility=data["visibility"],
        )
        return Response(
            ThreadOut(review_selectors.thread_get(request.user, thread.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class ThreadDetailView(APIView):
    @extend_schema(responses={200: ThreadOut})
    def get(self, request: Request, thread_id: int) -> Response:
        return Response(ThreadOut(review_selectors.thread_get(request.user, thread_id)).data)


class ThreadCommentsView(APIView):
    pagination_class = Pagination  # the OpenAPI schema then says "a page of"

    @extend_schema(responses={200: CommentOut(many=True)})
    def get(self, request: Request, thread_id: int) -> Response:
        thread = review_selectors.thread_get(request.user, thread_id)
        return paginated(
            request,
            self,
            review_selectors.comments_of(request.user, thread),
            CommentOut,
        )

    @extend_schema(request=CommentIn, responses={201: CommentOut})
    def post(self, request: Request, thread_id: int) -> Response:
        thread = review_selectors.thread_get(request.user, thread_id)
        comment = review_services.comment_add(
            actor=signed_in(request.user),
            thread=thread,
            body=input_parse(CommentIn, request.data)["body"],
        )
        return Response(CommentOut(comment).data, status=status.HTTP_201_CREATED)


class CommentDetailView(APIView):
    @extend_schema(request=CommentIn, responses={200: CommentOut})
    def patch(self, request: Request, comment_id: int) -> Response:
        comment = review_selectors.comment_get(request.user, comment_id)
        comment = review_services.comment_edit(
            actor=signed_in(request.user),
            comment=comment,
            body=input_parse(CommentIn, request.data)["body"],
        )
        return Response(CommentOut(comment).data)


class ThreadStatusView(APIView):
    status_to = ""

    @extend_schema(request=None, responses={200: ThreadOut})
    def post(self, request: Request, thread_id: int) -> Response:
        thread = review_selectors.thread_get(request.user, thread_id)
        review_services.thread_set_status(
            actor=signed_in(request.user), thread=thread, status=self.status_to
        )
        return Response(ThreadOut(review_selectors.thread_get(request.user, thread_id)).data)


class ArticleSuggestionsView(APIView):
    pagination_class = Pagination  # the OpenAPI schema then says "a page of"

    @extend_schema(
        parameters=[
            OpenApiParameter("language", str),
            OpenApiParameter("status", str, enum=["pending", "accepted", "rejected"]),
        ],
        responses={200: SuggestionOut(many=True)},
    )
    def get(self, request: Request, article_id: int) -> Response:
        article = draft_selectors.article_get(request.user, article_id)
        qs = review_selectors.suggestions_of(
            request.user,
            article,
            language=request.query_params.get("language", ""),
            status=request.query_params.get("status", ""),
        )
        return paginated(request, self, qs, SuggestionOut)

    @extend_schema(request=SuggestionIn, responses={201: SuggestionOut})
    def post(self, request: Request, article_id: int) -> Response:
        article = draft_selectors.article_get(request.user, article_id)
        data = input_parse(SuggestionIn, request.data)
        suggestion = review_services.suggestion_create(
            actor=signed_in(request.user),
            article=article,
            language=data["language"],
            start=data["anchor_start"],
            end=data["anchor_end"],
            replacement=data["replacement"],
            note=data["note"],
            visibility=data["visibility"],
        )
        return Response(SuggestionOut(suggestion).data, status=status.HTTP_201_CREATED)


class SuggestionAcceptView(APIView):
    @extend_schema(request=None, responses={200: SuggestionOut})
    def post(self, request: Request, suggestion_id: int) -> Response:
        suggestion = review_selectors.suggestion_get(request.user, suggestion_id)
        suggestion = review_services.suggestion_accept(
            actor=signed_in(request.user), suggestion=suggestion
        )
        return Response(SuggestionOut(suggestion).data)


class SuggestionRejectView(APIView):
    @extend_schema(request=RejectIn, responses={200: SuggestionOut})
    def post(self, request: Request, suggestion_id: int) -> Response:
        suggestion = review_selectors.suggestion_get(request.user, suggestion_id)
        suggestion = review_services.suggestion_reject(
            actor=signed_in(request.user),
            suggestion=suggestion,
            reason=request.data.get("reason") if isinstance(request.data, dict) else None,
        )
        return Response(SuggestionOut(suggestion).data)


class MuteIn(serializers.Serializer):
    muted = serializers.BooleanField()


class DraftMuteView(APIView):
    @extend_schema(
        request=MuteIn,
        responses={200: inline_serializer("Muted", {"muted": serializers.BooleanField()})},
    )
    def post(self, request: Request, draft_id: int) -> Response:
        draft = draft_selectors.draft_get(request.user, draft_id)
        muted = input_parse(MuteIn, request.data)["muted"]
        return Response(
            {
                "muted": review_services.draft_mute(
                    actor=signed_in(request.user), draft=draft, muted=bool(muted)
                )
            }
        )
