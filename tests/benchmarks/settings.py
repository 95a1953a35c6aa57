"""Benchmark settings: the test settings on a database of their own, served as in production.

The database is ``var/bench/bench.sqlite3`` unless DATABASE_URL names another one (for
PostgreSQL, e.g. ``postgres://postgres@127.0.0.1:5432/entente_bench``; ``run.py`` creates it
if missing). Point DATABASE_URL at a database kept for benchmarks: they write drafts into it.
Connections are persistent, as the floor in ../shared/benchmarks/README.md requires.
"""

import os

import dj_database_url

from tests.settings import *  # noqa: F403
from tests.settings import POSTGRESQL_OPTIONS, VAR_DIR

BENCH_DIR = VAR_DIR / "bench"
BENCH_DIR.mkdir(parents=True, exist_ok=True)
BENCH_SQLITE_PATH = BENCH_DIR / "bench.sqlite3"

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
# The floor view is mounted only here.
ROOT_URLCONF = "tests.benchmarks.urls"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BENCH_SQLITE_PATH}"),
        # None: a connection lives as long as its worker (a new one per request costs 4x).
        conn_max_age=None,
        # As in production: a reused connection is checked before the request uses it.
        conn_health_checks=True,
    )
}
if "postgresql" in DATABASES["default"]["ENGINE"]:
    DATABASES["default"]["OPTIONS"] = dict(POSTGRESQL_OPTIONS)  # as in production
    # ASGI servers (uvicorn workers) use a pool, as drafting/settings.py explains.
    if int(os.environ.get("DATABASE_POOL_MAX_SIZE", "0")) > 0:
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": 1,
            "max_size": int(os.environ["DATABASE_POOL_MAX_SIZE"]),
            "timeout": 20,
        }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The same options as drafting/settings.py gives SQLite (WAL, IMMEDIATE transactions).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

# Benchmarks must not leave tasks in a shared broker queue: notifications run in-process and
# their mail goes to the locmem backend the test settings choose.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://localhost/"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
