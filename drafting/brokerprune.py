"""Housekeeping for the embedded broker (kombu's SQLAlchemy transport on a SQLite file).

That transport marks a delivered message invisible and never deletes it, so the file would
grow with every task. Celery beat runs `embedded_broker_prune` hourly; it deletes messages
delivered more than an hour ago. A message still being worked on is safe: the worker holds
its copy, and a warm shutdown puts unacknowledged ones back as new rows.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from celery import shared_task
from django.conf import settings

SQLITE_PREFIXES = ("sqla+sqlite:///", "sqlalchemy+sqlite:///")


def broker_sqlite_path(url: str) -> str | None:
    for prefix in SQLITE_PREFIXES:
        if url.startswith(prefix):
            path = url[len(prefix) :]
            return path if path and path != ":memory:" else None
    return None


def delivered_messages_prune(path: str, *, older_than: dt.timedelta) -> int:
    # The transport stamps `timestamp` with the local naive time when it delivers
    # (SQLAlchemy's onupdate=datetime.now), stored as ISO text; compare likewise.
    cutoff = (dt.datetime.now() - older_than).isoformat(sep=" ")
    with sqlite3.connect(path, timeout=30) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        if "kombu_message" not in tables:
            return 0
        cursor = db.execute(
            "DELETE FROM kombu_message WHERE visible = 0 AND timestamp < ?", (cutoff,)
        )
        count = cursor.rowcount
    db.close()
    return count


@shared_task(acks_late=True)
def embedded_broker_prune() -> int:
    path = broker_sqlite_path(settings.CELERY_BROKER_URL)
    if path is None:
        return 0
    return delivered_messages_prune(path, older_than=dt.timedelta(hours=1))
