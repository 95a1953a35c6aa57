"""The signed-in user's own account: who they are and their interface preferences."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import InterfaceLanguage, TimeZone
from ..permissions import Actor, signed_in
from ..selectors.preferences import preference_of
from ..services import preferences as preference_services
from .parsing import input_parse, text_choice


class MeOut(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField()
    language = serializers.ChoiceField(
        choices=InterfaceLanguage.choices,
        allow_blank=True,
        help_text="Interface language; empty: follow the browser's Accept-Language.",
    )
    time_zone = serializers.ChoiceField(choices=TimeZone.choices)


class MeUpdateIn(serializers.Serializer):
    # Enums in the schema, plain strings here: the service's own check (and its message) is
    # the one rule.
    language = text_choice(
        InterfaceLanguage.values,
        required=False,
        help_text="en or ja; anything else is refused with 400.",
    )
    time_zone = text_choice(TimeZone.values, required=False)


def _me(user: Actor) -> dict[str, Any]:
    preferences = preference_of(user)
    return {
        "username": user.get_username(),
        "name": user.get_full_name() or user.get_username(),
        "language": preferences.language,
        "time_zone": preferences.time_zone,
    }


class MeView(APIView):
    @extend_schema(responses={200: MeOut})
    def get(self, request: Request) -> Response:
        return Response(MeOut(_me(signed_in(request.user))).data)

    @extend_schema(request=MeUpdateIn, responses={200: MeOut})
    def patch(self, request: Request) -> Response:
        data = input_parse(MeUpdateIn, request.data)
        preference_services.preference_update(
            actor=signed_in(request.user),
            language=data.get("language"),
            time_zone=data.get("time_zone"),
        )
        return Response(MeOut(_me(signed_in(request.user))).data)
