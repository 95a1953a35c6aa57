"""The audit head row, and on PostgreSQL a trigger that refuses UPDATE and DELETE on the
audit log, so that not even a direct SQL session can rewrite history unnoticed."""

from django.db import migrations

GENESIS_HASH = "0" * 64

FORBID = """
CREATE OR REPLACE FUNCTION drafting_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % refused on drafting_auditevent', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS drafting_auditevent_append_only ON drafting_auditevent;
CREATE TRIGGER drafting_auditevent_append_only
    BEFORE UPDATE OR DELETE ON drafting_auditevent
    FOR EACH ROW EXECUTE FUNCTION drafting_auditevent_append_only();
"""

ALLOW = """
DROP TRIGGER IF EXISTS drafting_auditevent_append_only ON drafting_auditevent;
DROP FUNCTION IF EXISTS drafting_auditevent_append_only();
"""


def forward(apps, schema_editor):
    apps.get_model("drafting", "AuditHead").objects.get_or_create(pk=1, defaults={"hash": GENESIS_HASH})
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORBID, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALLOW, params=None)


class Migration(migrations.Migration):
    dependencies = [("drafting", "0002_revisions_audit")]

    operations = [migrations.RunPython(forward, backward)]
