"""Article numbering: positions 1..N and numbers 1, 2, 3... around the numbers drafters fixed."""

from __future__ import annotations

import re

from ..models import Article, Draft


def articles_renumber(draft: Draft) -> None:
    """Give the draft's articles positions 1..N in their current order and number the
    articles 1, 2, 3... skipping numbers a drafter fixed (e.g. "5 bis" or a kept "7").

    Caller holds the draft's row lock. Written in two passes through temporary values so
    that the unique constraints hold after every statement, on SQLite and PostgreSQL alike.
    """
    articles = list(Article.objects.filter(draft=draft).order_by("position", "pk"))
    fixed = {a.number for a in articles if a.number_fixed and a.number}
    counter = 1
    wanted: dict[int, tuple[int, str]] = {}
    for index, article in enumerate(articles, start=1):
        if article.kind == Article.Kind.PREAMBLE:
            number = ""
        elif article.number_fixed and article.number:
            number = article.number
        else:
            while str(counter) in fixed:
                counter += 1
            number = str(counter)
            counter += 1
        wanted[article.pk] = (index, number)
    moved = [a for a in articles if (a.position, a.number) != wanted[a.pk]]
    if not moved:
        return
    for article in moved:
        article.position = -article.pk
        article.number = f"~{article.pk}" if wanted[article.pk][1] else ""
    Article.objects.bulk_update(moved, ["position", "number"])
    for article in moved:
        article.position, article.number = wanted[article.pk]
    Article.objects.bulk_update(moved, ["position", "number"])


_LEADING_NUMBER = re.compile(r"^(\d+)(.*)$")


def fixed_numbers_out_of_order(articles: list[tuple[str, bool]]) -> list[tuple[str, str]]:
    """Fixed article numbers that no longer follow on from the article before them.

    ``articles`` are (number, fixed) in reading order (the preamble's number is empty). A
    fixed "2 bis" belongs right after Article 2 (or another 2 something); a fixed plain "7"
    after a lower number. Inserting an article before Article 2 renumbers 2 to 3 and leaves
    "2 bis" after Article 3: that is reported as ("2 bis", "3"), for a drafter to fix.
    """
    found = []
    previous: str | None = None
    for number, fixed in articles:
        if not number:
            continue
        if fixed and previous is not None:
            this, before = _LEADING_NUMBER.match(number), _LEADING_NUMBER.match(previous)
            if this and before:
                this_base, suffix = int(this.group(1)), this.group(2).strip()
                before_base = int(before.group(1))
                in_order = before_base == this_base if suffix else before_base < this_base
                if not in_order:
                    found.append((number, previous))
        previous = number
    return found
