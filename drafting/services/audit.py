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


def chain_for(draft_id: int | None) -> str:
    """The chain an event joins: its draft's, or "" for writes outside drafts."""
    return f"draft:{draft_id}" if draft_id is not None else ""


def _hashed_fields(event: AuditEvent) -> dict[str, Any]:
    fields = {
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
    # The chain outside drafts keeps the original fields (its events predate the split and
    # must verify unchanged); a draft chain's events carry their chain, so an event moved
    # into another chain no longer matches its hash.
    if event.chain:
        fields["chain"] = event.chain
    return fields


def audit_record(
    *,
    actor: Actor | None,
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
    chain = chain_for(draft_id)
    # Only this chain's head is locked: writes on other drafts append in parallel.
    head, _ = AuditHead.objects.select_for_update().get_or_create(
        chain=chain, defaults={"hash": GENESIS_HASH}
    )
    event = AuditEvent(
        chain=chain,
        seq=head.seq + 1,
        at=timezone.now(),
        # None: an event of the system itself (a seal, a reminder sent by the scheduler).
        actor_id=actor.pk if actor is not None else None,
        actor_username=actor.get_username() if actor is not None else "",
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


SEAL_ACTION = "audit.seal"


def audit_seal() -> AuditEvent | None:
    """Chain the heads together: record every chain's head (seq and hash) as an event of the
    chain outside drafts. Removing a whole tail of a draft chain (and rewinding its head row)
    then still shows, because the sealed event is gone. Run periodically by Celery beat; does
    nothing when no chain moved since the last seal."""
    with transaction.atomic():
        heads = {
            h.chain: [h.seq, h.hash]
            for h in AuditHead.objects.exclude(chain="").order_by("chain")
            if h.seq > 0
        }
        last = AuditEvent.objects.filter(chain="", action=SEAL_ACTION).order_by("-seq").first()
        if not heads or (last is not None and last.data.get("heads") == heads):
            return None
        return audit_record(
            actor=None, action=SEAL_ACTION, object_type="audit", data={"heads": heads}
        )


@dataclass(frozen=True)
class ChainProblem:
    chain: str
    problem: str
    first_bad_seq: int


@dataclass(frozen=True)
class AuditCheck:
    ok: bool
    events: int
    problem: str = ""
    first_bad_seq: int | None = None
    chain: str | None = None
    problems: tuple[ChainProblem, ...] = ()


def _chain_label(chain: str) -> str:
    return f"chain {chain}" if chain else "chain outside drafts"


def _chain_verify(
    chain: str, batch: int, sealed: dict[str, tuple[int, str]]
) -> tuple[int, ChainProblem | None]:
    """Walk one chain; the first event altered, removed or inserted, if any. Seals found in
    the chain outside drafts are collected into `sealed` (the latest per chain)."""
    expected_seq, prev_hash, count, last_seq = 1, GENESIS_HASH, 0, 0
    seal_at = sealed.get(chain)
    label = _chain_label(chain)
    while True:
        events = list(
            AuditEvent.objects.filter(chain=chain, seq__gt=last_seq).order_by("seq")[:batch]
        )
        if not events:
            break
        for event in events:
            count += 1
            if event.seq != expected_seq:
                return count, ChainProblem(
                    chain,
                    f"{label}: event #{expected_seq} is missing (next is #{event.seq})",
                    expected_seq,
                )
            if event.prev_hash != prev_hash:
                return count, ChainProblem(
                    chain,
                    f"{label}: event #{event.seq} does not follow the hash of the event before it",
                    event.seq,
                )
            if _event_hash(_hashed_fields(event)) != event.hash:
                return count, ChainProblem(
                    chain,
                    f"{label}: event #{event.seq} was altered after it was written",
                    event.seq,
                )
            if seal_at is not None and event.seq == seal_at[0] and event.hash != seal_at[1]:
                return count, ChainProblem(
                    chain, f"{label}: event #{event.seq} differs from the sealed one", event.seq
                )
            if chain == "" and event.action == SEAL_ACTION:
                for other, (seq, hash_) in (event.data.get("heads") or {}).items():
                    sealed[other] = (int(seq), str(hash_))
            prev_hash, expected_seq, last_seq = event.hash, event.seq + 1, event.seq
    head = AuditHead.objects.filter(chain=chain).first()
    if head is not None and (head.seq != last_seq or head.hash != prev_hash):
        return count, ChainProblem(
            chain,
            f"{label}: events after #{last_seq} were removed (the log had reached #{head.seq})",
            last_seq + 1,
        )
    if seal_at is not None and seal_at[0] > last_seq:
        return count, ChainProblem(
            chain,
            f"{label}: events after #{last_seq} were removed (a seal saw #{seal_at[0]})",
            last_seq + 1,
        )
    return count, None


def audit_verify(batch: int = 2000) -> AuditCheck:
    """Walk every chain and report, per chain, the first event that was altered, removed or
    inserted; a chain whose whole tail went is found by its head row and by the seals."""
    sealed: dict[str, tuple[int, str]] = {}
    # The chain outside drafts first: it holds the seals the other chains are checked against.
    count, problem = _chain_verify("", batch, sealed)
    problems = [problem] if problem else []
    chains = set(AuditHead.objects.exclude(chain="").values_list("chain", flat=True))
    chains |= set(
        AuditEvent.objects.exclude(chain="").order_by().values_list("chain", flat=True).distinct()
    )
    chains |= set(sealed)
    for chain in sorted(chains):
        n, problem = _chain_verify(chain, batch, sealed)
        count += n
        if problem:
            problems.append(problem)
    if problems:
        first = problems[0]
        return AuditCheck(
            False, count, first.problem, first.first_bad_seq, first.chain, tuple(problems)
        )
    return AuditCheck(True, count)
