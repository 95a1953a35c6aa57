"""API v1 for the negotiation: brackets and their options, resolving and reopening them,
sign-off per delegation, reservations, reopening and initialling articles, the board and
the bracketed segments of a text."""

from __future__ import annotations

from typing import Any

from django.core.validators import RegexValidator
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..core.negotiation import bracket_json
from ..models import Article, ArticleStatusChange, Bracket, Delegation, Language, SignOff
from ..permissions import signed_in
from ..selectors import drafts as draft_selectors
from ..selectors import negotiation as negotiation_selectors
from ..services import negotiation as negotiation_services
from .parsing import input_parse, text_choice

# The delegations that draft (the US is consulted): what a delegation field may name.
DRAFTING_DELEGATIONS = [Delegation.UK.value, Delegation.JP.value]


class OptionIn(serializers.Serializer):
    text = serializers.CharField(
        allow_blank=True, trim_whitespace=False, help_text="The text that could replace the span."
    )
    delegations = serializers.ListField(
        child=text_choice(DRAFTING_DELEGATIONS, max_length=2), required=False, default=list
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class BracketIn(serializers.Serializer):
    language = serializers.ChoiceField(choices=Language.choices, default="en")
    anchor_start = serializers.IntegerField(help_text="UTF-16 offset of the first character.")
    anchor_end = serializers.IntegerField(help_text="UTF-16 offset after the last character.")
    delegation = text_choice(
        DRAFTING_DELEGATIONS,
        max_length=2,
        required=False,
        allow_blank=True,
        help_text="UK or JP (default: yours).",
    )
    options = OptionIn(many=True, required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class ResolveIn(serializers.Serializer):
    resolution = serializers.ChoiceField(choices=Bracket.Resolution.choices)
    option = serializers.CharField(
        required=False, allow_blank=True, help_text="The option's letter (A, B …) or id."
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class ReasonIn(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class NoteIn(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


# A reopening and a reservation must say why: the schema then asks for a text with something
# other than spaces, as the service does.
SOMETHING_WRITTEN = RegexValidator(r"^[^\x00]*[^\s\x00][^\x00]*$")


class ReopenIn(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, validators=[SOMETHING_WRITTEN])


class ReservationIn(serializers.Serializer):
    note = serializers.CharField(max_length=5000, validators=[SOMETHING_WRITTEN])


class SignOffIn(serializers.Serializer):
    revision_en = serializers.IntegerField(
        min_value=0, help_text="The English revision you read (the current one)."
    )
    revision_ja = serializers.IntegerField(
        min_value=0, help_text="The Japanese revision you read (the current one)."
    )
    delegation = text_choice(
        DRAFTING_DELEGATIONS,
        max_length=2,
        required=False,
        allow_blank=True,
        help_text="Yours (the default).",
    )


class WithdrawIn(serializers.Serializer):
    delegation = text_choice(DRAFTING_DELEGATIONS, max_length=2, required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class LeadsIn(serializers.Serializer):
    delegation = text_choice(DRAFTING_DELEGATIONS, max_length=2)
    usernames = serializers.ListField(child=serializers.CharField(max_length=150))


BRACKET_OUT = inline_serializer(
    "Bracket",
    {
        "id": serializers.IntegerField(),
        "article": serializers.IntegerField(),
        "language": serializers.CharField(),
        "anchor_start": serializers.IntegerField(),
        "anchor_end": serializers.IntegerField(),
        "text": serializers.CharField(),
        "quote": serializers.CharField(),
        "detached": serializers.BooleanField(),
        "delegation": serializers.CharField(),
        "note": serializers.CharField(),
        "status": serializers.CharField(),
        "resolution": serializers.CharField(),
        "options": serializers.ListField(child=serializers.DictField()),
        "events": serializers.ListField(child=serializers.DictField()),
    },
)
STATUS_OUT = inline_serializer(
    "NegotiationStatusChange",
    {
        "article": serializers.IntegerField(),
        "status": serializers.CharField(),
        "from": serializers.CharField(),
        "to": serializers.CharField(),
        "by": serializers.CharField(),
        "delegation": serializers.CharField(),
        "at": serializers.DateTimeField(),
        "note": serializers.CharField(),
    },
)
SIGNOFF_OUT = inline_serializer(
    "SignOff",
    {
        "article": serializers.IntegerField(),
        "status": serializers.CharField(),
        "delegation": serializers.CharField(),
        "revision_en": serializers.IntegerField(),
        "revision_ja": serializers.IntegerField(),
        "signed_by": serializers.CharField(),
        "signed_at": serializers.DateTimeField(),
        "withdrawn_at": serializers.DateTimeField(allow_null=True),
        "withdrawn_reason": serializers.CharField(),
    },
)


def bracket_out(bracket: Bracket) -> dict[str, Any]:
    data = bracket_json(bracket, bracket.article.text(bracket.language))
    data["created_by"] = bracket.created_by.get_username()
    data["created_at"] = bracket.created_at.isoformat()
    data["resolved_by"] = bracket.resolved_by.get_username() if bracket.resolved_by else None
    data["resolved_at"] = bracket.resolved_at.isoformat() if bracket.resolved_at else None
    data["events"] = [
        {
            "action": event.action,
            "resolution": event.resolution,
            "option": event.option.label if event.option else None,
            "by": event.actor.get_username(),
            "delegation": event.delegation,
            "at": event.at.isoformat(),
            "reason": event.reason,
            "revision": event.revision_number,
        }
        for event in bracket.events.all()
    ]
    return data


def status_out(change: ArticleStatusChange) -> dict[str, Any]:
    return {
        "article": change.article_id,
        "status": change.to_status,
        "from": change.from_status,
        "to": change.to_status,
        "by": change.actor.get_username() if change.actor else "",
        "delegation": change.delegation,
        "at": change.at.isoformat(),
        "note": change.note,
    }


def signoff_out(signoff: SignOff, article: Article) -> dict[str, Any]:
    article.refresh_from_db(fields=["negotiation_status"])
    return {
        "article": signoff.article_id,
        "status": article.negotiation_status,
        "delegation": signoff.delegation,
        "revision_en": signoff.revision_en,
        "revision_ja": signoff.revision_ja,
        "signed_by": signoff.signed_by.get_username(),
        "signed_at": signoff.signed_at.isoformat(),
        "withdrawn_at": signoff.withdrawn_at.isoformat() if signoff.withdrawn_at else None,
        "withdrawn_reason": signoff.withdrawn_reason,
    }


def _bracket_fresh(user: Any, bracket_id: int) -> dict[str, Any]:
    return bracket_out(negotiation_selectors.bracket_fresh(user, bracket_id))


class ArticleBracketsView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("language", str, enum=["en", "ja"], required=False)],
        responses={
            200: inline_serializer(
                "Brackets", {"results": serializers.ListField(child=serializers.DictField())}
            )
        },
    )
    def get(self, request: Request, article_id: int) -> Response:
        article = draft_selectors.article_get(request.user, article_id)
        language = request.query_params.get("language") or None
        if language not in (None, "en", "ja"):
            language = "xx"  # no bracket has it: an empty list, as for any other filter
        brackets = negotiation_selectors.brackets_of(request.user, article, language=language)
        return Response({"results": [bracket_out(b) for b in brackets]})

    @extend_schema(request=BracketIn, responses={201: BRACKET_OUT})
    def post(self, request: Request, article_id: int) -> Response:
        article = draft_selectors.article_get(request.user, article_id)
        data = input_parse(BracketIn, request.data)
        bracket = negotiation_services.bracket_create(
            actor=signed_in(request.user),
            article=article,
            language=data["language"],
            start=data["anchor_start"],
            end=data["anchor_end"],
            delegation=data.get("delegation"),
            options=[dict(o) for o in data.get("options", [])],
            note=data["note"],
        )
        return Response(_bracket_fresh(request.user, bracket.pk), status=status.HTTP_201_CREATED)


class BracketDetailView(APIView):
    @extend_schema(responses={200: BRACKET_OUT})
    def get(self, request: Request, bracket_id: int) -> Response:
        return Response(_bracket_fresh(request.user, bracket_id))


class BracketResolveView(APIView):
    @extend_schema(request=ResolveIn, responses={200: BRACKET_OUT})
    def post(self, request: Request, bracket_id: int) -> Response:
        bracket = negotiation_selectors.bracket_get(request.user, bracket_id)
        data = input_parse(ResolveIn, request.data)
        negotiation_services.bracket_resolve(
            actor=signed_in(request.user),
            bracket=bracket,
            resolution=data["resolution"],
            option=data.get("option") or None,
            reason=data["reason"],
        )
        return Response(_bracket_fresh(request.user, bracket_id))


class BracketReopenView(APIView):
    @extend_schema(request=ReasonIn, responses={200: BRACKET_OUT})
    def post(self, request: Request, bracket_id: int) -> Response:
        bracket = negotiation_selectors.bracket_get(request.user, bracket_id)
        data = input_parse(ReasonIn, request.data)
        negotiation_services.bracket_reopen(
            actor=signed_in(request.user), bracket=bracket, reason=data["reason"]
        )
        return Response(_bracket_fresh(request.user, bracket_id))


class ArticleSignOffView(APIView):
    @extend_schema(request=SignOffIn, responses={200: SIGNOFF_OUT})
    def post(self, request: Request, article_id: int) -> Response:
        article = draft_selectors.article_get(request.user, article_id)
        data = input_parse(SignOffIn, request.data)
        signoff = negotiation_services.article_signoff(
            actor=signed_in(request.user),
            article=article,
            revision_en=data["revision_en"],
            revision_ja=data["revision_ja"],
            delegation=data.get("delegation") or None,
        )
        return Response(signoff_out(signoff, article))


class ArticleSignOffWithdrawView(APIView):
    @extend_schema(request=WithdrawIn, responses={200: SIGNOFF_OUT})
    def post(self, request: Request, article_id: int) -> Response:
        article = draft_selectors.article_get(request.user, article_id)
        data = input_parse(WithdrawIn, request.data)
        signoff = negotiation_services.article_signoff_withdraw(
            actor=signed_in(request.user),
            article=article,
            delegation=data.get("delegation") or None,
            reason=data["reason"],
        )
        return Response(signoff_out(signoff, article))


class ArticleReopenView(APIView):
    @extend_schema(request=ReopenIn, responses={200: STATUS_OUT})
    def post(self, request: Request, article_id: int) -> Response:
        article = draft_selectors.article_get(request.user, article_id)
        data = input_parse(ReopenIn, request.data)
        change = negotiation_services.article_reopen(
            actor=signed_in(request.user), article=article, reason=data["reason"]
        )
        return Response(status_out(change))


class ArticleReservationView(APIView):
    @extend_schema(request=ReservationIn, responses={200: STATUS_OUT})
    def post(self, request: Request, article_id: int) -> Response:
        article = draft_selectors.article_get(request.user, article_id)
        data = input_parse(ReservationIn, request.data)
        change = negotiation_services.article_reserve(
            actor=signed_in(request.user), article=article, note=data["note"]
        )
        return Response(status_out(change))


class ArticleInitialView(APIView):
    @extend_schema(request=NoteIn, responses={200: STATUS_OUT})
    def post(self, request: Request, article_id: int) -> Response:
        article = draft_selectors.article_get(request.user, article_id)
        data = input_parse(NoteIn, request.data)
        change = negotiation_services.article_initial(
            actor=signed_in(request.user), article=article, note=data["note"]
        )
        return Response(status_out(change))


class ArticleSegmentsView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("language", str, enum=["en", "ja"], required=False)],
        responses={
            200: inline_serializer(
                "Segments",
                {
                    "language": serializers.CharField(),
                    "text": serializers.CharField(),
                    "segments": serializers.ListField(child=serializers.DictField()),
                },
            )
        },
    )
    def get(self, request: Request, article_id: int) -> Response:
        article = draft_selectors.article_get(request.user, article_id)
        language = request.query_params.get("language", "en")
        if language not in ("en", "ja"):
            language = "en"
        segments = negotiation_selectors.article_segments(request.user, article, language)
        return Response(
            {
                "language": language,
                "text": negotiation_selectors.segments_plain(segments),
                "segments": [s.as_dict() for s in segments],
            }
        )


class DraftNegotiationView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status", str, enum=[*Article.NegotiationStatus.values, "bracketed"], required=False
            ),
            OpenApiParameter("bracketed_by", str, enum=["UK", "JP"], required=False),
            OpenApiParameter("awaiting", str, enum=["UK", "JP"], required=False),
        ],
        responses={
            200: inline_serializer(
                "NegotiationBoard",
                {
                    "summary": serializers.CharField(),
                    "counts": serializers.DictField(),
                    "filters": serializers.DictField(),
                    "articles": serializers.ListField(child=serializers.DictField()),
                },
            )
        },
    )
    def get(self, request: Request, draft_id: int) -> Response:
        draft = draft_selectors.draft_get(request.user, draft_id)
        filters = negotiation_selectors.board_filters_parse(request.query_params)
        board = negotiation_selectors.negotiation_board(request.user, draft, filters)
        return Response(board.as_dict())


class DraftLeadsView(APIView):
    @extend_schema(
        request=LeadsIn,
        responses={
            200: inline_serializer(
                "DelegationLeads",
                {"delegation": serializers.CharField(), "usernames": serializers.ListField()},
            )
        },
    )
    def post(self, request: Request, draft_id: int) -> Response:
        draft = draft_selectors.draft_get(request.user, draft_id)
        data = input_parse(LeadsIn, request.data)
        leads = negotiation_services.delegation_leads_set(
            actor=signed_in(request.user),
            draft=draft,
            delegation=data["delegation"],
            usernames=data["usernames"],
        )
        return Response(
            {
                "delegation": data["delegation"],
                "usernames": [lead.user.get_username() for lead in leads],
            }
        )
