"""The audit trail: an append-only, hash-chained log of every write."""

from __future__ import annotations

from django.db import models


class AuditEvent(models.Model):
    """One write: who, what, when, on what. Each event carries the hash of the one before,
    so altering or removing an event breaks the chain (manage.py verify_audit finds it).

    No foreign keys: an event must never change because something it names changed or went.
    On PostgreSQL the database itself refuses UPDATE and DELETE on this table.
    """

    # Which chain the event belongs to: "" for writes outside drafts (and every event written
    # before the chains were split), "draft:<id>" for a draft's writes. Numbering and hashes
    # run per chain, so writes on different drafts never wait for each other.
    chain = models.CharField(max_length=40, default="", blank=True)
    seq = models.PositiveBigIntegerField()
    at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True)
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=60, blank=True)
    draft_id = models.BigIntegerField(null=True, db_index=True)
    data = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="auditevent_chain_seq_unique")
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id} by {self.actor_username}"


class AuditHead(models.Model):
    """A chain's last event number and hash: one row per chain, locked while an event is
    appended to that chain, so that its appends are serialised and numbered without gaps
    (and appends to other chains are not held up)."""

    chain = models.CharField(max_length=40, default="", blank=True, unique=True)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"audit head {self.chain or 'global'} #{self.seq}"


class AuditCheckpoint(models.Model):
    """A chain's head (event number and hash) at a moment, signed with the audit key, which
    is not in the database. Someone who holds the database but not the key can rewrite
    events and recompute every hash after them, but cannot make a checkpoint agree with the
    rewritten chain, nor forge a new one. Each checkpoint's MAC covers the one before it in
    the same chain, so a checkpoint removed from the middle, or reordered, shows too.

    On PostgreSQL the database refuses UPDATE, DELETE and TRUNCATE on this table.
    """

    chain = models.CharField(max_length=40, blank=True)
    # The checkpoints of one chain are numbered from 1, without gaps.
    number = models.PositiveBigIntegerField()
    seq = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64)
    at = models.DateTimeField()
    # Which key signed it (a fingerprint of the key, not the key): after a rotation the older
    # checkpoints are checked with the retired key whose fingerprint this is.
    key_id = models.CharField(max_length=16)
    prev_mac = models.CharField(max_length=64)
    mac = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["chain", "number"], name="auditcheckpoint_chain_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"audit checkpoint {self.chain or 'global'} {self.number} at #{self.seq}"
