"""A reference client of the co-editing protocol (docs/protocol.md, protocol 1), in plain Python.

The browser's editor implements the same algorithm in JavaScript; this one drives the tests,
the network simulation and the benchmarks. The transport is a callable, so the same client
speaks to Django's test client, to a simulated lossy network or to a real server over HTTP.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import textdiff

Transport = Callable[[str, dict[str, Any]], tuple[int, dict[str, Any]]]


class NetworkError(Exception):
    """The request or its response was lost; the client keeps everything and retries."""


@dataclass
class PendingRequest:
    seq: int
    body: dict[str, Any]


@dataclass
class SyncClient:
    transport: Transport
    article_id: int
    language: str = "en"
    session: str = ""
    text: str = ""
    shadow: str = ""
    client_version: int = 0  # n
    server_version: int = 0  # m
    seq: int = 0
    pending: list[dict[str, Any]] = field(default_factory=list)
    in_flight: PendingRequest | None = None
    local_conflicts: list[textdiff.Conflict] = field(default_factory=list)
    server_conflicts: list[dict[str, Any]] = field(default_factory=list)
    editors: list[dict[str, Any]] = field(default_factory=list)
    revision: int = 0
    resets: int = 0

    @property
    def base(self) -> str:
        return f"/api/v1/articles/{self.article_id}/sessions/"

    def start(self) -> None:
        status, body = self.transport(self.base, {"language": self.language})
        if status != 201:
            raise RuntimeError(f"could not start a session: {status} {body}")
        self.session = body["session"]
        self.text = self.shadow = body["text"]
        self.client_version, self.server_version = body["client_version"], body["server_version"]
        self.revision = body["revision"]

    def prepare(self) -> PendingRequest:
        """Turn what the user typed into an edit and build the next request. At most one
        request is in flight per session."""
        if self.text != self.shadow:
            self.pending.append(
                {
                    "client_version": self.client_version,
                    "delta": textdiff.make_delta(self.shadow, self.text),
                }
            )
            self.shadow = self.text
            self.client_version += 1
        self.seq += 1
        body = {"seq": self.seq, "server_version": self.server_version, "edits": list(self.pending)}
        self.in_flight = PendingRequest(self.seq, body)
        return self.in_flight

    def receive(self, status: int, body: dict[str, Any]) -> None:
        """Handle an answer. Answers to anything but the request in flight are ignored."""
        if self.in_flight is None or body.get("seq") != self.in_flight.seq:
            return
        self.in_flight = None
        if status == 200:
            acknowledged = body["client_version"]
            self.pending = [e for e in self.pending if e["client_version"] >= acknowledged]
            for edit in body.get("edits", []):
                if edit["server_version"] != self.server_version:
                    continue
                new_shadow = textdiff.apply_delta(self.shadow, edit["delta"])
                # The user's typing since the request went out is kept (merged as "ours").
                self.text, conflicts = textdiff.merge(self.shadow, self.text, new_shadow)
                self.local_conflicts += conflicts
                self.shadow = new_shadow
                self.server_version += 1
            self.server_conflicts += body.get("conflicts", [])
            self.editors = body.get("editors", [])
            self.revision = body.get("revision", self.revision)
        elif status == 409 and body.get("reset"):
            # Keep the local text: the next request carries every local change as one edit.
            self.resets += 1
            self.shadow = body["text"]
            self.client_version = body["client_version"]
            self.server_version = body["server_version"]
            self.pending = []
        # A stale answer, a network error or a 5xx: keep everything and resend later.

    def lost(self) -> None:
        """The request or its answer was lost: forget the request, keep every edit."""
        self.in_flight = None

    def sync(self) -> int:
        """One round trip through the transport. Returns the status (0 when lost)."""
        request = self.prepare()
        try:
            status, body = self.transport(f"{self.base}{self.session}/sync/", request.body)
        except NetworkError:
            self.lost()
            return 0
        if status >= 500:
            self.lost()
            return status
        self.receive(status, body)
        return status
