"""The chaos test of the sync protocol with pushes on: clients no longer sync every round;
they sync when they type and when an announcement of the draft's channel layer (the real
in-memory layer, fed by the services after each commit) says their article changed, skipping
it by the revision rule of docs/protocol.md. Requests and answers are lost, duplicated and
replayed stale as in test_sync; announcements are lost (20%) and duplicated (10%) too. Every
client converges after the safety-net sync, and no edit is lost."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest
from channels.layers import get_channel_layer

from drafting.models import Article, SyncConflict
from drafting.services.announce import draft_group
from drafting.syncclient import NetworkError, SyncClient
from tests.drafting.test_sync import MARKER, WORDS, LossyNetwork, transport_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_memory_layer(settings: Any) -> None:
    """This test drives the announcements by hand, in this process: the in-memory layer, even
    where CHANNEL_LAYER_URL names Redis (the socket tests cover Redis, across processes)."""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest.fixture
def article(draft) -> Article:
    return Article.objects.get(draft=draft, heading="Consultation")


class Listener:
    """A socket's view of the draft's group, on the real in-memory channel layer."""

    def __init__(self, draft_id: int) -> None:
        self.layer = get_channel_layer()
        self.loop = asyncio.new_event_loop()
        self.channel = f"test-listener-{draft_id}"
        self.group = draft_group(draft_id)
        self.loop.run_until_complete(self.layer.group_add(self.group, self.channel))

    def drain(self) -> list[dict[str, Any]]:
        messages = []
        while True:
            try:
                messages.append(
                    self.loop.run_until_complete(
                        asyncio.wait_for(self.layer.receive(self.channel), 0.01)
                    )
                )
            except TimeoutError:
                return messages

    def close(self) -> None:
        self.loop.run_until_complete(self.layer.group_discard(self.group, self.channel))
        self.loop.close()


def type_into(rng: random.Random, client: SyncClient, marker: str) -> str:
    text = client.text
    spans = [m.span() for m in MARKER.finditer(text)]
    at = rng.randint(0, len(text))
    while any(start < at < end for start, end in spans):
        at = rng.randint(0, len(text))
    client.text = text[:at] + f" {marker}{rng.choice(WORDS)} " + text[at:]
    return marker


def one_sync(client: SyncClient) -> None:
    request = client.prepare()
    try:
        status, body = client.transport(f"{client.base}{client.session}/sync/", request.body)
    except NetworkError:
        client.lost()
        return
    client.receive(status, body)


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_lossy_network_with_pushes_converges_and_loses_nothing(
    personas, article, seed, django_capture_on_commit_callbacks
):
    rng = random.Random(seed)
    users = [personas.uk_drafter, personas.jp_drafter, personas.owner]
    clients: list[tuple[SyncClient, LossyNetwork]] = []
    for user in users:
        network = LossyNetwork(rng, transport_for(user))
        client = SyncClient(network, article.pk)
        network.quiet = True
        client.start()
        network.quiet = False
        clients.append((client, network))
    listener = Listener(article.draft_id)
    markers: list[str] = []
    poked: set[int] = set()
    stats = {"announced": 0, "skipped": 0, "pushed_syncs": 0}
    try:
        for round_number in range(30):
            for index, (client, _network) in enumerate(clients):
                typed = rng.random() < 0.4
                if typed:
                    markers.append(type_into(rng, client, f"[{index}.{round_number}]"))
                if not typed and index not in poked:
                    continue  # nothing typed, nothing announced: no request at all
                if index in poked:
                    stats["pushed_syncs"] += 1
                poked.discard(index)
                with django_capture_on_commit_callbacks(execute=True):
                    one_sync(client)
                for message in listener.drain():
                    assert message["type"] == "article.changed"
                    stats["announced"] += 1
                    for other, (peer, _n) in enumerate(clients):
                        if other == index or rng.random() < 0.2:  # announcement lost
                            continue
                        copies = 2 if rng.random() < 0.1 else 1  # or duplicated
                        for _ in range(copies):
                            if message["kind"] == "synced" and message["revision"] == peer.revision:
                                stats["skipped"] += 1
                            else:
                                poked.add(other)
        # The safety net (the 30 s sync), on a quiet network.
        for _client, network in clients:
            network.quiet = True
        for _ in range(3):
            for client, _network in clients:
                with django_capture_on_commit_callbacks(execute=True):
                    client.sync()
    finally:
        listener.close()
    server_text = Article.objects.get(pk=article.pk).text_en
    for client, _network in clients:
        assert client.text == server_text, f"seed {seed}: a client did not converge"
    recorded = " ".join(
        f"{c.intended} {c.became}" for c in SyncConflict.objects.filter(article=article)
    ) + " ".join(f"{c.ours} {c.theirs}" for client, _ in clients for c in client.local_conflicts)
    for marker in markers:
        assert marker in server_text or marker in recorded, f"seed {seed}: edit {marker} was lost"
    # The pushes were really at work: announcements came, some syncs were caused by them.
    assert stats["announced"] > 5 and stats["pushed_syncs"] > 5, stats
