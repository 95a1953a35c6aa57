"""Plain tests of drafting.numbering: Japanese legal numbering, no Django, no database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drafting.numbering import (
    MAX_NUMBER,
    SUFFIXES,
    article_number_en,
    article_number_ja,
    kanji_number,
    kanji_number_parse,
    paragraph_ja,
    paragraph_parse,
)


@pytest.mark.parametrize(
    ("english", "japanese"),
    [
        ("1", "第一条"),
        ("2", "第二条"),
        ("10", "第十条"),
        ("11", "第十一条"),
        ("12", "第十二条"),
        ("20", "第二十条"),
        ("21", "第二十一条"),
        ("99", "第九十九条"),
        ("100", "第百条"),
        ("101", "第百一条"),
        ("110", "第百十条"),
        ("250", "第二百五十条"),
        ("1000", "第千条"),
        ("1203", "第千二百三条"),
        ("9999", "第九千九百九十九条"),
        ("5 bis", "第五条の二"),
        ("5 ter", "第五条の三"),
        ("5 quater", "第五条の四"),
        ("5 quinquies", "第五条の五"),
        ("21 bis", "第二十一条の二"),
        ("2 bis", "第二条の二"),
        ("", "前文"),
    ],
)
def test_article_numbers_both_ways(english: str, japanese: str) -> None:
    assert article_number_ja(english) == japanese
    assert article_number_en(japanese) == english


@pytest.mark.parametrize(
    ("typed", "japanese"),
    [
        ("preamble", "前文"),
        ("5bis", "第五条の二"),
        ("5-ter", "第五条の三"),
        ("7 nonies", "第七条の九"),
        ("  3  ", "第三条"),
        ("4 BIS", "第四条の二"),
    ],
)
def test_spellings_drafters_type(typed: str, japanese: str) -> None:
    assert article_number_ja(typed) == japanese


@pytest.mark.parametrize("number", ["0", "10000", "5A", "5 bogus", "V", "5 bis ter", "-1", "1.5"])
def test_numbers_outside_the_convention_are_refused(number: str) -> None:
    with pytest.raises(ValueError):
        article_number_ja(number)


@pytest.mark.parametrize(
    "label",
    [
        "第一十条",
        "第一百条",
        "第〇条",
        "第十十条",
        "第五条の一",
        "第五条の",
        "五条",
        "第5条",
        "第二一条",
    ],
)
def test_labels_the_official_texts_would_not_write_are_refused(label: str) -> None:
    with pytest.raises(ValueError):
        article_number_en(label)


def test_paragraphs() -> None:
    assert paragraph_ja(2) == "\uff12"
    assert paragraph_ja(12) == "\uff11\uff12"
    assert paragraph_ja(2, reference=True) == "第二項"
    assert paragraph_ja(12, reference=True) == "第十二項"
    assert paragraph_parse("\uff12") == 2
    assert paragraph_parse("第十二項") == 12
    for bad in ("0", "\uff10", "第〇項", "2", "", "第二条"):
        with pytest.raises(ValueError):
            paragraph_parse(bad)


@given(st.integers(min_value=1, max_value=MAX_NUMBER))
def test_kanji_round_trip(value: int) -> None:
    assert kanji_number_parse(kanji_number(value)) == value


@given(
    st.integers(min_value=1, max_value=MAX_NUMBER),
    st.one_of(st.none(), st.sampled_from(SUFFIXES)),
)
def test_article_number_round_trip(main: int, suffix: str | None) -> None:
    english = str(main) if suffix is None else f"{main} {suffix}"
    japanese = article_number_ja(english)
    assert japanese.startswith("第")
    assert "条" in japanese
    assert not any(ch.isascii() for ch in japanese)
    assert article_number_en(japanese) == english


@given(st.integers(min_value=1, max_value=MAX_NUMBER), st.booleans())
def test_paragraph_round_trip(value: int, reference: bool) -> None:
    assert paragraph_parse(paragraph_ja(value, reference=reference)) == value


@given(st.integers(min_value=1, max_value=MAX_NUMBER - 1))
def test_distinct_numbers_have_distinct_labels(value: int) -> None:
    assert article_number_ja(str(value)) != article_number_ja(str(value + 1))
