"""The socket URLs and the stack in front of them."""

from __future__ import annotations

from typing import Any
from urllib.parse import ParseResult

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.security.websocket import OriginValidator
from django.conf import settings
from django.urls import path

from .consumers import DraftConsumer

websocket_urlpatterns = [
    path("ws/drafts/<int:draft_id>/", DraftConsumer.as_asgi()),
]


class SameHostOrNoOrigin(OriginValidator):
    """A browser always sends Origin on a WebSocket: it must be one of ALLOWED_HOSTS, so
    another site cannot open a socket with the user's session cookie. A client with no Origin
    is not a browser and carries no victim's cookie; it signs in with a token."""

    def valid_origin(self, parsed_origin: ParseResult | None) -> bool:
        if parsed_origin is None:
            return True
        return bool(super().valid_origin(parsed_origin))


def websocket_application() -> Any:
    hosts = settings.ALLOWED_HOSTS or (["localhost", "127.0.0.1"] if settings.DEBUG else [])
    return SameHostOrNoOrigin(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)), hosts)
