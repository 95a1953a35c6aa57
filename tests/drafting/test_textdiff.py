"""Plain tests of drafting.textdiff: no Django, no database.

Offsets and counts are UTF-16 code units (what JavaScript counts); Python indexes code points.
"""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path
from typing import Any

import pytest
from diff_match_patch import diff_match_patch
from hypothesis import given, settings
from hypothesis import strategies as st

from drafting.textdiff import (
    Conflict,
    DeltaError,
    DiffOp,
    OffsetMapper,
    apply_delta,
    diff_main,
    make_delta,
    merge,
    utf16_len,
    utf16_slice,
    utf16_splice,
    utf16_splits_character,
    word_diff,
)

VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "merge_vectors.json"

# ASCII, the characters deltas treat specially, kana, kanji, and two characters outside the
# BMP (surrogate pairs in UTF-16) that share their high surrogate (😀 U+1F600, 😁 U+1F601).
ALPHABET = [
    "a",
    "b",
    "c",
    "T",
    " ",
    ".",
    "\n",
    "\t",
    "%",
    "+",
    "#",
    "=",
    "-",
    "あ",
    "か",
    "カ",
    "国",
    "約",
    "𠮟",
    "😀",
    "😁",
]
# "|" is left out: the disjoint-edit property uses it as a fence between two areas.
texts = st.text(alphabet=st.sampled_from(ALPHABET), max_size=40)


def u16_slice(text: str, start: int, end: int) -> str:
    units = text.encode("utf-16-le", "surrogatepass")
    return units[2 * start : 2 * end].decode("utf-16-le", "surrogatepass")


def pair_middles(text: str) -> set[int]:
    """UTF-16 offsets that fall between the two halves of a surrogate pair."""
    middles: set[int] = set()
    offset = 0
    for char in text:
        offset += utf16_len(char)
        if utf16_len(char) == 2:
            middles.add(offset - 1)
    return middles


def apply_ops(ops: list[DiffOp]) -> tuple[str, str]:
    old = "".join(o.text for o in ops if o.op != "insert")
    new = "".join(o.text for o in ops if o.op != "delete")
    return old, new


@st.composite
def edited(draw: st.DrawFn, base: str) -> str:
    """``base`` with a few local replacements, like someone typing into it."""
    text = base
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, len(text)))
        j = draw(st.integers(i, min(len(text), i + 6)))
        text = text[:i] + draw(st.text(st.sampled_from(ALPHABET), max_size=6)) + text[j:]
    return text


# --- UTF-16 counting and deltas ----------------------------------------------------------------


def test_utf16_len() -> None:
    assert utf16_len("") == 0
    assert utf16_len("abc") == 3
    assert utf16_len("締約国") == 3
    assert utf16_len("😀") == 2
    assert utf16_len("a𠮟b😀") == 6


def test_delta_counts_utf16_units_like_javascript() -> None:
    # What diff-match-patch's JavaScript diff_toDelta gives for the same pair.
    assert make_delta("a😀b", "a😀cb") == "=3\t+c\t=1"
    assert apply_delta("a😀b", "=3\t+c\t=1") == "a😀cb"
    assert make_delta("𠮟る", "𠮟られる") == "=2\t+%E3%82%89%E3%82%8C\t=1"
    assert make_delta("😀x", "x") == "-2\t=1"


def test_delta_encodes_inserted_text_like_encode_uri() -> None:
    # encodeURI keeps A-Z a-z 0-9 ; , / ? : @ & = + $ - _ . ! ~ * ' ( ) #, and
    # diff-match-patch turns %20 back into a space.
    assert make_delta("", "a b%c\t+d\n😀") == "+a b%25c%09+d%0A%F0%9F%98%80"
    assert make_delta("", ";,/?:@&=+$-_.!~*'()#") == "+;,/?:@&=+$-_.!~*'()#"
    assert make_delta("same", "same") == "=4"
    assert make_delta("", "") == ""


def _python_diff(base: str, text: str, checklines: bool = True) -> list[tuple[int, str]]:
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0
    return [(op, part) for op, part in dmp.diff_main(base, text, checklines)]


@settings(max_examples=300)
@given(texts, st.data(), st.booleans())
def test_the_fast_diff_is_the_python_librarys_diff(
    base: str, data: st.DataObject, checklines: bool
) -> None:
    # The merge's regions come from these diffs, and the browser's copy of the merge diffs
    # with the JavaScript library: the C++ diff must give exactly the library's diff.
    new = data.draw(st.one_of(texts, edited(base)))
    assert diff_main(base, new, 0, checklines) == _python_diff(base, new, checklines)


def test_the_fast_diff_is_the_python_librarys_diff_on_long_texts() -> None:
    rng = random.Random(7)
    for _ in range(40):
        base = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(200, 3000)))
        text = list(base)
        for _ in range(rng.randint(1, 40)):
            at = rng.randint(0, len(text))
            if rng.random() < 0.5:
                text[at:at] = rng.choices(ALPHABET, k=rng.randint(1, 8))
            else:
                del text[at : at + rng.randint(1, 8)]
        new = "".join(text)
        for checklines in (True, False):
            assert diff_main(base, new, 0, checklines) == _python_diff(base, new, checklines)


@settings(deadline=None)
@given(texts, texts)
def test_delta_round_trip(base: str, new: str) -> None:
    delta = make_delta(base, new)
    assert apply_delta(base, delta) == new
    # The library reads our deltas the same way, and we read its deltas.
    dmp = diff_match_patch()
    assert dmp.diff_text2(dmp.diff_fromDelta(base, delta)) == new
    assert apply_delta(base, dmp.diff_toDelta(dmp.diff_main(base, new))) == new


@settings(deadline=None)
@given(st.data(), texts)
def test_delta_round_trip_of_local_edits(data: st.DataObject, base: str) -> None:
    new = data.draw(edited(base))
    assert apply_delta(base, make_delta(base, new)) == new


def test_apply_delta_ignores_a_trailing_tab() -> None:
    assert apply_delta("abc", "=1\t-1\t+x\t=1\t") == "axc"


@pytest.mark.parametrize(
    ("base", "delta", "message"),
    [
        ("abc", "=4", "runs past the end"),
        ("abc", "=2", "keeps and deletes 2"),
        ("abc", "=1\t-3", "runs past the end"),
        ("", "=1", "runs past the end"),
        ("abc", "*3", "unknown operation"),
        ("abc", "3", "unknown operation"),
        ("abc", "=-1\t=4", "count"),
        ("abc", "=+3", "count"),
        ("abc", "= 3", "count"),
        ("abc", "=1_0", "count"),
        ("abc", "=1.5", "count"),
        ("abc", "=\u0663", "count"),  # ARABIC-INDIC DIGIT THREE: int() would take it
        ("abc", "=", "count"),
        ("abc", "=99999999999999999999999", "count"),
        ("abc", "=3\t+%zz", "two hex digits"),
        ("abc", "=3\t+%4", "two hex digits"),
        ("abc", "=3\t+100%", "two hex digits"),
        ("abc", "=3\t+%C3", "not valid UTF-8"),
        ("abc", "=3\t+%FF", "not valid UTF-8"),
        ("abc", "=3\t+%ED%A0%BD", "not valid UTF-8"),  # an encoded lone surrogate
        ("abc", "=3\t+\ud83d", "lone surrogate"),
        ("a😀b", "=2\t=2", "inside a surrogate pair"),
        ("a😀b", "=1\t-1\t=2", "inside a surrogate pair"),
        ("😀", "-1\t+x\t-1", "inside a surrogate pair"),
        ("𠮟", "=1\t=1", "inside a surrogate pair"),
    ],
)
def test_apply_delta_rejects(base: str, delta: str, message: str) -> None:
    with pytest.raises(DeltaError, match=message):
        apply_delta(base, delta)


def test_delta_error_is_a_value_error() -> None:
    assert issubclass(DeltaError, ValueError)


@given(st.lists(st.sampled_from(["a", "国", "😀", "𠮟"]), min_size=1, max_size=12), st.data())
def test_apply_delta_never_splits_a_surrogate_pair(chars: list[str], data: st.DataObject) -> None:
    base = "".join(chars)
    total = utf16_len(base)
    cut = data.draw(st.integers(0, total))
    op = data.draw(st.sampled_from(["=", "-"]))
    delta = f"{op}{cut}\t+x\t={total - cut}"
    inside_pair = cut in pair_middles(base)
    if inside_pair:
        with pytest.raises(DeltaError, match="surrogate pair"):
            apply_delta(base, delta)
    else:
        kept = u16_slice(base, 0, cut) if op == "=" else ""
        assert apply_delta(base, delta) == kept + "x" + u16_slice(base, cut, total)


def test_make_delta_rejects_an_inserted_lone_surrogate() -> None:
    with pytest.raises(DeltaError, match="lone surrogate"):
        make_delta("a", "a\ud83d")


def test_apply_delta_keeps_a_lone_surrogate_of_the_base() -> None:
    assert apply_delta("a\ud83db", "=2\t+c\t=1") == "a\ud83dcb"


# --- three-way merge ---------------------------------------------------------------------------


def test_merge_applies_non_overlapping_edits() -> None:
    text, conflicts = merge(
        "Article 1. The Parties shall consult.",
        "Article 2. The Parties shall consult.",
        "Article 1. The Parties shall promptly consult.",
    )
    assert text == "Article 2. The Parties shall promptly consult."
    assert conflicts == []


def test_merge_keeps_both_insertions_at_one_point_theirs_first() -> None:
    assert merge("ab", "aXb", "aYb") == ("aYXb", [])
    assert merge("the cat", "the big cat", "the black cat") == ("the black big cat", [])
    assert merge("", "ours", "theirs") == ("theirsours", [])
    assert merge("😀😀", "😀a😀", "😀b😀") == ("😀ba😀", [])


def test_merge_overlap_theirs_wins_and_ours_is_a_conflict() -> None:
    text, conflicts = merge("the cat sat", "the dog sat", "the cow sat")
    assert text == "the cow sat"
    assert conflicts == [Conflict(start=4, end=7, base_text="cat", ours="dog", theirs="cow")]
    assert conflicts[0].to_dict() == {
        "start": 4,
        "end": 7,
        "base_text": "cat",
        "ours": "dog",
        "theirs": "cow",
    }


def test_merge_conflict_offsets_count_utf16_units() -> None:
    text, conflicts = merge("a😀b𠮟c", "a😀b𠮟d", "a😀b𠮟e")
    assert text == "a😀b𠮟e"
    assert conflicts == [Conflict(6, 7, "c", "d", "e")]
    text, conflicts = merge("x😀y", "x😁y", "x😂y")
    assert text == "x😂y"
    assert conflicts == [Conflict(1, 3, "😀", "😁", "😂")]


def test_merge_insertion_strictly_inside_a_deleted_span_overlaps() -> None:
    base = "They shall consult in good faith."
    text, conflicts = merge(base, "They shall consult.", "They shall consult in utmost good faith.")
    assert text == "They shall consult in utmost good faith."
    assert conflicts == [Conflict(18, 32, " in good faith", "", " in utmost good faith")]
    # And the other way round: theirs deleted what ours inserted into.
    text, conflicts = merge(base, "They shall consult in utmost good faith.", "They shall consult.")
    assert text == "They shall consult."
    assert conflicts == [Conflict(18, 32, " in good faith", " in utmost good faith", "")]


def test_merge_insertion_at_the_boundary_of_a_replaced_span_does_not_overlap() -> None:
    assert merge("the cat", "the big cat", "the dog") == ("the big dog", [])
    assert merge("the cat", "the cats", "the dog") == ("the dogs", [])


def test_merge_replacements_touching_end_to_start_do_not_overlap() -> None:
    assert merge("ABCD", "xyCD", "ABzw") == ("xyzw", [])
    assert merge("𠮟責する", "𠮟咤する", "叱責する") == ("叱咤する", [])


def test_merge_the_same_change_on_both_sides_is_no_conflict() -> None:
    base = "The Parties shall promptly consult."
    assert merge(base, "The Parties shall consult.", "The Parties shall consult.") == (
        "The Parties shall consult.",
        [],
    )


def test_merge_overlap_chain_is_one_conflict_over_the_whole_span() -> None:
    text, conflicts = merge("ABCD EF GHIJ", "wxyz EF uvwx", "ABC123HIJ")
    assert text == "ABC123HIJ"
    assert conflicts == [Conflict(0, 12, "ABCD EF GHIJ", "wxyz EF uvwx", "ABC123HIJ")]


def test_merge_conflicts_and_clean_edits_together() -> None:
    text, conflicts = merge(
        "Alpha beta gamma delta epsilon.",
        "Alpha BETA gamma DELTA epsilon!",
        "Alpha bet gamma delt epsilon. Zeta.",
    )
    assert text == "Alpha bet gamma delt epsilon! Zeta."
    assert conflicts == [
        Conflict(6, 10, "beta", "BETA", "bet"),
        Conflict(17, 22, "delta", "DELTA", "delt"),
    ]


def test_merge_japanese() -> None:
    base = "両締約国は、相互に協議する。"
    text, conflicts = merge(
        base, "両締約国は、速やかに相互に協議する。", "両締約国は、相互に協議しなければならない。"
    )
    assert text == "両締約国は、速やかに相互に協議しなければならない。"
    assert conflicts == []
    text, conflicts = merge("締約国は協議する。", "締約国は相談する。", "締約国は交渉する。")
    assert text == "締約国は交渉する。"
    assert conflicts == [Conflict(4, 6, "協議", "相談", "交渉")]


class TestJoinRegions:
    """Two regions of one side join when the gap is under 8 UTF-16 units with no whitespace."""

    def test_split_insertion_around_a_reused_character(self) -> None:
        # Selecting "2" and typing "(2)" diffs as: insert "(", keep "2", insert ")". Unjoined,
        # theirs' "2" -> "3" would fall between the brackets as "1(3)", an edit nobody made.
        dmp = diff_match_patch()
        assert dmp.diff_main("section 12 applies", "section 1(2) applies") == [
            (0, "section 1"),
            (1, "("),
            (0, "2"),
            (1, ")"),
            (0, " applies"),
        ]
        text, conflicts = merge("section 12 applies", "section 1(2) applies", "section 13 applies")
        assert text == "section 13 applies"
        assert conflicts == [Conflict(9, 10, "2", "(2)", "3")]

    def test_repetitive_text(self) -> None:
        # "catdog" -> "catsdogs": two insertions of "s" around "dog"; theirs edits "dog".
        text, conflicts = merge("catdog", "catsdogs", "catdig")
        assert text == "catdig"
        assert conflicts == [Conflict(3, 6, "dog", "sdogs", "dig")]

    def test_whitespace_in_the_gap_keeps_regions_apart(self) -> None:
        assert merge("cat dog", "cats dogs", "cat dig") == ("cats digs", [])

    def test_gap_of_eight_units_keeps_regions_apart(self) -> None:
        assert merge("a12345678b", "a(12345678)b", "a123x5678b") == ("a(123x5678)b", [])

    def test_gap_of_seven_units_joins(self) -> None:
        text, conflicts = merge("a1234567b", "a(1234567)b", "a123x567b")
        assert text == "a123x567b"
        assert conflicts == [Conflict(1, 8, "1234567", "(1234567)", "123x567")]

    def test_gap_counts_utf16_units(self) -> None:
        # Four characters outside the BMP are eight UTF-16 units: not joined.
        assert merge("a😀😀😀😀b", "a(😀😀😀😀)b", "a😀😁😀😀b") == ("a(😀😁😀😀)b", [])
        # Three are six: joined.
        text, conflicts = merge("a😀😀😀b", "a(😀😀😀)b", "a😀😁😀b")
        assert text == "a😀😁😀b"
        assert conflicts == [Conflict(1, 7, "😀😀😀", "(😀😀😀)", "😀😁😀")]

    def test_japanese_has_no_spaces_so_nearby_edits_join(self) -> None:
        text, conflicts = merge("第一条及び第二条", "第三条及び第四条", "第一条並びに第二条")
        assert text == "第一条並びに第二条"
        assert conflicts == [Conflict(1, 7, "一条及び第二", "三条及び第四", "一条並びに第二")]

    def test_ideographic_space_is_whitespace(self) -> None:
        # U+3000 is whitespace to JavaScript's \s: the two edits stay apart, and theirs' edit
        # between them touches both without overlapping either.
        assert merge("一\u3000二", "三\u3000四", "一、二") == ("三、四", [])
        # With a gap that is not whitespace the two edits are one region: a conflict.
        text, conflicts = merge("一x二", "三x四", "一、二")
        assert text == "一、二"
        assert conflicts == [Conflict(0, 3, "一x二", "三x四", "一、二")]


@settings(deadline=None)
@given(texts, texts)
def test_merge_with_one_side_unchanged(base: str, x: str) -> None:
    assert merge(base, x, base) == (x, [])
    assert merge(base, base, x) == (x, [])


@settings(deadline=None)
@given(
    st.text(st.sampled_from(ALPHABET), max_size=30),
    st.text(st.sampled_from(ALPHABET), max_size=30),
    st.data(),
    st.booleans(),
)
def test_merge_applies_independent_edits_in_disjoint_areas(
    left: str, right: str, data: st.DataObject, ours_left: bool
) -> None:
    # "|" appears in no text or edit, so no diff can move an edit across it; the newlines
    # around it keep the two areas' regions from being joined.
    fence = "\n|\n"
    base = left + fence + right
    new_left = data.draw(edited(left))
    new_right = data.draw(edited(right))
    one, other = new_left + fence + right, left + fence + new_right
    ours, theirs = (one, other) if ours_left else (other, one)
    assert merge(base, ours, theirs) == (new_left + fence + new_right, [])


def check_conflicts(base: str, text: str, conflicts: list[Conflict]) -> None:
    end_of_previous = 0
    for conflict in conflicts:
        assert 0 <= end_of_previous <= conflict.start <= conflict.end <= utf16_len(base)
        assert conflict.base_text == u16_slice(base, conflict.start, conflict.end)
        assert conflict.ours != conflict.theirs
        assert conflict.theirs in text
        end_of_previous = conflict.end


@settings(deadline=None)
@given(texts, st.data())
def test_merge_conflicts_lie_inside_base(base: str, data: st.DataObject) -> None:
    ours = data.draw(edited(base))
    theirs = data.draw(edited(base))
    text, conflicts = merge(base, ours, theirs)
    check_conflicts(base, text, conflicts)
    if not conflicts and ours == base:
        assert text == theirs


@settings(deadline=None)
@given(texts, texts, texts)
def test_merge_of_unrelated_texts_keeps_its_invariants(base: str, ours: str, theirs: str) -> None:
    text, conflicts = merge(base, ours, theirs)
    check_conflicts(base, text, conflicts)


def load_vectors() -> list[dict[str, Any]]:
    vectors: list[dict[str, Any]] = json.loads(VECTORS.read_text(encoding="utf-8"))
    return vectors


@pytest.mark.parametrize("vector", load_vectors(), ids=lambda v: v["name"])
def test_merge_vectors(vector: dict[str, Any]) -> None:
    text, conflicts = merge(vector["base"], vector["ours"], vector["theirs"])
    assert text == vector["text"]
    assert [c.to_dict() for c in conflicts] == vector["conflicts"]


def test_merge_vectors_are_consistent() -> None:
    vectors = load_vectors()
    assert len({v["name"] for v in vectors}) == len(vectors) >= 25
    for vector in vectors:
        check_conflicts(
            vector["base"], vector["text"], [Conflict(**c) for c in vector["conflicts"]]
        )


# --- redlines ----------------------------------------------------------------------------------


def test_word_diff_english() -> None:
    a = "The Parties shall consult each other in good faith."
    b = "The Parties shall promptly consult one another in good faith."
    ops = word_diff(a, b)
    assert apply_ops(ops) == (a, b)
    assert ops == [
        DiffOp("equal", "The Parties shall "),
        DiffOp("delete", "consult each other"),
        DiffOp("insert", "promptly consult one another"),
        DiffOp("equal", " in good faith."),
    ]


def test_word_diff_marks_whole_words() -> None:
    a = "Each Party shall notify the other Party of any armed attack."
    b = "Each Party shall inform the other Parties of any cyber attack."
    ops = word_diff(a, b)
    assert apply_ops(ops) == (a, b)
    assert ops == [
        DiffOp("equal", "Each Party shall "),
        DiffOp("delete", "notify"),
        DiffOp("insert", "inform"),
        DiffOp("equal", " the other "),
        DiffOp("delete", "Party"),
        DiffOp("insert", "Parties"),
        DiffOp("equal", " of any "),
        DiffOp("delete", "armed"),
        DiffOp("insert", "cyber"),
        DiffOp("equal", " attack."),
    ]


def test_word_diff_japanese() -> None:
    a = "締約国は、相互に協議する。"
    b = "締約国は、速やかに相互に協議しなければならない。"
    ops = word_diff(a, b)
    assert apply_ops(ops) == (a, b)
    assert ops == [
        DiffOp("equal", "締約国は、"),
        DiffOp("insert", "速やかに"),
        DiffOp("equal", "相互に協議"),
        DiffOp("delete", "する"),
        DiffOp("insert", "しなければならない"),
        DiffOp("equal", "。"),
    ]


def test_word_diff_keeps_katakana_words_whole() -> None:
    a = "両締約国は、サイバー攻撃に対処する。"
    b = "両締約国は、ミサイル攻撃に対処する。"
    assert word_diff(a, b) == [
        DiffOp("equal", "両締約国は、"),
        DiffOp("delete", "サイバー"),
        DiffOp("insert", "ミサイル"),
        DiffOp("equal", "攻撃に対処する。"),
    ]


def test_word_diff_of_equal_and_empty_texts() -> None:
    assert word_diff("", "") == []
    assert word_diff("same", "same") == [DiffOp("equal", "same")]
    assert word_diff("", "new") == [DiffOp("insert", "new")]
    assert word_diff("old", "") == [DiffOp("delete", "old")]


@settings(deadline=None)
@given(texts, texts)
def test_word_diff_reproduces_both_texts(a: str, b: str) -> None:
    ops = word_diff(a, b)
    assert apply_ops(ops) == (a, b)
    assert all(op.text for op in ops)
    assert all(x.op != y.op for x, y in itertools.pairwise(ops))


def test_word_diff_of_two_large_unrelated_texts() -> None:
    # Long enough that the token diff cannot finish within the timeout: the answer must still be
    # exact. (How long it takes is not asserted: timing assertions make flaky tests.)
    rng = random.Random(20241021)
    vocabulary = ["".join(rng.choice("abcdefghijklmnop") for _ in range(rng.randint(1, 9)))]
    vocabulary += ["".join(rng.choice("abcdefghijklmnop") for _ in range(5)) for _ in range(3000)]
    vocabulary += ["締約国", "協議", "する", "。", "\n", "😀", "𠮟"]

    def text(length: int) -> str:
        words: list[str] = []
        size = 0
        while size < length:
            word = rng.choice(vocabulary) + rng.choice([" ", " ", ", ", ".\n"])
            words.append(word)
            size += len(word)
        return "".join(words)[:length]

    a, b = text(200_000), text(200_000)
    ops = word_diff(a, b, timeout=0.5)
    assert apply_ops(ops) == (a, b)


def test_map_offset_around_an_insertion() -> None:
    base, new = "the cat sat", "the big cat sat"
    assert OffsetMapper(base, new).map(0) == 0
    assert OffsetMapper(base, new).map(4) == 8
    assert OffsetMapper(base, new).map(4, sticky="before") == 4
    assert OffsetMapper(base, new).map(5) == 9
    assert OffsetMapper(base, new).map(11) == 15


def test_map_offset_inside_a_deletion() -> None:
    base, new = "the big cat", "the cat"
    for offset in (4, 5, 8):
        assert OffsetMapper(base, new).map(offset) == 4
        assert OffsetMapper(base, new).map(offset, sticky="before") == 4
    assert OffsetMapper(base, new).map(9) == 5


def test_map_offset_in_a_replaced_span() -> None:
    base, new = "the cat sat", "the dog sat"
    assert OffsetMapper(base, new).map(4) == 4  # a span's start stays at the start
    assert OffsetMapper(base, new).map(7) == 7  # and its end at the end
    assert OffsetMapper(base, new).map(5, sticky="before") == 4
    assert OffsetMapper(base, new).map(5, sticky="after") == 7


def test_map_offset_counts_utf16_units() -> None:
    assert OffsetMapper("😀a", "x😀a").map(2) == 3
    assert OffsetMapper("a𠮟b", "a𠮟xb").map(3, sticky="before") == 3
    assert OffsetMapper("a𠮟b", "a𠮟xb").map(3) == 4
    assert OffsetMapper("締約国は協議する。", "締約国は速やかに協議する。").map(4) == 8
    with pytest.raises(ValueError, match="surrogate pair"):
        OffsetMapper("😀a", "x😀a").map(1)
    with pytest.raises(ValueError, match="outside"):
        OffsetMapper("😀a", "x😀a").map(4)
    with pytest.raises(ValueError, match="outside"):
        OffsetMapper("abc", "abc").map(-1)


@settings(deadline=None)
@given(texts, st.data())
def test_offset_mapper_is_monotonic_and_in_range(base: str, data: st.DataObject) -> None:
    new = data.draw(edited(base))
    mapper = OffsetMapper(base, new)
    middles = pair_middles(base)
    valid = [i for i in range(utf16_len(base) + 1) if i not in middles]
    for sticky in ("before", "after"):
        mapped = [mapper.map(i, sticky=sticky) for i in valid]
        assert mapped == sorted(mapped)
        assert all(0 <= m <= utf16_len(new) for m in mapped)
    if new == base:
        assert [mapper.map(i) for i in valid] == valid


def test_utf16_slice_splice_and_split_characters() -> None:
    text = "a😀国b"  # units: a=0, 😀=1-2, 国=3, b=4
    assert utf16_slice(text, 1, 3) == "😀"
    assert utf16_slice(text, 3, 5) == "国b"
    assert utf16_slice("plain", 1, 3) == "la"
    # A cut inside the pair moves outwards only when asked to.
    assert utf16_slice(text, 2, 4, whole_characters=True) == "😀国"
    assert utf16_splits_character(text, 2)
    assert not utf16_splits_character(text, 1)
    assert not utf16_splits_character(text, 3)
    assert utf16_splice(text, 1, 3, "𠮟") == "a𠮟国b"
    assert utf16_splice("abc", 1, 2, "X") == "aXc"


@given(texts, st.data())
def test_utf16_slice_agrees_with_javascript_offsets(text: str, data: st.DataObject) -> None:
    length = utf16_len(text)
    start = data.draw(st.integers(0, length))
    end = data.draw(st.integers(start, length))
    if utf16_splits_character(text, start) or utf16_splits_character(text, end):
        return
    assert utf16_slice(text, start, end) == u16_slice(text, start, end)
    assert utf16_splice(text, start, end, "") == u16_slice(text, 0, start) + u16_slice(
        text, end, length
    )
