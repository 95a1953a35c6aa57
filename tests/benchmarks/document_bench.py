"""Benchmark B7: texts in and out on B4's 100-article bilingual draft, against the floor.

    .venv/bin/python -m tests.benchmarks.document_bench [--runs 3]

Builds B4's draft (tests/benchmarks/run.py: 100 articles of ~1,800 English characters, a
Japanese text in every fifth, versions 1 and 2 around ~10% of changes), then 240 more edits
(alternating two authors, each its own revision) so that a compare from version 1 to now
carries 200+ tracked changes. Then, in this process with Django's test client (server time),
times the API: DOCX export (both languages side by side), PDF export (both), compare export
(v1 → now as Word tracked changes) and the import of the exported DOCX as a new draft. The
floor is the bare view of tests/benchmarks/urls.py timed the same way. Prints a table and
writes var/bench/document-results.json. Exits 0 even when a target is missed.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import signal
import subprocess
import sys
import time
import zipfile
from typing import Any

from tests.benchmarks import run as bench

B7_EXTRA_EDITS = 240
TARGETS = {"docx": 2.0, "pdf": 10.0, "compare": 3.0, "import": 3.0}
TIMED = {"docx": 5, "pdf": 3, "compare": 5, "import": 3}  # after one untimed warm-up each


def b7_build(people: Any) -> Any:
    from django.contrib.auth import get_user_model

    from drafting.models import Article
    from drafting.services import drafts as draft_services
    from drafting.services.members import member_add
    from drafting.services.revisions import revisions_close

    state = bench.b4_build(people)
    draft = state.draft
    draft.title = "Benchmark B7: B4's draft, exported and imported"
    draft.save(update_fields=["title"])
    second = get_user_model().objects.get_or_create(username="bench.jp")[0]
    member_add(
        actor=people.owner, draft=draft, username=second.username, role="drafter", delegation="JP"
    )
    rng = random.Random(7)
    articles = list(Article.objects.filter(draft=draft).order_by("position"))
    bench.log(f"B7: {B7_EXTRA_EDITS} more edits, each its own revision")
    for index in range(B7_EXTRA_EDITS):
        article = Article.objects.get(pk=articles[index % len(articles)].pk)
        author = people.owner if index % 2 else second
        if article.text_ja and index % 3 == 0:
            draft_services.article_edit(
                actor=author, article=article, text_ja=article.text_ja.replace("。", "、かつ。", 1)
            )
        else:
            draft_services.article_edit(
                actor=author, article=article, text_en=bench.edited(article.text_en, rng)
            )
        revisions_close(draft)
    return draft


def timed(call: Any, repeats: int) -> tuple[list[float], list[float], Any]:
    """Wall-clock and CPU seconds of each call (the server runs in this process, so its CPU
    time is the work done, whatever else the shared machine is running)."""
    call()  # warm-up
    times, cpu, last = [], [], None
    for _ in range(repeats):
        began, began_cpu = time.perf_counter(), time.process_time()
        last = call()
        times.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    return times, cpu, last


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.document_bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    os.environ["DJANGO_SETTINGS_MODULE"] = bench.SETTINGS
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    import django

    django.setup()
    from django.test import Client

    bench.database_prepare(False)
    people = bench.people_ensure()
    draft = b7_build(people)
    floor_pk = bench.floor_article(people)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(people.owner)

    def get(url: str) -> bytes:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}: {response.content[:300]!r}")
        return bytes(response.content)

    docx_bytes = get(f"/api/v1/drafts/{draft.pk}/export/?format=docx&language=both")

    def import_once() -> bytes:
        response = client.post(
            "/api/v1/drafts/import/",
            {"file": _named(docx_bytes), "title": "B7 import", "classification": "OFFICIAL"},
        )
        if response.status_code != 201:
            raise RuntimeError(
                f"import answered {response.status_code}: {response.content[:300]!r}"
            )
        return bytes(response.content)

    calls = {
        "docx": lambda: get(f"/api/v1/drafts/{draft.pk}/export/?format=docx&language=both"),
        "pdf": lambda: get(f"/api/v1/drafts/{draft.pk}/export/?format=pdf&language=both"),
        "compare": lambda: get(
            f"/api/v1/drafts/{draft.pk}/compare/export/?from=1&to=now&language=both"
        ),
        "import": import_once,
    }
    floors: list[float] = []
    medians: dict[str, list[float]] = {name: [] for name in calls}
    cpu_medians: dict[str, list[float]] = {name: [] for name in calls}
    loads: list[float] = []
    outputs: dict[str, Any] = {}
    for run in range(1, args.runs + 1):
        floor_times, _, _ = timed(lambda: get(f"/bench/floor/{floor_pk}/"), 20)
        floors.append(bench.median(floor_times))
        for name, call in calls.items():
            times, cpu, outputs[name] = timed(call, TIMED[name])
            medians[name].append(bench.median(times))
            cpu_medians[name].append(bench.median(cpu))
        loads.append(os.getloadavg()[0])
        bench.log(
            f"run {run}: floor {bench.ms(floors[-1])}; "
            + ", ".join(
                f"{n} {m[-1]:.2f} s (cpu {cpu_medians[n][-1]:.2f} s)" for n, m in medians.items()
            )
            + f"; load average {loads[-1]:.1f}"
        )
    compare_xml = zipfile.ZipFile(io.BytesIO(outputs["compare"])).read("word/document.xml").decode()
    changes = len(re.findall(r"<w:(?:ins|del) ", compare_xml))
    pdf_pages = _pdf_pages(outputs["pdf"])
    floor = bench.median(floors)
    what = {
        "docx": f"DOCX export, both languages side by side ({len(outputs['docx']) / 1000:.0f} kB)",
        "pdf": f"PDF export, both languages side by side ({len(outputs['pdf']) / 1000:.0f} kB, "
        f"{pdf_pages} pages)",
        "compare": f"compare v1 → now as Word tracked changes ({changes} w:ins/w:del)",
        "import": "import of the exported DOCX as a new draft (101 articles)",
    }
    rows: list[dict[str, Any]] = [
        {
            "id": "FLOOR (B7)",
            "what": "the bare view through Django's test client (for B7)",
            "ratio": "1.0x",
            "result": f"{bench.ms(floor)} server time (in process, median of {args.runs} runs)",
        }
    ]
    for name, values in medians.items():
        value = bench.median(values)
        rows.append(
            {
                "id": f"B7 {name}",
                "what": what[name],
                "ratio": f"{value / floor:,.0f}x",
                "result": f"{value:.2f} s, cpu {bench.median(cpu_medians[name]):.2f} s "
                f"(floor {bench.ms(floor)}; load average {bench.median(loads):.1f})",
                "target": f"< {TARGETS[name]:.0f} s"
                + (" and 200+ changes" if name == "compare" else ""),
                "pass": value < TARGETS[name] and (name != "compare" or changes >= 200),
                "data": {
                    "per_run_median_s": values,
                    "changes": changes if name == "compare" else None,
                },
            }
        )
    bench.child_results_write(
        "document-results.json", rows, 12, draft=draft.pk, pdf_pages=pdf_pages
    )
    return 0


def _pdf_pages(data: bytes) -> int | None:
    """Pages of the PDF, by poppler's pdfinfo (None without it)."""
    try:
        info = subprocess.run(
            ["pdfinfo", "-"], input=data, capture_output=True, check=True, timeout=60
        ).stdout.decode()
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    return int(match.group(1)) if match else None


def _named(data: bytes) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = "b7.docx"
    return handle


if __name__ == "__main__":
    raise SystemExit(main())
