"""One audit chain per draft plus one for writes outside drafts.

Existing events stay where they are: they form the chain "" (outside drafts), whose hashes
are computed exactly as before, so they verify unchanged; the existing head row (pk=1) becomes
that chain's head. New events of a draft go to the chain "draft:<id>". Only columns and
constraints change: no event row is updated, so the append-only trigger is untouched.
"""

from django.core.management.color import no_style
from django.db import migrations, models


def sequence_reset(apps, schema_editor):
    # 0003 created the head row with an explicit pk=1, which leaves PostgreSQL's id sequence
    # at 1: the first new chain's head would collide with it.
    head = apps.get_model("drafting", "AuditHead")
    for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), [head]):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("drafting", "0015_exports_disclosure_exported")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="chain",
            field=models.CharField(blank=True, default="", max_length=40),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(),
        ),
        migrations.AlterModelOptions(name="auditevent", options={"ordering": ["id"]}),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                fields=("chain", "seq"), name="auditevent_chain_seq_unique"
            ),
        ),
        migrations.AddField(
            model_name="audithead",
            name="chain",
            field=models.CharField(blank=True, default="", max_length=40, unique=True),
        ),
        migrations.RunPython(sequence_reset, migrations.RunPython.noop),
    ]
