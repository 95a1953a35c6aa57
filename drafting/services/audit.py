"""Appending to the audit trail, and checking that nobody altered it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from ..models import AuditEvent, AuditHead
from ..permissions import Actor

GENESIS_HASH = "0" * 64


def _event_hash(fields: dict[str, Any]) -> str:
    canonical = json.dumps(
        fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _hashed_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "at": event.at.isoformat(),
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "draft_id": event.draft_id,
        "data": event.data,
        "prev_hash": event.prev_hash,
    }


def audit_record(
    *,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: Any = "",
    draft_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Must run inside the transaction of the write it records, so that
    the write and its event are committed together or not at all."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(
            "audit_record must be called inside the transaction of the write it records"
        )
    head, _ = AuditHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"hash": GENESIS_HASH}
    )
    authenticated = bool(actor is not None and getattr(actor, "is_authenticated", False))
    event = AuditEvent(
        seq=head.seq + 1,
        at=timezone.now(),
        actor_id=actor.pk if authenticated else None,
        actor_username=actor.get_username() if authenticated else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        draft_id=draft_id,
        data=json.loads(json.dumps(data or {}, default=str)),
        prev_hash=head.hash,
    )
    event.hash = _event_hash(_hashed_fields(event))
    event.save(force_insert=True)
    head.seq, head.hash = event.seq, event.hash
    head.save(update_fields=["seq", "hash"])
    return event


@dataclass(frozen=True)
class AuditCheck:
    ok: bool
    events: int
    problem: str = ""
    first_bad_seq: int | None = None


def audit_verify(batch: int = 2000) -> AuditCheck:
    """Walk the chain and report the first event that was altered, removed or inserted."""
    expected_seq, prev_hash, count = 1, GENESIS_HASH, 0
    last_seq = 0
    while True:
        events = list(AuditEvent.objects.filter(seq__gt=last_seq).order_by("seq")[:batch])
        if not events:
            break
        for event in events:
            count += 1
            if event.seq != expected_seq:
                return AuditCheck(
                    False,
                    count,
                    f"event #{expected_seq} is missing (next is #{event.seq})",
                    expected_seq,
                )
            if event.prev_hash != prev_hash:
                return AuditCheck(
                    False,
                    count,
                    f"event #{event.seq} does not follow the hash of the event before it",
                    event.seq,
                )
            if _event_hash(_hashed_fields(event)) != event.hash:
                return AuditCheck(
                    False, count, f"event #{event.seq} was altered after it was written", event.seq
                )
            prev_hash, expected_seq, last_seq = event.hash, event.seq + 1, event.seq
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != last_seq or head.hash != prev_hash):
        return AuditCheck(
            False,
            count,
            f"events after #{last_seq} were removed (the log had reached #{head.seq})",
            last_seq + 1,
        )
    return AuditCheck(True, count)
