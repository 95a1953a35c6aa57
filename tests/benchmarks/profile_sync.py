"""Where a co-editing sync's time goes, in process (no HTTP): B1's trace (automerge-paper)
through the sync service under cProfile, and the statements one sync runs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/entente_realtime_bench \\
      .venv/bin/python -m tests.benchmarks.profile_sync [--edits 20000] [--every 50]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import time
from typing import Any


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.profile_sync")
    parser.add_argument("--edits", type=int, default=20_000)
    parser.add_argument("--every", type=int, default=50)
    args = parser.parse_args(argv)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.benchmarks.settings"
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from drafting.services import sync as sync_services
    from drafting.syncclient import SyncClient
    from tests.benchmarks import run as bench
    from tests.benchmarks.sync_bench import article_new, patches, trace

    bench.database_prepare(False)
    people = bench.people_ensure()
    draft = bench.draft_new(people, "profile")
    article = article_new(people, draft)

    def transport(path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if path.endswith("/sessions/"):
            return 201, sync_services.session_start(
                actor=people.owner, article=article, language="en"
            )
        session = path.rstrip("/").split("/")[-2]
        result = sync_services.sync(
            actor=people.owner, article_id=article.pk, session_key=session, payload=body
        )
        return result.status, result.body

    client = SyncClient(transport, article.pk)
    client.start()
    edits = patches(trace("automerge-paper"), args.edits)
    profile = cProfile.Profile()
    syncs = 0
    text = client.text
    began = time.perf_counter()
    profile.enable()
    for count, (position, deleted, inserted) in enumerate(edits, start=1):
        text = text[:position] + inserted + text[position + deleted :]
        if count % args.every == 0:
            client.text = text
            client.sync()
            syncs += 1
            text = client.text
    profile.disable()
    elapsed = time.perf_counter() - began
    client.text = text + " x"
    with CaptureQueriesContext(connection) as queries:
        client.sync()
    print(
        f"{syncs} syncs in {elapsed:.2f} s = {elapsed / syncs * 1000:.2f} ms a sync (in process, no HTTP); text {len(text)} characters"
    )
    print(f"statements in one sync: {len(queries.captured_queries)}")
    for query in queries.captured_queries:
        print("   ", query["sql"][:110])
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out).sort_stats("cumulative")
    stats.print_stats(35)
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
