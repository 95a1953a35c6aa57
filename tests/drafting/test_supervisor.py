"""`manage.py up` supervises the Celery worker and beat (issue 15 part 4): a dead child is
restarted and the console says so; SIGTERM, SIGINT and SIGHUP stop every child and whatever
the children started. Real processes throughout (tests/drafting/supervisor_driver.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as status:
            state = next(line for line in status if line.startswith("State:"))
    except (FileNotFoundError, ProcessLookupError, StopIteration):
        return False
    return "(zombie)" not in state  # exited, waiting to be reaped: not running


def records(folder: Path) -> dict[int, tuple[str, int]]:
    """pid of each child ever started -> (its name, the pid of the helper it started)."""
    found = {}
    for path in folder.glob("*.pid"):
        name, pid = path.stem.rsplit("-", 1)
        found[int(pid)] = (name, int(path.read_text()))
    return found


def wait_for(predicate, timeout: float = 20.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_killed_child_is_restarted_and_a_stop_signal_leaves_no_process(tmp_path, stop_signal):
    folder = tmp_path / "pids"
    folder.mkdir()
    log_path = tmp_path / "up.log"
    with open(log_path, "w") as log:
        up = subprocess.Popen(
            [sys.executable, "-m", "tests.drafting.supervisor_driver", str(folder)],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(lambda: len(records(folder)) == 2, what="both children")
        worker_pid = next(pid for pid, (name, _) in records(folder).items() if "worker" in name)
        os.kill(worker_pid, signal.SIGKILL)
        wait_for(lambda: len(records(folder)) == 3, what="the worker to be restarted")
        wait_for(lambda: "running again" in log_path.read_text(), what="the console message")
        console = log_path.read_text()
        assert "The Celery worker stopped (killed by SIGKILL)" in console
        assert "The Celery worker is running again" in console
        # The dead worker's helper went with it.
        wait_for(lambda: not alive(records(folder)[worker_pid][1]), what="the helper to go")
        assert up.poll() is None

        up.send_signal(stop_signal)
        up.wait(timeout=30)
    finally:
        if up.poll() is None:
            up.kill()
            up.wait()
    assert up.returncode == 0, log_path.read_text()
    assert f"stopped by {int(stop_signal)}" in log_path.read_text()
    every = [p for child, (_, helper) in records(folder).items() for p in (child, helper)]
    assert len(every) == 6
    left = [pid for pid in every if alive(pid)]
    assert left == [], f"orphans left running: {left}\n{log_path.read_text()}"
