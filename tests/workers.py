"""The command line of the real Celery worker the tests start (one task at a time, on the
test's own queue, without the cluster chatter that would slow its start)."""

from __future__ import annotations

import sys


def celery_worker_argv(queue: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "drafting",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "--loglevel=INFO",
        "-Q",
        queue,
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
