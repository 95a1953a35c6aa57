"""Input and output serializers for the drafting API, kept apart: inputs validate shape,
services validate meaning, outputs only render. No serializer saves anything."""

from __future__ import annotations

from typing import Any, cast

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import (
    Article,
    Classification,
    Delegation,
    Draft,
    Membership,
    Notification,
    Releasability,
    Role,
)
from ..permissions import role_of
from ..selectors.concordance import STATES, concordance_state, concordances_for
from .parsing import text_choice


class DraftOut(serializers.ModelSerializer):
    parties: serializers.SlugRelatedField = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="name"
    )
    my_role = serializers.SerializerMethodField()

    class Meta:
        model = Draft
        fields = [
            "id",
            "title",
            "title_ja",
            "classification",
            "parties",
            "my_role",
            "created_at",
            "updated_at",
        ]

    def get_my_role(self, draft: Draft) -> str | None:
        request = self.context.get("request")
        return role_of(request.user, draft) if request else None


class DraftCreateIn(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    title_ja = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    classification = text_choice(
        Classification.values, max_length=40, required=False, default="OFFICIAL-SENSITIVE"
    )
    parties = serializers.ListField(
        child=serializers.CharField(max_length=200),
        required=False,
        default=["United Kingdom", "Japan"],
    )
    delegation = serializers.ChoiceField(
        choices=[Delegation.UK, Delegation.JP],
        required=False,
        help_text="The delegation you draft for; defaults to the one of your latest draft.",
    )


class DraftUpdateIn(serializers.Serializer):
    title = serializers.CharField(max_length=300, required=False)
    title_ja = serializers.CharField(max_length=300, required=False, allow_blank=True)
    classification = text_choice(Classification.values, max_length=40, required=False)
    parties = serializers.ListField(child=serializers.CharField(max_length=200), required=False)


class ProvenanceField(serializers.JSONField):
    pass


class ConcordanceOut(serializers.Serializer):
    """Whether the article's English and Japanese texts are in step with the pair of
    revisions last confirmed equivalent."""

    state = serializers.ChoiceField(choices=STATES)
    confirmed_en = serializers.IntegerField(allow_null=True)
    confirmed_ja = serializers.IntegerField(allow_null=True)
    latest_en = serializers.IntegerField()
    latest_ja = serializers.IntegerField()
    changed = serializers.ListField(child=serializers.ChoiceField(choices=["en", "ja"]))
    confirmed_by = serializers.CharField(allow_null=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)


class ArticleListOut(serializers.ListSerializer):
    """Reads the concordance of a whole page of articles at once (the article list's query
    count does not grow with the draft)."""

    def to_representation(self, data: Any) -> Any:
        items = list(data.all() if hasattr(data, "all") else data)
        request = self.context.get("request")
        if items and request is not None:
            context = cast(dict[str, Any], self.context)  # the dict the view passed in
            context["concordances"] = concordances_for(request.user, items[0].draft, items)
        return super().to_representation(items)


class ArticleOut(serializers.ModelSerializer):
    draft: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(read_only=True)
    library_clause: serializers.SlugRelatedField = serializers.SlugRelatedField(
        source="source_clause", slug_field="slug", read_only=True, allow_null=True
    )
    provenance = ProvenanceField(read_only=True)
    number_ja = serializers.CharField(
        read_only=True,
        help_text="The number in Japanese legal form: 第五条の二 for '5 bis', 前文 for the preamble.",
    )
    concordance = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            "id",
            "draft",
            "position",
            "kind",
            "number",
            "number_ja",
            "number_fixed",
            "heading",
            "heading_ja",
            "text_en",
            "text_ja",
            "releasability",
            "negotiation_status",
            "library_clause",
            "provenance",
            "updated_at",
            "concordance",
        ]
        list_serializer_class = ArticleListOut

    @extend_schema_field(ConcordanceOut)
    def get_concordance(self, article: Article) -> dict[str, Any]:
        known = self.context.get("concordances") or {}
        status = known.get(article.pk) or concordance_state(article)
        return status.as_dict()


class ArticleCreateIn(serializers.Serializer):
    """Either a new article (heading, texts) or a library clause inserted as one."""

    kind = serializers.ChoiceField(
        choices=Article.Kind.choices, required=False, default=Article.Kind.ARTICLE
    )
    heading = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    heading_ja = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    text_en = serializers.CharField(
        required=False, allow_blank=True, default="", trim_whitespace=False
    )
    text_ja = serializers.CharField(
        required=False, allow_blank=True, default="", trim_whitespace=False
    )
    position = serializers.IntegerField(
        required=False, min_value=1, help_text="1-based; the end of the draft by default."
    )
    number = serializers.CharField(
        max_length=20,
        required=False,
        help_text="Fix this article's number (e.g. '5 bis'); omit it for automatic numbering.",
    )
    library_clause = serializers.SlugField(
        required=False,
        help_text="Slug of a library clause to insert; its text and provenance are used.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("library_clause") and (attrs.get("text_en") or attrs.get("text_ja")):
            raise serializers.ValidationError(
                _(
                    "Give either library_clause or article text, not both: "
                    "an inserted clause brings its own text."
                )
            )
        return attrs


class ArticleUpdateIn(serializers.Serializer):
    heading = serializers.CharField(max_length=300, required=False, allow_blank=True)
    heading_ja = serializers.CharField(max_length=300, required=False, allow_blank=True)
    text_en = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    text_ja = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    number = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        help_text="Empty string: back to automatic numbering.",
    )
    position = serializers.IntegerField(
        required=False, min_value=1, help_text="Move the article to this 1-based position."
    )
    releasability = serializers.ChoiceField(
        choices=Releasability.choices, required=False, help_text="Owner only."
    )
    negotiation_status = serializers.ChoiceField(
        choices=Article.NegotiationStatus.choices,
        required=False,
        help_text="Read-only: the same value back is no change, another is a 409.",
    )


class ArticleMoveIn(serializers.Serializer):
    position = serializers.IntegerField(min_value=1)


class MemberOut(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    name = serializers.SerializerMethodField()

    class Meta:
        model = Membership
        fields = ["id", "username", "name", "role", "delegation", "added_at"]

    def get_name(self, membership: Membership) -> str:
        return membership.user.get_full_name() or membership.user.get_username()


class MemberCreateIn(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=Role.choices)
    delegation = serializers.ChoiceField(choices=Delegation.choices)


class MemberUpdateIn(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    delegation = serializers.ChoiceField(choices=Delegation.choices, required=False)


class NotificationOut(serializers.ModelSerializer):
    draft: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(read_only=True)
    classification = serializers.CharField(source="draft.classification", read_only=True)
    # Written in the reader's language and time zone when read (models.notification_text).
    subject = serializers.CharField(source="subject_text", read_only=True)
    body = serializers.CharField(source="body_text", read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "subject",
            "body",
            "url",
            "draft",
            "classification",
            "created_at",
            "read_at",
        ]


class NotificationsReadIn(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), required=False)


class TokenIn(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(
        max_length=4096, trim_whitespace=False, style={"input_type": "password"}
    )
    otp = serializers.CharField(
        max_length=16,
        required=False,
        allow_blank=True,
        help_text="The current code from the user's authenticator app, when their account "
        "has one or their group requires one.",
    )


class TokenOut(serializers.Serializer):
    token = serializers.CharField()
