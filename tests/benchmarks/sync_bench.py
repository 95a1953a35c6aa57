"""Benchmarks B1, B2 and B3 (co-editing through the real sync endpoint), against the floor.

    .venv/bin/python -m tests.benchmarks.sync_bench [--only B1,B2,B3] [--b3-seconds 60]
        [--b1-edits N]

Runs gunicorn (2 workers) on the benchmark settings (tests/benchmarks/settings.py; set
DATABASE_URL for PostgreSQL), measures the floor view in the same run, then drives the sync
endpoint over HTTP with the project's reference client (drafting/syncclient.py). Prints a
table and writes var/bench/sync-results.json. Exits 0 even when a target is missed.

Each throughput is compared with the floor at the same concurrency: B1 is one client
replaying a trace (each sync waits for the one before), so its floor is one client's; B2's is
32 clients', as the benchmark README says. The floor at 8 clients is printed for reference.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import random
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

from tests.benchmarks import run as bench

TRACES = bench.TRACES
B2_TRACES = [
    "sveltecomponent",
    "rustcode",
    "friendsforever_flat",
    "clownschool_flat",
    "json-crdt-patch",
    "json-crdt-blog-post",
    "seph-blog1",
]
B2_CLIENTS = 32
# ENTENTE_B2_EDITS: fewer edits per client for quick runs (docs/benchmarks.md says which)
B2_EDITS_PER_CLIENT = int(os.environ.get("ENTENTE_B2_EDITS", "2500"))
B3_CLIENTS = 40


class HttpTransport:
    """One connection per client (http.client reopens it after gunicorn's sync workers close
    it, as they do after every response), token-authenticated; records each sync's latency."""

    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}

    def __call__(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        payload = json.dumps(body)
        headers = {"Content-Type": "application/json", "Authorization": f"Token {self.token}"}
        for attempt in range(3):
            try:
                began = time.perf_counter()
                self.conn.request("POST", path, payload, headers)
                response = self.conn.getresponse()
                data = response.read()
                if path.endswith("/sync/"):
                    self.latencies.append(time.perf_counter() - began)
                self.statuses[response.status] = self.statuses.get(response.status, 0) + 1
                return response.status, json.loads(data or b"{}")
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def trace(name: str) -> dict[str, Any]:
    with gzip.open(TRACES / f"{name}.json.gz", "rt", encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def patches(data: dict[str, Any], limit: int | None = None) -> list[tuple[int, int, str]]:
    out = [tuple(p) for txn in data["txns"] for p in txn["patches"]]
    return out[:limit] if limit else out  # type: ignore[return-value]


def token_for(user: Any) -> str:
    from drafting.services.tokens import token_issue

    return token_issue(user=user)


def article_new(people: Any, draft: Any, text: str = "") -> Any:
    from drafting.services import drafts as draft_services

    return draft_services.article_create(
        actor=people.owner, draft=draft, heading="Bench", text_en=text
    )


def replay(client: Any, edits: list[tuple[int, int, str]], every: int) -> None:
    text = client.text
    for count, (position, deleted, inserted) in enumerate(edits, start=1):
        text = text[:position] + inserted + text[position + deleted :]
        if count % every == 0:
            client.text = text
            client.sync()
            text = client.text
    client.text = text
    for _ in range(5):
        client.sync()
        if not client.pending and client.text == client.shadow:
            break


def b1(port: int, people: Any, token: str, every: int, limit: int | None) -> dict[str, Any]:
    from drafting.models import Article, SyncConflict
    from drafting.syncclient import SyncClient

    data = trace("automerge-paper")
    draft = bench.draft_new(people, f"B1 every {every}")
    article = article_new(people, draft)
    transport = HttpTransport(port, token)
    client = SyncClient(transport, article.pk)
    client.start()
    began = time.perf_counter()
    edits = patches(data, limit)
    replay(client, edits, every)
    elapsed = time.perf_counter() - began
    final = Article.objects.get(pk=article.pk).text_en
    expected = data["endContent"]
    if limit:
        expected = data["startContent"]
        for position, deleted, inserted in edits:
            expected = expected[:position] + inserted + expected[position + deleted :]
    return {
        "syncs": len(transport.latencies),
        "seconds": elapsed,
        "rps": len(transport.latencies) / elapsed,
        "median": bench.median(transport.latencies),
        "p99": bench.percentile(transport.latencies, 99),
        "converged": final == expected == client.text,
        "conflicts": SyncConflict.objects.filter(article=article).count()
        + len(client.local_conflicts),
        "statuses": transport.statuses,
    }


def b2(port: int, people: Any, token: str) -> dict[str, Any]:
    from drafting.models import Article
    from drafting.syncclient import SyncClient

    draft = bench.draft_new(people, "B2 32 clients")
    jobs = []
    for index in range(B2_CLIENTS):
        data = trace(B2_TRACES[index % len(B2_TRACES)])
        edits = patches(data, B2_EDITS_PER_CLIENT)
        expected = data["startContent"]
        for position, deleted, inserted in edits:
            expected = expected[:position] + inserted + expected[position + deleted :]
        article = article_new(people, draft, data["startContent"])
        jobs.append((article.pk, edits, expected))
    transports: list[HttpTransport] = []
    errors: list[BaseException] = []
    clients: list[Any] = []
    barrier = threading.Barrier(B2_CLIENTS + 1)

    def work(article_id: int, edits: list[tuple[int, int, str]]) -> None:
        try:
            transport = HttpTransport(port, token)
            transports.append(transport)
            client = SyncClient(transport, article_id)
            client.start()
            clients.append(client)
            barrier.wait()
            replay(client, edits, 50)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(a, e), daemon=True) for a, e, _ in jobs]
    for thread in threads:
        thread.start()
    barrier.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join(1800)
    elapsed = time.perf_counter() - began
    if errors:
        raise RuntimeError(f"a B2 client failed: {errors[0]!r}") from errors[0]
    latencies = [t for tr in transports for t in tr.latencies]
    converged = all(Article.objects.get(pk=a).text_en == expected for a, _, expected in jobs)
    return {
        "syncs": len(latencies),
        "seconds": elapsed,
        "rps": len(latencies) / elapsed,
        "median": bench.median(latencies),
        "p95": bench.percentile(latencies, 95),
        "p99": bench.percentile(latencies, 99),
        "converged": converged,
    }


def b3(port: int, people: Any, token: str, seconds: float) -> dict[str, Any]:
    from drafting.models import Article, SyncConflict
    from drafting.syncclient import SyncClient

    draft = bench.draft_new(people, "B3 40 clients, one article")
    article = article_new(
        people, draft, "The Parties shall consult together. 締約国は協議する。 " * 20
    )
    transports: list[HttpTransport] = []
    clients: list[Any] = []
    markers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def work(index: int) -> None:
        rng = random.Random(index)
        try:
            transport = HttpTransport(port, token)
            client = SyncClient(transport, article.pk)
            client.start()
            with lock:
                transports.append(transport)
                clients.append(client)
            round_number = 0
            time.sleep(rng.random())
            while time.perf_counter() < stop:
                round_number += 1
                marker = f"<{index}.{round_number}>"
                text = client.text
                # Never inside another marker, so that a missing marker can only be a lost edit.
                at = rng.randint(0, len(text))
                while (
                    "<" in text[max(0, at - 12) : at]
                    and ">" not in text[max(0, at - 12) : at].split("<")[-1]
                ):
                    at = rng.randint(0, len(text))
                client.text = text[:at] + f" {marker} " + text[at:]
                with lock:
                    markers.append(marker)
                began = time.perf_counter()
                client.sync()
                time.sleep(max(0.0, 1.0 - (time.perf_counter() - began)))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(B3_CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 600)
    if errors:
        raise RuntimeError(f"a B3 client failed: {errors[0]!r}") from errors[0]
    for _ in range(3):
        for client in clients:
            client.sync()
    final = Article.objects.get(pk=article.pk).text_en
    recorded = " ".join(
        f"{c.intended} {c.became}" for c in SyncConflict.objects.filter(article=article)
    )
    recorded += " ".join(
        f"{c.ours} {c.theirs}" for client in clients for c in client.local_conflicts
    )
    lost = [m for m in markers if m not in final and m not in recorded]
    latencies = [t for tr in transports for t in tr.latencies]
    return {
        "syncs": len(latencies),
        "edits": len(markers),
        "median": bench.median(latencies),
        "p95": bench.percentile(latencies, 95),
        "converged": all(c.text == final for c in clients),
        "lost": len(lost),
        "conflicts": SyncConflict.objects.filter(article=article).count(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.sync_bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--only", default="B1,B2,B3")
    parser.add_argument("--b3-seconds", type=float, default=60.0)
    parser.add_argument(
        "--b1-edits", type=int, default=None, help="replay only the first N edits (quick runs)"
    )
    args = parser.parse_args(argv)
    only = {item.strip().upper() for item in args.only.split(",") if item.strip()}
    os.environ["DJANGO_SETTINGS_MODULE"] = bench.SETTINGS
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    import django

    django.setup()
    from django.conf import settings

    bench_dir = Path(settings.BENCH_DIR)
    gunicorn = bench.Gunicorn(bench.free_port(), bench_dir / "gunicorn-sync.log")
    rows: list[dict[str, Any]] = []
    try:
        bench.database_prepare(False)
        people = bench.people_ensure()
        floor_pk = bench.floor_article(people)
        gunicorn.start(f"/bench/floor/{floor_pk}/")
        token = token_for(people.owner)
        floor_path = f"/bench/floor/{floor_pk}/"
        bench.floor_drive(gunicorn.port, floor_path, bench.FLOOR_WARMUP_SECONDS)
        floors = {}
        for clients in (1, bench.FLOOR_CLIENTS, B2_CLIENTS):
            floor = bench.floor_drive(gunicorn.port, floor_path, bench.FLOOR_SECONDS, clients)
            floors[clients] = floor
            bench.log(
                f"floor: {floor.rps:.0f} req/s at {bench.clients_text(clients)}, median {bench.ms(floor.median)}"
            )
            rows.append(
                {
                    "id": f"FLOOR/{clients}",
                    "what": f"the bare view, {bench.clients_text(clients)} (for B1-B3)",
                    "ratio": "1.0x",
                    "result": f"{floor.rps:.0f} req/s at {bench.clients_text(clients)}, median {bench.ms(floor.median)}, p99 {bench.ms(floor.p99)}",
                }
            )
        if "B1" in only:
            for every in (50, 500):
                if args.b1_edits and every > 50:
                    continue
                bench.log(f"B1: automerge-paper, a sync every {every} edits")
                r = b1(gunicorn.port, people, token, every, args.b1_edits)
                floor = floors[1]
                ok = (
                    r["converged"]
                    and r["conflicts"] == 0
                    and r["rps"] >= 0.5 * floor.rps
                    and r["p99"] < 0.050
                )
                rows.append(
                    {
                        "id": f"B1/{every}",
                        "what": f"automerge-paper by one client, a sync every {every} edits",
                        "ratio": f"{r['rps'] / floor.rps:.2f}x (syncs/s vs the floor at 1 client)",
                        "result": (
                            f"{r['syncs']} syncs in {r['seconds']:.1f} s = {r['rps']:.0f} syncs/s "
                            f"({r['rps'] / floor.rps:.2f}x the floor at 1 client, "
                            f"{r['rps'] / floors[bench.FLOOR_CLIENTS].rps:.2f}x at {bench.FLOOR_CLIENTS}); median {bench.ms(r['median'])}, p99 {bench.ms(r['p99'])}; "
                            f"final text == endContent: {r['converged']}; conflicts {r['conflicts']}"
                        ),
                        "target": ">= 0.5x the floor at 1 client, p99 < 50 ms, converged, 0 conflicts",
                        "pass": ok,
                        "data": r,
                    }
                )
        if "B2" in only:
            bench.log(f"B2: {B2_CLIENTS} clients, one article each")
            r = b2(gunicorn.port, people, token)
            floor = floors[B2_CLIENTS]
            ok = r["converged"] and r["rps"] >= 0.4 * floor.rps and r["p95"] < 0.100
            rows.append(
                {
                    "id": "B2",
                    "what": f"{B2_CLIENTS} clients, each replaying a trace on its own article",
                    "ratio": f"{r['rps'] / floor.rps:.2f}x (syncs/s vs the floor at {B2_CLIENTS} clients)",
                    "result": (
                        f"{r['syncs']} syncs in {r['seconds']:.1f} s = {r['rps']:.0f} syncs/s ({r['rps'] / floor.rps:.2f}x the floor at {B2_CLIENTS} clients); "
                        f"median {bench.ms(r['median'])}, p95 {bench.ms(r['p95'])}; all converged: {r['converged']}"
                    ),
                    "target": f">= 0.4x the floor at {B2_CLIENTS} clients, p95 < 100 ms, all converge",
                    "pass": ok,
                    "data": r,
                }
            )
        if "B3" in only:
            bench.log(f"B3: {B3_CLIENTS} clients on one article for {args.b3_seconds:.0f} s")
            r = b3(gunicorn.port, people, token, args.b3_seconds)
            ok = r["converged"] and r["lost"] == 0 and r["p95"] < 0.200
            rows.append(
                {
                    "id": "B3",
                    "what": f"{B3_CLIENTS} clients typing into one article, a sync each per second",
                    "ratio": "n/a",
                    "result": (
                        f"{r['edits']} edits, {r['syncs']} syncs; median {bench.ms(r['median'])}, p95 {bench.ms(r['p95'])}; "
                        f"converged: {r['converged']}; lost edits: {r['lost']}; recorded conflicts: {r['conflicts']}"
                    ),
                    "target": "converge, no lost edit, p95 < 200 ms",
                    "pass": ok,
                    "data": r,
                }
            )
    finally:
        gunicorn.stop()
    bench.child_results_write("sync-results.json", rows, 8)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
