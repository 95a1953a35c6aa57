"""Keep `manage.py up`'s background processes (the Celery worker and beat) alive, and take
them down with it. Plain Python, no Django: tests/drafting/test_supervisor.py drives it with
real processes.

- A child that exits while `up` runs is started again, and the console says so (with how it
  ended). One that keeps dying at once is restarted after a growing pause (up to 30 s), so a
  broken configuration does not spin.
- Each child runs in a process group of its own, so that stopping it also stops whatever it
  started (Celery's own helpers), and so that a Ctrl-C at the terminal reaches `up` alone,
  which then stops every child in order rather than all of them at once.
- SIGTERM, SIGINT and SIGHUP to `up` stop every child: SIGTERM to each group, then SIGKILL to
  what is left after `stop_timeout` seconds.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
# A child that lived less than this is "dying at once": its restart waits.
QUICK_DEATH_SECONDS = 10.0
MAX_RESTART_DELAY = 30.0


class StopRequested(Exception):
    """Raised in the main thread by a stop signal, to leave whatever `up` is serving."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def describe_exit(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exit status {returncode}"


@dataclass
class Child:
    name: str
    argv: Sequence[str]
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    restarts: int = 0
    quick_deaths: int = 0
    restart_at: float | None = None


@dataclass
class Supervisor:
    children: Mapping[str, Sequence[str]]
    out: TextIO
    env: Mapping[str, str] | None = None
    poll_interval: float = 0.2
    stop_timeout: float = 15.0
    _children: list[Child] = field(default_factory=list)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _thread: threading.Thread | None = None

    def say(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def start(self) -> None:
        with self._lock:
            for name, argv in self.children.items():
                child = Child(name=name, argv=list(argv))
                self._children.append(child)  # before it runs: stop() must see it
                self._spawn(child)
        self._thread = threading.Thread(target=self._watch, name="supervisor", daemon=True)
        self._thread.start()

    def pids(self) -> dict[str, int]:
        with self._lock:
            return {c.name: c.process.pid for c in self._children if c.process is not None}

    def _spawn(self, child: Child) -> None:
        child.process = subprocess.Popen(
            list(child.argv),
            env=dict(self.env) if self.env is not None else None,
            start_new_session=True,
        )
        child.started_at = time.monotonic()
        child.restart_at = None

    def _watch(self) -> None:
        while not self._stopping.wait(self.poll_interval):
            with self._lock:
                if self._stopping.is_set():
                    return
                for child in self._children:
                    self._check(child)

    def _check(self, child: Child) -> None:
        now = time.monotonic()
        process = child.process
        if process is not None and child.restart_at is None:
            returncode = process.poll()
            if returncode is None:
                return
            _kill_group(process.pid, signal.SIGKILL)  # whatever it left behind
            lived = now - child.started_at
            child.quick_deaths = child.quick_deaths + 1 if lived < QUICK_DEATH_SECONDS else 0
            delay = (
                min(2.0 ** (child.quick_deaths - 1), MAX_RESTART_DELAY)
                if child.quick_deaths > 1
                else 0.0
            )
            child.restart_at = now + delay
            self.say(
                f"!! The {child.name} stopped ({describe_exit(returncode)}) after {lived:.0f} s; "
                + (f"restarting it in {delay:.0f} s." if delay else "restarting it.")
            )
        if child.restart_at is not None and now >= child.restart_at:
            child.restarts += 1
            self._spawn(child)
            assert child.process is not None
            self.say(
                f"!! The {child.name} is running again (pid {child.process.pid}, "
                f"restart {child.restarts})."
            )

    def stop(self) -> None:
        """Stop every child and what it started; returns once none is left."""
        self._stopping.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()
        with self._lock:
            running = [c.process for c in self._children if c.process is not None]
            for process in running:
                if process.poll() is None:
                    _kill_group(process.pid, signal.SIGTERM)
            deadline = time.monotonic() + self.stop_timeout
            for process in running:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=max(0.0, deadline - time.monotonic()))
            for process in running:
                # SIGKILL to the group in any case: a child that exited may leave helpers.
                _kill_group(process.pid, signal.SIGKILL)
                if process.poll() is None:
                    process.wait()


def _kill_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


def run_supervised(
    children: Mapping[str, Sequence[str]],
    serve: Callable[[], Any],
    out: TextIO,
    env: Mapping[str, str] | None = None,
    stop_timeout: float = 15.0,
) -> int | None:
    """Start `children`, run `serve()` in this (the main) thread until it returns or a stop
    signal arrives, then stop every child. Returns the signal number that stopped it, if any.
    """
    supervisor = Supervisor(children=children, out=out, env=env, stop_timeout=stop_timeout)
    stopping = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        if stopping.is_set():
            return  # already stopping: a second Ctrl-C must not cut the clean-up short
        stopping.set()
        raise StopRequested(signum)

    previous = {signum: signal.signal(signum, on_signal) for signum in STOP_SIGNALS}
    received: int | None = None
    try:
        supervisor.start()
        serve()
    except StopRequested as stop:
        received = stop.signum
    except KeyboardInterrupt:
        received = signal.SIGINT
    except SystemExit:
        # Django's runserver turns a KeyboardInterrupt into sys.exit(0); any other exit
        # (e.g. the port is taken) goes on up, once the children are stopped.
        if not stopping.is_set():
            raise
        received = signal.SIGINT
    finally:
        stopping.set()
        if received is not None:
            out.write(f"Stopping ({signal.Signals(received).name}): the worker and beat…\n")
            out.flush()
        supervisor.stop()
        if received is not None:
            out.write("Stopped: no worker or beat is left running.\n")
            out.flush()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return received
