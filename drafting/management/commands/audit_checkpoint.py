from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from drafting.services.audit import audit_checkpoint_all


class Command(BaseCommand):
    help = (
        "Seal the audit chains together and sign every chain that moved since its last "
        "checkpoint with AUDIT_KEY (Celery beat does this every "
        "ENTENTE_AUDIT_CHECKPOINT_SECONDS)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            written = audit_checkpoint_all()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        for checkpoint in written:
            self.stdout.write(
                f"Checkpoint {checkpoint.number} of {checkpoint.chain or 'the chain outside drafts'}"
                f" at event #{checkpoint.seq}."
            )
        self.stdout.write(self.style.SUCCESS(f"{len(written)} checkpoints written."))
