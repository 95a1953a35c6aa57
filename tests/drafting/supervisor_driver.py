"""Runs drafting.supervisor as `manage.py up` does, with stand-in children, for
test_supervisor.py:  python -m tests.drafting.supervisor_driver FOLDER

Each child records its pid and starts a helper process of its own (as Celery does), whose
pid it writes into its record, then waits; the main thread waits as runserver would."""

from __future__ import annotations

import sys
import threading

from drafting.supervisor import run_supervised

CHILD = """
import os, subprocess, sys, time
folder, name = sys.argv[1], sys.argv[2]
helper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
with open(os.path.join(folder, f"{name}-{os.getpid()}.pid.tmp"), "w") as f:
    f.write(str(helper.pid))
os.rename(os.path.join(folder, f"{name}-{os.getpid()}.pid.tmp"),
          os.path.join(folder, f"{name}-{os.getpid()}.pid"))
time.sleep(600)
"""


def main() -> None:
    folder = sys.argv[1]
    children = {
        name: [sys.executable, "-c", CHILD, folder, name] for name in ("Celery worker", "beat")
    }
    received = run_supervised(
        children, serve=lambda: threading.Event().wait(), out=sys.stdout, stop_timeout=5
    )
    print(f"stopped by {received}", flush=True)


if __name__ == "__main__":
    main()
