from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from drafting.services.demo import demo_seed


class Command(BaseCommand):
    help = "Create the demo personas (password from DEMO_PASSWORD) and the demo draft. Refused unless DEBUG is on."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates users with a known password, so it runs only with DEBUG=1 "
                "(a development machine). Nothing was created."
            )
        draft = demo_seed(password=settings.DEMO_PASSWORD)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {draft.articles.count()} articles in “{draft.title}”. "
                f"Sign in as uk.lead, jp.drafter, uk.reviewer, us.state, librarian or outsider "
                f"with the password {settings.DEMO_PASSWORD!r}."
            )
        )
