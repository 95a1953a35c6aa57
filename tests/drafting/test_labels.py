"""drafting.labels: the one way every layer names an article and a text language."""

from __future__ import annotations

import pytest
from django.utils import translation

from drafting.labels import article_label, language_name


def test_english_labels() -> None:
    assert article_label("5 bis", "Consultation") == "Article 5 bis — Consultation"
    assert article_label("5") == "Article 5"
    assert article_label("", preamble=True) == "Preamble"
    assert article_label("", "Preamble of the Agreement", preamble=True) == (
        "Preamble of the Agreement"
    )


def test_japanese_labels_fall_back_to_the_typed_number_rather_than_fail() -> None:
    assert article_label("2 bis", language="ja") == "第二条の二"
    assert article_label("2 bis", "Consultation", "協議", language="ja") == "第二条の二（協議）"
    assert article_label("5A", language="ja") == "第5A条"
    assert article_label("", preamble=True, language="ja") == "前文"
    assert article_label("", "", "前文（抄）", preamble=True, language="ja") == "前文（抄）"


@pytest.mark.parametrize(
    ("interface", "expected"),
    [("en-gb", ("English", "Japanese")), ("ja", ("英語", "日本語"))],
)
def test_language_names_in_the_interface_language(
    interface: str, expected: tuple[str, str]
) -> None:
    with translation.override(interface):
        assert (language_name("en"), language_name("ja")) == expected
    assert language_name("fr") == "fr"
