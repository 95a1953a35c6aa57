"""Shared fixtures: the corpus, named personas and a small draft built through the services.

Personas (PRODUCT.md): a UK owner, a UK drafter, a Japanese drafter, a UK reviewer, a US
consultee, an observer, an outsider and a library admin.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import factory
import pytest
from django.contrib.auth import get_user_model
from django.utils import translation
from rest_framework.test import APIClient

from drafting import celery_app
from drafting.models import Article, Draft
from drafting.services import consultation as consultation_services
from drafting.services import drafts as draft_services
from drafting.services import members as member_services
from treaties.models import Treaty
from treaties.services import corpus_load, library_admins_group_ensure

from .workers import celery_worker_argv

User = get_user_model()
PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = factory.Faker("first_name")
    password = factory.django.Password(PASSWORD)


@pytest.fixture(autouse=True)
def _eager_celery() -> Any:
    """Unit tests run tasks in-process; tests marked `worker` use a real worker instead."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _interface_language_reset() -> Any:
    """Each test starts in the default language. A request through the test client activates
    its reader's language (LocaleMiddleware, a token user's saved language) in the test's own
    thread, and Django leaves it active after the response: a test that asked in Japanese
    would otherwise leave the next tests reading Japanese, and pass or fail by their order."""
    yield
    translation.deactivate()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Load the shipped corpus once into the test database; each test rolls back to it."""
    with django_db_blocker.unblock():
        corpus_load()


@pytest.fixture
def corpus(db: Any) -> None:
    """The corpus is loaded; reloads it after a transactional test flushed the database."""
    if not Treaty.objects.exists():
        corpus_load()


@dataclass
class Personas:
    owner: Any
    uk_drafter: Any
    jp_drafter: Any
    reviewer: Any
    jp_reviewer: Any
    consultee: Any
    observer: Any
    outsider: Any
    librarian: Any

    def all(self) -> dict[str, Any]:
        return dict(self.__dict__)


@pytest.fixture
def personas(db: Any) -> Personas:
    librarian = UserFactory(username="librarian", is_staff=True)
    librarian.groups.add(library_admins_group_ensure())
    return Personas(
        owner=UserFactory(username="uk.lead"),
        uk_drafter=UserFactory(username="uk.drafter"),
        jp_drafter=UserFactory(username="jp.drafter"),
        reviewer=UserFactory(username="uk.reviewer"),
        jp_reviewer=UserFactory(username="jp.reviewer"),
        consultee=UserFactory(username="us.state"),
        observer=UserFactory(username="uk.observer"),
        outsider=UserFactory(username="outsider"),
        librarian=librarian,
    )


@pytest.fixture
def draft(personas: Personas, corpus: None) -> Draft:
    """A draft with a preamble and three articles, every persona a member but the outsider."""
    owner = personas.owner
    draft = draft_services.draft_create(
        actor=owner,
        title="Treaty of Alliance (test)",
        delegation="UK",
        classification="OFFICIAL-SENSITIVE",
    )
    for user, role, delegation in (
        (personas.uk_drafter, "drafter", "UK"),
        (personas.jp_drafter, "drafter", "JP"),
        (personas.reviewer, "reviewer", "UK"),
        (personas.jp_reviewer, "reviewer", "JP"),
        (personas.consultee, "consultee", "US"),
        (personas.observer, "observer", "UK"),
    ):
        member_services.member_add(
            actor=owner, draft=draft, username=user.username, role=role, delegation=delegation
        )
    draft_services.article_create(
        actor=owner, draft=draft, kind="preamble", heading="Preamble", text_en="The Parties,"
    )
    for heading, text in (
        ("Purposes", "The Parties shall strengthen their alliance."),
        ("Consultation", "The Parties will consult together."),
        (
            "Mutual assistance",
            "An armed attack against either Party shall be considered an attack against both.",
        ),
    ):
        draft_services.article_create(
            actor=owner, draft=draft, heading=heading, text_en=text, text_ja="締約国は、"
        )
    return draft


@pytest.fixture
def us_offices(draft: Draft, personas: Personas) -> dict[str, Any]:
    """The US side of the test draft, as the consultation tests need it: a second consultee
    (us.dod), the offices State EAP (us.state) and OSD Policy (us.dod), and two articles
    released to the US (Consultation, Mutual assistance) while Purposes stays UK/JPN ONLY."""
    owner = personas.owner
    dod = UserFactory(username="us.dod")
    member_services.member_add(
        actor=owner, draft=draft, username="us.dod", role="consultee", delegation="US"
    )
    consultation = Article.objects.get(draft=draft, heading="Consultation")
    assistance = Article.objects.get(draft=draft, heading="Mutual assistance")
    for article in (consultation, assistance):
        draft_services.article_set_releasability(
            actor=owner, article=article, releasability="REL USA"
        )
    eap = consultation_services.office_create(
        actor=owner, draft=draft, name="State EAP", members=["us.state"]
    )
    osd = consultation_services.office_create(
        actor=owner, draft=draft, name="OSD Policy", members=["us.dod"]
    )
    return {
        "dod": dod,
        "consultation": consultation,
        "assistance": assistance,
        "purposes": Article.objects.get(draft=draft, heading="Purposes"),
        "eap": eap,
        "osd": osd,
    }


def articles_in_order(draft: Draft) -> list[tuple[str, str]]:
    return list(
        Article.objects.filter(draft=draft).order_by("position").values_list("number", "heading")
    )


@pytest.fixture
def api() -> Any:
    """An API client factory: api(user) is logged in as that user, api() is anonymous."""

    def make(user: Any = None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user=user)
        return client

    return make


@pytest.fixture
def celery_worker_process(transactional_db: Any, tmp_path: Any) -> Any:
    """A real Celery worker process on the configured broker (the embedded SQLite broker by
    default, Redis when CELERY_BROKER_URL says so), reading and writing the test database.
    Yields the folder its emails are written to."""
    import os
    import subprocess
    import time

    from django.conf import settings
    from django.db import connection

    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "ENTENTE_TEST_DB_NAME": str(connection.settings_dict["NAME"]),
        "ENTENTE_TEST_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
        "ENTENTE_TEST_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "ENTENTE_TEST_EMAIL_DIR": str(mail_dir),
    }
    ready_file = tmp_path / "worker.log"
    with open(ready_file, "w") as log:
        worker = subprocess.Popen(
            celery_worker_argv(settings.CELERY_TASK_DEFAULT_QUEUE),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while "ready." not in ready_file.read_text():
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"The Celery worker did not start:\n{ready_file.read_text()}")
            time.sleep(0.2)
        celery_app.conf.task_always_eager = False
        yield mail_dir
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
