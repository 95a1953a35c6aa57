"""Japanese legal numbering: an English article number to its Japanese form and back.

Plain Python, no Django imports, so that pages, exports, the API and tests share one rule.

The conventions are those of Japan's statutes and of the Japanese texts of its treaties:

* Articles are 第N条 with N in kanji numerals written the way the official texts write them:
  十 not 一十, 百 not 一百, 千 not 一千 (第十二条, 第二十一条, 第百条, 第千二百三条).
* An article inserted between two others carries a branch number: the Latin multiplicative
  adverbs of English treaty practice ("5 bis", "5 ter", "5 quater"…) become 第五条の二,
  第五条の三, 第五条の四… ("bis" is the second article numbered 5, hence の二).
* The preamble is 前文. An Article with no number is the preamble (Article.Kind has no other
  unnumbered kind), so "" maps to 前文 and 前文 maps back to "".
* Paragraphs: decided as in the Japanese texts of Japan's treaties (e.g. the Japan-UK
  Reciprocal Access Agreement): a paragraph is *headed* by a full-width Arabic numeral
  (full-width 1, 2, … — :func:`paragraph_ja`), and a paragraph is *referred to* as 第二項
  (:func:`paragraph_ja` with ``reference=True``). Statutes leave paragraph 1 unnumbered; treaty
  texts number every paragraph of an article that has more than one, so we number them all.

Numbers we cannot read (a drafter may type any fixed number, e.g. "5A") are not guessed at:
:func:`article_number_ja` raises ``ValueError`` and the label (drafting/labels.py) falls back
to the number as typed inside 第…条.
"""

from __future__ import annotations

import re

PREAMBLE_JA = "前文"

_DIGITS = "〇一二三四五六七八九"
_UNITS = ((1000, "千"), (100, "百"), (10, "十"))
MAX_NUMBER = 9999

# The Latin adverbs used for inserted articles, in order from the second (bis = 2).
SUFFIXES: tuple[str, ...] = (
    "bis",
    "ter",
    "quater",
    "quinquies",
    "sexies",
    "septies",
    "octies",
    "novies",
    "decies",
    "undecies",
    "duodecies",
    "terdecies",
    "quaterdecies",
    "quindecies",
)
_SUFFIX_BRANCH = {name: index + 2 for index, name in enumerate(SUFFIXES)}
_BRANCH_SUFFIX = {branch: name for name, branch in _SUFFIX_BRANCH.items()}
# "nonies" is a spelling some treaties use for "novies".
_SUFFIX_BRANCH["nonies"] = _SUFFIX_BRANCH["novies"]

_ENGLISH_RE = re.compile(r"^\s*(\d+)(?:\s*-?\s*([A-Za-z]+))?\s*$")
_JAPANESE_RE = re.compile(
    r"^\s*第([〇一二三四五六七八九十百千]+)条(?:の([〇一二三四五六七八九十百千]+))?\s*$"
)
# Full-width digits (U+FF10..U+FF19), spelled as code points: they look like ASCII digits.
_FULLWIDTH_DIGITS = "".join(chr(0xFF10 + d) for d in range(10))
_FULLWIDTH = str.maketrans("0123456789", _FULLWIDTH_DIGITS)
_HALFWIDTH = str.maketrans(_FULLWIDTH_DIGITS, "0123456789")


def kanji_number(value: int) -> str:
    """1..9999 in the kanji numerals of Japanese legal texts (12 → 十二, 100 → 百, 1203 → 千二百三)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_NUMBER:
        raise ValueError(f"Only whole numbers from 1 to {MAX_NUMBER} have a legal kanji form.")
    out = []
    rest = value
    for unit, sign in _UNITS:
        count, rest = divmod(rest, unit)
        if count:
            # Legal texts write 十, 百, 千 alone for one ten/hundred/thousand.
            out.append(("" if count == 1 else _DIGITS[count]) + sign)
    if rest:
        out.append(_DIGITS[rest])
    return "".join(out)


def kanji_number_parse(text: str) -> int:
    """The inverse of :func:`kanji_number`; refuses anything it would not write itself."""
    total = 0
    rest = text
    for unit, sign in _UNITS:
        head, found, tail = rest.partition(sign)
        if found:
            if head == "":
                count = 1
            elif len(head) == 1 and head in _DIGITS[2:]:
                count = _DIGITS.index(head)
            else:
                raise ValueError(f"Not a legal kanji number: {text!r}")
            total += count * unit
            rest = tail
    if rest:
        if len(rest) != 1 or rest not in _DIGITS[1:]:
            raise ValueError(f"Not a legal kanji number: {text!r}")
        total += _DIGITS.index(rest)
    if total == 0 or kanji_number(total) != text:
        raise ValueError(f"Not a legal kanji number: {text!r}")
    return total


def article_number_ja(number: str) -> str:
    """An English article number to its Japanese label: "21 bis" → 第二十一条の二, "" → 前文.

    Raises ValueError for a number outside the convention (e.g. "5A", "0", "5 bogus").
    """
    if number.strip() == "" or number.strip().lower() == "preamble":
        return PREAMBLE_JA
    match = _ENGLISH_RE.match(number)
    if match is None:
        raise ValueError(f"Not an article number Entente can write in Japanese: {number!r}")
    main = int(match.group(1))
    label = f"第{kanji_number(main)}条"
    suffix = match.group(2)
    if suffix is not None:
        branch = _SUFFIX_BRANCH.get(suffix.lower())
        if branch is None:
            raise ValueError(f"Unknown article number suffix {suffix!r} in {number!r}")
        label += f"の{kanji_number(branch)}"
    return label


def article_number_en(label: str) -> str:
    """A Japanese article label back to the English number: 第五条の二 → "5 bis", 前文 → ""."""
    if label.strip() == PREAMBLE_JA:
        return ""
    match = _JAPANESE_RE.match(label)
    if match is None:
        raise ValueError(f"Not a Japanese article label: {label!r}")
    number = str(kanji_number_parse(match.group(1)))
    if match.group(2) is not None:
        branch = kanji_number_parse(match.group(2))
        suffix = _BRANCH_SUFFIX.get(branch)
        if suffix is None:
            raise ValueError(f"No English suffix for branch number {branch} in {label!r}")
        number += f" {suffix}"
    return number


def paragraph_ja(number: int, *, reference: bool = False) -> str:
    """Paragraph 2 as it heads the paragraph (full-width 2) or as a reference to it (第二項)."""
    if reference:
        return f"第{kanji_number(number)}項"
    kanji_number(number)  # the same range check
    return str(number).translate(_FULLWIDTH)


def paragraph_parse(text: str) -> int:
    """The inverse of :func:`paragraph_ja` for either form (full-width digits or 第二項)."""
    text = text.strip()
    if text.startswith("第") and text.endswith("項"):
        return kanji_number_parse(text[1:-1])
    if text and all(ch in _FULLWIDTH_DIGITS for ch in text) and text[0] != _FULLWIDTH_DIGITS[0]:
        value = int(text.translate(_HALFWIDTH))
        if value <= MAX_NUMBER:
            return value
    raise ValueError(f"Not a Japanese paragraph number: {text!r}")
