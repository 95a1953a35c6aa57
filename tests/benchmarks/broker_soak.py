"""Soak of the embedded Celery broker: many tasks from concurrent producer processes through
a real worker, counting worker deaths and lost or duplicated tasks (issue 15 part 4).

    .venv/bin/python -m tests.benchmarks.broker_soak [--tasks 5000] [--producers 4]
        [--broker URL]   # default: the embedded default of drafting/settings.py

The worker is started as `manage.py up` starts it (`celery worker --pool=solo
--concurrency=1`), on a broker and a queue of its own under a fresh folder, so the run touches
nothing else. Each task appends its number to a file (one small O_APPEND write, atomic); at the
end every number must be there exactly once and the worker must never have exited.
`--broker filesystem://` runs the transport this replaced: with `--pace 0.01 --padding 100000`
(the worker keeps up and reads each message as it appears, as in normal use) its worker died
of a JSONDecodeError (a message file read while still being written) after 797 of 5,000.
Exit status 0 only for 0 deaths, 0 lost and 0 duplicates.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from celery import Celery

ROOT = Path(__file__).resolve().parents[2]
QUEUE = "entente-broker-soak"

app = Celery("entente-broker-soak")


def configure(broker: str, var_dir: str) -> None:
    """The broker and its options exactly as the project's settings make them."""
    os.environ["ENTENTE_VAR_DIR"] = var_dir
    os.environ.setdefault("SECRET_KEY", "broker-soak-" + "x" * 40)
    if broker:
        os.environ["CELERY_BROKER_URL"] = broker
    import importlib

    from drafting import settings as project_settings

    project_settings = importlib.reload(project_settings)
    app.conf.update(
        broker_url=project_settings.CELERY_BROKER_URL,
        broker_transport_options=getattr(project_settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}),
        task_default_queue=QUEUE,
        task_acks_late=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
    )


if os.environ.get("SOAK_BROKER_CONFIGURED"):
    # In the worker process (started with -A tests.benchmarks.broker_soak).
    configure(os.environ.get("CELERY_BROKER_URL", ""), os.environ["ENTENTE_VAR_DIR"])


@app.task(name="soak.record")
def record(number: int, padding: str = "") -> None:
    fd = os.open(os.environ["SOAK_RESULTS"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, f"{number}\n".encode())
    finally:
        os.close(fd)


def produce(args: tuple[str, str, list[int], int, float]) -> int:
    broker, var_dir, numbers, padding, pace = args
    configure(broker, var_dir)
    for number in numbers:
        record.delay(number, "x" * padding)
        if pace:
            time.sleep(pace)
    return len(numbers)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--producers", type=int, default=4)
    parser.add_argument("--broker", default="", help="default: the project's embedded default")
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument(
        "--padding",
        type=int,
        default=0,
        help="characters added to each message (larger messages take longer to write)",
    )
    parser.add_argument(
        "--pace",
        type=float,
        default=0.0,
        help="seconds each producer waits between tasks: the worker keeps up and reads each "
        "message as soon as it appears, as in normal use, rather than a backlog",
    )
    options = parser.parse_args()

    var_dir = tempfile.mkdtemp(prefix="entente-soak-")
    results = Path(var_dir) / "results.txt"
    results.touch()
    configure(options.broker, var_dir)
    broker = app.conf.broker_url
    print(f"broker: {broker}\nfolder: {var_dir}", flush=True)

    env = {
        **os.environ,
        "SOAK_BROKER_CONFIGURED": "1",
        "SOAK_RESULTS": str(results),
        "ENTENTE_VAR_DIR": var_dir,
        "CELERY_BROKER_URL": broker,
    }
    log_path = Path(var_dir) / "worker.log"
    log = open(log_path, "w")  # noqa: SIM115 - the worker writes it until the end
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.benchmarks.broker_soak",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=INFO",
            "-Q",
            QUEUE,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deaths = 0
    started = time.monotonic()
    try:
        while "ready." not in log_path.read_text():
            if worker.poll() is not None or time.monotonic() - started > 60:
                print(log_path.read_text())
                print("The worker did not start.")
                return 2
            time.sleep(0.2)

        numbers = list(range(options.tasks))
        shares = [numbers[i :: options.producers] for i in range(options.producers)]
        t0 = time.monotonic()
        context = multiprocessing.get_context("spawn")
        with context.Pool(options.producers) as pool:
            pending = pool.map_async(
                produce,
                [(broker, var_dir, share, options.padding, options.pace) for share in shares],
            )
            while not pending.ready():
                if worker.poll() is not None:
                    deaths = 1
                pending.wait(0.5)
            sent = sum(pending.get())
        produced_in = time.monotonic() - t0
        print(f"sent {sent} tasks from {options.producers} processes in {produced_in:.1f} s")

        done = 0
        last_progress = time.monotonic()
        while time.monotonic() - t0 < options.timeout:
            if worker.poll() is not None:
                deaths = 1
                break
            now_done = len(results.read_text().split())
            if now_done != done:
                done, last_progress = now_done, time.monotonic()
            if done >= sent:
                break
            if time.monotonic() - last_progress > 60:
                break  # no progress for a minute: the rest is lost
            time.sleep(0.5)
        elapsed = time.monotonic() - t0
    finally:
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
        log.close()

    counts = Counter(int(line) for line in results.read_text().split())
    lost = [n for n in range(options.tasks) if n not in counts]
    duplicates = sum(c - 1 for c in counts.values() if c > 1)
    worker_log = log_path.read_text()
    errors = [
        line
        for line in worker_log.splitlines()
        if "Traceback" in line or "Error" in line or "CRITICAL" in line
    ]
    print(
        f"broker {broker.split('://')[0]}: {options.tasks} tasks of {options.padding} extra "
        f"characters, {options.producers} producer processes, {len(counts)} done in {elapsed:.1f} s "
        f"({len(counts) / max(elapsed, 1e-9):.0f} tasks/s); worker deaths {deaths}, "
        f"lost {len(lost)}, duplicates {duplicates}, error lines in the worker log {len(errors)}"
    )
    for line in errors[:10]:
        print("  worker log:", line)
    if deaths:
        print(f"the worker exited with status {worker.returncode}; its log: {log_path}")
    failed = bool(deaths or lost or duplicates)
    if failed:
        print(f"kept for inspection: {var_dir}")
    else:
        shutil.rmtree(var_dir, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
