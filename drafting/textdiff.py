"""The diff-match-patch wrapper: deltas, the exact three-way merge, redlines, offset mapping.

Plain Python, no Django: every function takes and returns ``str`` and ``int``.

Units. Everything on the wire (delta counts, conflict spans, offsets) counts UTF-16 code units,
as JavaScript does; Python's ``str`` indexes code points, so a character outside the Basic
Multilingual Plane (𠮟 U+20B9F, 😀 U+1F600) is one index here and two units on the wire. The
installed ``diff_match_patch`` (20241021) diffs Python strings by code point, so its diffs never
split such a character, and its ``diff_toDelta``/``diff_fromDelta`` already count in UTF-16 units
(it encodes to UTF-16-BE). Its ``diff_fromDelta`` is lenient, though: ``int()`` accepts "+3",
" 3" and "1_0", ``unquote`` keeps a malformed "%zz" and turns invalid UTF-8 into U+FFFD, a count
that splits a surrogate pair fails with a bare ``UnicodeDecodeError``, and ``diff_toDelta``
crashes on a lone surrogate. So this module diffs on code points with the library and reads and
writes deltas itself, converting lengths to UTF-16 units, and raises ``DeltaError`` for anything
that does not fit.

Texts are expected to be well-formed Unicode. A lone surrogate (which a JSON body may carry)
counts as one unit, survives in kept text, but cannot be carried in an inserted part of a delta
(UTF-8 and JavaScript's ``encodeURI`` cannot encode it), so ``make_delta`` raises ``DeltaError``.
Callers should reject such text at the boundary.
"""

from __future__ import annotations

import re
import urllib.parse
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import fast_diff_match_patch
from diff_match_patch import diff_match_patch

__all__ = [
    "Conflict",
    "DeltaError",
    "DiffOp",
    "OffsetMapper",
    "apply_delta",
    "delta_ops",
    "delta_stats",
    "diff_main",
    "make_delta",
    "merge",
    "quote_locate",
    "spans_cross",
    "spans_nest",
    "utf16_len",
    "utf16_slice",
    "utf16_splice",
    "utf16_splits_character",
    "word_diff",
]

_DELETE = -1
_EQUAL = 0
_INSERT = 1

# A diff as diff-match-patch represents it: (operation, text) pairs.
_Diffs = list[tuple[int, str]]

# Join two regions of one side when the base text between them is shorter than this (in UTF-16
# units, as JavaScript's .length counts) and holds no whitespace. See merge().
_JOIN_GAP = 8

# JavaScript's /\s/ (ECMAScript WhiteSpace + LineTerminator). Python's str.isspace() differs
# (it includes U+001C-U+001F and U+0085, not U+FEFF); the merge must decide exactly as the
# browser's copy does, so both use this set.
_JS_WHITESPACE_CLASS = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_JS_WHITESPACE = re.compile(f"[{_JS_WHITESPACE_CLASS}]")
_JS_NON_ALNUM = re.compile(r"[^a-zA-Z0-9]")
_BLANK_LINE_END = re.compile(r"\n\r?\n\Z")
_BLANK_LINE_START = re.compile(r"\A\r?\n\r?\n")

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")

# diff-match-patch's diff_toDelta escapes inserted text with urllib.parse.quote and these extra
# safe characters, which gives byte-for-byte what JavaScript's encodeURI(text) with %20 turned
# back into a space gives.
_DELTA_SAFE = "!~*'();/?:@&=+$,# "
_COUNT = re.compile(r"[0-9]{1,15}")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


class DeltaError(ValueError):
    """A delta that does not fit its base text, or is malformed; the message says how."""


def _dmp(timeout: float) -> Any:
    # A fresh instance per call: Diff_Timeout is instance state, and callers may run in threads.
    dmp = diff_match_patch()
    dmp.Diff_Timeout = timeout
    return dmp


_OPS = {"=": _EQUAL, "-": _DELETE, "+": _INSERT}


def diff_main(base: str, text: str, timeout: float, checklines: bool = True) -> _Diffs:
    """diff-match-patch's ``diff_main``, computed by its C++ implementation (the package
    fast-diff-match-patch), which gives the same diffs as the Python one (checked in
    tests/drafting/test_textdiff.py) tens of times faster: a sync diffs whole articles."""
    return [
        (_OPS[op], part)
        for op, part in fast_diff_match_patch.diff(
            base,
            text,
            timelimit=max(timeout, 0),
            checklines=checklines,
            cleanup="No",
            counts_only=False,
        )
    ]


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (JavaScript's ``text.length``)."""
    if text.isascii():
        return len(text)
    # surrogatepass: a lone surrogate counts as one unit, as in JavaScript.
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le", "surrogatepass")


def _from_utf16(units: bytes) -> str:
    return units.decode("utf-16-le", "surrogatepass")


def utf16_slice(text: str, start: int, end: int, *, whole_characters: bool = False) -> str:
    """``text`` from UTF-16 offset ``start`` to ``end`` (JavaScript's ``text.slice``).

    With ``whole_characters``, an offset that falls inside a surrogate pair moves outwards, so
    that no character is cut in two (context shown around a conflict)."""
    start, end = max(start, 0), max(end, 0)
    if text.isascii():
        return text[start:end]
    units = _utf16(text)
    if whole_characters:
        if _splits_pair(units, start):
            start -= 1
        if _splits_pair(units, end):
            end += 1
    return _from_utf16(units[start * 2 : end * 2])


def utf16_splits_character(text: str, offset: int) -> bool:
    """Whether UTF-16 ``offset`` falls between the two halves of a surrogate pair."""
    return not text.isascii() and _splits_pair(_utf16(text), offset)


def utf16_splice(text: str, start: int, end: int, replacement: str) -> str:
    """``text`` with the UTF-16 units from ``start`` to ``end`` replaced by ``replacement``."""
    if text.isascii():
        return text[:start] + replacement + text[end:]
    units = _utf16(text)
    return _from_utf16(units[: start * 2] + _utf16(replacement) + units[end * 2 :])


# --- deltas -----------------------------------------------------------------------------------


def _encode_insert(text: str) -> str:
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise DeltaError(
            f"inserted text contains a lone surrogate U+{ord(text[exc.start]):04X}, "
            "which a delta cannot carry"
        ) from None
    return urllib.parse.quote(data, _DELTA_SAFE)


def _decode_insert(param: str, index: int) -> str:
    bad = _BAD_PERCENT.search(param)
    if bad:
        raise DeltaError(
            f"token {index}: '%' at position {bad.start() + 1} is not followed by two hex digits"
        )
    try:
        # Decodes every %XX. JavaScript's decodeURI leaves the reserved ones (%23, %2B, ...)
        # as they are, but neither side's encoder produces them, so canonical deltas agree.
        raw = urllib.parse.unquote_to_bytes(param)
    except UnicodeEncodeError:
        raise DeltaError(f"token {index}: inserted text contains a lone surrogate") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DeltaError(
            f"token {index}: %-encoded bytes are not valid UTF-8 ({exc.reason})"
        ) from None


def _diffs_to_delta(diffs: Iterable[tuple[int, str]]) -> str:
    tokens: list[str] = []
    for op, text in diffs:
        if not text:
            continue
        if op == _INSERT:
            tokens.append("+" + _encode_insert(text))
        elif op == _DELETE:
            tokens.append(f"-{utf16_len(text)}")
        else:
            tokens.append(f"={utf16_len(text)}")
    return "\t".join(tokens)


def make_delta(base: str, new: str, timeout: float = 1.0) -> str:
    """The delta (diff-match-patch ``diff_toDelta`` text) that turns ``base`` into ``new``.

    Counts are UTF-16 units; inserted text is %-encoded as ``encodeURI`` does. ``timeout`` is
    diff-match-patch's Diff_Timeout in seconds (0 or less: no limit); a diff cut short by it is
    longer than necessary but still exact. Raises DeltaError if an inserted part holds a lone
    surrogate.
    """
    diffs = diff_main(base, new, timeout)
    _dmp(timeout).diff_cleanupEfficiency(diffs)
    return _diffs_to_delta(diffs)


def _unit(units: bytes, index: int) -> int:
    return units[2 * index] | (units[2 * index + 1] << 8)


def _splits_pair(units: bytes, offset: int) -> bool:
    """Whether a cut at UTF-16 ``offset`` falls between the two halves of a surrogate pair."""
    if offset <= 0 or offset >= len(units) // 2:
        return False
    return 0xD800 <= _unit(units, offset - 1) <= 0xDBFF and 0xDC00 <= _unit(units, offset) <= 0xDFFF


def apply_delta(base: str, delta: str) -> str:
    """Apply a delta to the text it was made from, exactly (``diff_fromDelta`` + ``diff_text2``).

    Raises DeltaError if a token is not ``=N``, ``-N`` or ``+text`` (N plain ASCII digits), the
    %-encoding is malformed or not UTF-8, a count would cut a surrogate pair in two, or the kept
    and deleted counts do not add up to ``utf16_len(base)``. Empty tokens (a trailing tab) are
    ignored, as diff-match-patch does.
    """
    piece: Callable[[int, int], str]
    splits: Callable[[int], bool]
    if base.isascii():
        # Every character is one UTF-16 unit: offsets index the string itself, with nothing
        # to encode and decode (rebuilding a revision applies up to SNAPSHOT_EVERY deltas to a
        # whole article). isascii() costs nothing; scanning for characters outside the BMP
        # would cost more than the encoding it saves.
        total = len(base)

        def piece(start: int, end: int) -> str:
            return base[start:end]

        def splits(offset: int) -> bool:
            return False
    else:
        units = _utf16(base)
        total = len(units) // 2

        def piece(start: int, end: int) -> str:
            return _from_utf16(units[2 * start : 2 * end])

        def splits(offset: int) -> bool:
            return _splits_pair(units, offset)

    pos = 0
    out: list[str] = []
    for index, token in enumerate(delta.split("\t"), start=1):
        if not token:
            continue
        op, param = token[0], token[1:]
        if op == "+":
            out.append(_decode_insert(param, index))
        elif op in ("=", "-"):
            if not _COUNT.fullmatch(param):
                raise DeltaError(
                    f"token {index} ({token[:20]!r}): {op!r} must be followed by a count "
                    "of UTF-16 units in ASCII digits"
                )
            count = int(param)
            if count > total - pos:
                raise DeltaError(
                    f"delta does not fit its base: token {index} ({op}{count}) runs past the "
                    f"end of the base ({total} UTF-16 units) from offset {pos}"
                )
            end = pos + count
            if splits(end):
                raise DeltaError(
                    f"token {index} ({op}{count}) ends at UTF-16 offset {end}, "
                    "inside a surrogate pair"
                )
            if op == "=":
                out.append(piece(pos, end))
            pos = end
        else:
            raise DeltaError(
                f"token {index} ({token[:20]!r}): unknown operation {op!r}; "
                "expected '=', '-' or '+'"
            )
    if pos != total:
        raise DeltaError(
            f"delta does not fit its base: it keeps and deletes {pos} UTF-16 units, "
            f"the base has {total}"
        )
    return "".join(out)


# --- three-way merge --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Region:
    """One side's edit in base coordinates (code points): base[start:end] becomes text."""

    start: int
    end: int
    text: str

    @property
    def is_insertion(self) -> bool:
        return self.start == self.end


@dataclass(frozen=True)
class Conflict:
    """An edit of ``ours`` that overlapped one of ``theirs`` and was not applied.

    ``start``/``end``: the base span, in UTF-16 units of the base text; it covers every
    overlapping region of both sides. ``base_text``: the base there. ``ours``: what ``ours``
    wanted that span to read. ``theirs``: what ``theirs`` made of it, which is what the merged
    text now holds in its place.
    """

    start: int
    end: int
    base_text: str
    ours: str
    theirs: str

    def to_dict(self) -> dict[str, int | str]:
        return {
            "start": self.start,
            "end": self.end,
            "base_text": self.base_text,
            "ours": self.ours,
            "theirs": self.theirs,
        }


def _semantic_score(one: str, two: str) -> int:
    """diff-match-patch's boundary score, as its JavaScript version computes it.

    The Python port uses str.isalnum()/isspace(), so kanji count as alphanumeric there and
    not in JavaScript; edits would come to rest at different places on the two sides of the
    protocol. This follows the JavaScript regular expressions instead. For a character outside
    the BMP both see "not alphanumeric, not whitespace" (JavaScript sees a surrogate).
    """
    if not one or not two:
        return 6
    char1 = one[-1]
    char2 = two[0]
    non_alnum1 = bool(_JS_NON_ALNUM.match(char1))
    non_alnum2 = bool(_JS_NON_ALNUM.match(char2))
    space1 = non_alnum1 and bool(_JS_WHITESPACE.match(char1))
    space2 = non_alnum2 and bool(_JS_WHITESPACE.match(char2))
    break1 = space1 and char1 in "\r\n"
    break2 = space2 and char2 in "\r\n"
    blank1 = break1 and bool(_BLANK_LINE_END.search(one))
    blank2 = break2 and bool(_BLANK_LINE_START.match(two))
    if blank1 or blank2:
        return 5
    if break1 or break2:
        return 4
    if non_alnum1 and not space1 and space2:
        return 3
    if space1 or space2:
        return 2
    if non_alnum1 or non_alnum2:
        return 1
    return 0


def _common_suffix_len(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[-1 - i] == b[-1 - i]:
        i += 1
    return i


def _cleanup_semantic_lossless(
    diffs: _Diffs, score_of: Callable[[str, str], int] = _semantic_score
) -> None:
    """diff-match-patch's diff_cleanupSemanticLossless (Apache-2.0, Neil Fraser), in place.

    The same loop as the library's, scored by ``score_of`` (by default the JavaScript scoring,
    see _semantic_score): slide each single edit between two equalities to the best boundary
    without merging edits.
    """
    pointer = 1
    while pointer < len(diffs) - 1:
        if diffs[pointer - 1][0] == _EQUAL and diffs[pointer + 1][0] == _EQUAL:
            equality1 = diffs[pointer - 1][1]
            edit = diffs[pointer][1]
            equality2 = diffs[pointer + 1][1]

            # Shift the edit as far left as possible.
            offset = _common_suffix_len(equality1, edit)
            if offset:
                common = edit[-offset:]
                equality1 = equality1[:-offset]
                edit = common + edit[:-offset]
                equality2 = common + equality2

            # Step right one character at a time, keeping the best-scoring position; ">="
            # prefers trailing to leading whitespace on an edit.
            best1, best_edit, best2 = equality1, edit, equality2
            best_score = score_of(equality1, edit) + score_of(edit, equality2)
            while edit and equality2 and edit[0] == equality2[0]:
                equality1 += edit[0]
                edit = edit[1:] + equality2[0]
                equality2 = equality2[1:]
                score = score_of(equality1, edit) + score_of(edit, equality2)
                if score >= best_score:
                    best_score = score
                    best1, best_edit, best2 = equality1, edit, equality2

            if diffs[pointer - 1][1] != best1:
                if best1:
                    diffs[pointer - 1] = (diffs[pointer - 1][0], best1)
                else:
                    del diffs[pointer - 1]
                    pointer -= 1
                diffs[pointer] = (diffs[pointer][0], best_edit)
                if best2:
                    diffs[pointer + 1] = (diffs[pointer + 1][0], best2)
                else:
                    del diffs[pointer + 1]
                    pointer -= 1
        pointer += 1


def _regions_from_diffs(diffs: _Diffs) -> list[_Region]:
    """Each run of non-equal operations becomes one region in base coordinates."""
    regions: list[_Region] = []
    pos = 0
    start: int | None = None
    inserted: list[str] = []
    for op, text in diffs:
        if op == _EQUAL:
            if not text:
                continue
            if start is not None:
                regions.append(_Region(start, pos, "".join(inserted)))
                start, inserted = None, []
            pos += len(text)
            continue
        if start is None:
            start = pos
        if op == _DELETE:
            pos += len(text)
        else:
            inserted.append(text)
    if start is not None:
        regions.append(_Region(start, pos, "".join(inserted)))
    return [r for r in regions if r.start != r.end or r.text]


def _join_regions(base: str, regions: list[_Region]) -> list[_Region]:
    joined: list[_Region] = []
    for region in regions:
        if joined:
            prev = joined[-1]
            gap = base[prev.end : region.start]
            if utf16_len(gap) < _JOIN_GAP and not _JS_WHITESPACE.search(gap):
                joined[-1] = _Region(prev.start, region.end, prev.text + gap + region.text)
                continue
        joined.append(region)
    return joined


def _edit_regions(timeout: float, base: str, text: str) -> list[_Region]:
    diffs = diff_main(base, text, timeout)
    _cleanup_semantic_lossless(diffs)
    return _join_regions(base, _regions_from_diffs(diffs))


def _overlaps(a: _Region, b: _Region) -> bool:
    if a.is_insertion and b.is_insertion:
        return False  # same point: both kept; different points: apart
    if a.is_insertion:
        return b.start < a.start < b.end
    if b.is_insertion:
        return a.start < b.start < a.end
    return a.start < b.end and b.start < a.end


def _apply_regions(base: str, start: int, end: int, regions: Iterable[_Region]) -> str:
    out: list[str] = []
    pos = start
    for region in regions:
        out.append(base[pos : region.start])
        out.append(region.text)
        pos = region.end
    out.append(base[pos:end])
    return "".join(out)


def merge(base: str, ours: str, theirs: str, timeout: float = 1.0) -> tuple[str, list[Conflict]]:
    """Exact three-way merge of two edited copies of ``base`` (docs/protocol.md, "The three-way merge").

    1. Diff base→ours and base→theirs (diff-match-patch ``diff_main``, each bounded by
       ``timeout`` seconds, 0: no limit), then ``diff_cleanupSemanticLossless`` (with
       JavaScript's scoring, so the browser's copy lands on the same boundaries).
    2. Each run of edits between two equalities is one region: base[start:end] (possibly empty:
       an insertion) becomes the region's text.
    3. Join two consecutive regions of the same side when the base text between them is shorter
       than 8 UTF-16 units and holds no whitespace (JavaScript's ``\\s``): the joined region
       replaces the whole stretch, gap included.
    4. Overlap, between a region of ours and one of theirs (base coordinates):
       - two non-empty spans overlap iff they share at least one base character; spans that
         touch end-to-start do not overlap;
       - an insertion at point p overlaps a span [s, e) iff s < p < e (strictly inside); an
         insertion at s or e does not;
       - two insertions never overlap (at the same point both are kept).
    5. Regions that overlap nothing are applied exactly. At one point p: a span ending at p,
       then the insertions at p (theirs first, then ours), then a span starting at p.
    6. Overlapping regions form clusters (connected by overlap). In a cluster theirs wins: its
       regions of theirs are applied and its regions of ours are not. Each cluster gives one
       Conflict whose span runs from the first to the last base character any of its regions
       touches, with ``ours``/``theirs`` = that span with only that side's cluster regions
       applied. A cluster where both sides made the span read the same (the same edit made
       twice) is not reported: nothing of ours is lost.

    Postconditions: ``merge(b, x, b) == (x, [])`` and ``merge(b, b, x) == (x, [])``; the merged
    text holds every edit of theirs; each edit of ours is in it or in a conflict. Conflict
    spans are UTF-16 offsets into ``base`` on code-point boundaries, in order, not overlapping.

    For the JavaScript copy (checked against tests/vectors/merge_vectors.json): its diff works
    on UTF-16 units and can cut a surrogate pair (😀 -> 😁 share their first unit), so it must
    widen such regions to whole characters; everything else here is meant to be ported as is.
    """
    # The postconditions, without diffing: one side unchanged (every sync of a lone editor).
    if theirs == base:
        return ours, []
    if ours == base:
        return theirs, []
    ours_regions = _edit_regions(timeout, base, ours)
    theirs_regions = _edit_regions(timeout, base, theirs)
    if not ours_regions:
        return theirs, []
    if not theirs_regions:
        return ours, []

    # Overlap graph between the sides (a side's own regions are disjoint and sorted, so the
    # candidates of theirs for one region of ours are a contiguous run found by bisection).
    theirs_ends = [r.end for r in theirs_regions]
    parent: dict[tuple[int, int], tuple[int, int]] = {}

    def find(node: tuple[int, int]) -> tuple[int, int]:
        root = node
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(node, node) != root:
            parent[node], node = root, parent[node]
        return root

    involved: list[tuple[int, int]] = []
    for i, region in enumerate(ours_regions):
        j = bisect_left(theirs_ends, region.start)
        while j < len(theirs_regions) and theirs_regions[j].start <= region.end:
            if _overlaps(region, theirs_regions[j]):
                involved += [(0, i), (1, j)]
                parent[find((0, i))] = find((1, j))
            j += 1

    clusters: dict[tuple[int, int], tuple[set[int], set[int]]] = {}
    for side, index in involved:
        clusters.setdefault(find((side, index)), (set(), set()))[side].add(index)

    dropped: set[int] = set()
    found: list[tuple[int, int, str, str]] = []
    for ours_indexes, theirs_indexes in clusters.values():
        dropped |= ours_indexes
        ours_group = [ours_regions[i] for i in sorted(ours_indexes)]
        theirs_group = [theirs_regions[j] for j in sorted(theirs_indexes)]
        start = min(ours_group[0].start, theirs_group[0].start)
        end = max(ours_group[-1].end, theirs_group[-1].end)
        ours_text = _apply_regions(base, start, end, ours_group)
        theirs_text = _apply_regions(base, start, end, theirs_group)
        if ours_text != theirs_text:
            found.append((start, end, ours_text, theirs_text))

    # Sort key: position, then insertions before a span starting there, then theirs first.
    edits = [(r, 0) for r in theirs_regions]
    edits += [(r, 1) for i, r in enumerate(ours_regions) if i not in dropped]
    edits.sort(key=lambda e: (e[0].start, not e[0].is_insertion, e[1]))
    text = _apply_regions(base, 0, len(base), (r for r, _ in edits))

    conflicts: list[Conflict] = []
    found.sort()
    pos = pos16 = 0
    for start, end, ours_text, theirs_text in found:
        pos16 += utf16_len(base[pos:start])
        start16 = pos16
        pos16 += utf16_len(base[start:end])
        pos = end
        conflicts.append(Conflict(start16, pos16, base[start:end], ours_text, theirs_text))
    return text, conflicts


# --- redlines ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiffOp:
    op: Literal["equal", "insert", "delete"]
    text: str


# Scripts written without spaces: Han ideographs (with the marks U+3005-U+3007, U+303B),
# hiragana, katakana.
_CJK = (
    "\u3005-\u3007\u303b\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003ffff"
)
# Redline tokens. Spaced scripts (English, French, ...) diff by word: a run of letters and
# digits, with inner apostrophes ("Party's", "don\u2019t"). Japanese has no spaces, and finding its
# words needs a dictionary (MeCab and the like), too heavy for a plain module; cutting at script
# changes would make one changed kanji in 安全保障 strike out the whole compound, and a whole
# kana run is often a clause. So each kanji and each hiragana is its own token, which gives the
# precise marks Japanese redlines (新旧対照表) use, and diff_cleanupSemantic then merges the
# small islands of equal characters into readable phrases. Katakana runs (サイバー, ミサイル)
# are mostly single loanwords and stay whole. Line breaks are tokens of their own so that line
# structure survives; other whitespace runs and each punctuation mark or symbol are tokens.
_TOKEN = re.compile(
    r"\r\n|\n|\r"
    r"|[^\S\r\n]+"
    r"|[\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff\uff66-\uff9f]+"
    rf"|[^\W{_CJK}]+(?:['\u2019][^\W{_CJK}]+)*"
    r"|.",
    re.DOTALL,
)
# Token k is encoded as one code point; surrogate code points are skipped.
_MAX_TOKENS = 0x110000 - 0x800 - 1


def _token_char(index: int) -> str:
    return chr(index if index < 0xD800 else index + 0x800)


def _char_token(char: str) -> int:
    code = ord(char)
    return code if code < 0xD800 else code - 0x800


def _tokens_to_chars(a: str, b: str) -> tuple[str, str, list[str]]:
    """diff_linesToChars with words instead of lines: one code point per distinct token."""
    table: list[str] = [""]  # index 0 unused, as in diff_linesToChars
    index_of: dict[str, int] = {}

    def encode(text: str, limit: int) -> str:
        chars: list[str] = []
        tokens = _TOKEN.findall(text)
        for i, token in enumerate(tokens):
            index = index_of.get(token)
            if index is None:
                if len(table) >= limit:
                    # Out of code points (over a million distinct tokens): the rest of the
                    # text becomes one token, as diff_linesToChars does with lines.
                    token = "".join(tokens[i:])
                    table.append(token)
                    chars.append(_token_char(len(table) - 1))
                    break
                table.append(token)
                index = index_of[token] = len(table) - 1
            chars.append(_token_char(index))
        return "".join(chars)

    # Two thirds of the code points for a, the rest for b, as diff_linesToChars splits them.
    chars_a = encode(a, _MAX_TOKENS * 2 // 3)
    chars_b = encode(b, _MAX_TOKENS)
    return chars_a, chars_b, table


def word_diff(a: str, b: str, timeout: float = 1.0) -> list[DiffOp]:
    """A redline from ``a`` to ``b`` for people: word-level operations after semantic cleanup.

    Words in spaced scripts, single kanji and kana in Japanese (see _TOKEN). The token diff is
    bounded by ``timeout`` seconds (diff-match-patch's Diff_Timeout; 0: no limit): past it the
    diff is coarser but still exact. Joining the equal and deleted texts gives ``a``, the equal
    and inserted texts ``b``; no two neighbouring operations are the same.
    """
    if a == b:
        return [DiffOp("equal", a)] if a else []
    chars_a, chars_b, table = _tokens_to_chars(a, b)

    def text_of(chars: str) -> str:
        return "".join(table[_char_token(c)] for c in chars)

    def token_score(one: str, two: str) -> int:
        # Score the boundary on the real text around it (two tokens each side are enough for
        # the blank-line test), not on the code points that stand for the tokens.
        if not one or not two:
            return 6
        return _semantic_score(text_of(one[-2:]), text_of(two[:2]))

    dmp = _dmp(timeout)
    # Clean up on tokens, then rehydrate: cleaning the rehydrated characters would let
    # diff_cleanupMerge factor out common letters ("each other" -> "one another" would become
    # "-each +one an" "other"), cutting words in two.
    dmp.diff_cleanupSemanticLossless = lambda diffs: _cleanup_semantic_lossless(diffs, token_score)
    diffs = diff_main(chars_a, chars_b, timeout, checklines=False)
    dmp.diff_cleanupSemantic(diffs)
    names: dict[int, Literal["equal", "insert", "delete"]] = {
        _EQUAL: "equal",
        _INSERT: "insert",
        _DELETE: "delete",
    }
    ops: list[DiffOp] = []
    for op, chars in diffs:
        if not chars:
            continue
        text = text_of(chars)
        if ops and ops[-1].op == names[op]:
            ops[-1] = DiffOp(names[op], ops[-1].text + text)
        else:
            ops.append(DiffOp(names[op], text))
    return ops


# --- offset mapping ---------------------------------------------------------------------------


class OffsetMapper:
    """Maps UTF-16 offsets in ``base`` to UTF-16 offsets in ``new``; the diff is made once.

    The diff is diff-match-patch's, after ``diff_cleanupSemantic`` (so a replaced word is one
    region and offsets inside it do not latch onto stray equal letters). Rules, for a region
    where base[s:e] became the new text [ns, ns + n) (ProseMirror's mapping rules):
    - an offset in equal text moves with it;
    - an offset at s of a non-empty span maps to ns, at e to ns + n (it stays with the
      surviving neighbour);
    - an offset strictly inside a deleted span, or at a pure insertion point, maps to ns with
      ``sticky="before"`` and to ns + n with ``sticky="after"``.
    """

    def __init__(self, base: str, new: str, timeout: float = 1.0, *, words: bool = False) -> None:
        diffs: _Diffs
        if words:
            # The redline's word-level diff: a replaced word moves as a whole, so a letter the
            # old and new words happen to share does not keep an anchor alive.
            codes = {"equal": _EQUAL, "delete": _DELETE, "insert": _INSERT}
            diffs = [(codes[op.op], op.text) for op in word_diff(base, new, timeout)]
        else:
            dmp = _dmp(timeout)
            diffs = diff_main(base, new, timeout)
            dmp.diff_cleanupSemantic(diffs)
        self._base_len = utf16_len(base)
        # UTF-16 offsets of the second half of each surrogate pair in base: never a valid cut.
        self._inside_pairs = (
            []
            if base.isascii()
            else [m.start() + i + 1 for i, m in enumerate(_ASTRAL.finditer(base))]
        )
        # (start, end, new_start, new_length) in UTF-16 units, one per run of edits.
        self._regions: list[tuple[int, int, int, int]] = []
        pos = new_pos = 0
        start = new_start = -1
        for op, text in diffs:
            length = utf16_len(text)
            if op == _EQUAL:
                if length and start >= 0:
                    self._regions.append((start, pos, new_start, new_pos - new_start))
                    start = -1
                pos += length
                new_pos += length
                continue
            if start < 0:
                start, new_start = pos, new_pos
            if op == _DELETE:
                pos += length
            else:
                new_pos += length
        if start >= 0:
            self._regions.append((start, pos, new_start, new_pos - new_start))
        self._starts = [r[0] for r in self._regions]

    def map(self, offset: int, *, sticky: Literal["before", "after"] = "after") -> int:
        """Where UTF-16 ``offset`` of the base lands in the new text.

        Raises ValueError for an offset outside [0, utf16_len(base)] or inside a surrogate pair.
        """
        if not 0 <= offset <= self._base_len:
            raise ValueError(f"offset {offset} is outside the base text (0..{self._base_len})")
        i = bisect_left(self._inside_pairs, offset)
        if i < len(self._inside_pairs) and self._inside_pairs[i] == offset:
            raise ValueError(f"offset {offset} is inside a surrogate pair")
        if sticky not in ("before", "after"):
            raise ValueError(f"sticky must be 'before' or 'after', not {sticky!r}")
        k = bisect_right(self._starts, offset) - 1
        if k < 0:
            return offset
        start, end, new_start, new_length = self._regions[k]
        if offset > end:
            return offset - end + new_start + new_length
        if start < end and offset == start:
            return new_start
        if start < end and offset == end:
            return new_start + new_length
        return new_start if sticky == "before" else new_start + new_length


def delta_ops(delta: str) -> list[tuple[str, int, str]]:
    """A stored (already validated) delta as (op, UTF-16 length, inserted text) triples,
    op being "=", "-" or "+"."""
    ops = []
    for token in delta.split("\t") if delta else []:
        if token.startswith("+"):
            text = urllib.parse.unquote(token[1:])
            ops.append(("+", utf16_len(text), text))
        elif token.startswith(("-", "=")) and _COUNT.fullmatch(token[1:]):
            ops.append((token[0], int(token[1:]), ""))
    return ops


def delta_stats(delta: str) -> tuple[int, int]:
    """Characters a delta inserts and UTF-16 units it deletes, read from the delta itself:
    cheap enough for every sync (a word-level diff of a long text is not)."""
    added = removed = 0
    for op, length, text in delta_ops(delta):
        if op == "+":
            added += len(text)
        elif op == "-":
            removed += length
    return added, removed


# --- reverting one revision ----------------------------------------------------------------


class RevertOverlap(Exception):
    """A later change touched a span the reverted revision wrote; ``text`` is the current text."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def revert_edits(before: str, delta: str, later: list[str], current: str) -> str:
    """Undo one revision's edits in the current text.

    ``delta`` turned ``before`` into the revision's text; ``later`` are the deltas after it.
    Offsets are UTF-16 units throughout, as the deltas count them."""
    units_before = before.encode("utf-16-le", "surrogatepass")
    # The revision's edits, in its own text's coordinates: [start, end) replaced old units.
    regions: list[list[Any]] = []
    old_pos = new_pos = 0
    for op, length, _text in delta_ops(delta):
        if op == "=":
            old_pos += length
            new_pos += length
            continue
        if not regions or regions[-1][1] != new_pos or regions[-1][3] != old_pos:
            regions.append([new_pos, new_pos, b"", old_pos])
        region = regions[-1]
        if op == "-":
            region[2] += units_before[old_pos * 2 : (old_pos + length) * 2]
            old_pos += length
        else:
            new_pos += length
        region[1] = new_pos
        region[3] = old_pos
    # Carry each region through every later change; a change touching it is an overlap.
    for later_delta in later:
        edits: list[tuple[int, int, int]] = []  # (old start, old end, new length)
        pos = 0
        for op, length, _text in delta_ops(later_delta):
            if op == "=":
                pos += length
            elif op == "-":
                if edits and edits[-1][1] == pos:
                    start, _, inserted = edits[-1]
                    edits[-1] = (start, pos + length, inserted)
                else:
                    edits.append((pos, pos + length, 0))
                pos += length
            else:
                if edits and edits[-1][1] == pos:
                    start, end, inserted = edits[-1]
                    edits[-1] = (start, end, inserted + length)
                else:
                    edits.append((pos, pos, length))
        for region in regions:
            start, end = region[0], region[1]
            shift = 0
            for e_start, e_end, inserted in edits:
                touches = (
                    (e_start < end and start < e_end)
                    or (start < e_start < end)
                    or (start == end and e_start < start < e_end)
                )
                if touches:
                    raise RevertOverlap(current)
                # Edits wholly before the region move it; edits after it do not. An insertion
                # exactly where a pure deletion is undone stays before the restored text.
                if e_end <= start and not (start == end == e_start == e_end):
                    shift += inserted - (e_end - e_start)
            region[0], region[1] = start + shift, end + shift
    units = current.encode("utf-16-le", "surrogatepass")
    for start, end, old_units, _ in sorted(regions, key=lambda r: r[0], reverse=True):
        units = units[: start * 2] + old_units + units[end * 2 :]
    return units.decode("utf-16-le", "surrogatepass")


# --- order ----------------------------------------------------------------------------------


def longest_kept_order(before: list[int], after: list[int]) -> set[int]:
    """The largest set of articles whose relative order did not change (a longest increasing
    subsequence of their old positions, in their new order). Only the others moved: one
    article moved over twenty is one move, not twenty."""
    rank = {article_id: index for index, article_id in enumerate(before)}
    sequence = [rank[article_id] for article_id in after]
    tails: list[int] = []
    tail_index: list[int] = []
    parent = [-1] * len(sequence)
    for i, value in enumerate(sequence):
        k = bisect_left(tails, value)
        if k == len(tails):
            tails.append(value)
            tail_index.append(i)
        else:
            tails[k] = value
            tail_index[k] = i
        parent[i] = tail_index[k - 1] if k else -1
    kept: set[int] = set()
    i = tail_index[-1] if tail_index else -1
    while i >= 0:
        kept.add(after[i])
        i = parent[i]
    return kept


# --- nested spans (brackets) ------------------------------------------------------------------


def spans_cross(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """True when two spans overlap without one containing the other (a partial overlap).
    Touching spans ([0, 3) and [3, 5)) do not overlap."""
    (a0, a1), (b0, b1) = a, b
    if a1 <= b0 or b1 <= a0:
        return False
    return not ((a0 <= b0 and b1 <= a1) or (b0 <= a0 and a1 <= b1))


def spans_nest(text: str, spans: Sequence[tuple[int, int, Any]]) -> list[Any]:
    """Split ``text`` into plain pieces and nested spans, in reading order.

    ``spans`` are (start, end, key) in UTF-16 units, none crossing another (see spans_cross);
    empty or out-of-range spans are skipped. The result is a list of nodes: a plain piece is
    ``("text", str)``, a span ``("span", key, [nodes inside it])``. Two spans over the same
    text nest in the order given (the first outside)."""
    length = utf16_len(text)
    order = sorted(
        (
            (start, -end, index, key)
            for index, (start, end, key) in enumerate(spans)
            if 0 <= start < end <= length
        ),
    )

    def build(lo: int, hi: int, items: list[tuple[int, int, int, Any]]) -> list[Any]:
        nodes: list[Any] = []
        pos = lo
        i = 0
        while i < len(items):
            start, neg_end, _, key = items[i]
            end = -neg_end
            inner = []
            j = i + 1
            while j < len(items) and items[j][0] < end:
                if -items[j][1] <= end:
                    inner.append(items[j])
                j += 1
            if start > pos:
                nodes.append(("text", utf16_slice(text, pos, start)))
            nodes.append(("span", key, build(start, end, inner)))
            pos = max(pos, end)
            i = j
        if hi > pos:
            nodes.append(("text", utf16_slice(text, pos, hi)))
        return nodes

    return build(0, length, order)


def quote_locate(text: str, quote: str, occurrence: int = 1) -> tuple[int, int] | None:
    """The UTF-16 span of the ``occurrence``-th appearance (from 1) of ``quote`` in ``text``,
    or None. For forms where a person types the words to act on instead of selecting them."""
    if not quote or occurrence < 1:
        return None
    index = -1
    for _ in range(occurrence):
        index = text.find(quote, index + 1)
        if index < 0:
            return None
    start = utf16_len(text[:index])
    return start, start + utf16_len(quote)


# --- tracked changes: a chain of revisions as one marked-up text ------------------------------


@dataclass(frozen=True)
class Segment:
    """A piece of marked-up text: ``op`` is "equal" (in both ends), "insert" (only in the
    last text) or "delete" (only in the first); ``tag`` names the revision that made it."""

    op: str
    text: str
    tag: Any = None


class _Untracked:
    """The tag of a step whose changes are not shown as changes (already decided on): what
    it inserts is plain text, what it deletes is gone."""

    def __repr__(self) -> str:
        return "UNTRACKED"


UNTRACKED: Any = _Untracked()


def _units_take(text: str, units: int) -> tuple[str, str]:
    """Split ``text`` after ``units`` UTF-16 units (never inside a surrogate pair)."""
    if text.isascii():
        return text[:units], text[units:]
    raw = _utf16(text)
    return _from_utf16(raw[: units * 2]), _from_utf16(raw[units * 2 :])


def _consume(
    queue: list[Segment], out: list[Segment], units: int, deleting: bool, tag: Any
) -> None:
    """Move ``units`` UTF-16 units of visible text from ``queue`` (reversed) to ``out``: kept
    as they are, or (``deleting``) marked deleted by ``tag``. Deleted
    segments on the way pass through untouched."""
    while units > 0:
        if not queue:
            raise DeltaError("A delta is longer than its text.")
        seg = queue.pop()
        if seg.op == "delete":
            out.append(seg)
            continue
        length = utf16_len(seg.text)
        if length > units:
            head, tail = _units_take(seg.text, units)
            queue.append(Segment(seg.op, tail, seg.tag))
            seg, length = Segment(seg.op, head, seg.tag), units
        units -= length
        if not deleting:
            out.append(seg)
        elif seg.op == "equal" and tag is not UNTRACKED:
            out.append(Segment("delete", seg.text, tag))
        # an insert deleted again is in neither end, and untracked deletions leave no trace


def tracked_segments(base: str, steps: Iterable[tuple[str, Any]]) -> list[Segment]:
    """Walk a chain of deltas from ``base``, keeping who did what: each step is (delta, tag),
    the delta turning the previous text into the next.

    Text a step inserts is an "insert" carrying that step's tag; base text a step deletes is a
    "delete" carrying that step's tag. Text inserted by one step and deleted by a later one is
    in neither end and disappears. So the equal and insert segments give the last text (accept
    all) and the equal and delete segments give ``base`` (reject all). A step tagged
    ``UNTRACKED`` changes the text without marking it (reject all then keeps it too). Raises
    DeltaError for a delta that does not fit its text.
    """
    segments: list[Segment] = [Segment("equal", base)] if base else []
    for delta, tag in steps:
        out: list[Segment] = []
        queue = list(reversed(segments))

        for op, length, text in delta_ops(delta):
            if op == "=":
                _consume(queue, out, length, False, tag)
            elif op == "-":
                _consume(queue, out, length, True, tag)
            elif text:
                out.append(
                    Segment(
                        "equal" if tag is UNTRACKED else "insert",
                        text,
                        None if tag is UNTRACKED else tag,
                    )
                )
        while queue:
            seg = queue.pop()
            if seg.op != "delete" and seg.text:
                raise DeltaError("A delta is shorter than its text.")
            out.append(seg)
        segments = out
    merged: list[Segment] = []
    for seg in segments:
        if not seg.text:
            continue
        if merged and merged[-1].op == seg.op and merged[-1].tag == seg.tag:
            merged[-1] = Segment(seg.op, merged[-1].text + seg.text, seg.tag)
        else:
            merged.append(seg)
    return merged


def segments_accept(segments: Iterable[Segment]) -> str:
    return "".join(s.text for s in segments if s.op != "delete")


def segments_reject(segments: Iterable[Segment]) -> str:
    return "".join(s.text for s in segments if s.op != "insert")
