"""The audit trail as one chain per draft plus one outside drafts, sealed together."""

from __future__ import annotations

import pytest
from django.db import connection

from drafting.models import AuditEvent, AuditHead
from drafting.services import audit
from drafting.services.drafts import article_create, draft_create

pytestmark = pytest.mark.django_db

tamper = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL refuses the tampering itself"
)


@pytest.fixture
def two_drafts(personas):
    one = draft_create(actor=personas.owner, title="One", delegation="UK")
    two = draft_create(actor=personas.owner, title="Two", delegation="UK")
    for draft in (one, two):
        for heading in ("Purposes", "Scope", "Duration"):
            article_create(
                actor=personas.owner, draft=draft, kind="article", heading=heading, text_en="Text."
            )
    return one, two


def test_each_draft_has_its_own_chain_numbered_from_one(two_drafts):
    one, two = two_drafts
    for draft in two_drafts:
        seqs = list(
            AuditEvent.objects.filter(chain=f"draft:{draft.pk}")
            .order_by("seq")
            .values_list("seq", flat=True)
        )
        assert seqs and seqs == list(range(1, len(seqs) + 1))
        assert AuditHead.objects.get(chain=f"draft:{draft.pk}").seq == seqs[-1]
    # Nothing of a draft lands in the chain outside drafts.
    assert not AuditEvent.objects.filter(chain="", draft_id__in=[one.pk, two.pk]).exists()
    assert audit.audit_verify().ok


def test_seal_records_every_heads_and_is_skipped_when_nothing_moved(two_drafts):
    _one, _two = two_drafts
    seal = audit.audit_seal()
    assert seal is not None and seal.chain == "" and seal.action == audit.SEAL_ACTION
    heads = seal.data["heads"]
    for draft in two_drafts:
        head = AuditHead.objects.get(chain=f"draft:{draft.pk}")
        assert heads[f"draft:{draft.pk}"] == [head.seq, head.hash]
    assert audit.audit_seal() is None
    assert audit.audit_verify().ok


@tamper
def test_tampering_is_found_in_each_chain(two_drafts):
    one, two = two_drafts
    for draft in two_drafts:
        chain = f"draft:{draft.pk}"
        victim = AuditEvent.objects.filter(chain=chain).order_by("seq")[1]
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE drafting_auditevent SET data = '{\"x\": 1}' WHERE id = %s", [victim.pk]
            )
    check = audit.audit_verify()
    assert not check.ok
    assert {(p.chain, p.first_bad_seq) for p in check.problems} == {
        (f"draft:{one.pk}", 2),
        (f"draft:{two.pk}", 2),
    }
    assert all("altered" in p.problem for p in check.problems)


@tamper
def test_an_event_moved_into_another_chain_is_found(two_drafts):
    one, _two = two_drafts
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE drafting_auditevent SET chain = 'draft:999' WHERE chain = %s AND seq = 1",
            [f"draft:{one.pk}"],
        )
    check = audit.audit_verify()
    assert not check.ok
    assert {p.chain for p in check.problems} == {f"draft:{one.pk}", "draft:999"}


@tamper
def test_an_inserted_event_is_found(two_drafts):
    one, _ = two_drafts
    chain = f"draft:{one.pk}"
    with connection.cursor() as cursor:
        # Renumber in two steps: the (chain, seq) constraint holds row by row.
        for shift in ("seq + 1000", "seq - 999"):
            cursor.execute(
                f"UPDATE drafting_auditevent SET seq = {shift} WHERE chain = %s AND seq >= 2",
                [chain],
            )
    first = AuditEvent.objects.filter(chain=chain, seq=1).get()
    AuditEvent.objects.create(
        chain=chain,
        seq=2,
        at=first.at,
        action="forged",
        object_type="draft",
        prev_hash=first.hash,
        hash="f" * 64,
    )
    check = audit.audit_verify()
    assert not check.ok and check.chain == chain and check.first_bad_seq == 2


@tamper
def test_a_removed_chain_tail_with_its_head_rewound_is_found_by_the_seal(two_drafts):
    one, _ = two_drafts
    chain = f"draft:{one.pk}"
    audit.audit_seal()
    head = AuditHead.objects.get(chain=chain)
    keep = AuditEvent.objects.get(chain=chain, seq=1)
    # Remove everything after the first event and make the head agree: only the seal knows.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM drafting_auditevent WHERE chain = %s AND seq > 1", [chain])
        cursor.execute(
            "UPDATE drafting_audithead SET seq = 1, hash = %s WHERE chain = %s", [keep.hash, chain]
        )
    check = audit.audit_verify()
    assert not check.ok and check.chain == chain
    assert "removed" in check.problem and f"#{head.seq}" in check.problem
    assert check.first_bad_seq == 2


@tamper
def test_a_whole_chain_removed_with_its_head_is_found_by_the_seal(two_drafts):
    one, _ = two_drafts
    chain = f"draft:{one.pk}"
    audit.audit_seal()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM drafting_auditevent WHERE chain = %s", [chain])
        cursor.execute("DELETE FROM drafting_audithead WHERE chain = %s", [chain])
    check = audit.audit_verify()
    assert not check.ok and check.chain == chain and check.first_bad_seq == 1


def test_seal_task_runs(two_drafts):
    from drafting.tasks import audit_seal

    assert audit_seal() is not None
    assert audit_seal() is None
