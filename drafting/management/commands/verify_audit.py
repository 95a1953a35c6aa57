from typing import Any

from django.core.management.base import BaseCommand, CommandError

from drafting.services.audit import audit_verify


class Command(BaseCommand):
    help = "Check the audit trail's hash chain; report the first event altered or removed."

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify()
        if not result.ok:
            raise CommandError(f"Audit trail broken: {result.problem}.")
        self.stdout.write(self.style.SUCCESS(f"Audit trail intact: {result.events} events."))
