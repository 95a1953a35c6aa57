"""Benchmark B5: the draft page and the draft API on a large draft, against the floor.

    .venv/bin/python -m tests.benchmarks.page_bench [--runs 3] [--rebuild]

Builds (once; later invocations reuse it unless --rebuild) a draft of 100 articles in English
and Japanese with 2,000 comments (1,000 threads of two) and 20,000 revisions, through the
services, on the benchmark settings (tests/benchmarks/settings.py; set DATABASE_URL for
PostgreSQL). Then, in this process with Django's test client (server time: middleware, view,
queries, template), times each page a user or a client opens on such a draft, and counts its
queries. The floor is the bare view of tests/benchmarks/urls.py timed the same way. Prints a
table and writes var/bench/page-results.json. Exits 0 even when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from typing import Any

from tests.benchmarks import run as bench

B5_TITLE = "B5 draft: 100 articles, 2,000 comments, 20,000 revisions"
B5_ARTICLES = 100
B5_THREADS = 1_000  # each with one reply: 2,000 comments
B5_REVISIONS = 20_000
B5_TARGET_QUERIES = 20
B5_TARGET_MS = 250.0
TIMED = 7  # timed requests per page and run, after one untimed warm-up


def b5_build(people: Any) -> Any:
    from django.db import transaction

    from drafting.models import Article, Comment, Draft, Revision
    from drafting.services import drafts as draft_services
    from drafting.services import review as review_services
    from drafting.services.revisions import text_set

    english = [text for _, text in bench.corpus_english()]
    japanese = bench.corpus_japanese()
    draft = bench.draft_new(people, B5_TITLE, with_drafter=True)
    draft.title = B5_TITLE
    draft.save(update_fields=["title"])
    bench.log(f"B5: {B5_ARTICLES} articles")
    for index in range(B5_ARTICLES):
        draft_services.article_create(
            actor=people.owner,
            draft=draft,
            heading=f"Article {index + 1}",
            text_en=english[index % len(english)][:1_500],
            text_ja=japanese[index % len(japanese)][:800],
        )
    articles = list(Article.objects.filter(draft=draft).order_by("position"))
    existing = Revision.objects.filter(article__draft=draft).count()
    bench.log(f"B5: {B5_REVISIONS - existing:,} more revisions (alternating authors)")
    for index in range(B5_REVISIONS - existing):
        article = articles[index % len(articles)]
        # Each article's successive edits alternate authors, so none coalesce into one revision.
        author = people.owner if (index // len(articles)) % 2 else people.drafter
        with transaction.atomic():
            locked = Article.objects.select_for_update().get(pk=article.pk)
            # A word changes case, and a numbered mark at the end replaces the previous one,
            # so that every edit changes the text (an unchanged text makes no revision).
            words = locked.text_en.rsplit(" §", 1)[0].split(" ")
            at = (index * 7) % max(len(words), 1)
            words[at] = words[at].upper() if index % 3 else words[at].lower()
            text_set(
                article=locked,
                language="en",
                text=" ".join(words) + f" §{index}",
                actor=author,
                kind=Revision.Kind.EDITED,
            )
        if index and index % 2_000 == 0:
            bench.log(f"B5: {index:,} revisions")
    bench.log(f"B5: {B5_THREADS:,} threads of two comments")
    for index in range(B5_THREADS):
        article = articles[index % len(articles)]
        thread = review_services.thread_start(
            actor=people.drafter,
            article=article,
            language="en",
            start=0,
            end=3,
            body=f"Comment {index}: should this read *shall*?",
        )
        review_services.comment_add(
            actor=people.owner, thread=thread, body=f"Reply {index}: agreed, changed."
        )
    counts = {
        "articles": Article.objects.filter(draft=draft).count(),
        "comments": Comment.objects.filter(thread__article__draft=draft).count(),
        "revisions": Revision.objects.filter(article__draft=draft).count(),
    }
    bench.log(f"B5: built draft {draft.pk}: {counts}")
    if counts["revisions"] < B5_REVISIONS or counts["comments"] < 2 * B5_THREADS:
        raise RuntimeError(f"the B5 draft came out smaller than B5 asks: {counts}")
    return Draft.objects.get(pk=draft.pk)


def b5_draft(people: Any, rebuild: bool) -> Any:
    from drafting.models import Comment, Draft, Revision

    found = Draft.objects.filter(title=B5_TITLE).order_by("-pk").first()
    if found is not None and not rebuild:
        comments = Comment.objects.filter(thread__article__draft=found).count()
        revisions = Revision.objects.filter(article__draft=found).count()
        if comments >= 2 * B5_THREADS and revisions >= B5_REVISIONS:
            bench.log(
                f"B5: reusing draft {found.pk} ({comments:,} comments, {revisions:,} revisions)"
            )
            return found
    return b5_build(people)


def measure(client: Any, url: str) -> tuple[list[float], int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm-up
    times = []
    queries = 0
    size = 0
    for _ in range(TIMED):
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - began)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        queries = len(captured.captured_queries)
        size = len(response.content)
    return times, queries, size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.page_bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true", help="build a new B5 draft")
    args = parser.parse_args(argv)
    os.environ["DJANGO_SETTINGS_MODULE"] = bench.SETTINGS
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    import django

    django.setup()
    from django.test import Client

    bench.database_prepare(False)
    people = bench.people_ensure()
    draft = b5_draft(people, args.rebuild)
    floor_pk = bench.floor_article(people)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(people.owner)
    pages = {
        "page, both languages": f"/drafts/{draft.pk}/",
        "page, English": f"/drafts/{draft.pk}/?lang=en",
        "page, Japanese": f"/drafts/{draft.pk}/?lang=ja",
        "API draft": f"/api/v1/drafts/{draft.pk}/",
        "API articles (first page of 50)": f"/api/v1/drafts/{draft.pk}/articles/",
        "API articles (second page)": f"/api/v1/drafts/{draft.pk}/articles/?page=2",
    }
    floors: list[float] = []
    results: dict[str, dict[str, Any]] = {
        name: {"medians": [], "queries": 0, "bytes": 0} for name in pages
    }
    for run in range(1, args.runs + 1):
        floor_times, _, _ = measure(client, f"/bench/floor/{floor_pk}/")
        floors.append(bench.median(floor_times))
        for name, url in pages.items():
            times, queries, size = measure(client, url)
            results[name]["medians"].append(bench.median(times))
            results[name]["queries"] = max(results[name]["queries"], queries)
            results[name]["bytes"] = size
        bench.log(
            f"run {run}: floor {bench.ms(floors[-1])}; "
            + ", ".join(f"{n} {bench.ms(r['medians'][-1])}" for n, r in results.items())
        )
    floor = bench.median(floors)
    rows: list[dict[str, Any]] = [
        {
            "id": "FLOOR (B5)",
            "what": "the bare view through Django's test client (for B5)",
            "ratio": "1.0x",
            "result": f"{bench.ms(floor)} server time (in process, median of {args.runs} runs)",
        }
    ]
    for name, r in results.items():
        server = bench.median(r["medians"])
        ok = r["queries"] <= B5_TARGET_QUERIES and server * 1000 < B5_TARGET_MS
        rows.append(
            {
                "id": f"B5 {name}",
                "what": f"{pages[name]} on the B5 draft (server time, in process)",
                "ratio": f"{server / floor:.0f}x",
                "result": (
                    f"{bench.ms(server)} ({server / floor:.0f}x floor), {r['queries']} queries, "
                    f"{r['bytes'] / 1000:.0f} kB"
                ),
                "target": f"<= {B5_TARGET_QUERIES} queries, < {B5_TARGET_MS:.0f} ms",
                "pass": ok,
                "data": r,
            }
        )
    bench.child_results_write("page-results.json", rows, 40, draft=draft.pk)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
