"""How Entente names an article and a text language, in one place for every layer.

Pages, exports, the API, notifications and services all call :func:`article_label` and
:func:`language_name`, so that "Article 5 bis — Consultation", 第五条の二（協議） and 前文 are
written the same way everywhere. Imports only the pure numbering and Django's translation
functions (an import contract keeps it so), so the lowest layers may use it too.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy

from .numbering import PREAMBLE_JA, article_number_ja

# The names of the two text languages, in the reader's interface language. (The interface
# language switcher names each language in itself, by convention: that is settings.LANGUAGES.)
LANGUAGE_NAMES: dict[str, Promise] = {
    "en": gettext_lazy("English"),
    "ja": gettext_lazy("Japanese"),
}

PREAMBLE_EN = "Preamble"


def reader_language() -> str:
    """The text language the reader reads messages in: "ja" while the interface is Japanese,
    else "en". A message naming an article names it so (第一条 or "Article 1")."""
    return "ja" if (get_language() or "").startswith("ja") else "en"


def language_name(code: str) -> str:
    """ "English" or "Japanese" (英語, 日本語 on a Japanese page); an unknown code as it is."""
    name = LANGUAGE_NAMES.get(code)
    return str(name) if name is not None else code


def article_label(
    number: str,
    heading: str = "",
    heading_ja: str = "",
    *,
    preamble: bool = False,
    language: str = "en",
) -> str:
    """An article's label as its text's language writes it.

    English: "Article 5 bis — Consultation", "Article 5" without a heading, and the preamble's
    own heading or "Preamble". Japanese: 第五条の二（協議）, 第五条, and 前文. A number the
    Japanese convention cannot read (a drafter may fix "5A") is kept as typed (第5A条): a label
    must always render.
    """
    if language.startswith("ja"):
        if preamble:
            return heading_ja or PREAMBLE_JA
        try:
            label = article_number_ja(number)
        except ValueError:
            label = f"第{number.strip()}条"
        return label + (f"（{heading_ja}）" if heading_ja else "")
    if preamble:
        return heading or PREAMBLE_EN
    return f"Article {number}" + (f" — {heading}" if heading else "")
