from typing import Any

from django.core.management.base import BaseCommand, CommandError

from drafting.services.audit import audit_verify


class Command(BaseCommand):
    help = (
        "Check the audit trail's hash chains (one per draft, one outside drafts, sealed "
        "together); report each chain's first event altered, removed or inserted."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify()
        if not result.ok:
            for problem in result.problems[1:]:
                self.stderr.write(f"Also: {problem.problem}.")
            raise CommandError(f"Audit trail broken: {result.problem}.")
        self.stdout.write(self.style.SUCCESS(f"Audit trail intact: {result.events} events."))
