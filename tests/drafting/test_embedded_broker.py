"""The embedded default's Celery broker (issue 15 part 4): a SQLite file through kombu's
SQLAlchemy transport, not the filesystem transport whose reader can die on a half-written
message file. The 5,000-task soak is tests/benchmarks/broker_soak.py (run on purpose)."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys

from kombu import Connection

from drafting.brokerprune import broker_sqlite_path, delivered_messages_prune


def test_the_embedded_default_broker_is_a_sqlite_file_in_wal_mode(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("CELERY_BROKER_URL",)}
    env.update(DEBUG="1", ENTENTE_VAR_DIR=str(tmp_path), SECRET_KEY="")
    out = subprocess.run(
        [sys.executable, "-c", "from drafting import settings; print(settings.CELERY_BROKER_URL)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert out == f"sqla+sqlite:///{tmp_path}/celery-broker.sqlite3"
    with sqlite3.connect(tmp_path / "celery-broker.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_delivered_messages_are_pruned_and_pending_ones_kept(tmp_path):
    url = f"sqla+sqlite:///{tmp_path}/broker.sqlite3"
    path = broker_sqlite_path(url)
    assert path == f"{tmp_path}/broker.sqlite3"
    with Connection(url) as conn:
        queue = conn.SimpleQueue("prune-test")
        for n in range(3):
            queue.put({"n": n})
        message = queue.get(timeout=5)
        message.ack()
        queue.close()
    # Delivered one hour and a minute ago (the transport stamps local naive time).
    old = (dt.datetime.now() - dt.timedelta(minutes=61)).isoformat(sep=" ")
    with sqlite3.connect(path) as db:
        db.execute("UPDATE kombu_message SET timestamp = ? WHERE visible = 0", (old,))
    assert delivered_messages_prune(path, older_than=dt.timedelta(hours=1)) == 1
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM kombu_message").fetchone()[0] == 2
    with Connection(url) as conn:
        queue = conn.SimpleQueue("prune-test")
        assert sorted(queue.get(timeout=5).payload["n"] for _ in range(2)) == [1, 2]
        queue.close()


def test_a_recent_delivery_is_kept(tmp_path):
    url = f"sqla+sqlite:///{tmp_path}/broker.sqlite3"
    with Connection(url) as conn:
        queue = conn.SimpleQueue("prune-test")
        queue.put({"n": 1})
        queue.get(timeout=5).ack()
        queue.close()
    assert (
        delivered_messages_prune(str(tmp_path / "broker.sqlite3"), older_than=dt.timedelta(hours=1))
        == 0
    )


def test_prune_is_a_no_op_without_a_sqlite_broker(tmp_path):
    assert broker_sqlite_path("redis://127.0.0.1:6379/0") is None
    assert broker_sqlite_path("filesystem://") is None
    assert delivered_messages_prune(str(tmp_path / "empty.sqlite3"), older_than=dt.timedelta()) == 0
