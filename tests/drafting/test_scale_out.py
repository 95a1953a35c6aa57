"""Scale-out: two ASGI server processes on different ports share PostgreSQL and Redis;
clients are spread over them at random (HTTP and socket chosen independently, no sticky
routing). Every client converges, no edit is lost, and a change made through one server is
pushed to the clients of the other. The clients here never poll: only pushes bring them
others' changes, so convergence itself proves the pushes cross servers."""

from __future__ import annotations

import os
import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from drafting.services.tokens import token_issue
from tests.asgi import AsgiServer, PushedEditor

CHANNEL_LAYER_URL = os.environ.get("CHANNEL_LAYER_URL", "")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not CHANNEL_LAYER_URL.startswith("redis"),
        reason=(
            "scale-out needs servers sharing PostgreSQL and a Redis channel layer: run with "
            "DATABASE_URL=postgres://… and CHANNEL_LAYER_URL=redis://… (as .ci/run does)"
        ),
    ),
]


@pytest.fixture
def servers(transactional_db: Any, tmp_path: Path) -> Iterator[list[AsgiServer]]:
    name = str(connection.settings_dict["NAME"])
    started = [
        AsgiServer(
            name, tmp_path / f"uvicorn-{i}.log", env={"CHANNEL_LAYER_URL": CHANNEL_LAYER_URL}
        )
        for i in range(2)
    ]
    yield started
    for server in started:
        server.stop()


def wait_for(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out: {what}")
        time.sleep(0.05)


def test_clients_spread_over_two_servers_converge_with_pushes(servers, draft, personas):
    rng = random.Random(13)
    article = draft.articles.exclude(kind="preamble").order_by("position").first()
    people = [personas.owner, personas.uk_drafter, personas.jp_drafter]
    tokens = [token_issue(user=user) for user in people]
    editors: list[PushedEditor] = []
    homes: list[tuple[int, int]] = []
    for index in range(8):
        http_home, ws_home = rng.randrange(2), rng.randrange(2)
        homes.append((http_home, ws_home))
        editors.append(
            PushedEditor(
                servers[http_home].url,
                servers[ws_home].ws_url,
                tokens[index % len(tokens)],
                draft.pk,
                article.pk,
            )
        )
    # Both servers carry sockets and requests.
    assert {h for h, _ in homes} == {0, 1} and {w for _, w in homes} == {0, 1}
    try:
        # One word typed through server 0's HTTP reaches every socket of server 1 by push.
        typist = next(i for i, (h, _) in enumerate(homes) if h == 0)
        editors[typist].type(" Crossing")
        wait_for(
            lambda: all(
                "Crossing" in e.text() for e, (_, w) in zip(editors, homes, strict=True) if w == 1
            ),
            5,
            "the word typed via server 0 to reach the sockets of server 1",
        )
        # Then everyone types at once, a few words each, at random moments.
        words = []
        for round_ in range(4):
            for index, editor in enumerate(editors):
                word = f" w{index}r{round_}"
                words.append(word.strip())
                editor.type(word)
                time.sleep(rng.uniform(0, 0.05))
        wait_for(lambda: all(e.settled() for e in editors), 30, "every edit sent")

        def converged() -> bool:
            article.refresh_from_db()
            return all(e.text() == article.text_en for e in editors)

        wait_for(converged, 30, "every client to hold the server's text")
        for word in ["Crossing", *words]:
            assert word in article.text_en, f"lost edit {word!r}"
        assert not any(e.errors for e in editors), [e.errors for e in editors]
        assert sum(e.pushes for e in editors) > 0
    finally:
        for editor in editors:
            editor.close()
