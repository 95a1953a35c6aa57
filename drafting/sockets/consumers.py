"""`/ws/drafts/{id}/`: pushes what changed on a draft, and relays presence and carets.

The socket never carries text: an announcement ("article 12's English text changed, revision
40") makes the browser sync through the exact HTTP protocol (docs/protocol.md), which keeps
every guarantee of protocol 1. Presence and carets are relayed between the draft's sockets as
they are: they are not stored and not part of the text.

Access is checked as the pages check it (selectors.drafts.draft_get, permissions): someone who
may not read the live draft (an outsider, a consultee) is refused; a reader (reviewer,
observer) receives but may not send carets. A change of the draft's members makes every open
socket check again.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils.translation import gettext as _

from .. import permissions
from ..errors import NotFoundError
from ..models import Language
from ..permissions import Actor, Reader
from ..selectors import drafts as draft_selectors
from ..services import tokens as token_services
from ..services.announce import draft_group

# Close codes (4000-4999 are the application's own).
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_BAD_INPUT = 4400
CLOSE_FLOOD = 4429

MAX_MESSAGE = 4096  # characters: the largest message a client needs is a caret
MAX_BAD_MESSAGES = 20  # malformed messages tolerated (each answered) before closing
MAX_OFFSET = 1_000_000
LANGUAGES = {code for code, _name in Language.choices}


@dataclass
class Access:
    read_only: bool
    articles: set[int]
    user: dict[str, str]


class TokenBucket:
    """At most `rate` messages a second on average, `burst` at once."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.at = burst, time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


def access_for(who: Reader | None, draft_id: int) -> Access | None:
    """What `who` may do on the draft's socket, or None if they may not subscribe: the same
    rules as the draft's pages."""
    user = permissions.actor_or_none(who)
    if user is None:
        return None
    try:
        draft = draft_selectors.draft_get(user, draft_id)
    except NotFoundError:
        return None
    membership = permissions.membership_of(user, draft)
    articles = set(draft_selectors.articles_of(user, draft).values_list("pk", flat=True))
    name = f"{user.first_name} {user.last_name}".strip() or user.get_username()
    return Access(
        read_only=not permissions.can_edit_text(user, draft),
        articles=articles,
        user={
            "username": user.get_username(),
            "name": name,
            "delegation": membership.delegation if membership else "",
        },
    )


def user_for_token(key: Any) -> Actor | None:
    if not isinstance(key, str) or not 1 <= len(key) <= 64:
        return None
    try:
        return token_services.token_check(key)
    except token_services.TokenRefused:
        return None


def _offset(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_OFFSET:
        return None
    return value


class DraftConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        self.draft_id = int(self.scope["url_route"]["kwargs"]["draft_id"])
        self.cid = secrets.token_hex(6)
        self.access: Access | None = None
        self.group = draft_group(self.draft_id)
        self.bad = 0
        self.bucket = TokenBucket(settings.ENTENTE_SOCKET_RATE, settings.ENTENTE_SOCKET_BURST)
        self.where: dict[str, Any] = {}
        await self.accept()
        user = permissions.actor_or_none(self.scope.get("user"))
        if user is not None:
            await self.subscribe(user)
        # Otherwise the first message must be {"type": "auth", "token": "…"}.

    async def disconnect(self, code: int) -> None:
        if self.access is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)
            await self.channel_layer.group_send(
                self.group, {"type": "presence.left", "cid": self.cid}
            )

    async def refuse(self, code: int, error: str, detail: str) -> None:
        await self.send_json({"type": "error", "code": error, "detail": detail})
        await self.close(code=code)

    async def subscribe(self, user: Actor) -> None:
        access = await database_sync_to_async(access_for)(user, self.draft_id)
        if access is None:
            # As for the pages: whoever may not read the draft learns nothing about it.
            await self.refuse(CLOSE_NOT_FOUND, "not_found", _("No such draft."))
            return
        self.user = user
        self.access = access
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.send_json(
            {
                "type": "hello",
                "draft": self.draft_id,
                "cid": self.cid,
                "read_only": access.read_only,
                "user": access.user,
            }
        )
        # Others answer with their presence, so the newcomer sees who is here at once.
        await self.channel_layer.group_send(self.group, {"type": "presence.join", "cid": self.cid})

    async def send_json(self, content: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(content, ensure_ascii=False))

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if not self.bucket.take():
            await self.refuse(
                CLOSE_FLOOD,
                "rate_limited",
                _("Too many messages: this connection is closed. Reload the page to reconnect."),
            )
            return
        message = None
        if text_data is not None and len(text_data) <= MAX_MESSAGE:
            try:
                message = json.loads(text_data)
            except ValueError:
                message = None
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            await self.bad_input(
                _("Each message must be a JSON object of at most 4096 characters with a type.")
            )
            return
        kind = message["type"]
        if self.access is None:
            if kind != "auth":
                await self.refuse(
                    CLOSE_UNAUTHENTICATED,
                    "not_authenticated",
                    _('Sign in first: send {"type": "auth", "token": …} or use a session.'),
                )
                return
            user = await database_sync_to_async(user_for_token)(message.get("token"))
            if user is None:
                await self.refuse(
                    CLOSE_UNAUTHENTICATED, "not_authenticated", _("Invalid or expired token.")
                )
                return
            await self.subscribe(user)
            return
        if kind == "ping":
            await self.send_json({"type": "pong"})
        elif kind == "presence":
            await self.presence(message)
        elif kind == "auth":
            await self.bad_input(_("Already signed in."))
        else:
            await self.bad_input(_("Unknown message type."))

    async def bad_input(self, detail: str, code: str = "bad_message") -> None:
        self.bad += 1
        if self.bad > MAX_BAD_MESSAGES:
            await self.refuse(CLOSE_BAD_INPUT, code, _("Too many malformed messages."))
            return
        await self.send_json({"type": "error", "code": code, "detail": detail})

    async def presence(self, message: dict[str, Any]) -> None:
        """{"type": "presence", "article": id|null, "language": "en"|"ja", "from": n, "to": n}:
        where this person is, and (drafters only) their caret or selection."""
        assert self.access is not None
        article = message.get("article")
        if article is not None:
            if isinstance(article, bool) or not isinstance(article, int):
                await self.bad_input(_("article must be an article id or null."))
                return
            if article not in self.access.articles:
                # Another draft's article, or none at all: the same answer.
                await self.bad_input(_("No such article on this draft."), code="not_found")
                return
            if message.get("language") not in LANGUAGES:
                await self.bad_input(_('language must be "en" or "ja".'))
                return
        caret = None
        if article is not None and ("from" in message or "to" in message):
            start, end = _offset(message.get("from")), _offset(message.get("to"))
            if start is None or end is None:
                await self.bad_input(_("from and to must be offsets (0 or more)."))
                return
            if self.access.read_only:
                await self.bad_input(
                    _("Your role lets you read this draft, not edit it."), code="read_only"
                )
                return
            caret = [min(start, end), max(start, end)]
        self.where = {
            "article": article,
            "language": message.get("language") if article is not None else None,
            "caret": caret,
        }
        await self.channel_layer.group_send(self.group, self.presence_event())

    def presence_event(self) -> dict[str, Any]:
        assert self.access is not None
        return {
            "type": "presence.relay",
            "cid": self.cid,
            "user": self.access.user,
            "read_only": self.access.read_only,
            **self.where,
        }

    # Messages from the group -------------------------------------------------------------

    async def article_changed(self, event: dict[str, Any]) -> None:
        if self.access is None:
            return
        # A new article announces its first text here: carets may go to it from now on.
        self.access.articles.add(event["article"])
        await self.send_json({**event, "type": "changed"})

    async def review_changed(self, event: dict[str, Any]) -> None:
        if self.access is not None:
            await self.send_json({**event, "type": "review"})

    async def negotiation_changed(self, event: dict[str, Any]) -> None:
        # Only readers of the live draft are subscribed (a consultee is refused at connect and
        # reads a round's frozen brackets instead).
        if self.access is not None:
            await self.send_json({**event, "type": "negotiation"})

    async def presence_relay(self, event: dict[str, Any]) -> None:
        if self.access is not None and event["cid"] != self.cid:
            await self.send_json({**event, "type": "presence"})

    async def presence_join(self, event: dict[str, Any]) -> None:
        if self.access is not None and event["cid"] != self.cid and self.where:
            await self.channel_layer.group_send(self.group, self.presence_event())

    async def presence_left(self, event: dict[str, Any]) -> None:
        if self.access is not None and event["cid"] != self.cid:
            await self.send_json({"type": "left", "cid": event["cid"]})

    async def members_changed(self, event: dict[str, Any]) -> None:
        if self.access is None:
            return
        access = await database_sync_to_async(access_for)(self.user, self.draft_id)
        if access is None:
            await self.channel_layer.group_discard(self.group, self.channel_name)
            self.access = None
            await self.refuse(
                CLOSE_FORBIDDEN, "forbidden", _("You are no longer a member of this draft.")
            )
            return
        self.access = access
        await self.send_json({"type": "access", "read_only": access.read_only})
