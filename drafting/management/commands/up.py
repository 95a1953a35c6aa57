"""One command from a fresh clone to the app open on demo data (development only)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import webbrowser
from typing import Any

import uvicorn
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from drafting.assets import AssetBuildError, assets_build
from drafting.supervisor import run_supervised


class Command(BaseCommand):
    help = (
        "Development runner: build the browser bundle, migrate, load the corpus and the demo "
        "data, then start a Celery worker and the web server at http://127.0.0.1:8000."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--no-browser", action="store_true", help="Do not open a browser window."
        )
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not start a Celery worker."
        )

    def handle(
        self,
        *args: Any,
        port: int = 8000,
        no_browser: bool = False,
        no_worker: bool = False,
        **options: Any,
    ) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "`manage.py up` is the development runner and needs DEBUG=1. In production run "
                "gunicorn and Celery workers as the README's Deployment section says."
            )
        if "ENTENTE_BASE_URL" not in os.environ:
            # Links in emails point at the port this run serves (the worker inherits it).
            os.environ["ENTENTE_BASE_URL"] = f"http://127.0.0.1:{port}"
            settings.ENTENTE_BASE_URL = os.environ["ENTENTE_BASE_URL"]
        self._step("Building the browser bundle")
        try:
            assets_build()
        except (AssetBuildError, subprocess.CalledProcessError) as exc:
            self.stderr.write(
                self.style.WARNING(f"{exc} Pages still work; the editor needs the bundle.")
            )
        self._step("Migrating the database")
        call_command("migrate", verbosity=0)
        self._step("Loading the corpus and the clause library")
        call_command("load_corpus")
        self._step("Creating the demo personas and draft")
        call_command("seed_demo")

        children: dict[str, list[str]] = {}
        if not no_worker:
            broker = settings.CELERY_BROKER_URL.split("://")[0]
            self._step(f"Starting the Celery worker and beat (broker: {broker}), supervised")
            celery = [sys.executable, "-m", "celery", "-A", "drafting"]
            children = {
                # Gossip, mingle and heartbeats need a broadcast exchange, which the embedded
                # SQLite broker lacks; one worker needs none of them.
                "Celery worker": [
                    *celery,
                    "worker",
                    "--loglevel=INFO",
                    "--concurrency=1",
                    "--pool=solo",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                # Its own process (not the worker's --beat), so that a restarted worker never
                # leaves a second beat behind.
                "Celery beat": [
                    *celery,
                    "beat",
                    "--loglevel=INFO",
                    "--schedule",
                    str(settings.VAR_DIR / "celerybeat-schedule"),
                ],
            }
        url = f"http://127.0.0.1:{port}/"
        self.stdout.write(
            self.style.SUCCESS(
                f"\nEntente is starting at {url}\nSign in as any demo persona (uk.lead, jp.drafter, uk.reviewer, "
                f"us.state, librarian, outsider) with the password {settings.DEMO_PASSWORD!r}.\n"
            )
        )
        if not no_browser:
            threading.Thread(target=self._open_when_ready, args=(port, url), daemon=True).start()
        # The worker and beat are restarted if they die, and stopped with `up` (SIGTERM,
        # SIGINT, SIGHUP): drafting/supervisor.py.
        run_supervised(
            children,
            # The ASGI server (pages, API and the draft sockets), as in production. uvicorn
            # handles SIGINT and SIGTERM itself, then passes them on to the supervisor.
            serve=lambda: uvicorn.run(
                "drafting.asgi:application", host="127.0.0.1", port=port, lifespan="off"
            ),
            out=sys.stdout,
            env=os.environ.copy(),
        )

    def _step(self, text: str) -> None:
        self.stdout.write(f"→ {text}…")

    @staticmethod
    def _open_when_ready(port: int, url: str) -> None:
        for _ in range(100):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        if os.environ.get("DISPLAY") or sys.platform == "darwin" or os.environ.get("BROWSER"):
            webbrowser.open(url)
