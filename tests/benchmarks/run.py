"""Entente's benchmarks (B1 to B6 of the shared benchmarks README) against a measured floor.

    .venv/bin/python -m tests.benchmarks.run [--only B1,B2,B3,B4,B5,B6] [--runs 3] [--fresh]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/entente_bench .venv/bin/python -m tests.benchmarks.run

One command runs them all and prints one table. B4 and B6 run here: every run measures the
floor first (gunicorn, 2 workers, the bare view of tests/benchmarks/urls.py, 8 clients,
each reconnecting per request as gunicorn's sync workers close every connection) and reports
each timing as a ratio to the floor's median latency in the same run; the table shows medians
over the runs. B5 (tests/benchmarks/page_bench.py) and B1-B3
(tests/benchmarks/sync_bench.py) run as child processes, each against its own floor, and their
rows join the table. Results go to stdout and var/bench/results.json.
A missed target is reported, not an error: the exit status is non-zero only if something broke.
See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gzip
import hashlib
import http.client
import json
import os
import platform
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = "tests.benchmarks.settings"
# The editing traces live in the shared folder beside the checkout (../shared), or where
# ENTENTE_TRACES_DIR says.
TRACES = Path(
    os.environ.get("ENTENTE_TRACES_DIR", ROOT.parent / "shared" / "benchmarks" / "traces")
)
CORPUS = ROOT / "treaties" / "fixtures" / "corpus"
LIBRARY = ROOT / "treaties" / "fixtures" / "library_clauses.json"

FLOOR_CLIENTS = 8
FLOOR_SECONDS = 5.0
FLOOR_WARMUP_SECONDS = 1.0
# Per client and measurement: bounds the run even if the floor is far faster than expected.
FLOOR_MAX_REQUESTS_PER_CLIENT = 10_000
# ENTENTE_BENCH_WORKERS: B2 at 2, 4 and 8 workers (docs/benchmarks.md, "B2 scaling").
GUNICORN_WORKERS = int(os.environ.get("ENTENTE_BENCH_WORKERS", "2"))

B4_ARTICLES = 100
B4_EN_CHARS = 1_800
B4_JA_EVERY = 5  # every fifth article has a Japanese text too
B4_JA_CHARS = 1_000
B4_COMPARE_REPS = 5  # timed compares per run (after one untimed warm-up)
B4_UNRELATED_CHARS = 200_000
B4_TARGET_MS = 50.0
B4_UNRELATED_TARGET_S = 1.2

B6_TRACE = "automerge-paper.json.gz"
B6_EDITS_PER_SYNC = 50
B6_REBUILD_SAMPLES = 200
B6_REBUILD_REPEATS = 3
B6_TARGET_BYTES = 5_000_000
B6_TARGET_REBUILD_MS = 20.0


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- results ------------------------------------------------------------------------------


@dataclass
class Row:
    id: str
    what: str
    result: str
    target: str
    ratio: str
    status: str  # PASS, FAIL or info
    data: dict[str, Any] = field(default_factory=dict)


def clients_text(clients: int) -> str:
    return "1 client" if clients == 1 else f"{clients} clients"


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), nearest rank."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def ratio(value: float, floor: float) -> str:
    return f"{value / floor:.1f}x" if floor > 0 else "n/a"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def table(rows: list[Row]) -> str:
    headers = ("id", "what", "result", "target", "ratio to floor", "pass/fail")
    lines = [[r.id, r.what, r.result, r.target, r.ratio, r.status] for r in rows]
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    out += ["| " + " | ".join(cell.replace("|", "/") for cell in line) + " |" for line in lines]
    return "\n".join(out)


# --- the database -------------------------------------------------------------------------


def database_prepare(fresh: bool) -> None:
    """The benchmark database is created if missing and otherwise kept: every benchmark works
    on drafts of its own, and other benchmark processes (tests/benchmarks/sync_bench.py) may be
    using the same database at the same time. ``fresh`` drops and recreates it first, only if
    its name contains "bench"."""
    from django.conf import settings
    from django.core.management import call_command

    db = settings.DATABASES["default"]
    name = str(db["NAME"])
    if fresh and "bench" not in Path(name).name:
        raise RuntimeError(f"--fresh drops the database: refusing, {name!r} is not named *bench*")
    if db["ENGINE"] == "django.db.backends.sqlite3":
        if fresh:
            log(f"deleting {name}")
            for suffix in ("", "-wal", "-shm"):
                Path(f"{name}{suffix}").unlink(missing_ok=True)
    elif db["ENGINE"] == "django.db.backends.postgresql":
        import psycopg
        from psycopg import sql

        with psycopg.connect(
            dbname="postgres",
            user=db.get("USER") or None,
            password=db.get("PASSWORD") or None,
            host=db.get("HOST") or None,
            port=db.get("PORT") or None,
            autocommit=True,
        ) as conn:
            if fresh:
                log(f"dropping database {name}")
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                log(f"creating database {name}")
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    log(f"migrating {describe_database()}")
    call_command("migrate", verbosity=0, interactive=False)


def describe_database() -> str:
    from django.db import connection

    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"SQLite {s['NAME']}"
    return f"{connection.vendor} {s.get('HOST') or 'localhost'}:{s.get('PORT') or ''}/{s['NAME']}"


def revision_table_bytes() -> int | None:
    """The revision table with its TOAST and indexes as stored: pg_total_relation_size on
    PostgreSQL, dbstat pages on SQLite (None if neither can tell)."""
    from django.db import connection

    from drafting.models import Revision

    table = Revision._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_total_relation_size(%s)", [table])
            return int(cursor.fetchone()[0])
        if connection.vendor == "sqlite":
            try:
                cursor.execute(
                    "SELECT SUM(pgsize) FROM dbstat WHERE name IN "
                    "(SELECT name FROM sqlite_master WHERE tbl_name = %s)",
                    [table],
                )
                return int(cursor.fetchone()[0] or 0)
            except Exception:
                return None
    return None


# --- people and corpus text ----------------------------------------------------------------


@dataclass
class People:
    owner: Any
    drafter: Any


def people_ensure() -> People:
    from drafting.services.demo import demo_users_ensure
    from treaties.models import Treaty
    from treaties.services import corpus_load

    if not Treaty.objects.exists():
        log("loading the corpus (parties for the drafts)")
        corpus_load()
    users = demo_users_ensure(password=secrets.token_urlsafe(24))
    return People(owner=users["uk.lead"], drafter=users["uk.drafter"])


def draft_new(people: People, title: str, *, with_drafter: bool = False) -> Any:
    from drafting.services import drafts as draft_services
    from drafting.services import members as member_services

    draft = draft_services.draft_create(
        actor=people.owner,
        title=f"{title} ({datetime.now(UTC):%Y-%m-%d %H:%M:%S})",
        delegation="UK",
    )
    if with_drafter:
        member_services.member_add(
            actor=people.owner,
            draft=draft,
            username=people.drafter.username,
            role="drafter",
            delegation="UK",
        )
    return draft


def corpus_english() -> list[tuple[str, str]]:
    """(heading, text) of every English article of the shipped corpus."""
    items = []
    for path in sorted(CORPUS.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for item in data.get("articles", []):
            text = (item.get("text") or "").strip()
            if text and item.get("language", "en") == "en":
                items.append((item.get("heading") or "", text))
    return items


def corpus_japanese() -> list[str]:
    """Japanese texts: the Japanese articles of the corpus and the library's working
    translations."""
    texts = []
    for path in sorted(CORPUS.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for item in data.get("articles", []):
            if item.get("language") == "ja" and item.get("text"):
                texts.append(item["text"].strip())
    for clause in json.loads(LIBRARY.read_text(encoding="utf-8")):
        if clause.get("text_ja"):
            texts.append(clause["text_ja"].strip())
    return texts


def cut(stream: Iterator[str], length: int, stops: str) -> str:
    """About ``length`` characters from the stream of texts, ending after the one of ``stops``
    nearest to ``length``."""
    text = ""
    while len(text) < length + 400:
        text += ("\n\n" if text else "") + next(stream)
    ends = [i for stop in stops for i in (text.rfind(stop, 0, length), text.find(stop, length))]
    ends = [i for i in ends if i > 0]
    end = min(ends, key=lambda i: abs(i - length)) if ends else length - 1
    return text[: end + 1]


def cycle_shuffled(items: list[str], rng: random.Random) -> Iterator[str]:
    while True:
        order = items[:]
        rng.shuffle(order)
        yield from order


# Word replacements a negotiator makes, tried in turn on a changed article.
REPLACEMENTS = (
    ("shall", "will"),
    ("the Parties", "the Contracting Parties"),
    ("armed attack", "armed attack or threat of armed attack"),
    ("immediately", "without delay"),
    ("North Atlantic", "Indo-Pacific"),
    ("consult together", "consult each other promptly"),
    ("Treaty", "Agreement"),
    ("territory", "territory or armed forces"),
)


def edited(text: str, rng: random.Random) -> str:
    """A realistic edit: two or three word replacements, and sometimes a sentence dropped or
    added."""
    done = 0
    for old, new in rng.sample(REPLACEMENTS, len(REPLACEMENTS)):
        places = [m.start() for m in re.finditer(re.escape(old), text)]
        if places and done < 3:
            index = rng.choice(places)
            text = text[:index] + new + text[index + len(old) :]
            done += 1
    sentences = re.split(r"(?<=\.) ", text)
    if rng.random() < 0.5 and len(sentences) > 3:
        del sentences[rng.randrange(1, len(sentences) - 1)]
    else:
        sentences.insert(
            rng.randrange(1, len(sentences) + 1),
            "Nothing in this Article shall prejudice the rights and obligations of either Party "
            "under the Charter of the United Nations.",
        )
    return " ".join(sentences)


# --- the floor ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:
    # If the runner is killed outright, the kernel stops gunicorn too (Linux only).
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Gunicorn:
    def __init__(
        self,
        port: int,
        log_path: Path,
        *,
        workers: int = GUNICORN_WORKERS,
        # ENTENTE_BENCH_WORKER_CLASS=uvicorn.workers.UvicornWorker runs B1-B3 on the ASGI app.
        worker_class: str = os.environ.get("ENTENTE_BENCH_WORKER_CLASS", ""),
        env: dict[str, str] | None = None,
    ) -> None:
        self.port = port
        self.log_path = log_path
        self.workers = workers
        # "uvicorn.workers.UvicornWorker": the ASGI application (pages, API and sockets).
        self.worker_class = worker_class
        self.env = env or {}
        if self.worker_class:
            # ASGI: a connection pool per worker, not a persistent connection per request thread.
            self.env.setdefault(
                "DATABASE_POOL_MAX_SIZE", os.environ.get("DATABASE_POOL_MAX_SIZE", "4")
            )
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, probe_path: str) -> None:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS, **self.env}
        app = "drafting.asgi:application" if self.worker_class else "drafting.wsgi:application"
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            app,
            *(["--worker-class", self.worker_class] if self.worker_class else []),
            "--workers",
            str(self.workers),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--log-level",
            "warning",
            "--error-logfile",
            str(self.log_path),
            "--graceful-timeout",
            "5",
        ]
        log(
            f"starting gunicorn ({self.workers} {self.worker_class or 'sync'} workers) on 127.0.0.1:{self.port}"
        )
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            # Called before any thread of this process starts, so preexec_fn is safe here.
            preexec_fn=_die_with_parent,
        )
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}"
                )
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", probe_path)
                response = conn.getresponse()
                body = response.read()
                conn.close()
                if response.status == 200:
                    return
                raise RuntimeError(f"the floor view answered {response.status}: {body[:300]!r}")
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not answer:\n{self.log_tail()}") from None
                time.sleep(0.2)

    def log_tail(self) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-30:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        log("stopping gunicorn")
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@dataclass
class FloorResult:
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def median(self) -> float:
        return median(self.latencies)

    @property
    def p99(self) -> float:
        return percentile(self.latencies, 99)


def floor_drive(port: int, path: str, seconds: float, clients: int = FLOOR_CLIENTS) -> FloorResult:
    """``clients`` threads, each with its own keep-alive connection (http.client reconnects
    by itself when the server closes one), for ``seconds`` or the request cap."""
    start = threading.Barrier(clients + 1)
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    failures: list[BaseException] = []
    deadline = [0.0]

    def client(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = latencies[index]
        try:
            start.wait()
            while time.perf_counter() < deadline[0] and len(mine) < FLOOR_MAX_REQUESTS_PER_CLIENT:
                began = time.perf_counter()
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                mine.append(time.perf_counter() - began)
                if response.status != 200:
                    errors[index] += 1
        except BaseException as exc:
            failures.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline[0] = began + seconds
    start.wait()
    for thread in threads:
        thread.join(seconds + 60)
    elapsed = time.perf_counter() - began
    if failures:
        raise RuntimeError(f"a floor client failed: {failures[0]!r}") from failures[0]
    every = [latency for mine in latencies for latency in mine]
    return FloorResult(len(every), sum(errors), elapsed, every)


def floor_article(people: People) -> int:
    from drafting.services import drafts as draft_services

    draft = draft_new(people, "Benchmark floor")
    article = draft_services.article_create(
        actor=people.owner, draft=draft, heading="Floor", text_en="The floor's article."
    )
    return int(article.pk)


# --- B4: compare two versions of a 200,000-character draft ---------------------------------


@dataclass
class B4State:
    draft: Any
    chars: int
    articles: int
    touched: dict[str, int]
    counts: dict[str, int] = field(default_factory=dict)
    unrelated: dict[str, Any] = field(default_factory=dict)


def b4_build(people: People) -> B4State:
    from drafting.services import drafts as draft_services
    from drafting.services.versions import version_create

    rng = random.Random(4)
    english = corpus_english()
    japanese = corpus_japanese()
    en_stream = cycle_shuffled([text for _, text in english], rng)
    ja_stream = cycle_shuffled(japanese, rng)
    headings = [heading for heading, _ in english if heading] or ["Article"]
    draft = draft_new(people, "Benchmark B4: a 200,000-character draft")
    log(f"B4: building {B4_ARTICLES} articles")
    chars = 0
    for index in range(B4_ARTICLES):
        text_en = cut(en_stream, B4_EN_CHARS, ".;")
        text_ja = cut(ja_stream, B4_JA_CHARS, "。") if index % B4_JA_EVERY == 0 else ""
        chars += len(text_en) + len(text_ja)
        draft_services.article_create(
            actor=people.owner,
            draft=draft,
            heading=headings[index % len(headings)][:300],
            text_en=text_en,
            text_ja=text_ja,
        )
    version_create(actor=people.owner, draft=draft, name="Version 1")
    articles = list(draft.articles.order_by("position"))
    # About 10% of the articles change: word replacements in 9 English texts and one Japanese
    # one, one article moves, one is added and one removed.
    removed = articles[80]
    candidates = [a for a in articles[1:-1] if a.pk != removed.pk]
    changed = rng.sample(candidates, 10)
    for article in changed[:9]:
        draft_services.article_edit(
            actor=people.owner, article=article, text_en=edited(article.text_en, rng)
        )
    with_ja = next(a for a in candidates if a.text_ja and a not in changed)
    draft_services.article_edit(
        actor=people.owner,
        article=with_ja,
        text_ja=with_ja.text_ja.replace("締約国", "両締約国", 2),
    )
    moved = changed[9]
    draft_services.article_move(actor=people.owner, article=moved, position=min(60, len(articles)))
    draft_services.article_create(
        actor=people.owner,
        draft=draft,
        heading="Cyber and space",
        text_en=cut(en_stream, B4_EN_CHARS, ".;"),
        position=40,
    )
    draft_services.article_delete(actor=people.owner, article=removed)
    version_create(actor=people.owner, draft=draft, name="Version 2")
    return B4State(
        draft=draft,
        chars=chars,
        articles=len(articles),
        touched={"text edits": 10, "moved": 1, "added": 1, "removed": 1},
    )


def b4_unrelated_build(people: People) -> dict[str, Any]:
    """Two articles whose revision 1 and 2 are unrelated 200,000-character texts: English
    against English with the same vocabulary (the worst case for a diff), and English against
    Japanese."""
    from drafting.services import drafts as draft_services

    english = " ".join(text for _, text in corpus_english()).split()
    japanese = "".join(corpus_japanese())

    def words(seed: int) -> str:
        rng = random.Random(seed)
        out: list[str] = []
        size = 0
        while size < B4_UNRELATED_CHARS:
            word = rng.choice(english)
            out.append(word)
            size += len(word) + 1
        return " ".join(out)[:B4_UNRELATED_CHARS]

    kanji = (japanese * (B4_UNRELATED_CHARS // max(1, len(japanese)) + 1))[:B4_UNRELATED_CHARS]
    draft = draft_new(people, "Benchmark B4: unrelated texts")
    log("B4: building two articles with unrelated 200,000-character revisions")
    pairs = {"en-en": (words(41), words(42)), "en-ja": (words(43), kanji)}
    out = {}
    for name, (before, after) in pairs.items():
        article = draft_services.article_create(
            actor=people.owner, draft=draft, heading=f"Unrelated {name}", text_en=before
        )
        draft_services.article_edit(actor=people.owner, article=article, text_en=after)
        out[name] = article
    return out


def b4_measure(people: People, state: B4State) -> dict[str, Any]:
    from drafting.selectors.history import DIFF_TIMEOUT, article_compare, draft_compare

    owner = people.owner
    if not state.counts:
        result = draft_compare(owner, state.draft, "1", "2")  # warm-up, and what it found
        state.counts = dict(result.counts)
    timings = []
    for _ in range(B4_COMPARE_REPS):
        began = time.perf_counter()
        draft_compare(owner, state.draft, "1", "2")
        timings.append(time.perf_counter() - began)
    unrelated = {}
    for name, article in state.unrelated.items():
        began = time.perf_counter()
        compare = article_compare(owner, article, "en", "1", "2")
        unrelated[name] = {
            "seconds": time.perf_counter() - began,
            "ops": len(compare.ops),
            "chars": (len(compare.from_text), len(compare.to_text)),
        }
    return {
        "compare_median": median(timings),
        "compare_all": timings,
        "unrelated": unrelated,
        "diff_timeout": DIFF_TIMEOUT,
    }


# --- B6: the automerge-paper history --------------------------------------------------------


def trace_load() -> dict[str, Any]:
    with gzip.open(TRACES / B6_TRACE, "rt", encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def trace_syncs(trace: dict[str, Any]) -> Iterator[tuple[str, datetime, int]]:
    """(text, time of its last edit, edits so far) after every B6_EDITS_PER_SYNC edits and at
    the end. Positions are code points, as Python indexes str."""
    text = trace["startContent"]
    edits = pending = 0
    stamp = None
    for txn in trace["txns"]:
        stamp = txn["time"]
        for position, deleted, inserted in txn["patches"]:
            text = text[:position] + inserted + text[position + deleted :]
            edits += 1
            pending += 1
        if pending >= B6_EDITS_PER_SYNC:
            yield text, datetime.fromisoformat(stamp.replace("Z", "+00:00")), edits
            pending = 0
    if pending and stamp is not None:
        yield text, datetime.fromisoformat(stamp.replace("Z", "+00:00")), edits


@dataclass
class B6Mode:
    name: str
    what: str
    article: Any = None
    syncs: int = 0
    edits: int = 0
    replay_seconds: float = 0.0
    revisions: int = 0
    revisions_all_languages: int = 0
    history_bytes: int = 0
    snapshots: int = 0
    snapshot_bytes: int = 0
    pg_stored_bytes: int | None = None
    table_growth: int | None = None
    final_ok: bool = False
    last_ok: bool = False
    hashes_ok: bool = True
    hash_failures: list[int] = field(default_factory=list)
    deepest: int = 0


def b6_replay(people: People, trace: dict[str, Any], mode: str) -> B6Mode:
    from django.db import transaction

    from drafting.models import Article, Revision
    from drafting.services import drafts as draft_services
    from drafting.services.revisions import text_set

    if mode == "a":
        state = B6Mode("B6a", "one author, the trace's own times (each sync is its own revision)")
    else:
        state = B6Mode("B6b", "worst case: two authors alternate, every sync a revision")
    draft = draft_new(people, f"Benchmark B6 ({mode})", with_drafter=mode == "b")
    article = draft_services.article_create(
        actor=people.owner, draft=draft, heading=f"automerge-paper ({mode})"
    )
    first_time = datetime.fromisoformat(trace["txns"][0]["time"].replace("Z", "+00:00"))
    last_time = datetime.fromisoformat(trace["txns"][-1]["time"].replace("Z", "+00:00"))
    if mode == "a":
        state.what += f"; its edits span {(last_time - first_time).total_seconds():,.1f} s"
    # The trace's clock, moved to start a minute from now: every interval stays as recorded.
    shift = datetime.now(UTC) + timedelta(minutes=1) - first_time
    before = revision_table_bytes()
    log(
        f"{state.name}: replaying {B6_TRACE} through text_set, one sync per {B6_EDITS_PER_SYNC} edits"
    )
    began = time.perf_counter()
    authors = (people.owner, people.drafter)
    for index, (text, stamp, edits) in enumerate(trace_syncs(trace)):
        with transaction.atomic():
            locked = Article.objects.select_for_update().get(pk=article.pk)
            text_set(
                article=locked,
                language="en",
                text=text,
                actor=people.owner if mode == "a" else authors[index % 2],
                kind=Revision.Kind.SYNCED,
                at=stamp + shift if mode == "a" else None,
            )
        state.syncs, state.edits = index + 1, edits
        if state.syncs % 1000 == 0:
            log(f"{state.name}: {state.syncs} syncs, {time.perf_counter() - began:.0f} s")
    state.replay_seconds = time.perf_counter() - began
    after = revision_table_bytes()
    if before is not None and after is not None:
        state.table_growth = after - before
    state.article = Article.all_objects.get(pk=article.pk)
    b6_size(state)
    return state


def b6_size(state: B6Mode) -> None:
    from django.db import connection
    from django.db.models import Max

    from drafting.models import Revision

    rows = Revision.objects.filter(article=state.article)
    state.revisions_all_languages = rows.count()
    state.revisions = rows.filter(language="en").count()
    # Every language's rows count (the Japanese text of these articles stays empty).
    for language, delta, snapshot in rows.values_list("language", "delta", "snapshot").iterator(
        chunk_size=200
    ):
        state.history_bytes += len(delta.encode("utf-8", "surrogatepass"))
        if snapshot is not None:
            size = len(snapshot.encode("utf-8", "surrogatepass"))
            state.history_bytes += size
            state.snapshot_bytes += size
            state.snapshots += language == "en"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COALESCE(SUM(pg_column_size(delta)), 0)"
                " + COALESCE(SUM(pg_column_size(snapshot)), 0)"
                f" FROM {Revision._meta.db_table} WHERE article_id = %s",
                [state.article.pk],
            )
            state.pg_stored_bytes = int(cursor.fetchone()[0])
    last = rows.filter(language="en").aggregate(n=Max("number"))["n"] or 0
    snapshots = set(
        rows.filter(language="en", snapshot__isnull=False).values_list("number", flat=True)
    )
    # The revision with the most deltas between it and its snapshot: the slowest to rebuild.
    state.deepest = max(
        range(1, last + 1), key=lambda n: (n - max(s for s in snapshots if s <= n), n)
    )


def b6_check(state: B6Mode, end_content: str) -> None:
    from django.db.models import Max

    from drafting.core.revisions import text_at
    from drafting.models import Revision

    last = (
        Revision.objects.filter(article=state.article, language="en").aggregate(n=Max("number"))[
            "n"
        ]
        or 0
    )
    state.final_ok = state.article.text_en == end_content
    state.last_ok = text_at(state.article, "en", last) == end_content


def b6_rebuild(state: B6Mode, seed: int) -> dict[str, Any]:
    """Time text_at on B6_REBUILD_SAMPLES random revisions, the deepest and the last, and check
    each rebuilt text against the SHA-256 recorded with its revision.

    Each revision is rebuilt B6_REBUILD_REPEATS times in a row and its time is the median of
    those: on a shared machine one rebuild in a few hundred is descheduled for tens of
    milliseconds, which says nothing about the history. The single slowest rebuild is kept
    too ("raw max")."""
    from drafting.core.revisions import text_at
    from drafting.models import Revision

    hashes = dict(
        Revision.objects.filter(article=state.article, language="en").values_list(
            "number", "text_hash"
        )
    )
    last = max(hashes)
    rng = random.Random(seed)
    numbers = [rng.randint(1, last) for _ in range(B6_REBUILD_SAMPLES)] + [state.deepest, last]
    timings = []
    raw: list[float] = []
    for number in numbers:
        repeats = []
        for _ in range(B6_REBUILD_REPEATS):
            began = time.perf_counter()
            text = text_at(state.article, "en", number)
            repeats.append(time.perf_counter() - began)
        raw += repeats
        timings.append(median(repeats))
        if hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest() != hashes[number]:
            state.hashes_ok = False
            state.hash_failures.append(number)
    return {
        "median": median(timings),
        "p99": percentile(timings, 99),
        "max": max(timings),
        "raw_max": max(raw),
        "deepest": timings[-2],
        "last": timings[-1],
        "samples": len(timings),
    }


# --- the run ------------------------------------------------------------------------------


def mb(size: int) -> str:
    return f"{size / 1_000_000:.2f} MB"


def report(
    floors: list[FloorResult],
    b4_state: B4State | None,
    b4_runs: list[dict[str, Any]],
    b6_modes: list[B6Mode],
    b6_runs: dict[str, list[dict[str, Any]]],
) -> list[Row]:
    rows: list[Row] = []
    floor_medians = [f.median for f in floors]
    floor_median = median(floor_medians)
    rows.append(
        Row(
            "FLOOR",
            f"bare view (1 SELECT + 1 UPDATE by pk), gunicorn {GUNICORN_WORKERS} workers, "
            f"{FLOOR_CLIENTS} clients, {FLOOR_SECONDS:.0f} s",
            f"{median([f.rps for f in floors]):,.0f} req/s; median {ms(floor_median)}, "
            f"p99 {ms(median([f.p99 for f in floors]))}; {sum(f.errors for f in floors)} errors",
            "(reference)",
            "1.0x",
            "info" if not any(f.errors for f in floors) else "FAIL",
            {
                "runs": [
                    {
                        "requests": f.requests,
                        "errors": f.errors,
                        "seconds": f.seconds,
                        "rps": f.rps,
                        "median_s": f.median,
                        "p99_s": f.p99,
                    }
                    for f in floors
                ]
            },
        )
    )

    def per_run_ratio(values: list[float]) -> str:
        return f"{median([v / f for v, f in zip(values, floor_medians, strict=True)]):.1f}x"

    if b4_state is not None and b4_runs:
        compare = [run["compare_median"] for run in b4_runs]
        counts = ", ".join(f"{n} {k}" for k, n in sorted(b4_state.counts.items()))
        rows.append(
            Row(
                "B4",
                f"draft_compare v1→v2: {b4_state.chars:,} chars in {b4_state.articles} "
                f"articles; found {counts}",
                ms(median(compare)),
                f"< {B4_TARGET_MS:.0f} ms",
                per_run_ratio(compare),
                verdict(median(compare) * 1000 < B4_TARGET_MS),
                {"per_run_median_s": compare, "counts": b4_state.counts, **b4_state.touched},
            )
        )
        for name in b4_runs[0]["unrelated"]:
            seconds = [run["unrelated"][name]["seconds"] for run in b4_runs]
            worst = max(seconds)
            rows.append(
                Row(
                    f"B4-{name}",
                    f"article_compare of two unrelated {B4_UNRELATED_CHARS:,}-char texts "
                    f"({name}), DIFF_TIMEOUT {b4_runs[0]['diff_timeout']} s",
                    f"{median(seconds):.2f} s (worst {worst:.2f} s)",
                    f"<= {B4_UNRELATED_TARGET_S} s",
                    per_run_ratio(seconds),
                    verdict(median(seconds) <= B4_UNRELATED_TARGET_S),
                    {"per_run_s": seconds, "ops": b4_runs[0]["unrelated"][name]["ops"]},
                )
            )
    for state in b6_modes:
        runs = b6_runs.get(state.name, [])
        rows.append(
            Row(
                f"{state.name}-history",
                f"{state.what}: {state.syncs:,} syncs of {B6_EDITS_PER_SYNC} edits → "
                f"{state.revisions:,} English revisions, {state.snapshots} with a snapshot",
                f"{mb(state.history_bytes)} (snapshots {mb(state.snapshot_bytes)})"
                + (
                    f"; as stored (TOAST) {mb(state.pg_stored_bytes)}"
                    if state.pg_stored_bytes is not None
                    else ""
                )
                + (
                    f"; table grew {mb(state.table_growth)}"
                    if state.table_growth is not None
                    else ""
                ),
                f"<= {mb(B6_TARGET_BYTES)}",
                "n/a",
                verdict(state.history_bytes <= B6_TARGET_BYTES),
                {
                    "revisions_en": state.revisions,
                    "revisions_all_languages": state.revisions_all_languages,
                    "history_bytes": state.history_bytes,
                    "snapshot_bytes": state.snapshot_bytes,
                    "snapshots": state.snapshots,
                    "pg_stored_bytes": state.pg_stored_bytes,
                    "table_growth_bytes": state.table_growth,
                },
            )
        )
        if runs:
            medians = [run["median"] for run in runs]
            maxima = [run["max"] for run in runs]
            rows.append(
                Row(
                    f"{state.name}-rebuild",
                    f"text_at on {runs[0]['samples'] - 2} random revisions + the deepest "
                    f"(r{state.deepest}) + the last; each the median of "
                    f"{B6_REBUILD_REPEATS} rebuilds",
                    f"median {ms(median(medians))}, max {ms(median(maxima))} "
                    f"(worst run {ms(max(maxima))}; slowest single rebuild "
                    f"{ms(max(run['raw_max'] for run in runs))})",
                    f"< {B6_TARGET_REBUILD_MS:.0f} ms each",
                    f"{per_run_ratio(medians)} / {per_run_ratio(maxima)} (median / max)",
                    verdict(median(maxima) * 1000 < B6_TARGET_REBUILD_MS),
                    {"runs": runs},
                )
            )
        ok = state.final_ok and state.last_ok and state.hashes_ok
        rows.append(
            Row(
                f"{state.name}-text",
                "article text == endContent; text_at(last) == endContent; every rebuilt "
                "revision matches its recorded SHA-256",
                f"{'yes' if state.final_ok else 'NO'}; {'yes' if state.last_ok else 'NO'}; "
                + ("yes" if state.hashes_ok else f"NO (r{state.hash_failures[:5]})"),
                "all yes",
                "n/a",
                verdict(ok),
            )
        )
        rows.append(
            Row(
                f"{state.name}-replay",
                f"replay time in process ({state.edits:,} edits, 1 replay; not a target)",
                f"{state.replay_seconds:.1f} s = {state.syncs / state.replay_seconds:,.0f} "
                "text_set/s",
                "-",
                "n/a",
                "info",
            )
        )
    return rows


ALL = ("B1", "B2", "B3", "B4", "B5", "B6", "B7")
# Benchmarks with their own module (and their own gunicorn or client), run as child processes
# of this one so that one command runs them all; each writes its rows as JSON for the table.
CHILDREN = (
    ("page_bench", "page-results.json", {"B5"}),
    ("sync_bench", "sync-results.json", {"B1", "B2", "B3"}),
    ("document_bench", "document-results.json", {"B7"}),
)


def row_status(row: dict[str, Any]) -> str:
    """PASS or FAIL for a row measured against a target; "info" for a reference row."""
    return "info" if "pass" not in row else ("PASS" if row["pass"] else "FAIL")


def child_results_write(name: str, rows: list[dict[str, Any]], id_width: int, **extra: Any) -> None:
    """A child benchmark's rows: printed, and written to var/bench/``name`` for the table of
    ``main`` (``child_rows``)."""
    from django.conf import settings

    print()
    for row in rows:
        status = row_status(row)
        print(f"{row['id']:{id_width}} {'' if status == 'info' else status:5} {row['result']}")
    out = {
        "finished": datetime.now(UTC).isoformat(),
        "database": describe_database(),
        **extra,
        "rows": rows,
    }
    (Path(settings.BENCH_DIR) / name).write_text(json.dumps(out, indent=2, default=str))


def child_rows(path: Path) -> list[Row]:
    rows = []
    for row in json.loads(path.read_text(encoding="utf-8"))["rows"]:
        status = row_status(row)
        rows.append(
            Row(
                row["id"],
                row.get("what", ""),
                row["result"],
                row.get("target", "(reference)"),
                row.get("ratio", "n/a"),
                status,
                row.get("data") or {},
            )
        )
    return rows


def own_benchmarks(only: set[str], runs: int) -> list[Row]:
    """B4 and B6, timed in this process against the floor served by a gunicorn of its own."""
    from django.conf import settings

    bench_dir = Path(settings.BENCH_DIR)
    gunicorn = Gunicorn(free_port(), bench_dir / "gunicorn.log")
    try:
        people = people_ensure()
        floor_pk = floor_article(people)
        b4_state = None
        if "B4" in only:
            b4_state = b4_build(people)
            b4_state.unrelated = b4_unrelated_build(people)
        b6_modes: list[B6Mode] = []
        if "B6" in only:
            trace = trace_load()
            syncs, final = 0, None
            for text, _, _ in trace_syncs(trace):
                syncs, final = syncs + 1, text
            trace_ok = final == trace["endContent"]
            log(
                f"B6: {sum(len(t['patches']) for t in trace['txns']):,} edits, "
                f"{syncs:,} syncs; replayed text == endContent: {trace_ok}"
            )
            if not trace_ok:
                raise RuntimeError("the trace does not replay to its endContent")
            for mode in ("a", "b"):
                state = b6_replay(people, trace, mode)
                b6_check(state, trace["endContent"])
                b6_modes.append(state)
        gunicorn.start(f"/bench/floor/{floor_pk}/")
        floor_drive(gunicorn.port, f"/bench/floor/{floor_pk}/", FLOOR_WARMUP_SECONDS)
        floors: list[FloorResult] = []
        b4_runs: list[dict[str, Any]] = []
        b6_runs: dict[str, list[dict[str, Any]]] = {}
        for run in range(1, runs + 1):
            floor = floor_drive(gunicorn.port, f"/bench/floor/{floor_pk}/", FLOOR_SECONDS)
            floors.append(floor)
            log(
                f"run {run}: floor {floor.rps:,.0f} req/s, median {ms(floor.median)}, "
                f"p99 {ms(floor.p99)}, {floor.errors} errors"
            )
            if b4_state is not None:
                b4_runs.append(b4_measure(people, b4_state))
                log(
                    f"run {run}: B4 draft_compare {ms(b4_runs[-1]['compare_median'])}; unrelated "
                    + ", ".join(
                        f"{k} {v['seconds']:.2f} s" for k, v in b4_runs[-1]["unrelated"].items()
                    )
                )
            for state in b6_modes:
                result = b6_rebuild(state, seed=run)
                b6_runs.setdefault(state.name, []).append(result)
                log(
                    f"run {run}: {state.name} rebuild median {ms(result['median'])}, "
                    f"max {ms(result['max'])}"
                )
    finally:
        gunicorn.stop()
    return report(floors, b4_state, b4_runs, b6_modes, b6_runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--only", default=",".join(ALL), help="comma-separated, of B1 to B7 (default all)"
    )
    parser.add_argument("--runs", type=int, default=3, help="measured runs of B4-B6 (default 3)")
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="drop and recreate the DATABASE_URL database first (its name must contain 'bench')",
    )
    args = parser.parse_args(argv)
    only = {item.strip().upper() for item in args.only.split(",") if item.strip()}
    unknown = only - set(ALL)
    if unknown or not only or args.runs < 1:
        parser.error(
            f"unknown benchmarks {sorted(unknown)}: choose among {', '.join(ALL)}"
            if unknown or not only
            else "--runs must be >= 1"
        )

    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    # A plain `kill` must still stop gunicorn: turn SIGTERM into SystemExit so finally runs.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    bench_dir = Path(settings.BENCH_DIR)
    started = datetime.now(UTC)
    rows: list[Row] = []
    try:
        database_prepare(args.fresh)
        if only & {"B4", "B6"}:
            rows += own_benchmarks(only, args.runs)
        for module, results_file, ids in CHILDREN:
            chosen = sorted(only & ids)
            if not chosen:
                continue
            extra = ["--runs", str(args.runs)] if module in ("page_bench", "document_bench") else []
            extra += ["--only", ",".join(chosen)] if module == "sync_bench" else []
            log(f"{', '.join(chosen)}: python -m tests.benchmarks.{module} {' '.join(extra)}")
            (bench_dir / results_file).unlink(missing_ok=True)
            subprocess.run(
                [sys.executable, "-m", f"tests.benchmarks.{module}", *extra],
                check=True,
                env={**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS},
            )
            rows += child_rows(bench_dir / results_file)
    except BaseException:
        traceback.print_exc()
        return 1
    # Floors first, then B1 to B6 (numbers in ids compared as numbers: FLOOR/8 before FLOOR/32).
    rows.sort(
        key=lambda row: (
            not row.id.startswith("FLOOR"),
            [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", row.id)],
        )
    )
    print()
    print(table(rows))
    results = {
        "started": started.isoformat(),
        "finished": datetime.now(UTC).isoformat(),
        "database": describe_database(),
        "vendor": connection.vendor,
        "runs": args.runs,
        "only": sorted(only),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "load_average_at_end": os.getloadavg(),
        },
        "rows": [row.__dict__ for row in rows],
    }
    # results.json is the latest run; results-<vendor>.json keeps the latest per database.
    for name in ("results.json", f"results-{connection.vendor}.json"):
        (bench_dir / name).write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    print(f"\nwritten to {bench_dir / 'results.json'} and results-{connection.vendor}.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
