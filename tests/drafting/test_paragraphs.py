"""The numbered paragraphs and items of English and Japanese legal text (plain Python)."""

from __future__ import annotations

import pytest

from drafting.paragraphs import structure_compare, structure_of

EN = """1. The Parties shall consult together.
2. An armed attack against either Party shall be met by:
(a) measures of self-defence;
(b) the measures the Security Council takes.
3. This Article applies in the territory of either Party."""

JA = """１　締約国は、協議する。
２　いずれか一方の締約国に対する武力攻撃には、次の措置により対処する。
（ａ）自衛の措置
（ｂ）安全保障理事会がとる措置
３　この条の規定は、いずれか一方の締約国の領域において適用する。"""


def test_english_paragraphs_and_items() -> None:
    s = structure_of(EN)
    assert s.paragraphs == ("1", "2", "3")
    assert s.items == ("(a)", "(b)")


def test_japanese_full_width_paragraphs_and_items() -> None:
    s = structure_of(JA)
    assert s.paragraphs == ("1", "2", "3")
    assert s.items == ("(a)", "(b)")


def test_equal_structure_has_no_mismatch() -> None:
    assert structure_compare({"en": EN, "ja": JA}) == []


def test_a_missing_paragraph_is_reported_with_both_counts() -> None:
    ja = JA.replace("３　この条の規定は、いずれか一方の締約国の領域において適用する。", "")
    [mismatch] = structure_compare({"en": EN, "ja": ja})
    assert mismatch.level == "paragraphs"
    assert mismatch.counts == {"en": 3, "ja": 2}
    assert mismatch.as_dict() == {"level": "paragraphs", "counts": {"en": 3, "ja": 2}}


def test_a_missing_item_is_reported() -> None:
    en = EN + "\n(c) any other measure."
    [mismatch] = structure_compare({"en": en, "ja": JA})
    assert (mismatch.level, mismatch.counts) == ("items", {"en": 3, "ja": 2})


@pytest.mark.parametrize(
    ("text", "paragraphs", "items"),
    [
        ("一　武力攻撃\n二　協議\n三　通報", 0, 3),  # kanji numerals: 号
        ("十二　第十二号", 0, 1),
        ("イ　甲\nロ　乙", 0, 2),  # iroha
        ("(i) first\n(ii) second\n(iv) fourth", 0, 3),
        ("（ｉ）第一\n（ｉｉ）第二", 0, 2),
        ("a) first\nb) second", 0, 2),
        ("(1) first\n（２）第二", 0, 2),
        ("1) first\n２．第二\n　３　字下げ", 3, 0),
        ("  1. indented", 1, 0),
        # Not markers: a number inside a sentence, a kanji numeral that starts a word, a
        # year-like number without a separator.
        ("The Parties, within 1 year, shall act.", 0, 0),
        ("一の締約国は、", 0, 0),
        ("1949年の条約", 0, 0),
        ("", 0, 0),
    ],
)
def test_markers(text: str, paragraphs: int, items: int) -> None:
    s = structure_of(text)
    assert (len(s.paragraphs), len(s.items)) == (paragraphs, items)


def test_kanji_items_match_lettered_items() -> None:
    en = "The following:\n(a) first;\n(b) second."
    ja = "次のとおり。\n一　第一\n二　第二"
    assert structure_compare({"en": en, "ja": ja}) == []


def test_an_empty_text_is_not_compared() -> None:
    # An untranslated text is reported by the state ("not yet confirmed"), not as structure.
    assert structure_compare({"en": EN, "ja": ""}) == []
    assert structure_compare({"en": EN}) == []
