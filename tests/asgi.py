"""Real ASGI server processes (uvicorn) for the socket tests, on the test database.

Each server is its own process, as in production: with CHANNEL_LAYER_URL (Redis) the
processes share one channel layer; without it each has its in-memory layer, so a test that
writes must write through the server whose sockets it watches."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class AsgiServer:
    def __init__(self, db_name: str, log: Path, *, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        self.log_path = log
        self.environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "ENTENTE_TEST_DB_NAME": db_name,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Under ASGI every request has a thread of its own: no persistent connections
            # (drafting/settings.py, DATABASE_POOL_MAX_SIZE, says why).
            "CONN_MAX_AGE": "0",
            **(env or {}),
        }
        self.start()

    def start(self) -> None:
        """Start the process, on the same port again after stop(): the pages' sockets and
        requests find the server where they lost it, as after a restart in production."""
        with open(self.log_path, "a") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "drafting.asgi:application",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--lifespan",
                    "off",
                    "--no-access-log",
                    "--log-level",
                    "warning",
                ],
                cwd=ROOT,
                env=self.environment,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while True:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    break
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn did not start:\n{self.log_path.read_text()}")
            time.sleep(0.1)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def socket(
        self,
        draft_id: int,
        *,
        session: str | None = None,
        token: str | None = None,
        origin: str | None = None,
    ) -> ClientConnection:
        headers = {"Cookie": f"sessionid={session}"} if session else None
        ws = connect(
            f"{self.ws_url}/ws/drafts/{draft_id}/",
            additional_headers=headers,
            origin=origin or (self.url if session else None),  # type: ignore[arg-type]
            open_timeout=10,
        )
        # Entered by hand: the tests close it themselves (or watch the server close it).
        ws.__enter__()
        if token is not None:
            ws.send(json.dumps({"type": "auth", "token": token}))
        return ws

    def transport(self, token: str) -> Any:
        """A syncclient transport speaking HTTP to this server with an API token."""
        http = requests.Session()
        http.headers["Authorization"] = f"Token {token}"

        def send(path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
            response = http.post(f"{self.url}{path}", json=body, timeout=30)
            return response.status_code, response.json()

        return send


def receive(ws: ClientConnection, kind: str, timeout: float = 5.0) -> dict[str, Any]:
    """The next message of type `kind` (others are skipped)."""
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"no {kind!r} message within {timeout} s")
        message = json.loads(ws.recv(timeout=remaining))
        if message.get("type") == kind:
            return message


def closed_with(
    ws: ClientConnection, timeout: float = 5.0
) -> tuple[int | None, list[dict[str, Any]]]:
    """Read until the server closes; its close code and the messages before it."""
    messages = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            messages.append(json.loads(ws.recv(timeout=deadline - time.monotonic())))
    except ConnectionClosed:
        pass
    return (ws.close_code, messages)


class PushedEditor:
    """The reference client (drafting/syncclient.py) as the browser drives it with the socket
    up: it syncs when the socket announces a change to its article (unless it is the
    co-edited revision its last sync already brought), right after the sync in flight if one
    is, and types when told to. One thread reads the socket; one thread does the syncing, so
    at most one request is in flight, as in the protocol."""

    def __init__(
        self,
        http_url: str,
        ws_url: str,
        token: str,
        draft_id: int,
        article_id: int,
        *,
        on_synced: Any = None,
        language: str = "en",
        socket: bool = True,
    ) -> None:
        import queue
        import threading

        from drafting.syncclient import SyncClient

        self.article_id, self.language = article_id, language
        self.on_synced = on_synced
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Token {token}"
        self.http_url = http_url
        self.client = SyncClient(transport=self.transport, article_id=article_id, language=language)
        self.client.start()
        self.jobs: queue.Queue[Any] = queue.Queue()
        self.lock = threading.Lock()
        self.syncs = 0
        self.pushes = 0
        self.errors: list[BaseException] = []
        self.last_activity = 0.0  # when its text last changed, by typing or by others
        self.stopped = False
        self.ws: ClientConnection | None = None
        # socket=False: today's polling client (whoever drives it calls sync_soon on a timer).
        if socket:
            self.ws = connect(f"{ws_url}/ws/drafts/{draft_id}/", open_timeout=30)
            self.ws.__enter__()
            self.ws.send(json.dumps({"type": "auth", "token": token}))
            hello = json.loads(self.ws.recv(timeout=30))
            if hello.get("type") != "hello":
                raise RuntimeError(f"no hello: {hello}")
            threading.Thread(target=self.read, daemon=True).start()
        threading.Thread(target=self.work, daemon=True).start()

    def transport(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        response = self.http.post(f"{self.http_url}{path}", json=body, timeout=60)
        try:
            return response.status_code, response.json()
        except ValueError:
            raise RuntimeError(f"HTTP {response.status_code}: {response.text[:300]!r}") from None

    def read(self) -> None:
        assert self.ws is not None
        try:
            while not self.stopped:
                message = json.loads(self.ws.recv())
                if (
                    message.get("type") == "changed"
                    and message["article"] == self.article_id
                    and message["language"] == self.language
                ):
                    self.pushes += 1
                    self.jobs.put(("changed", message))
        except ConnectionClosed:
            pass
        except BaseException as exc:
            if not self.stopped:
                self.errors.append(exc)

    def work(self) -> None:
        import queue

        while not self.stopped:
            try:
                job = self.jobs.get(timeout=0.5)
            except queue.Empty:
                continue
            if job is None:
                return
            # Everything queued meanwhile is answered by one sync, as the browser's poke.
            jobs = [job]
            while True:
                try:
                    jobs.append(self.jobs.get_nowait())
                except queue.Empty:
                    break
            try:
                with self.lock:
                    needed = False
                    for kind, value in jobs:
                        if kind == "type":
                            self.client.text += value
                            self.last_activity = time.monotonic()
                            # Pushed, typing goes out at once; polling, at the next tick.
                            needed = needed or self.ws is not None
                        elif kind == "sync" or not (
                            value.get("kind") == "synced"
                            and value.get("revision") == self.client.revision
                        ):
                            needed = True
                    if not needed:
                        continue
                    before = self.client.text
                    self.client.sync()
                    self.syncs += 1
                    text = self.client.text
                    if text != before or any(kind == "type" for kind, _ in jobs):
                        self.last_activity = time.monotonic()
                if self.on_synced is not None:
                    self.on_synced(self, text)
            except BaseException as exc:
                self.errors.append(exc)

    def type(self, words: str) -> None:
        self.jobs.put(("type", words))

    def sync_soon(self) -> None:
        self.jobs.put(("sync", None))

    def text(self) -> str:
        with self.lock:
            return self.client.text

    def settled(self) -> bool:
        with self.lock:
            return not self.client.pending and self.client.text == self.client.shadow

    def close(self) -> None:
        self.stopped = True
        self.jobs.put(None)
        if self.ws is not None:
            with contextlib.suppress(Exception):  # closing anyway
                self.ws.close()
