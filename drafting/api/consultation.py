"""API v1 for the US consultation: offices, rounds, responses, dispositions, the report,
the channel and the disclosure log."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response as APIResponse
from rest_framework.views import APIView

from .. import inputs
from ..downloads import csv_response
from ..errors import ApplicationError
from ..models import ChannelMessage, Disposition, Office, Response, Round, RoundArticle
from ..permissions import signed_in
from ..selectors import consultation as selectors
from ..selectors import drafts as draft_selectors
from ..services import consultation as services
from ..services import exports
from .pagination import Pagination
from .parsing import input_parse, paginated, text_described


class OfficeOut(serializers.ModelSerializer):
    members: serializers.SlugRelatedField = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="username"
    )

    class Meta:
        model = Office
        fields = ["id", "name", "members"]


class OfficeIn(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    members = serializers.ListField(
        child=serializers.CharField(max_length=150), required=False, default=list
    )


class OfficeMembersIn(serializers.Serializer):
    members = serializers.ListField(child=serializers.CharField(max_length=150))


class RoundArticleOut(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]
    number_ja = serializers.CharField(
        read_only=True, help_text="The number in Japanese legal form (第五条の二, 前文)."
    )

    class Meta:
        model = RoundArticle
        fields = [
            "id",
            "article",
            "position",
            "kind",
            "number",
            "number_ja",
            "label",
            "heading",
            "heading_ja",
            "text_en",
            "text_ja",
            "releasability",
        ]


class RoundOut(serializers.ModelSerializer):
    offices = serializers.SerializerMethodField()
    opened_by = serializers.CharField(source="opened_by.username")
    classification = serializers.CharField(source="draft.classification")
    articles = serializers.SerializerMethodField()

    class Meta:
        model = Round
        fields = [
            "id",
            "draft",
            "number",
            "status",
            "classification",
            "deadline",
            "close_at_deadline",
            "cover_note",
            "offices",
            "opened_by",
            "opened_at",
            "closed_at",
            "articles",
        ]

    def get_offices(self, round_: Round) -> list[dict[str, Any]]:
        visible = self.context.get("visible_offices")
        # .all(), sorted here: it keeps a selector's prefetch (a consultee's own offices only).
        return [
            {"id": o.pk, "name": o.name}
            for o in sorted(round_.offices.all(), key=lambda o: o.name)
            if visible is None or o.pk in visible
        ]

    def get_articles(self, round_: Round) -> list[dict[str, Any]]:
        if not self.context.get("with_articles"):
            return []
        user = self.context["request"].user
        out = []
        for snapshot in selectors.round_articles(round_):
            item = dict(RoundArticleOut(snapshot).data)
            item["since_previous_round"] = selectors.changes_since_previous(
                user, snapshot
            ).as_dict()
            out.append(item)
        return out


class RoundIn(serializers.Serializer):
    articles = serializers.ListField(
        child=serializers.IntegerField(), help_text="Article ids; REL USA only."
    )
    offices = serializers.ListField(child=serializers.IntegerField(), help_text="Office ids.")
    deadline = text_described(
        {"type": "string", "format": "date-time"},
        help_text="ISO 8601 date-time in the future, e.g. 2026-12-01T17:00:00Z.",
    )
    cover_note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=20_000
    )
    close_at_deadline = serializers.BooleanField(required=False, default=False)


class ResponseOut(serializers.ModelSerializer):
    office = serializers.CharField(source="office.name")
    office_id = serializers.IntegerField()
    snapshot = serializers.IntegerField(source="round_article_id")
    article = serializers.IntegerField(source="round_article.article_id")
    submitted_by = serializers.CharField(source="submitted_by.username")
    disposition = serializers.SerializerMethodField()

    class Meta:
        model = Response
        fields = [
            "id",
            "snapshot",
            "article",
            "office",
            "office_id",
            "position",
            "wording",
            "rationale",
            "submitted_by",
            "submitted_at",
            "updated_at",
            "disposition",
        ]

    def get_disposition(self, response: Response) -> dict[str, Any] | None:
        d: Disposition | None = getattr(response, "disposition", None)
        if d is None:
            return None
        return {
            "outcome": d.outcome,
            "rationale": d.rationale,
            "decided_by": d.decided_by.get_username(),
            "decided_at": d.decided_at.isoformat(),
        }


class ResponseIn(serializers.Serializer):
    snapshot = serializers.IntegerField(help_text="The round article (snapshot) id.")
    position = serializers.ChoiceField(choices=Response.Position.choices)
    wording = serializers.CharField(required=False, allow_blank=True, default="", max_length=20_000)
    rationale = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=20_000
    )
    office = serializers.IntegerField(required=False, allow_null=True, default=None)


class DispositionIn(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Disposition.Outcome.choices)
    rationale = serializers.CharField(max_length=20_000)


class MessageOut(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username")
    office = serializers.CharField(source="office.name")

    class Meta:
        model = ChannelMessage
        fields = ["id", "office", "office_id", "author", "body", "body_html", "created_at"]


class MessageIn(serializers.Serializer):
    office = serializers.IntegerField()
    body = serializers.CharField(max_length=1_100_000, trim_whitespace=False)


def _draft(request: Request, draft_id: int) -> Any:
    return selectors._draft_for_consultation(request.user, draft_id)


class DraftOfficesView(APIView):
    pagination_class = Pagination  # the OpenAPI schema then says "a page of"

    @extend_schema(responses={200: OfficeOut(many=True)})
    def get(self, request: Request, draft_id: int) -> APIResponse:
        return paginated(
            request, self, selectors.offices_for(request.user, _draft(request, draft_id)), OfficeOut
        )

    @extend_schema(request=OfficeIn, responses={201: OfficeOut})
    def post(self, request: Request, draft_id: int) -> APIResponse:
        draft = _draft(request, draft_id)
        data = input_parse(OfficeIn, request.data)
        office = services.office_create(
            actor=signed_in(request.user), draft=draft, name=data["name"], members=data["members"]
        )
        return APIResponse(OfficeOut(office).data, status=status.HTTP_201_CREATED)


class OfficeDetailView(APIView):
    @extend_schema(request=OfficeMembersIn, responses={200: OfficeOut})
    def patch(self, request: Request, office_id: int) -> APIResponse:
        office = selectors.office_get(request.user, office_id)
        office = services.office_set_members(
            actor=signed_in(request.user),
            office=office,
            members=input_parse(OfficeMembersIn, request.data)["members"],
        )
        return APIResponse(OfficeOut(office).data)


class DraftConsultationsView(APIView):
    pagination_class = Pagination  # the OpenAPI schema then says "a page of"

    @extend_schema(responses={200: RoundOut(many=True)})
    def get(self, request: Request, draft_id: int) -> APIResponse:
        draft = _draft(request, draft_id)
        return paginated(request, self, selectors.rounds_for(request.user, draft), RoundOut)

    @extend_schema(request=RoundIn, responses={201: RoundOut})
    def post(self, request: Request, draft_id: int) -> APIResponse:
        draft = _draft(request, draft_id)
        data = input_parse(RoundIn, request.data)
        deadline = inputs.datetime_parse(data["deadline"], name="deadline", require_timezone=True)
        round_ = services.round_open(
            actor=signed_in(request.user),
            draft=draft,
            article_ids=data["articles"],
            office_ids=data["offices"],
            deadline=deadline,
            cover_note=data["cover_note"],
            close_at_deadline=data["close_at_deadline"],
        )
        return APIResponse(
            RoundOut(round_, context={"request": request, "with_articles": True}).data,
            status=status.HTTP_201_CREATED,
        )


class ConsultationDetailView(APIView):
    @extend_schema(responses={200: RoundOut})
    def get(self, request: Request, round_id: int) -> APIResponse:
        round_ = selectors.round_get(request.user, round_id)
        services.round_opened(user=signed_in(request.user), round_=round_)
        context = {
            "request": request,
            "with_articles": True,
            "visible_offices": selectors.office_ids_visible(request.user, round_),
        }
        return APIResponse(RoundOut(round_, context=context).data)


class ConsultationCloseView(APIView):
    @extend_schema(request=None, responses={200: RoundOut})
    def post(self, request: Request, round_id: int) -> APIResponse:
        round_ = selectors.round_get(request.user, round_id)
        round_ = services.round_close(actor=signed_in(request.user), round_=round_)
        return APIResponse(RoundOut(round_, context={"request": request}).data)


class ConsultationResponsesView(APIView):
    pagination_class = Pagination  # the OpenAPI schema then says "a page of"

    @extend_schema(responses={200: ResponseOut(many=True)})
    def get(self, request: Request, round_id: int) -> APIResponse:
        round_ = selectors.round_get(request.user, round_id)
        return paginated(request, self, selectors.responses_for(request.user, round_), ResponseOut)

    @extend_schema(request=ResponseIn, responses={201: ResponseOut})
    def post(self, request: Request, round_id: int) -> APIResponse:
        round_ = selectors.round_get(request.user, round_id)
        data = input_parse(ResponseIn, request.data)
        snapshot = selectors.round_article_get(request.user, round_, data["snapshot"])
        response = services.response_submit(
            actor=signed_in(request.user),
            round_article=snapshot,
            position=data["position"],
            wording=data["wording"],
            rationale=data["rationale"],
            office_id=data["office"],
        )
        return APIResponse(ResponseOut(response).data, status=status.HTTP_201_CREATED)


class ResponseDispositionView(APIView):
    @extend_schema(request=DispositionIn, responses={200: ResponseOut})
    def post(self, request: Request, response_id: int) -> APIResponse:
        response = selectors.response_get(request.user, response_id)
        data = input_parse(DispositionIn, request.data)
        services.disposition_record(
            actor=signed_in(request.user),
            response=response,
            outcome=data["outcome"],
            rationale=data["rationale"],
        )
        return APIResponse(ResponseOut(selectors.response_fresh(request.user, response)).data)


REPORT_OUT = inline_serializer(
    "RoundReport",
    {
        "round": serializers.IntegerField(),
        "status": serializers.CharField(),
        "deadline": serializers.CharField(),
        "classification": serializers.CharField(),
        "offices": serializers.ListField(child=serializers.CharField()),
        "rows": serializers.ListField(child=serializers.DictField()),
        "outstanding": serializers.IntegerField(),
    },
)


class ConsultationReportView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("download", str, enum=["csv"])], responses={200: REPORT_OUT}
    )
    def get(self, request: Request, round_id: int) -> Any:
        round_ = selectors.round_get(request.user, round_id)
        data = selectors.report(request.user, round_).as_dict()
        if request.query_params.get("download") == "csv":
            return csv_response(*exports.round_report_csv(data))
        return APIResponse(data)


class ConsultationMessagesView(APIView):
    pagination_class = Pagination  # the OpenAPI schema then says "a page of"

    @extend_schema(
        parameters=[OpenApiParameter("office", int)], responses={200: MessageOut(many=True)}
    )
    def get(self, request: Request, round_id: int) -> APIResponse:
        round_ = selectors.round_get(request.user, round_id)
        office = request.query_params.get("office")
        qs = selectors.messages_for(
            request.user,
            round_,
            inputs.int_parse(office, name="office", min_value=1) if office else None,
        )
        return paginated(request, self, qs, MessageOut)

    @extend_schema(request=MessageIn, responses={201: MessageOut})
    def post(self, request: Request, round_id: int) -> APIResponse:
        round_ = selectors.round_get(request.user, round_id)
        data = input_parse(MessageIn, request.data)
        office = selectors.round_office(round_, data["office"])
        if office is None:
            raise ApplicationError(
                _("That office is not in this round."),
                fields={"office": [_("Not in this round.")]},
            )
        message = services.channel_post(
            actor=signed_in(request.user), round_=round_, office=office, body=data["body"]
        )
        return APIResponse(MessageOut(message).data, status=status.HTTP_201_CREATED)


class ConsultationDisclosuresView(APIView):
    @extend_schema(
        responses={
            200: inline_serializer(
                "Disclosure",
                {
                    "office": serializers.CharField(),
                    "user": serializers.CharField(allow_null=True),
                    "kind": serializers.CharField(),
                    "at": serializers.DateTimeField(),
                    "articles": serializers.ListField(child=serializers.JSONField()),
                },
                many=True,
            )
        }
    )
    def get(self, request: Request, round_id: int) -> APIResponse:
        round_ = selectors.round_get(request.user, round_id)
        events = selectors.disclosures_for(request.user, round_)
        return APIResponse(
            [
                {
                    "office": e.office.name,
                    "user": e.user.get_username() if e.user else None,
                    "kind": e.kind,
                    "at": e.at.isoformat(),
                    "articles": e.articles,
                }
                for e in events
            ]
        )


class ArticleUSStatusView(APIView):
    @extend_schema(
        responses={
            200: inline_serializer(
                "ArticleUSStatus",
                {
                    "round": serializers.IntegerField(allow_null=True),
                    "changed": serializers.BooleanField(),
                    "diffs": serializers.DictField(),
                    "positions": serializers.ListField(child=serializers.DictField()),
                },
            )
        }
    )
    def get(self, request: Request, article_id: int) -> APIResponse:
        article = draft_selectors.article_get(request.user, article_id)
        status = selectors.article_us_status(request.user, article)
        return APIResponse(
            status.as_dict()
            if status is not None
            else {"round": None, "changed": False, "diffs": {}, "positions": []}
        )
