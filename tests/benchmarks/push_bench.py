"""B8 (edit-to-others latency, pushes against today's polling) and the idle cost of open
editors, on gunicorn with uvicorn workers (the production setup) and a Redis channel layer.

    CHANNEL_LAYER_URL=redis://127.0.0.1:6379/5 \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/entente_realtime_bench \\
      .venv/bin/python -m tests.benchmarks.push_bench [--seconds 30] [--only B8,IDLE]

Clients are the project's reference client (drafting/syncclient.py) over HTTP, driven as the
browser drives it (tests/asgi.py PushedEditor): with pushes, a client syncs when the socket
announces a change to its article and sends its own typing at once; with polling (today's
browser, the socket absent), it syncs every second while it or others were active in the last
10 s, every 5 s otherwise. Each client appends a unique word every 3-7 s (uniform, 5 s on
average). For each word, the latency is from the moment it is typed until every other client
of that article holds it; a word some client never receives is lost. Writes
var/bench/push-results.json. Exits 0 even when a target is missed.
"""

from __future__ import annotations

import argparse
import heapq
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

RUNS = [
    # (id, clients, articles, target p95 seconds)
    ("B8/10", 10, 1, 0.250),
    ("B8/40", 40, 1, 0.500),
    ("B8/100x20", 100, 20, 0.500),
]
TYPE_EVERY = (3.0, 7.0)
WORKERS = 2


class Tracker:
    """Which words each client still has to receive, and when every one did."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pending: dict[str, tuple[float, set[int]]] = {}
        self.latencies: list[float] = []
        self.by_article: dict[int, set[str]] = {}

    def typed(self, word: str, article: int, others: set[int]) -> None:
        with self.lock:
            self.pending[word] = (time.perf_counter(), set(others))
            self.by_article.setdefault(article, set()).add(word)

    def seen(self, index: int, article: int, text: str) -> None:
        now = time.perf_counter()
        with self.lock:
            for word in list(self.by_article.get(article, ())):
                began, waiting = self.pending[word]
                if index in waiting and word in text:
                    waiting.discard(index)
                    if not waiting:
                        self.latencies.append(now - began)
                        self.by_article[article].discard(word)

    def lost(self) -> int:
        with self.lock:
            return sum(1 for _, waiting in self.pending.values() if waiting)


def editors_start(
    server: bench.Gunicorn, token: str, draft: Any, articles: list[Any], clients: int, pushed: bool
) -> list[Any]:
    from tests.asgi import PushedEditor

    http_url, ws_url = f"http://127.0.0.1:{server.port}", f"ws://127.0.0.1:{server.port}"
    editors = []
    for index in range(clients):
        article = articles[index % len(articles)]
        editors.append(PushedEditor(http_url, ws_url, token, draft.pk, article.pk, socket=pushed))
    return editors


def poller(editors: list[Any], stop: threading.Event) -> None:
    """Today's browser timing without the socket: 1 s while active (own or others' changes
    in the last 10 s), 5 s otherwise. One scheduler thread for all clients."""
    due = [(time.monotonic() + random.uniform(0, 1), i) for i in range(len(editors))]
    heapq.heapify(due)
    while not stop.is_set():
        at, index = heapq.heappop(due)
        delay = at - time.monotonic()
        if delay > 0:
            time.sleep(min(delay, 0.05))
            if time.monotonic() < at:
                heapq.heappush(due, (at, index))
                continue
        editor = editors[index]
        editor.sync_soon()
        active = time.monotonic() - editor.last_activity < 10
        heapq.heappush(due, (time.monotonic() + (1.0 if active else 5.0), index))


def b8(
    server: bench.Gunicorn,
    people: Any,
    token: str,
    clients: int,
    n_articles: int,
    seconds: float,
    pushed: bool,
) -> dict[str, Any]:
    draft = bench.draft_new(people, f"B8 {clients} clients {'push' if pushed else 'poll'}")
    from drafting.services import drafts as draft_services

    articles = [
        draft_services.article_create(
            actor=people.owner, draft=draft, heading=f"B8 {i}", text_en="Start."
        )
        for i in range(n_articles)
    ]
    tracker = Tracker()
    editors = editors_start(server, token, draft, articles, clients, pushed)
    groups: dict[int, set[int]] = {}
    for index, editor in enumerate(editors):
        groups.setdefault(editor.article_id, set()).add(index)
        editor.on_synced = lambda ed, text, index=index: tracker.seen(index, ed.article_id, text)
    stop = threading.Event()
    threads = []
    if not pushed:
        threads.append(threading.Thread(target=poller, args=(editors, stop), daemon=True))
    rng = random.Random(8)
    schedule = [(time.monotonic() + rng.uniform(*TYPE_EVERY), i) for i in range(clients)]
    heapq.heapify(schedule)
    for thread in threads:
        thread.start()
    began = time.monotonic()
    count = 0
    while True:
        at, index = heapq.heappop(schedule)
        if at > began + seconds:
            break
        time.sleep(max(0.0, at - time.monotonic()))
        count += 1
        word = f"w{index}x{count}"
        editor = editors[index]
        tracker.typed(word, editor.article_id, groups[editor.article_id] - {index})
        # Pushed, the editor sends it at once; polling, at its next tick (PushedEditor.work).
        editor.type(f" {word}")
        heapq.heappush(schedule, (at + rng.uniform(*TYPE_EVERY), index))
    # Let everything arrive (pushes: at once; polling: within the next ticks).
    deadline = time.monotonic() + 30
    while tracker.lost() and time.monotonic() < deadline:
        time.sleep(0.1)
    stop.set()
    errors = [e for editor in editors for e in editor.errors]
    syncs = sum(editor.syncs for editor in editors)
    for editor in editors:
        editor.close()
    from drafting.models import Article

    texts = {a.pk: Article.objects.get(pk=a.pk).text_en for a in articles}
    missing_in_db = sum(
        1 for word, _ in tracker.pending.items() if not any(word in text for text in texts.values())
    )
    lat = tracker.latencies
    return {
        "edits": count,
        "delivered": len(lat),
        "lost": tracker.lost(),
        "missing_in_db": missing_in_db,
        "syncs": syncs,
        "median": bench.median(lat),
        "p95": bench.percentile(lat, 95),
        "p99": bench.percentile(lat, 99),
        "max": max(lat) if lat else float("nan"),
        "errors": [repr(e) for e in errors[:5]],
    }


def cpu_seconds(root_pid: int) -> float:
    """utime + stime of a process and its children (gunicorn's master and workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry), int(fields[1])
        if pid == root_pid or ppid == root_pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def idle(
    server: bench.Gunicorn, people: Any, token: str, seconds: float, pushed: bool
) -> dict[str, Any]:
    draft = bench.draft_new(people, f"Idle 100 {'push' if pushed else 'poll'}")
    from drafting.services import drafts as draft_services

    articles = [
        draft_services.article_create(
            actor=people.owner, draft=draft, heading=f"I {i}", text_en="Idle."
        )
        for i in range(20)
    ]
    editors = editors_start(server, token, draft, articles, 100, pushed)
    stop = threading.Event()
    safety = threading.Thread(
        target=idle_timer, args=(editors, stop, 30.0 if pushed else 5.0), daemon=True
    )
    safety.start()
    time.sleep(3)
    assert server.process is not None
    before = cpu_seconds(server.process.pid)
    time.sleep(seconds)
    used = cpu_seconds(server.process.pid) - before
    stop.set()
    syncs = sum(editor.syncs for editor in editors)
    for editor in editors:
        editor.close()
    return {
        "cpu_seconds": used,
        "seconds": seconds,
        "share_of_one_core": used / seconds,
        "syncs": syncs,
    }


def idle_timer(editors: list[Any], stop: threading.Event, every: float) -> None:
    """Idle editors sync on their slow timer only (30 s pushed, 5 s polling), spread out."""
    due = [(time.monotonic() + random.uniform(0, every), i) for i in range(len(editors))]
    heapq.heapify(due)
    while not stop.is_set():
        at, index = heapq.heappop(due)
        time.sleep(max(0.0, min(at - time.monotonic(), 0.2)))
        if time.monotonic() < at:
            heapq.heappush(due, (at, index))
            continue
        editors[index].sync_soon()
        heapq.heappush(due, (at + every, index))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.push_bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--only", default="B8,IDLE")
    parser.add_argument("--runs", default=",".join(r[0] for r in RUNS))
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--idle-seconds", type=float, default=30.0)
    parser.add_argument("--modes", default="push,poll")
    args = parser.parse_args(argv)
    only = {item.strip().upper() for item in args.only.split(",")}
    runs = {item.strip() for item in args.runs.split(",")}
    modes = [m.strip() for m in args.modes.split(",")]
    if not os.environ.get("CHANNEL_LAYER_URL", "").startswith("redis"):
        raise SystemExit(
            "Set CHANNEL_LAYER_URL=redis://…: the server runs several worker processes."
        )
    os.environ["DJANGO_SETTINGS_MODULE"] = bench.SETTINGS
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    import django

    django.setup()
    from django.conf import settings

    from drafting.services.tokens import token_issue

    bench_dir = Path(settings.BENCH_DIR)
    server = bench.Gunicorn(
        bench.free_port(),
        bench_dir / "gunicorn-push.log",
        workers=WORKERS,
        worker_class="uvicorn.workers.UvicornWorker",
    )
    rows: list[dict[str, Any]] = []
    try:
        bench.database_prepare(False)
        people = bench.people_ensure()
        floor_pk = bench.floor_article(people)
        server.start(f"/bench/floor/{floor_pk}/")
        token = token_issue(user=people.owner)
        if "B8" in only:
            for run_id, clients, n_articles, target in RUNS:
                if run_id not in runs:
                    continue
                for mode in modes:
                    bench.log(
                        f"{run_id} {mode}: {clients} clients over {n_articles} article(s), {args.seconds:.0f} s"
                    )
                    r = b8(server, people, token, clients, n_articles, args.seconds, mode == "push")
                    bench.log(f"  -> {json.dumps(r)}")
                    ok = r["lost"] == 0 and r["missing_in_db"] == 0 and r["p95"] < target
                    rows.append(
                        {
                            "id": f"{run_id} {mode}",
                            "what": f"{clients} clients over {n_articles} article(s), {'pushes' if mode == 'push' else 'polling (today)'}",
                            "result": (
                                f"{r['edits']} edits, {r['syncs']} syncs; median {bench.ms(r['median'])}, p95 {bench.ms(r['p95'])}, "
                                f"p99 {bench.ms(r['p99'])}, max {bench.ms(r['max'])}; lost {r['lost']}, missing in db {r['missing_in_db']}"
                            ),
                            "target": f"p95 < {target * 1000:.0f} ms, 0 lost"
                            if mode == "push"
                            else "(reference: today's polling)",
                            "pass": ok if mode == "push" else None,
                            "data": r,
                        }
                    )
        if "IDLE" in only:
            for mode in modes:
                bench.log(f"idle: 100 open editors ({mode}) for {args.idle_seconds:.0f} s")
                r = idle(server, people, token, args.idle_seconds, mode == "push")
                bench.log(f"  -> {json.dumps(r)}")
                rows.append(
                    {
                        "id": f"IDLE {mode}",
                        "what": f"100 open idle editors, {'pushes (30 s safety net)' if mode == 'push' else 'polling every 5 s (today)'}",
                        "result": f"server CPU {r['cpu_seconds']:.2f} s in {r['seconds']:.0f} s = {r['share_of_one_core'] * 100:.1f}% of one core; {r['syncs']} syncs",
                        "target": "< 5% of one core" if mode == "push" else "(reference)",
                        "pass": r["share_of_one_core"] < 0.05 if mode == "push" else None,
                        "data": r,
                    }
                )
    finally:
        server.stop()
    for row in rows:
        print(
            f"{row['id']:<18} {row['result']}  [{row['target']}] {'' if row['pass'] is None else ('PASS' if row['pass'] else 'FAIL')}"
        )
    (bench_dir / "push-results.json").write_text(json.dumps(rows, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
