"""Keyed checkpoints of the audit chains, and on PostgreSQL the database's own guard over the
whole audit trail: no TRUNCATE of its tables, the head rows only ever moved forward onto the
event just appended (never deleted), checkpoints insert-only.

These triggers stop a session connected as the app's role. The tables' owner can disable
triggers (README, "The database roles"): in production the app does not connect as it.
"""

from django.db import migrations, models

GUARD = """
CREATE OR REPLACE FUNCTION drafting_audit_no_truncate() RETURNS trigger AS $$
BEGIN
    -- A superuser can drop or bypass any trigger anyway; exempting one keeps Django's flush
    -- (a TRUNCATE of every table) working for a test suite run as the superuser.
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only: TRUNCATE refused on %', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION drafting_audithead_forward_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'the audit log is append-only: DELETE refused on drafting_audithead';
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.seq <> 0 OR NEW.hash <> repeat('0', 64) THEN
            RAISE EXCEPTION 'the audit log is append-only: a new chain''s head starts at 0';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.id <> OLD.id OR NEW.chain <> OLD.chain OR NEW.seq <> OLD.seq + 1
       OR NOT EXISTS (
           SELECT 1 FROM drafting_auditevent e
           WHERE e.chain = NEW.chain AND e.seq = NEW.seq
             AND e.hash = NEW.hash AND e.prev_hash = OLD.hash
       ) THEN
        RAISE EXCEPTION 'the audit log is append-only: the head only moves on to the event appended after it';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION drafting_auditcheckpoint_insert_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit checkpoints are insert-only: % refused on drafting_auditcheckpoint', TG_OP;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER drafting_auditevent_no_truncate BEFORE TRUNCATE ON drafting_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION drafting_audit_no_truncate();
CREATE TRIGGER drafting_audithead_no_truncate BEFORE TRUNCATE ON drafting_audithead
    FOR EACH STATEMENT EXECUTE FUNCTION drafting_audit_no_truncate();
CREATE TRIGGER drafting_auditcheckpoint_no_truncate BEFORE TRUNCATE ON drafting_auditcheckpoint
    FOR EACH STATEMENT EXECUTE FUNCTION drafting_audit_no_truncate();
CREATE TRIGGER drafting_audithead_forward_only BEFORE INSERT OR UPDATE OR DELETE ON drafting_audithead
    FOR EACH ROW EXECUTE FUNCTION drafting_audithead_forward_only();
CREATE TRIGGER drafting_auditcheckpoint_insert_only BEFORE UPDATE OR DELETE ON drafting_auditcheckpoint
    FOR EACH ROW EXECUTE FUNCTION drafting_auditcheckpoint_insert_only();
"""

UNGUARD = """
DROP TRIGGER IF EXISTS drafting_auditevent_no_truncate ON drafting_auditevent;
DROP TRIGGER IF EXISTS drafting_audithead_no_truncate ON drafting_audithead;
DROP TRIGGER IF EXISTS drafting_auditcheckpoint_no_truncate ON drafting_auditcheckpoint;
DROP TRIGGER IF EXISTS drafting_audithead_forward_only ON drafting_audithead;
DROP TRIGGER IF EXISTS drafting_auditcheckpoint_insert_only ON drafting_auditcheckpoint;
DROP FUNCTION IF EXISTS drafting_audit_no_truncate();
DROP FUNCTION IF EXISTS drafting_audithead_forward_only();
DROP FUNCTION IF EXISTS drafting_auditcheckpoint_insert_only();
"""


def guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARD, params=None)


def unguard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNGUARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("drafting", "0017_hardening2_email_retries")]

    operations = [
        migrations.CreateModel(
            name="AuditCheckpoint",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("chain", models.CharField(blank=True, max_length=40)),
                ("number", models.PositiveBigIntegerField()),
                ("seq", models.PositiveBigIntegerField()),
                ("hash", models.CharField(max_length=64)),
                ("at", models.DateTimeField()),
                ("key_id", models.CharField(max_length=16)),
                ("prev_mac", models.CharField(max_length=64)),
                ("mac", models.CharField(max_length=64, unique=True)),
            ],
            options={
                "ordering": ["id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("chain", "number"), name="auditcheckpoint_chain_number_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(guard, unguard),
    ]
