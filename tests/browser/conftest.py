"""Browser tests drive Debian's Chromium (/usr/bin/chromium) through Playwright; no browser
is ever downloaded. Without Chromium they are skipped, unless ENTENTE_REQUIRE_BROWSER=1
(CI) makes that a failure."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.signals import request_finished, request_started

CHROMIUM = Path(os.environ.get("ENTENTE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in this thread; the test's own database calls
# (setting up data, checking results) are still plain synchronous ORM calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class InFlight:
    """Counts the requests the live server (threads of this process) is still answering."""

    def __init__(self) -> None:
        self.count = 0
        self.idle = threading.Condition()

    def started(self, **_: Any) -> None:
        with self.idle:
            self.count += 1

    def finished(self, **_: Any) -> None:
        with self.idle:
            self.count -= 1
            self.idle.notify_all()

    def wait(self, timeout: float) -> bool:
        with self.idle:
            return self.idle.wait_for(lambda: self.count <= 0, timeout)


IN_FLIGHT = InFlight()
request_started.connect(IN_FLIGHT.started, dispatch_uid="browser-tests-in-flight")
request_finished.connect(IN_FLIGHT.finished, dispatch_uid="browser-tests-in-flight")


@pytest.fixture(autouse=True)
def server_quiet_at_teardown(request: Any, transactional_db: Any) -> Iterator[None]:
    """Before the database is emptied after a test, the pages are closed and the live server
    has answered every request they sent. Otherwise a sync still running in a server thread
    holds row locks while PostgreSQL's TRUNCATE wants the tables: a deadlock, and the flush
    fails (seen in CI after the co-editing test whose pages sync every second)."""
    yield
    if "browser" in request.fixturenames:
        for context in list(request.getfixturevalue("browser").contexts):
            context.close()
    if not IN_FLIGHT.wait(timeout=30):
        pytest.fail(f"the live server was still answering {IN_FLIGHT.count} request(s) after 30 s")


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("ENTENTE_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(
            f"ENTENTE_REQUIRE_BROWSER=1 but {CHROMIUM} is missing: apt-get install chromium"
        )
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}, "locale": "en-GB"}


@pytest.fixture(scope="session")
def bundle() -> None:
    """The browser bundle, built from npm packages if it is missing or stale."""
    from drafting.assets import assets_build

    assets_build()


@pytest.fixture
def demo(transactional_db: Any, bundle: None, settings: Any) -> Any:
    from drafting.services.demo import demo_seed
    from treaties.services import corpus_load

    corpus_load()
    settings.DEMO_PASSWORD = "entente-demo"
    return demo_seed(password=settings.DEMO_PASSWORD)


@pytest.fixture
def asgi(demo: Any, tmp_path: Path) -> Iterator[Any]:
    """A real ASGI server (uvicorn, tests/asgi.py) on the test database, with the socket."""
    from django.db import connection

    from tests.asgi import AsgiServer

    # DEBUG serves the bundle and the stylesheet from the source folders, as `manage.py up`.
    server = AsgiServer(
        str(connection.settings_dict["NAME"]), tmp_path / "uvicorn.log", env={"DEBUG": "1"}
    )
    yield server
    server.stop()


@pytest.fixture
def login(live_server: Any) -> Any:
    def sign_in(page: Any, username: str, password: str = "entente-demo") -> None:
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server.url}/")

    return sign_in
