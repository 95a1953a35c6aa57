from typing import Any

from django.core.management.base import BaseCommand, CommandError

from treaties.services import CorpusError, corpus_load


class Command(BaseCommand):
    help = (
        "Load the reference corpus (treaties, provisions) and the clause library shipped in "
        "treaties/fixtures. Idempotent: what is already there is left as library admins made it, "
        "unless --refresh overwrites it with the shipped text."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--refresh",
            action="store_true",
            help="Overwrite existing records with the shipped text.",
        )

    def handle(self, *args: Any, refresh: bool = False, **options: Any) -> None:
        try:
            report = corpus_load(refresh=refresh)
        except CorpusError as exc:
            raise CommandError(f"{exc} Nothing was loaded.") from exc
        self.stdout.write(self.style.SUCCESS(f"Corpus loaded: {report}."))
