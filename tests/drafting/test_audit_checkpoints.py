"""The audit trail against someone who holds the database but not the app's audit key: every
rewrite they can make on SQLite (or as the tables' owner) is found by the keyed checkpoints,
and on PostgreSQL the app's role cannot make it at all."""

from __future__ import annotations

import hashlib
import hmac
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from drafting import tasks
from drafting.models import AuditCheckpoint, AuditEvent, AuditHead
from drafting.services import audit
from drafting.services.drafts import article_create, draft_create

pytestmark = pytest.mark.django_db

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL refuses the tampering itself"
)
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the triggers and roles exist on PostgreSQL"
)


@pytest.fixture
def two_drafts(personas):
    one = draft_create(actor=personas.owner, title="One", delegation="UK")
    two = draft_create(actor=personas.owner, title="Two", delegation="UK")
    for draft in (one, two):
        add_articles(draft, personas, 3)
    return one, two


def add_articles(draft, personas, n):
    for k in range(n):
        article_create(
            actor=personas.owner, draft=draft, kind="article", heading=f"H{k}", text_en="Text."
        )


def record_outside_drafts(n):
    for k in range(n):
        with transaction.atomic():
            audit.audit_record(actor=None, action="test.outside", object_type="test", object_id=k)


def rewrite(chain, seq, actor_username):
    """What someone with the database and the (public) hashing scheme does: alter one event,
    then recompute the hash of every event after it and move the head along."""
    prev_hash = None
    for event in AuditEvent.objects.filter(chain=chain, seq__gte=seq).order_by("seq"):
        if event.seq == seq:
            event.actor_username = actor_username
        if prev_hash is not None:
            event.prev_hash = prev_hash
        event.hash = audit._event_hash(audit._hashed_fields(event))
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE drafting_auditevent SET actor_username = %s, "
                "prev_hash = %s, hash = %s WHERE id = %s",
                [
                    event.actor_username,
                    event.prev_hash,
                    event.hash,
                    event.pk,
                ],
            )
        prev_hash = event.hash
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE drafting_audithead SET hash = %s WHERE chain = %s", [prev_hash, chain]
        )


def rewind(chain, to_seq):
    """Cut the chain's tail after `to_seq` and make its head agree."""
    keep = AuditEvent.objects.get(chain=chain, seq=to_seq)
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM drafting_auditevent WHERE chain = %s AND seq > %s", [chain, to_seq]
        )
        cursor.execute(
            "UPDATE drafting_audithead SET seq = %s, hash = %s WHERE chain = %s",
            [to_seq, keep.hash, chain],
        )


# --- normal operation -------------------------------------------------------------------


def test_checkpoints_sign_every_chain_that_moved_and_verify_clean(two_drafts):
    one, two = two_drafts
    written = audit.audit_checkpoint_all()
    # The seal is written first, so the chain outside drafts is signed with it in.
    assert {c.chain for c in written} == {"", f"draft:{one.pk}", f"draft:{two.pk}"}
    for checkpoint in written:
        head = AuditHead.objects.get(chain=checkpoint.chain)
        assert (checkpoint.number, checkpoint.seq, checkpoint.hash) == (1, head.seq, head.hash)
        assert checkpoint.prev_mac == audit.GENESIS_HASH
    assert audit.audit_checkpoint_all() == []  # nothing moved
    check = audit.audit_verify()
    assert check.ok and check.checkpoints == 3 and check.warnings == ()


def test_only_the_chain_that_moved_gets_a_new_checkpoint_linked_to_its_last(two_drafts, personas):
    one, _two = two_drafts
    first = {c.chain: c for c in audit.audit_checkpoint_all()}
    add_articles(one, personas, 1)
    again = {c.chain: c for c in audit.audit_checkpoint_all()}
    # The draft moved, and the seal recording it moved the chain outside drafts.
    assert set(again) == {f"draft:{one.pk}", ""}
    new = again[f"draft:{one.pk}"]
    assert new.number == 2 and new.prev_mac == first[f"draft:{one.pk}"].mac
    assert audit.audit_verify().ok


def test_the_beat_task_writes_checkpoints(two_drafts, settings):
    assert tasks.audit_checkpoint() == 3
    assert tasks.audit_checkpoint() == 0
    assert AuditCheckpoint.objects.count() == 3
    assert settings.CELERY_BEAT_SCHEDULE["audit-checkpoint"]["task"] == (
        "drafting.tasks.audit_checkpoint"
    )


def test_commands_write_and_check_checkpoints(two_drafts):
    out = StringIO()
    call_command("audit_checkpoint", stdout=out)
    assert "3 checkpoints written" in out.getvalue()
    out = StringIO()
    call_command("verify_audit", "--checkpoint", stdout=out)
    assert "3 checkpoints." in out.getvalue() and "0 checkpoints written" in out.getvalue()


def test_without_the_key_no_checkpoint_is_written_and_existing_ones_cannot_pass(
    two_drafts, settings
):
    audit.audit_checkpoint_all()
    settings.AUDIT_KEY = ""
    with pytest.raises(CommandError, match="AUDIT_KEY is not set"):
        call_command("audit_checkpoint")
    check = audit.audit_verify()
    assert not check.ok and "AUDIT_KEY is not set" in check.problem


def test_a_rotated_key_still_verifies_older_checkpoints(two_drafts, personas, settings):
    one, _ = two_drafts
    audit.audit_checkpoint_all()
    old = settings.AUDIT_KEY
    settings.AUDIT_KEY = "a-new-audit-key-" + "n" * 40
    add_articles(one, personas, 1)
    audit.audit_checkpoint_all()
    assert len(set(AuditCheckpoint.objects.values_list("key_id", flat=True))) == 2
    check = audit.audit_verify()
    assert not check.ok and "key that is not configured" in check.problem
    settings.AUDIT_KEY_FALLBACKS = [old]
    assert audit.audit_verify().ok


# --- what a database holder without the key can do, and how it is found -------------------


@sqlite_only
@pytest.mark.parametrize("outside_drafts", [False, True])
def test_a_cut_tail_with_its_head_rewound_is_found_by_the_checkpoint(two_drafts, outside_drafts):
    one, _ = two_drafts
    if outside_drafts:
        record_outside_drafts(3)
    chain = "" if outside_drafts else f"draft:{one.pk}"
    checkpoint = {c.chain: c for c in audit.audit_checkpoint_all()}[chain]
    rewind(chain, 1)
    check = audit.audit_verify()
    assert not check.ok and check.chain == chain and check.first_bad_seq == 2
    assert f"events #2 to #{checkpoint.seq} were removed" in check.problem
    assert f"checkpoint 1 (id {checkpoint.pk}," in check.problem


@sqlite_only
def test_a_truncated_trail_with_its_heads_reset_is_found(two_drafts):
    """The PostgreSQL finding: TRUNCATE and a reset head used to verify as 'intact: 0 events'."""
    audit.audit_checkpoint_all()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM drafting_auditevent")
        cursor.execute("UPDATE drafting_audithead SET seq = 0, hash = %s", [audit.GENESIS_HASH])
    check = audit.audit_verify()
    assert not check.ok
    assert {p.chain for p in check.problems} == set(
        AuditCheckpoint.objects.values_list("chain", flat=True)
    )
    assert all("events #1 to #" in p.problem for p in check.problems)


@sqlite_only
def test_without_a_checkpoint_a_rewrite_with_recomputed_hashes_passes_the_chain(two_drafts):
    """The finding itself: the hash chain alone cannot see it (every hash agrees)."""
    one, _ = two_drafts
    chain = f"draft:{one.pk}"
    rewrite(chain, 2, actor_username="mallory")
    assert AuditEvent.objects.get(chain=chain, seq=2).actor_username == "mallory"
    assert audit.audit_verify().ok


@sqlite_only
def test_an_edited_event_with_recomputed_hashes_is_named_by_its_checkpoint(two_drafts, personas):
    one, two = two_drafts
    chain = f"draft:{one.pk}"
    audit.audit_checkpoint_all()
    since = AuditHead.objects.get(chain=chain).seq
    add_articles(one, personas, 2)
    second = {c.chain: c for c in audit.audit_checkpoint_all()}[chain]
    add_articles(one, personas, 1)
    rewrite(chain, since + 2, actor_username="mallory")
    check = audit.audit_verify()
    assert not check.ok and [p.chain for p in check.problems] == [chain]
    problem = check.problems[0]
    assert (problem.first_bad_seq, problem.checkpoint) == (second.seq, 2)
    assert f"event #{second.seq} differs from checkpoint 2 (id {second.pk}," in problem.problem
    assert f"events #{since + 1} to #{second.seq} were rewritten" in problem.problem
    # The other draft's chain is untouched and passes.
    assert f"draft:{two.pk}" not in {p.chain for p in check.problems}


@sqlite_only
def test_a_checkpoint_re_signed_without_the_key_is_found(two_drafts):
    one, _ = two_drafts
    chain = f"draft:{one.pk}"
    checkpoint = {c.chain: c for c in audit.audit_checkpoint_all()}[chain]
    rewrite(chain, 2, actor_username="mallory")
    # Make the checkpoint agree with the rewritten chain, signed with a guessed key.
    checkpoint.hash = AuditHead.objects.get(chain=chain).hash
    checkpoint.mac = hmac.new(b"guess", checkpoint.hash.encode(), hashlib.sha256).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE drafting_auditcheckpoint SET hash = %s, mac = %s WHERE id = %s",
            [checkpoint.hash, checkpoint.mac, checkpoint.pk],
        )
    check = audit.audit_verify()
    assert not check.ok and check.chain == chain
    assert any(
        p.checkpoint == 1
        and f"checkpoint 1 (id {checkpoint.pk}," in p.problem
        and "no valid signature" in p.problem
        for p in check.problems
    )


def test_a_checkpoint_forged_with_another_key_is_found(two_drafts, personas, settings):
    """Inserting is what the app's role may do, on PostgreSQL too."""
    one, _ = two_drafts
    chain = f"draft:{one.pk}"
    audit.audit_checkpoint_all()
    add_articles(one, personas, 1)
    settings.AUDIT_KEY = "the-attackers-own-key-" + "z" * 40
    forged = audit.audit_checkpoint(chain)
    settings.AUDIT_KEY = "entente-tests-only-audit-" + "k" * 40
    check = audit.audit_verify()
    assert not check.ok and check.chain == chain
    assert check.problems[0].checkpoint == 2
    assert f"checkpoint 2 (id {forged.pk}," in check.problem
    assert "key that is not configured" in check.problem


@sqlite_only
def test_a_deleted_checkpoint_is_found(two_drafts, personas):
    one, _ = two_drafts
    chain = f"draft:{one.pk}"
    for _ in range(3):
        audit.audit_checkpoint_all()
        add_articles(one, personas, 1)
    second = AuditCheckpoint.objects.get(chain=chain, number=2)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM drafting_auditcheckpoint WHERE id = %s", [second.pk])
    check = audit.audit_verify()
    assert not check.ok and check.chain == chain and check.problems[0].checkpoint == 3
    assert "checkpoint 2 is missing before checkpoint 3" in check.problem


@sqlite_only
def test_deleted_newest_checkpoints_show_as_a_warning_once_the_cadence_has_passed(
    two_drafts, personas, settings
):
    one, _ = two_drafts
    chain = f"draft:{one.pk}"
    audit.audit_checkpoint_all()
    add_articles(one, personas, 1)
    audit.audit_checkpoint_all()
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM drafting_auditcheckpoint WHERE chain = %s AND number = 2", [chain]
        )
    check = audit.audit_verify()
    assert check.ok and check.warnings == ()  # within the cadence: nothing to say yet
    settings.AUDIT_CHECKPOINT_SECONDS = 0.05
    time.sleep(0.2)
    check = audit.audit_verify()
    assert check.ok
    first = AuditCheckpoint.objects.get(chain=chain, number=1)
    assert [w.chain for w in check.warnings] == [chain]
    assert f"from #{first.seq + 1}" in check.warnings[0].problem
    assert "the last is checkpoint 1" in check.warnings[0].problem
    err = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("verify_audit", "--checkpoint", stderr=err)
    assert raised.value.returncode == 2 and "no checkpoint written" in str(raised.value)
    assert f"Warning: chain {chain}: no checkpoint covers the events from" in err.getvalue()


def test_verify_audit_names_the_chain_and_checkpoint_and_fails(two_drafts, settings):
    audit.audit_checkpoint_all()
    settings.AUDIT_KEY = "some-other-key-" + "o" * 40
    with pytest.raises(CommandError, match="Audit trail broken: chain ") as raised:
        call_command("verify_audit")
    assert raised.value.returncode == 1 and "checkpoint 1 (id " in str(raised.value)


# --- PostgreSQL: the app's role cannot rewrite at all -----------------------------------

APP_ROLE = "entente_audit_test_app"
README = Path(__file__).resolve().parents[2] / "README.md"


def readme_grants(role):
    """The README's GRANT and REVOKE statements for the app's role (section "The audit trail
    and the database roles"), but the database's CONNECT: the test database has another name."""
    sql = README.read_text(encoding="utf-8").split("```sql", 1)[1].split("```", 1)[0]
    return [
        line.rstrip(";").replace("entente_app", role)
        for line in sql.splitlines()
        if line.startswith(("GRANT", "REVOKE")) and "ON DATABASE" not in line
    ]


def as_role(role, statement, params=None):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {role}")
        cursor.execute(statement, params)


@pytest.fixture
def app_role(db):
    """A role that is not the tables' owner (created inside the test's transaction, so it
    goes with the rollback)."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {APP_ROLE} NOSUPERUSER NOINHERIT")
    return APP_ROLE


@postgresql_only
@pytest.mark.parametrize(
    "table", ["drafting_auditevent", "drafting_audithead", "drafting_auditcheckpoint"]
)
def test_postgresql_refuses_truncate_even_to_a_role_granted_everything(two_drafts, app_role, table):
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {app_role}")
        cursor.execute(f"GRANT ALL ON {table} TO {app_role}")
    with pytest.raises(DatabaseError, match="TRUNCATE refused"):
        as_role(app_role, f"TRUNCATE {table}")
    assert audit.audit_verify().ok


@postgresql_only
def test_postgresql_the_readme_grants_let_the_app_append_and_nothing_more(two_drafts, app_role):
    with connection.cursor() as cursor:
        grants = readme_grants(app_role)
        assert any("drafting_audithead" in grant for grant in grants)
        for grant in grants:
            cursor.execute(grant)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {app_role}")
        audit.audit_record(actor=None, action="test.outside", object_type="test")
        assert audit.audit_checkpoint("") is not None
    for statement in (
        "UPDATE drafting_auditevent SET actor_username = 'mallory'",
        "DELETE FROM drafting_auditevent",
        "TRUNCATE drafting_auditevent",
        "TRUNCATE drafting_audithead",
        "TRUNCATE drafting_auditcheckpoint",
        "UPDATE drafting_auditcheckpoint SET hash = repeat('f', 64)",
        "DELETE FROM drafting_auditcheckpoint",
        "DELETE FROM drafting_audithead",
    ):
        with pytest.raises(DatabaseError, match=r"permission denied|append-only"):
            as_role(app_role, statement)
    assert audit.audit_verify().ok


@postgresql_only
def test_postgresql_the_head_row_only_moves_forward_onto_the_event_appended(two_drafts):
    one, _ = two_drafts
    chain = f"draft:{one.pk}"
    first = AuditEvent.objects.get(chain=chain, seq=1)
    for statement, params in (
        ("DELETE FROM drafting_audithead WHERE chain = %s", [chain]),
        ("UPDATE drafting_audithead SET seq = 1, hash = %s WHERE chain = %s", [first.hash, chain]),
        (
            "UPDATE drafting_audithead SET seq = seq + 1, hash = %s WHERE chain = %s",
            ["f" * 64, chain],
        ),
        ("UPDATE drafting_audithead SET chain = 'draft:999' WHERE chain = %s", [chain]),
        (
            "INSERT INTO drafting_audithead (chain, seq, hash) VALUES ('draft:999', 5, %s)",
            ["f" * 64],
        ),
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, params)
    assert audit.audit_verify().ok


@postgresql_only
def test_postgresql_checkpoints_are_insert_only(two_drafts):
    audit.audit_checkpoint_all()
    for statement in (
        "UPDATE drafting_auditcheckpoint SET hash = repeat('f', 64)",
        "DELETE FROM drafting_auditcheckpoint",
    ):
        with (
            pytest.raises(DatabaseError, match="insert-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    assert audit.audit_verify().ok
