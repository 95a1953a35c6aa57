"""The co-editing protocol (docs/protocol.md) through the real API, service layer and database."""

from __future__ import annotations

import json
import os
import random
import re
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from drafting import textdiff
from drafting.models import Article, EditSession, Revision, SyncConflict
from drafting.services.members import member_add
from drafting.syncclient import NetworkError, SyncClient
from tests.conftest import UserFactory


def transport_for(user) -> Any:
    client = APIClient()
    client.force_authenticate(user=user)

    def send(path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        response = client.post(path, body, format="json")
        return response.status_code, response.json()

    return send


def start(user, article: Article, language: str = "en") -> SyncClient:
    client = SyncClient(transport_for(user), article.pk, language)
    client.start()
    return client


@pytest.fixture
def article(draft) -> Article:
    return Article.objects.get(draft=draft, heading="Consultation")


def test_start_and_round_trip(personas, article):
    uk = start(personas.uk_drafter, article)
    assert uk.text == "The Parties will consult together."
    uk.text = "The Parties will consult together promptly."
    assert uk.sync() == 200
    article.refresh_from_db()
    assert article.text_en == "The Parties will consult together promptly."
    latest = Revision.objects.filter(article=article, language="en").order_by("-number").first()
    assert (latest.kind, latest.author) == ("synced", personas.uk_drafter)
    assert uk.pending == [] and uk.client_version == 1


def test_two_drafters_converge_with_presence(personas, article):
    uk = start(personas.uk_drafter, article)
    jp = start(personas.jp_drafter, article, "en")
    uk.text = "The Parties will promptly consult together."
    jp.text = "The Parties will consult together in good faith."
    assert uk.sync() == 200 and jp.sync() == 200 and uk.sync() == 200
    assert uk.text == jp.text == Article.objects.get(pk=article.pk).text_en
    assert uk.text == "The Parties will promptly consult together in good faith."
    assert [e["username"] for e in uk.editors] == ["jp.drafter"]
    assert uk.editors[0]["delegation"] == "JP"


def test_typing_while_a_request_is_in_flight_is_kept(personas, article):
    uk = start(personas.uk_drafter, article)
    jp = start(personas.jp_drafter, article)
    jp.text = "The Parties will consult together, at once."
    jp.sync()
    uk.text = "Both Parties will consult together."
    request = uk.prepare()
    uk.text = "Both Parties will consult together."[:-1] + " 𠮟."  # typed while in flight
    status, body = uk.transport(f"{uk.base}{uk.session}/sync/", request.body)
    uk.receive(status, body)
    assert uk.text == "Both Parties will consult together, at once 𠮟."
    uk.sync()
    jp.sync()
    assert uk.text == jp.text == Article.objects.get(pk=article.pk).text_en


def test_overlapping_edits_are_recorded_as_conflicts(personas, article, api):
    uk = start(personas.uk_drafter, article)
    jp = start(personas.jp_drafter, article)
    uk.text = "The Parties will confer together."
    jp.text = "The Parties will negotiate together."
    uk.sync()
    jp.sync()
    assert Article.objects.get(pk=article.pk).text_en == "The Parties will confer together."
    assert len(jp.server_conflicts) == 1
    conflict = jp.server_conflicts[0]
    assert (conflict["author"], conflict["base_text"]) == ("jp.drafter", "consult")
    assert (conflict["intended"], conflict["became"]) == ("negotiate", "confer")
    listed = (
        api(personas.uk_drafter)
        .get(f"/api/v1/articles/{article.pk}/conflicts/")
        .json()["conflicts"]
    )
    assert [c["intended"] for c in listed] == ["negotiate"]
    # A reviewer who made no conflict sees none; the author can resolve it.
    assert (
        api(personas.reviewer).get(f"/api/v1/articles/{article.pk}/conflicts/").json()["conflicts"]
        == []
    )
    resolved = api(personas.jp_drafter).post(f"/api/v1/conflicts/{conflict['id']}/resolve/")
    assert resolved.json() == {"id": conflict["id"], "resolved": True}


def test_duplicate_request_gets_the_same_answer_and_changes_nothing(personas, article):
    uk = start(personas.uk_drafter, article)
    uk.text = "The Parties will consult together often."
    request = uk.prepare()
    path = f"{uk.base}{uk.session}/sync/"
    first = uk.transport(path, request.body)
    second = uk.transport(path, request.body)
    assert first == second
    assert Article.objects.get(pk=article.pk).text_en == "The Parties will consult together often."


def test_stale_copy_is_refused(personas, article):
    uk = start(personas.uk_drafter, article)
    uk.text = "One."
    old = uk.prepare()
    uk.receive(*uk.transport(f"{uk.base}{uk.session}/sync/", old.body))
    uk.text = "Two."
    uk.sync()
    status, body = uk.transport(f"{uk.base}{uk.session}/sync/", old.body | {"seq": old.seq - 0})
    assert status == 200 or body.get("stale")
    status, body = uk.transport(f"{uk.base}{uk.session}/sync/", {**old.body, "seq": 1})
    assert (status, body["stale"]) == (409, True)
    assert Article.objects.get(pk=article.pk).text_en == "Two."


def test_lost_response_is_recovered_from_the_backup(personas, article):
    uk = start(personas.uk_drafter, article)
    jp = start(personas.jp_drafter, article)
    jp.text = "The Parties will consult together daily."
    jp.sync()
    uk.text = "The Parties shall consult together."
    uk.prepare()
    uk.transport(f"{uk.base}{uk.session}/sync/", uk.in_flight.body)  # applied, answer lost
    uk.lost()
    uk.text = uk.text + " Always."
    assert uk.sync() == 200
    uk.sync()
    assert (
        uk.text
        == Article.objects.get(pk=article.pk).text_en
        == "The Parties shall consult together daily. Always."
    )
    assert uk.resets == 0


def test_delta_that_does_not_fit_resets_and_leaves_the_text(personas, article):
    uk = start(personas.uk_drafter, article)
    path = f"{uk.base}{uk.session}/sync/"
    for delta in ("=999\t+x", "=5\t+%zz", "=5\t+x\t=1"):
        uk.seq += 1
        status, body = uk.transport(
            path,
            {
                "seq": uk.seq,
                "server_version": uk.server_version,
                "edits": [{"client_version": uk.client_version, "delta": delta}],
            },
        )
        assert status == 409 and body["reset"] is True, delta
        assert "does not fit" in body["detail"]
        assert body["text"] == "The Parties will consult together."
        uk.server_version, uk.client_version = body["server_version"], body["client_version"]
    assert Article.objects.get(pk=article.pk).text_en == "The Parties will consult together."


def test_versions_from_the_future_reset(personas, article):
    uk = start(personas.uk_drafter, article)
    path = f"{uk.base}{uk.session}/sync/"
    status, body = uk.transport(path, {"seq": 1, "server_version": 42, "edits": []})
    assert status == 409 and body["server_version"] == 1
    status, body = uk.transport(
        path, {"seq": 2, "server_version": 1, "edits": [{"client_version": 7, "delta": "=34"}]}
    )
    assert status == 409 and "future" in body["detail"]
    assert Article.objects.get(pk=article.pk).text_en == "The Parties will consult together."


def test_read_only_sessions_for_reviewers(personas, article):
    reviewer = start(personas.reviewer, article)
    uk = start(personas.uk_drafter, article)
    uk.text = "The Parties will consult."
    uk.sync()
    assert reviewer.sync() == 200 and reviewer.text == "The Parties will consult."
    reviewer.text = "Reviewer text."
    assert reviewer.sync() == 403
    assert Article.objects.get(pk=article.pk).text_en == "The Parties will consult."
    assert EditSession.objects.get(key=reviewer.session).read_only


@pytest.mark.parametrize("who", ["consultee", "outsider"])
def test_no_session_for_those_who_cannot_read(personas, article, api, who):
    response = api(getattr(personas, who)).post(
        f"/api/v1/articles/{article.pk}/sessions/", {"language": "en"}, format="json"
    )
    assert response.status_code == 404


def test_unknown_or_foreign_session_is_404(personas, article, api):
    uk = start(personas.uk_drafter, article)
    path = f"/api/v1/articles/{article.pk}/sessions/{uk.session}/sync/"
    body = {"seq": 1, "server_version": 0, "edits": [{"client_version": 0, "delta": "=34\t+!"}]}
    assert api(personas.jp_drafter).post(path, body, format="json").status_code == 404
    assert (
        api(personas.uk_drafter)
        .post(f"/api/v1/articles/{article.pk}/sessions/nope/sync/", body, format="json")
        .status_code
        == 404
    )
    assert Article.objects.get(pk=article.pk).text_en == "The Parties will consult together."


def test_bad_bodies_get_400(personas, article, api):
    uk = start(personas.uk_drafter, article)
    client = api(personas.uk_drafter)
    path = f"/api/v1/articles/{article.pk}/sessions/{uk.session}/sync/"
    for body in (
        {},
        {"seq": "x", "server_version": 0, "edits": []},
        {"seq": 1, "server_version": 0, "edits": "no"},
        {"seq": 1, "server_version": 0, "edits": [{"client_version": 0}]},
    ):
        response = client.post(path, body, format="json")
        assert response.status_code == 400, body
        assert response.json()["detail"]
    huge = "=34\t+" + "x" * 5_000_000
    response = client.generic(
        "POST",
        path,
        json.dumps(
            {"seq": 1, "server_version": 0, "edits": [{"client_version": 0, "delta": huge}]}
        ),
        content_type="application/json",
    )
    assert response.status_code in (400, 413)
    assert "large" in response.json()["detail"] or "limit" in response.json()["detail"]
    assert Article.objects.get(pk=article.pk).text_en == "The Parties will consult together."


# --- the simulated network ----------------------------------------------------------------

WORDS = [
    "the",
    "Parties",
    "shall",
    "consult",
    "締約国",
    "は",
    "協議",
    "する",
    "𠮟",
    "😀",
    "and",
    "資料",
]


class LossyNetwork:
    """Loses 20% of requests and 20% of responses, duplicates 10%, and replays stale copies."""

    def __init__(self, rng: random.Random, send: Any):
        self.rng, self.send, self.sent = rng, send, []
        self.quiet = False

    def __call__(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if not self.quiet:
            self.sent.append((path, body))
            if self.rng.random() < 0.2:
                raise NetworkError("request lost")
            if self.rng.random() < 0.1:
                self.send(path, body)  # a duplicate reaches the server first
            if self.rng.random() < 0.1 and len(self.sent) > 3:
                old_path, old_body = self.rng.choice(self.sent[:-1])
                self.send(old_path, old_body)  # a stale copy arrives late
        status, answer = self.send(path, body)
        if not self.quiet and self.rng.random() < 0.2:
            raise NetworkError("response lost")
        return status, answer


MARKER = re.compile(r"\[[^\[\]]*\]")


def _type(rng: random.Random, client: SyncClient, marker: str) -> str:
    """Insert a unique marker (and sometimes delete a little), never inside or across an
    existing marker, so that a marker missing at the end can only have been lost."""
    text = client.text
    spans = [m.span() for m in MARKER.finditer(text)]

    def inside(i: int) -> bool:
        return any(start < i < end for start, end in spans)

    at = rng.randint(0, len(text))
    while inside(at):
        at = rng.randint(0, len(text))
    inserted = f" {marker}{rng.choice(WORDS)} "
    if text and rng.random() < 0.3:
        end = min(len(text), at + rng.randint(1, 4))
        if not any(start < end and at < stop for start, stop in spans):
            text = text[:at] + text[end:]
    client.text = text[:at] + inserted + text[at:]
    return marker


def run_simulation(seed: int, personas, article, rounds: int = 25) -> None:
    rng = random.Random(seed)
    users = [personas.uk_drafter, personas.jp_drafter, personas.owner]
    for extra in range(seed % 3):  # 3 to 5 clients
        user = UserFactory(username=f"drafter{extra}.{seed}")
        member_add(
            actor=personas.owner,
            draft=article.draft,
            username=user.username,
            role="drafter",
            delegation="JP",
        )
        users.append(user)
    clients = []
    for user in users:
        network = LossyNetwork(rng, transport_for(user))
        client = SyncClient(network, article.pk)
        network.quiet = True
        client.start()
        network.quiet = False
        clients.append((client, network))
    markers: list[str] = []
    for round_number in range(rounds):
        for index, (client, _network) in enumerate(clients):
            if rng.random() < 0.7:
                markers.append(_type(rng, client, f"[{index}.{round_number}]"))
            request = client.prepare()
            if rng.random() < 0.3:  # the user keeps typing while the request is in flight
                markers.append(_type(rng, client, f"[{index}.{round_number}f]"))
            try:
                status, body = client.transport(
                    f"{client.base}{client.session}/sync/", request.body
                )
            except NetworkError:
                client.lost()
                continue
            client.receive(status, body)
    for _client, network in clients:
        network.quiet = True
    for _ in range(4):
        for client, _network in clients:
            client.sync()
    server_text = Article.objects.get(pk=article.pk).text_en
    for client, _network in clients:
        assert client.text == server_text, f"seed {seed}: a client did not converge"
    recorded = " ".join(
        f"{c.intended} {c.became}" for c in SyncConflict.objects.filter(article=article)
    ) + " ".join(f"{c.ours} {c.theirs}" for client, _ in clients for c in client.local_conflicts)
    for marker in markers:
        assert marker in server_text or marker in recorded, f"seed {seed}: edit {marker} was lost"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_simulated_lossy_network_converges_and_loses_nothing(personas, article, seed):
    run_simulation(seed, personas, article)


@pytest.mark.skipif(not os.environ.get("SYNC_SOAK_RUNS"), reason="soak run: set SYNC_SOAK_RUNS=300")
def test_soak(personas, draft):
    runs = int(os.environ["SYNC_SOAK_RUNS"])
    for seed in range(runs):
        article = Article.objects.create(
            draft=draft,
            position=100 + seed,
            kind="article",
            number=f"soak{seed}",
            number_fixed=True,
            text_en="The Parties shall consult together. 締約国は協議する。",
        )
        run_simulation(1000 + seed, personas, article, rounds=40)
    assert textdiff.utf16_len("𠮟") == 2


def test_edits_merged_before_a_reset_in_the_same_request_are_kept(personas, article):
    uk = start(personas.uk_drafter, article)
    good = textdiff.make_delta(uk.shadow, uk.shadow + " Kept.")
    status, body = uk.transport(
        f"{uk.base}{uk.session}/sync/",
        {
            "seq": 1,
            "server_version": 0,
            "edits": [{"client_version": 0, "delta": good}, {"client_version": 5, "delta": "=1"}],
        },
    )
    assert status == 409 and body["client_version"] == 1  # the first edit is acknowledged...
    assert body["text"] == "The Parties will consult together. Kept."
    assert (
        Article.objects.get(pk=article.pk).text_en == "The Parties will consult together. Kept."
    )  # ...and saved


def test_conflict_context_never_splits_a_character(personas, article):
    from drafting.services.sync import edit_sessions_prune

    article.text_en = "😀" * 30 + " consult " + "😀" * 30
    article.save()
    uk = start(personas.uk_drafter, article)
    jp = start(personas.jp_drafter, article)
    uk.text = uk.text.replace("consult", "confer")
    jp.text = jp.text.replace("consult", "negotiate")
    uk.sync()
    jp.sync()
    conflict = SyncConflict.objects.get()
    assert "\ufffd" not in conflict.context_before + conflict.context_after
    assert conflict.context_before.endswith("😀 ") and conflict.context_after.startswith(" 😀")
    assert edit_sessions_prune() == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="lz4 is a PostgreSQL setting")
@pytest.mark.django_db
def test_postgresql_compresses_the_texts_a_sync_rewrites_with_lz4():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        if not cursor.fetchone()[0]:
            pytest.skip("this PostgreSQL server was built without lz4")
        cursor.execute(
            "SELECT attrelid::regclass::text, attname FROM pg_attribute "
            "WHERE attcompression = 'l' AND attrelid::regclass::text LIKE 'drafting_%'"
        )
        compressed = set(cursor.fetchall())
    assert {
        ("drafting_article", "text_en"),
        ("drafting_article", "text_ja"),
        ("drafting_editsession", "shadow"),
        ("drafting_editsession", "backup_shadow"),
        ("drafting_revision", "snapshot"),
    } <= compressed
