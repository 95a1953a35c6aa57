"""Drafting API v1. Each view parses input, calls a selector or a service, and renders."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from treaties import selectors as library_selectors
from treaties.models import LibraryClause

from ..clientaddress import client_address
from ..errors import ApplicationError
from ..permissions import signed_in
from ..selectors import drafts as draft_selectors
from ..services import drafts as draft_services
from ..services import members as member_services
from ..services import notifications as notification_services
from ..services import tokens as token_services
from ..services import twofactor as twofactor_services
from . import serializers as s
from .pagination import Pagination
from .parsing import input_parse, paginated


class TokenThrottle(AnonRateThrottle):
    scope = "token"

    def get_ident(self, request: Any) -> str:
        # DRF's own ident believes any X-Forwarded-For; ours only the configured proxies'.
        return client_address(request)


class TokenView(APIView):
    """Exchange a username and password for an API token; revoke your tokens."""

    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]

    def get_authenticators(self) -> list[Any]:
        # POST takes a password, never a session or token (so no CSRF either); DELETE needs
        # to know whose tokens to revoke.
        if self._posting():
            return []
        return super().get_authenticators()

    def get_permissions(self) -> list[Any]:
        if self._posting():
            return [AllowAny()]
        return [IsAuthenticated()]

    def _posting(self) -> bool:
        # The schema generator asks without a request.
        request = getattr(self, "request", None)
        return request is not None and request.method == "POST"

    @extend_schema(request=s.TokenIn, responses={200: s.TokenOut}, auth=[])
    def post(self, request: Request) -> Response:
        data = input_parse(s.TokenIn, request.data)
        # The HttpRequest, not DRF's wrapper: django-axes marks it when this attempt is
        # locked out, and its middleware then answers 429 (drafting.views.lockout).
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if user is None or not user.is_active:
            raise ApplicationError(_("Username or password is wrong."), code="invalid_credentials")
        if twofactor_services.needs_second_factor(user):
            device = twofactor_services.confirmed_device(user)
            if device is None:
                raise ApplicationError(
                    "This account must set up an authenticator app first: sign in on the web "
                    "at /login/ once.",
                    code="otp_setup_required",
                )
            twofactor_services.code_check(device, data.get("otp", ""))
        return Response({"token": token_services.token_issue(user=user)})

    @extend_schema(
        request=None,
        responses={204: None},
        description="Revoke every API token of the signed-in user (sign out all clients).",
    )
    def delete(self, request: Request) -> Response:
        token_services.tokens_revoke(actor=signed_in(request.user))
        return Response(status=status.HTTP_204_NO_CONTENT)


class DraftListView(APIView):
    pagination_class = Pagination  # the OpenAPI schema then says "a page of"

    @extend_schema(responses={200: s.DraftOut(many=True)})
    def get(self, request: Request) -> Response:
        return paginated(
            request,
            self,
            draft_selectors.drafts_recent_first(request.user),
            s.DraftOut,
        )

    @extend_schema(request=s.DraftCreateIn, responses={201: s.DraftOut})
    def post(self, request: Request) -> Response:
        data = input_parse(s.DraftCreateIn, request.data)
        delegation = data.pop("delegation", None) or _default_delegation(request.user)
        draft = draft_services.draft_create(
            actor=signed_in(request.user), delegation=delegation, **data
        )
        return Response(
            s.DraftOut(draft, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


def _default_delegation(user: Any) -> str:
    latest = draft_selectors.delegation_latest(user)
    if latest is None:
        raise ApplicationError(
            _('Say which delegation you draft for: add "delegation": "UK" or "JP".'),
            fields={"delegation": [_("This field is required for your first draft.")]},
        )
    return latest


class DraftDetailView(APIView):
    @extend_schema(responses={200: s.DraftOut})
    def get(self, request: Request, draft_id: int) -> Response:
        draft = draft_selectors.draft_get(request.user, draft_id)
        return Response(s.DraftOut(draft, context={"request": request}).data)

    @extend_schema(request=s.DraftUpdateIn, responses={200: s.DraftOut})
    def patch(self, request: Request, draft_id: int) -> Response:
        draft = draft_selectors.draft_get(request.user, draft_id)
        data = input_parse(s.DraftUpdateIn, request.data)
        draft = draft_services.draft_update(actor=signed_in(request.user), draft=draft, **data)
        return Response(s.DraftOut(draft, context={"request": request}).data)


class DraftArticlesView(APIView):
    pagination_class = Pagination  # the OpenAPI schema then says "a page of"

    @extend_schema(responses={200: s.ArticleOut(many=True)})
    def get(self, request: Request, draft_id: int) -> Response:
        draft = draft_selectors.draft_get(request.user, draft_id)
        return paginated(
            request, self, draft_selectors.articles_of(request.user, draft), s.ArticleOut
        )

    @extend_schema(request=s.ArticleCreateIn, responses={201: s.ArticleOut})
    def post(self, request: Request, draft_id: int) -> Response:
        draft = draft_selectors.draft_get(request.user, draft_id)
        data = input_parse(s.ArticleCreateIn, request.data)
        slug = data.pop("library_clause", None)
        if slug:
            try:
                clause = library_selectors.clause_get(slug)
            except LibraryClause.DoesNotExist:
                raise ApplicationError(
                    _("There is no library clause %(slug)r.") % {"slug": slug},
                    fields={"library_clause": [_("No such clause.")]},
                ) from None
            article = draft_services.clause_insert(
                actor=signed_in(request.user),
                draft=draft,
                clause=clause,
                position=data.get("position"),
                heading=data.get("heading") or None,
            )
        else:
            article = draft_services.article_create(
                actor=signed_in(request.user), draft=draft, **data
            )
        return Response(s.ArticleOut(article).data, status=status.HTTP_201_CREATED)


class ArticleDetailView(APIView):
    @extend_schema(responses={200: s.ArticleOut})
    def get(self, request: Request, article_id: int) -> Response:
        return Response(s.ArticleOut(draft_selectors.article_get(request.user, article_id)).data)

    @extend_schema(request=s.ArticleUpdateIn, responses={200: s.ArticleOut})
    def patch(self, request: Request, article_id: int) -> Response:
        article = draft_selectors.article_get(request.user, article_id)
        data = input_parse(s.ArticleUpdateIn, request.data)
        article = draft_services.article_update(
            actor=signed_in(request.user), article=article, **data
        )
        return Response(s.ArticleOut(article).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, article_id: int) -> Response:
        article = draft_selectors.article_get(request.user, article_id)
        draft_services.article_delete(actor=signed_in(request.user), article=article)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ArticleMoveView(APIView):
    @extend_schema(request=s.ArticleMoveIn, responses={200: s.ArticleOut})
    def post(self, request: Request, article_id: int) -> Response:
        article = draft_selectors.article_get(request.user, article_id)
        data = input_parse(s.ArticleMoveIn, request.data)
        article = draft_services.article_move(
            actor=signed_in(request.user), article=article, position=data["position"]
        )
        return Response(s.ArticleOut(article).data)


class DraftMembersView(APIView):
    pagination_class = Pagination  # the OpenAPI schema then says "a page of"

    @extend_schema(responses={200: s.MemberOut(many=True)})
    def get(self, request: Request, draft_id: int) -> Response:
        draft = draft_selectors.draft_get(request.user, draft_id)
        return paginated(
            request, self, draft_selectors.members_of(request.user, draft), s.MemberOut
        )

    @extend_schema(request=s.MemberCreateIn, responses={201: s.MemberOut})
    def post(self, request: Request, draft_id: int) -> Response:
        draft = draft_selectors.draft_get(request.user, draft_id)
        data = input_parse(s.MemberCreateIn, request.data)
        membership = member_services.member_add(actor=signed_in(request.user), draft=draft, **data)
        return Response(s.MemberOut(membership).data, status=status.HTTP_201_CREATED)


class DraftMemberDetailView(APIView):
    @extend_schema(request=s.MemberUpdateIn, responses={200: s.MemberOut})
    def patch(self, request: Request, draft_id: int, member_id: int) -> Response:
        draft = draft_selectors.draft_get(request.user, draft_id)
        membership = draft_selectors.membership_get(request.user, draft, member_id)
        data = input_parse(s.MemberUpdateIn, request.data)
        membership = member_services.member_change(
            actor=signed_in(request.user), membership=membership, **data
        )
        return Response(s.MemberOut(membership).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, draft_id: int, member_id: int) -> Response:
        draft = draft_selectors.draft_get(request.user, draft_id)
        membership = draft_selectors.membership_get(request.user, draft, member_id)
        member_services.member_remove(actor=signed_in(request.user), membership=membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


class NotificationListView(APIView):
    pagination_class = Pagination  # the OpenAPI schema then says "a page of"

    @extend_schema(
        parameters=[OpenApiParameter("unread", bool, description="Only unread notifications.")],
        responses={200: s.NotificationOut(many=True)},
    )
    def get(self, request: Request) -> Response:
        unread = request.query_params.get("unread", "").lower() in {"1", "true", "yes"}
        return paginated(
            request,
            self,
            draft_selectors.notifications_for(signed_in(request.user), unread_only=unread),
            s.NotificationOut,
        )


class NotificationReadView(APIView):
    @extend_schema(
        request=s.NotificationsReadIn,
        responses={
            200: inline_serializer("NotificationsRead", {"marked": serializers.IntegerField()})
        },
    )
    def post(self, request: Request) -> Response:
        data = input_parse(s.NotificationsReadIn, request.data)
        marked = notification_services.notifications_mark_read(
            user=signed_in(request.user), ids=data.get("ids")
        )
        return Response({"marked": marked})
