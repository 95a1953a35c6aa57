"""The API against its own OpenAPI contract (issue 15, part 6).

Schemathesis generates requests for every operation of /api/schema/ and runs all its checks
on the answers: no 5xx, only documented status codes, content types, headers and bodies that
match the schema, and the rest. It calls the Django app in-process (WSGI) on the test
database, as four personas with tokens: the owner, a reviewer, a US consultee and an
outsider. Bounded (3 examples per operation and persona; ENTENTE_CONTRACT_EXAMPLES for more) and
derandomized, so a run is repeatable and takes a few minutes.
"""

from __future__ import annotations

import os
import zlib
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings

from drafting.models import Article
from drafting.services import review
from drafting.services.tokens import token_issue
from drafting.wsgi import application

EXAMPLES = int(os.environ.get("ENTENTE_CONTRACT_EXAMPLES", "3"))
PERSONAS = ["owner", "reviewer", "consultee", "outsider"]
# Not yet clean (see the README): "schema-valid request rejected" (the services validate
# meaning the schema cannot express, and some request bodies' required fields are not marked
# so) and "schema-violating request accepted" (lenient query parameters such as unread=null).
NOT_YET = [
    schemathesis.checks.positive_data_acceptance,
    schemathesis.checks.negative_data_rejection,
]


def served(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """The app as a WSGI server runs it: the response is read and closed, so that Django
    sends request_finished (the browser tests count the requests in flight by it)."""
    response = application(environ, start_response)
    try:
        return [b"".join(response)]
    finally:
        response.close()


schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", served)


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Any:
    """As Django's test client does: a request's end must not close the connection that holds
    the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(draft, personas) -> dict[str, Any]:
    """Real ids for the path parameters: most generated requests then reach real objects."""
    article = Article.objects.filter(draft=draft, kind="article").order_by("position").first()
    thread = review.thread_start(
        actor=personas.owner,
        article=article,
        language="en",
        start=0,
        end=3,
        body="Is this right?",
        visibility="both",
    )
    suggestion = review.suggestion_create(
        actor=personas.reviewer,
        article=article,
        language="en",
        start=0,
        end=3,
        replacement="Both",
        note="",
        visibility="both",
    )
    return {
        "draft_id": draft.pk,
        "article_id": article.pk,
        "thread_id": thread.pk,
        "comment_id": thread.comments.first().pk,
        "suggestion_id": suggestion.pk,
        "member_id": draft.memberships.order_by("pk").last().pk,
        "number": 1,
        "slug": "nato-article-5",
    }


@pytest.mark.parametrize("who", PERSONAS)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_matches_its_contract(case, who, world, personas):
    user = getattr(personas, who)
    token = token_issue(user=user)
    # Three in four examples use real ids; the rest keep the generated ones (crc32, not
    # hash(): the choice must not change with PYTHONHASHSEED).
    if case.path_parameters and zlib.crc32(repr(sorted(case.path_parameters.items())).encode()) % 4:
        for name in case.path_parameters:
            if name in world:
                case.path_parameters[name] = world[name]
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        excluded_checks=NOT_YET,
    )
