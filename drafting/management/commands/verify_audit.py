from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from drafting.services.audit import audit_checkpoint_all, audit_verify

# Exit status when nothing is broken but some chain's recent events have no checkpoint.
WARNINGS_EXIT = 2


class Command(BaseCommand):
    help = (
        "Check the audit trail's hash chains (one per draft, one outside drafts, sealed "
        "together) and their checkpoints signed with AUDIT_KEY; report each chain's first "
        "event altered, removed or inserted and each checkpoint forged or deleted. Exit "
        "status 1 when the trail is broken, 2 when it is intact but recent events have no "
        "checkpoint."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--checkpoint",
            action="store_true",
            help="When the trail is intact and without warnings, sign every chain that moved "
            "(as Celery beat does).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify()
        for warning in result.warnings:
            self.stderr.write(f"Warning: {warning.problem}.")
        if not result.ok:
            for problem in result.problems[1:]:
                self.stderr.write(f"Also: {problem.problem}.")
            raise CommandError(f"Audit trail broken: {result.problem}.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit trail intact: {result.events} events, {result.checkpoints} checkpoints."
            )
        )
        if result.warnings:
            # Signing now would cover up what the warnings point at (deleted checkpoints):
            # someone looks first, then runs audit_checkpoint.
            raise CommandError(
                f"Audit trail intact, with {len(result.warnings)} warnings"
                + (": no checkpoint written." if options["checkpoint"] else "."),
                returncode=WARNINGS_EXIT,
            )
        if options["checkpoint"]:
            written = audit_checkpoint_all()
            self.stdout.write(f"{len(written)} checkpoints written.")
