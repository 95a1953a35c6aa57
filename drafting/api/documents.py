"""API v1 for texts in and out: exports (DOCX, PDF, Akoma Ntoso), a comparison as Word
tracked changes, a Word draft imported as a new draft, a marked-up copy imported as
suggestions and threads, and a consultation round's pack.

Exports are made in the request: the B7 benchmark (docs/benchmarks.md) keeps even a
100-article bilingual draft well inside a request's time, so no Celery task is needed."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import delivery
from ..downloads import CONTENT_TYPES
from ..errors import ApplicationError
from ..models import Classification
from ..permissions import signed_in
from ..selectors import consultation as consultation_selectors
from ..selectors import drafts as draft_selectors
from ..selectors import exports as selectors
from ..services import imports as import_services
from .parsing import input_parse

# The files an export answers with, by format (drafting.downloads.CONTENT_TYPES).
FILE_RESPONSES: dict[Any, Any] = {
    (200, content_type): OpenApiTypes.BINARY for content_type in CONTENT_TYPES.values()
}


class FileNegotiation(DefaultContentNegotiation):
    """``?format=docx|pdf|akn`` names the file to make, not DRF's renderer (DRF would answer
    404 for a format it has no renderer for); errors are still JSON."""

    def select_renderer(
        self, request: Any, renderers: Any, format_suffix: str | None = None
    ) -> Any:
        return renderers[0], renderers[0].media_type


def _upload(request: Request) -> tuple[bytes, str]:
    upload = request.FILES.get("file")
    if upload is None:
        raise ApplicationError(
            "Upload the Word file as 'file' (multipart).", fields={"file": ["Required."]}
        )
    limit = import_services.MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise ApplicationError(
            gettext("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": f"{upload.size / 1048576:.1f}", "limit": limit // 1048576},
            fields={"file": ["Too large."]},
        )
    return upload.read(limit + 1), upload.name or "upload.docx"


class DraftExportView(APIView):
    content_negotiation_class = FileNegotiation

    @extend_schema(
        parameters=[
            OpenApiParameter("format", str, enum=list(selectors.FORMATS)),
            OpenApiParameter("language", str, enum=list(selectors.EXPORT_LANGUAGES)),
            OpenApiParameter(
                "version", int, description="A named version; omit for the live text."
            ),
        ],
        responses=FILE_RESPONSES,
    )
    def get(self, request: Request, draft_id: int) -> Any:
        draft = draft_selectors.draft_get(request.user, draft_id)
        return delivery.draft_export(
            request.user,
            draft,
            fmt=request.query_params.get("format"),
            language=request.query_params.get("language"),
            version=request.query_params.get("version"),
        )


class DraftCompareExportView(APIView):
    content_negotiation_class = FileNegotiation

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "from",
                str,
                required=True,
                pattern=r"^[0-9]{1,9}$",
                description="Version number (the baseline).",
            ),
            OpenApiParameter(
                "to",
                str,
                pattern=r"^([0-9]{1,9}|now)$",
                description="Version number, or 'now' (default).",
            ),
            OpenApiParameter(
                "pending", bool, description="Only the changes since from= not yet decided."
            ),
            OpenApiParameter("format", str, enum=["docx"]),
            OpenApiParameter("language", str, enum=list(selectors.EXPORT_LANGUAGES)),
        ],
        responses=FILE_RESPONSES,
    )
    def get(self, request: Request, draft_id: int) -> Any:
        draft = draft_selectors.draft_get(request.user, draft_id)
        return delivery.compare_export(
            request.user,
            draft,
            fmt=request.query_params.get("format"),
            language=request.query_params.get("language"),
            from_ref=request.query_params.get("from"),
            to_ref=request.query_params.get("to"),
            pending=request.query_params.get("pending"),
        )


class ImportIn(serializers.Serializer):
    title = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    classification = serializers.CharField(
        max_length=30, required=False, default="OFFICIAL-SENSITIVE"
    )
    delegation = serializers.ChoiceField(choices=["UK", "JP"], required=False, default="UK")
    dry_run = serializers.BooleanField(required=False, default=False)


class DraftImportView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "title": {"type": "string", "maxLength": 300},
                    "classification": {"type": "string", "enum": Classification.values},
                    "delegation": {"type": "string", "enum": ["UK", "JP"]},
                    "dry_run": {"type": "boolean"},
                },
                "required": ["file"],
                "additionalProperties": False,
            }
        },
        responses={200: OpenApiTypes.OBJECT, 201: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        params = input_parse(ImportIn, request.data)
        data, filename = _upload(request)
        result = import_services.draft_import(
            actor=signed_in(request.user), data=data, filename=filename, **params
        )
        return Response(
            result, status=status.HTTP_200_OK if params["dry_run"] else status.HTTP_201_CREATED
        )


class DraftMarkupImportView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
                "additionalProperties": False,
            }
        },
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, draft_id: int) -> Response:
        draft = draft_selectors.draft_get(request.user, draft_id)
        data, filename = _upload(request)
        result = import_services.markup_import(
            actor=signed_in(request.user), draft=draft, data=data, filename=filename
        )
        return Response(result)


class ConsultationExportView(APIView):
    content_negotiation_class = FileNegotiation

    @extend_schema(
        parameters=[
            OpenApiParameter("format", str, enum=list(selectors.FORMATS)),
            OpenApiParameter("language", str, enum=list(selectors.EXPORT_LANGUAGES)),
        ],
        responses=FILE_RESPONSES,
    )
    def get(self, request: Request, round_id: int) -> Any:
        round_ = consultation_selectors.round_get(request.user, round_id)
        # Readers of the live draft see every round; the pack is the owner's and consultees'.
        round_ = selectors.round_for_export(request.user, round_.draft_id, round_.number)
        return delivery.round_export(
            request.user,
            round_,
            fmt=request.query_params.get("format"),
            language=request.query_params.get("language"),
        )
