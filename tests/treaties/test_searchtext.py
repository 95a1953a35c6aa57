"""Normalising, stemming, matching and highlighting search text (plain Python)."""

from __future__ import annotations

from treaties.searchtext import highlight, index_text, normalise, query_terms, term_score


def test_normalise_width_and_case() -> None:
    assert normalise("ＡＲＭＥＤ　Ａｔｔａｃｋ") == "armed attack"
    assert normalise("ｱｸｾｽ") == "アクセス"  # half-width katakana
    assert normalise("（１）") == "(1)"
    assert normalise("Straße") == "strasse"


def test_index_keeps_words_stems_and_japanese_runs() -> None:
    index = index_text("An armed attack against the Parties", "締約国は、協議する。")
    assert index.startswith(" ") and index.endswith(" ")
    words = index.split()
    assert {"armed", "arm", "attack", "parties", "parti"} <= set(words)
    assert {"締約国は", "協議する"} <= set(words)
    assert index_text("", "") == ""


def test_query_terms_stem_english_and_keep_japanese() -> None:
    terms = query_terms("Armed ATTACKS 協 armed")
    assert [(t.text, t.stem, t.latin) for t in terms] == [
        ("armed", "arm", True),
        ("attacks", "attack", True),
        ("協", "協", False),
    ]
    assert query_terms("the Party's forces")[1].stem == "parti"  # possessive dropped
    assert len(query_terms(" ".join(f"w{i}" for i in range(40)))) == 12


def test_inflections_match_each_other() -> None:
    index = index_text("An armed attack against either Party")
    for query in ("armed attacks", "arm", "attacked", "attacking", "parties", "ＰＡＲＴＹ"):
        assert all(term_score(index, t) for t in query_terms(query)), query
    assert not any(term_score(index, t) for t in query_terms("defence"))
    # A whole word ranks above the start of a longer one.
    [attack] = query_terms("attack")
    assert term_score(index, attack) == 2
    [arm] = query_terms("arm")
    assert term_score(index_text("armament"), arm) == 1


def test_japanese_one_and_two_characters_match_anywhere() -> None:
    index = index_text("締約国は、相互に協議する。")
    assert all(term_score(index, t) == 1 for t in query_terms("協"))
    assert all(term_score(index, t) == 1 for t in query_terms("協議"))
    assert not any(term_score(index, t) for t in query_terms("攻撃"))


def test_highlight_escapes_then_marks() -> None:
    html = highlight("<b>Armed</b> attacks & more", query_terms("armed attack"))
    assert html == "&lt;b&gt;<mark>Armed</mark>&lt;/b&gt; <mark>attacks</mark> &amp; more"
    assert highlight("<i>x</i>", []) == "&lt;i&gt;x&lt;/i&gt;"


def test_highlight_marks_what_is_written() -> None:
    assert highlight("ＡＲＭＥＤ attack", query_terms("armed")) == "<mark>ＡＲＭＥＤ</mark> attack"
    assert highlight("締約国は協議する", query_terms("協議")) == "締約国は<mark>協議</mark>する"
    assert highlight("ｱｸｾｽ", query_terms("アクセス")) == "<mark>ｱｸｾｽ</mark>"
    # Overlapping terms give one mark.
    assert highlight("協議する", query_terms("協 協議")) == "<mark>協議</mark>する"
