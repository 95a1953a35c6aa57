"""Appending to the audit trail, and checking that nobody altered it."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import F, Max, OuterRef, Q, Subquery
from django.utils import timezone

from ..models import AuditCheckpoint, AuditEvent, AuditHead
from ..permissions import Actor

GENESIS_HASH = "0" * 64

logger = logging.getLogger("entente.audit")


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


# --- keyed checkpoints ----------------------------------------------------------------


def _key_id(key: str) -> str:
    """A fingerprint naming the key in each checkpoint; it reveals nothing of the key."""
    return hmac.new(key.encode(), b"entente audit key id", hashlib.sha256).hexdigest()[:16]


def _mac_key(key: str) -> bytes:
    # Derived rather than the setting itself, so the key serves no other purpose.
    return hmac.new(key.encode(), b"entente audit checkpoint", hashlib.sha256).digest()


def audit_keys() -> dict[str, bytes]:
    """Each configured audit key (the current one first, then the retired ones) by key id."""
    keys = [settings.AUDIT_KEY, *getattr(settings, "AUDIT_KEY_FALLBACKS", [])]
    return {_key_id(key): _mac_key(key) for key in keys if key}


def _checkpoint_mac(checkpoint: AuditCheckpoint, mac_key: bytes) -> str:
    message = json.dumps(
        {
            "chain": checkpoint.chain,
            "number": checkpoint.number,
            "seq": checkpoint.seq,
            "hash": checkpoint.hash,
            "at": checkpoint.at.isoformat(),
            "key_id": checkpoint.key_id,
            "prev_mac": checkpoint.prev_mac,
        },
        sort_keys=True,
        separators=(",", ":"),
    )
    return hmac.new(mac_key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def audit_checkpoint(chain: str) -> AuditCheckpoint | None:
    """Sign the chain's head as it is now; nothing when the head has not moved past the last
    checkpoint. A head behind the last checkpoint is left as it is: verify_audit reports it."""
    if not settings.AUDIT_KEY:
        raise ImproperlyConfigured("AUDIT_KEY is not set: no audit checkpoint can be written.")
    with transaction.atomic():
        # The head's lock orders this with appends to the chain and with another checkpoint
        # of it: the signed seq and hash are a state the chain really had.
        head = AuditHead.objects.select_for_update().filter(chain=chain).first()
        if head is None or head.seq == 0:
            return None
        last = AuditCheckpoint.objects.filter(chain=chain).order_by("-number").first()
        if last is not None and head.seq <= last.seq:
            return None
        checkpoint = AuditCheckpoint(
            chain=chain,
            number=last.number + 1 if last is not None else 1,
            seq=head.seq,
            hash=head.hash,
            at=timezone.now(),
            key_id=_key_id(settings.AUDIT_KEY),
            prev_mac=last.mac if last is not None else GENESIS_HASH,
        )
        checkpoint.mac = _checkpoint_mac(checkpoint, _mac_key(settings.AUDIT_KEY))
        checkpoint.save(force_insert=True)
    # In the log too: a copy kept off the database host outlives any rewrite of it.
    logger.info(
        "audit checkpoint %s of %s: event #%s hash %s mac %s",
        checkpoint.number,
        _chain_label(chain),
        checkpoint.seq,
        checkpoint.hash,
        checkpoint.mac,
    )
    return checkpoint


def audit_checkpoint_all() -> list[AuditCheckpoint]:
    """Seal the draft chains together, then sign every chain that moved since its last
    checkpoint (run by Celery beat, by `manage.py audit_checkpoint` and by
    `verify_audit --checkpoint`)."""
    if not settings.AUDIT_KEY:
        raise ImproperlyConfigured("AUDIT_KEY is not set: no audit checkpoint can be written.")
    audit_seal()
    last_seq = Subquery(
        AuditCheckpoint.objects.filter(chain=OuterRef("chain"))
        .order_by()
        .values("chain")
        .annotate(seq=Max("seq"))
        .values("seq")[:1]
    )
    moved = (
        AuditHead.objects.filter(seq__gt=0)
        .annotate(checkpointed=last_seq)
        .filter(Q(checkpointed__isnull=True) | Q(seq__gt=F("checkpointed")))
        .order_by("chain")
        .values_list("chain", flat=True)
    )
    written = []
    for chain in list(moved):
        checkpoint = audit_checkpoint(chain)
        if checkpoint is not None:
            written.append(checkpoint)
    return written


@dataclass(frozen=True)
class ChainProblem:
    chain: str
    problem: str
    first_bad_seq: int
    # The checkpoint the problem is about, by its number in the chain's checkpoints.
    checkpoint: int | None = None


@dataclass(frozen=True)
class AuditCheck:
    ok: bool
    events: int
    problem: str = ""
    first_bad_seq: int | None = None
    chain: str | None = None
    problems: tuple[ChainProblem, ...] = ()
    # Not proof of tampering, but worth a look: chains whose recent events have no checkpoint.
    warnings: tuple[ChainProblem, ...] = ()
    checkpoints: int = 0


def _chain_label(chain: str) -> str:
    return f"chain {chain}" if chain else "chain outside drafts"


def _checkpoint_label(checkpoint: AuditCheckpoint) -> str:
    return (
        f"checkpoint {checkpoint.number} (id {checkpoint.pk}, "
        f"signed {checkpoint.at:%Y-%m-%d %H:%M:%S} UTC, at event #{checkpoint.seq})"
    )


def _checkpoints_verify(
    chain: str, keys: dict[str, bytes]
) -> tuple[list[AuditCheckpoint], ChainProblem | None]:
    """The chain's checkpoints whose signature holds, and the first checkpoint forged,
    altered, missing (deleted) or out of order, if any."""
    label = _chain_label(chain)
    trusted: list[AuditCheckpoint] = []
    problem: ChainProblem | None = None
    prev_mac, expected = GENESIS_HASH, 1
    for checkpoint in AuditCheckpoint.objects.filter(chain=chain).order_by("number"):
        mac_key = keys.get(checkpoint.key_id)
        name = _checkpoint_label(checkpoint)
        bad = ""
        if mac_key is None:
            bad = f"{label}: {name} was signed with a key that is not configured (key id {checkpoint.key_id})"
        elif not hmac.compare_digest(_checkpoint_mac(checkpoint, mac_key), checkpoint.mac):
            bad = f"{label}: {name} has no valid signature: it was forged or altered"
        else:
            trusted.append(checkpoint)
        if problem is None:
            if not bad and checkpoint.number != expected:
                bad = (
                    f"{label}: checkpoint {expected} is missing before {name}: "
                    "checkpoints were deleted"
                )
            elif not bad and checkpoint.prev_mac != prev_mac:
                bad = (
                    f"{label}: {name} does not follow checkpoint {checkpoint.number - 1}: "
                    "a checkpoint was deleted or replaced"
                )
            if bad:
                problem = ChainProblem(chain, bad, checkpoint.seq, checkpoint.number)
        prev_mac, expected = checkpoint.mac, checkpoint.number + 1
    return trusted, problem


def _chain_verify(
    chain: str,
    batch: int,
    sealed: dict[str, tuple[int, str]],
    signed: list[AuditCheckpoint],
) -> tuple[int, ChainProblem | None]:
    """Walk one chain; the first event altered, removed or inserted, if any, against its own
    hashes, its head row, the seals and its signed checkpoints. Seals found in the chain
    outside drafts are collected into `sealed` (the latest per chain)."""
    expected_seq, prev_hash, count, last_seq = 1, GENESIS_HASH, 0, 0
    seal_at = sealed.get(chain)
    signed_at = {checkpoint.seq: checkpoint for checkpoint in signed}
    label = _chain_label(chain)
    good_since = 0  # the last event a checkpoint vouched for
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
            checkpoint = signed_at.get(event.seq)
            if checkpoint is not None:
                if event.hash != checkpoint.hash:
                    # The hashes agree with each other, so they were recomputed: the
                    # rewritten event is this one or one after the last event vouched for.
                    return count, ChainProblem(
                        chain,
                        f"{label}: event #{event.seq} differs from {_checkpoint_label(checkpoint)}: "
                        f"events #{good_since + 1} to #{event.seq} were rewritten and their "
                        "hashes recomputed",
                        event.seq,
                        checkpoint.number,
                    )
                good_since = event.seq
            if seal_at is not None and event.seq == seal_at[0] and event.hash != seal_at[1]:
                return count, ChainProblem(
                    chain, f"{label}: event #{event.seq} differs from the sealed one", event.seq
                )
            if chain == "" and event.action == SEAL_ACTION:
                for other, (seq, hash_) in (event.data.get("heads") or {}).items():
                    sealed[other] = (int(seq), str(hash_))
            prev_hash, expected_seq, last_seq = event.hash, event.seq + 1, event.seq
    if signed and signed[-1].seq > last_seq:
        checkpoint = signed[-1]
        return count, ChainProblem(
            chain,
            f"{label}: events #{last_seq + 1} to #{checkpoint.seq} were removed "
            f"({_checkpoint_label(checkpoint)} saw them)",
            last_seq + 1,
            checkpoint.number,
        )
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


def _unsigned_warning(chain: str, signed: list[AuditCheckpoint]) -> ChainProblem | None:
    """Events older than twice the checkpoint cadence with no checkpoint after them: the
    checkpoints stopped being written, or the newest were deleted."""
    after = signed[-1].seq if signed else 0
    first = AuditEvent.objects.filter(chain=chain, seq__gt=after).order_by("seq").first()
    overdue = timezone.now() - timedelta(seconds=2 * settings.AUDIT_CHECKPOINT_SECONDS)
    if first is None or first.at >= overdue:
        return None
    since = f"the last is {_checkpoint_label(signed[-1])}" if signed else "there is none"
    return ChainProblem(
        chain,
        f"{_chain_label(chain)}: no checkpoint covers the events from #{first.seq} "
        f"(written {first.at:%Y-%m-%d %H:%M:%S} UTC) on, and {since}: checkpoints stopped "
        "being written, or the newest were deleted",
        first.seq,
        signed[-1].number if signed else None,
    )


def audit_verify(batch: int = 2000) -> AuditCheck:
    """Walk every chain and report, per chain, the first event that was altered, removed or
    inserted, and the first checkpoint forged, altered or deleted; a chain whose whole tail
    went is found by its head row, by the seals and by its checkpoints. Needs the audit key
    to check the checkpoints (without it they are not checked, and that is a problem)."""
    keys = audit_keys()
    problems: list[ChainProblem] = []
    warnings: list[ChainProblem] = []
    checkpoints = AuditCheckpoint.objects.count()
    if not keys and checkpoints:
        problems.append(
            ChainProblem(
                "",
                f"AUDIT_KEY is not set: the {checkpoints} checkpoints cannot be checked",
                0,
            )
        )
    elif not keys:
        warnings.append(
            ChainProblem("", "AUDIT_KEY is not set: no checkpoint is written or checked", 0)
        )

    sealed: dict[str, tuple[int, str]] = {}

    def chain_check(chain: str) -> int:
        signed, checkpoint_problem = _checkpoints_verify(chain, keys) if keys else ([], None)
        n, problem = _chain_verify(chain, batch, sealed, signed)
        problems.extend(p for p in (problem, checkpoint_problem) if p is not None)
        warning = _unsigned_warning(chain, signed) if keys else None
        if warning is not None:
            warnings.append(warning)
        return n

    # The chain outside drafts first: it holds the seals the other chains are checked against.
    count = chain_check("")
    chains = set(AuditHead.objects.exclude(chain="").values_list("chain", flat=True))
    chains |= set(
        AuditEvent.objects.exclude(chain="").order_by().values_list("chain", flat=True).distinct()
    )
    chains |= set(
        AuditCheckpoint.objects.exclude(chain="")
        .order_by()
        .values_list("chain", flat=True)
        .distinct()
    )
    chains |= set(sealed)
    for chain in sorted(chains):
        count += chain_check(chain)
    if problems:
        first = problems[0]
        return AuditCheck(
            False,
            count,
            first.problem,
            first.first_bad_seq,
            first.chain,
            tuple(problems),
            tuple(warnings),
            checkpoints,
        )
    return AuditCheck(True, count, warnings=tuple(warnings), checkpoints=checkpoints)
