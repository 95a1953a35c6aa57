from django.apps import AppConfig

from treaties.hooks import clause_changed_register

from . import checks  # noqa: F401  (registers the system checks)
from .jobs import library_updates_enqueue


class DraftingConfig(AppConfig):
    name = "drafting"
    verbose_name = "Drafting"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Register the Celery tasks in every process, so that services can queue them by
        # name (drafting.jobs) without importing the tasks module.
        from . import tasks  # noqa: F401

        # The library tells drafting of clause changes through a registry, not a signal and
        # not an import of drafting (treaties knows nothing of drafts): see treaties.hooks.
        clause_changed_register(library_updates_enqueue)
