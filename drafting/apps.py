from django.apps import AppConfig


class DraftingConfig(AppConfig):
    name = "drafting"
    verbose_name = "Drafting"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Register the Celery tasks in every process, so that services can queue them by
        # name (drafting.jobs) without importing the tasks module.
        from . import tasks  # noqa: F401
