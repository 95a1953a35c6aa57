"""ATOP obligation tagging checked against the library's 37 tagged clauses (leave-one-out:
each clause is tagged by the rules and the other 36 clauses) and against the corpus articles
atop_taxonomy.md names. Prints the confusion table and per-type accuracy (pytest -s); the same
figures are in docs/analysis.md."""

from __future__ import annotations

from collections import Counter

import pytest

from treaties import analysis
from treaties.models import LibraryClause, Provision

pytestmark = pytest.mark.django_db

# atop_taxonomy.md, section 1: "Example clause in this corpus" per obligation type.
TAXONOMY_EXAMPLES = {
    "defense": [
        ("north_atlantic_treaty_1949", "5"),
        ("modified_brussels_treaty_1954", "V"),
        ("inter_american_treaty_of_reciprocal_assistance_1947", "3"),
        ("anzus_security_treaty_1951", "IV"),
        ("us_japan_treaty_of_mutual_cooperation_and_security_1960", "V"),
        ("us_rok_mutual_defense_treaty_1953", "III"),
        ("us_philippines_mutual_defense_treaty_1951", "IV"),
        ("anglo_japanese_alliance_1902", "III"),
        ("anglo_japanese_alliance_1905", "2"),
        ("anglo_japanese_alliance_1911", "II"),
        ("russia_dprk_comprehensive_strategic_partnership_2024", "4"),
        ("teu_article_42_7_mutual_assistance_clause", "42(7)"),
    ],
    "consul": [
        ("north_atlantic_treaty_1949", "4"),
        ("us_rok_mutual_defense_treaty_1953", "II"),
        ("anglo_japanese_alliance_1902", "V"),
        ("anglo_japanese_alliance_1905", "1"),
        ("anglo_japanese_alliance_1911", "I"),
        ("russia_dprk_comprehensive_strategic_partnership_2024", "3"),
    ],
    "neutral": [("anglo_japanese_alliance_1902", "II")],
    "nonagg": [
        ("north_atlantic_treaty_1949", "1"),
        ("anzus_security_treaty_1951", "I"),
        ("us_philippines_mutual_defense_treaty_1951", "I"),
        ("us_rok_mutual_defense_treaty_1953", "I"),
        ("inter_american_treaty_of_reciprocal_assistance_1947", "1"),
    ],
}


def examples() -> list[analysis.TaggedExample]:
    return [
        analysis.TaggedExample(
            key=c.slug,
            text=text,
            atop_type=analysis.LIBRARY_TO_ATOP.get(c.obligation_type.code, ""),
            strength=c.commitment_strength,
            language=language,
        )
        for c in LibraryClause.objects.select_related("obligation_type")
        for language, text in (("en", c.text), ("ja", c.text_ja))
        if text
    ]


def leave_one_out() -> tuple[Counter[tuple[str, str]], dict[str, int], int, int, int]:
    all_examples = examples()
    confusion: Counter[tuple[str, str]] = Counter()
    correct = dict.fromkeys(analysis.ATOP_TYPES, 0)
    strength_right = with_type = 0
    clauses = list(LibraryClause.objects.select_related("obligation_type"))
    for clause in clauses:
        tagger = analysis.Tagger([e for e in all_examples if e.key != clause.slug])
        obligations = analysis.tag_article(tagger, clause.text, clause.text_ja)
        predicted = {o.type for o in obligations}
        gold = analysis.LIBRARY_TO_ATOP.get(clause.obligation_type.code, "")
        for type_ in analysis.ATOP_TYPES:
            correct[type_] += (type_ in predicted) == (type_ == gold)
        primary = gold if gold in predicted else (obligations[0].type if obligations else "")
        confusion[(gold or "none", primary or "none")] += 1
        if gold:
            with_type += 1
            match = [o for o in obligations if o.type == gold]
            strength_right += bool(match and match[0].strength == clause.commitment_strength)
    return confusion, correct, len(clauses), strength_right, with_type


def test_leave_one_out_on_the_library(corpus: None) -> None:
    confusion, correct, n, strength_right, with_type = leave_one_out()
    labels = ["none", *analysis.ATOP_TYPES]
    print("\ngold \\ predicted | " + " | ".join(labels))
    for gold in labels:
        print(f"{gold} | " + " | ".join(str(confusion[(gold, p)]) for p in labels))
    for type_, right in correct.items():
        print(f"{type_}: {right}/{n} = {right / n:.1%}")
    print(f"strength right on {strength_right}/{with_type} clauses with an ATOP type")
    assert n == 37
    assert sum(confusion[(t, t)] for t in labels) >= 36
    assert all(right / n >= 0.95 for right in correct.values()), correct
    assert strength_right >= with_type - 2


def test_the_taxonomy_examples_carry_their_type(corpus: None) -> None:
    tagger = analysis.Tagger(examples())
    missed = []
    for type_, refs in TAXONOMY_EXAMPLES.items():
        for slug, number in refs:
            provision = Provision.objects.get(treaty__slug=slug, number=number, is_fragment=False)
            found = {o.type for o in analysis.tag_article(tagger, provision.text, "")}
            if type_ not in found:
                missed.append((slug, number, type_, found))
    total = sum(len(refs) for refs in TAXONOMY_EXAMPLES.values())
    print(f"\ntaxonomy examples tagged with their type: {total - len(missed)}/{total}")
    assert not missed


@pytest.mark.parametrize(
    "text",
    [
        "The Parties will consult together.",
        "The Parties shall consult each other on matters of mutual interest, including "
        "important international problems.",
        "The Parties shall strengthen their co-operation in defence equipment and technology.",
    ],
)
def test_a_general_promise_is_no_atop_obligation(corpus: None, text: str) -> None:
    assert analysis.tag_article(analysis.Tagger(examples()), text, "") == []


def test_evidence_is_a_utf16_span_of_the_text(corpus: None) -> None:
    text = "😀 Article: The Parties will consult together whenever the security of either is threatened."
    (obligation,) = analysis.tag_article(analysis.Tagger(examples()), text, "")
    ev = obligation.evidence
    assert obligation.type == "consul" and obligation.strength == "consultative"
    assert ev is not None
    assert (
        text.encode("utf-16-le")[ev.anchor_start * 2 : ev.anchor_end * 2].decode("utf-16-le")
        == ev.quote
    )
    assert ev.quote.startswith("consult together")


def test_conditions_are_named(corpus: None) -> None:
    text = (
        "Each Party recognizes that an armed attack against either Party in the territories "
        "under the administration of Japan would be dangerous to its own peace and safety and "
        "declares that it would act to meet the common danger in accordance with its "
        "constitutional provisions and processes."
    )
    (obligation,) = analysis.tag_article(analysis.Tagger(examples()), text, "")
    assert obligation.type == "defense" and obligation.conditional
    assert obligation.strength == "conditional"
    assert set(obligation.conditions) == {"location", "constitutional processes"}


def _tags(label: str, text: str) -> analysis.ArticleTags:
    return analysis.ArticleTags(label=label, ref={}, text=text, obligations=[])


def test_profile_features_name_their_articles() -> None:
    prof = analysis.profile(
        [
            _tags("Art 1", "This Agreement shall remain in force for ten years."),
            _tags("Art 2", "Either Party may denounce the present Treaty by giving notice."),
            _tags("Art 3", "The present article shall remain secret."),
            _tags("Art 4", "in the event of a renewal by Germany of a policy of aggression"),
            _tags("Art 5", "Classified information marked SECRET shall be protected. 秘密情報"),
            _tags("Art 6", "Such measures shall be terminated when the Council has acted."),
        ]
    )
    assert [e["article"] for e in prof["duration"]] == ["Art 1"]
    assert [e["article"] for e in prof["exit"]] == ["Art 2"]
    assert [e["article"] for e in prof["secrecy"]] == ["Art 3"]
    assert [(e["article"], e["state"]) for e in prof["specific_threat"]] == [("Art 4", "Germany")]
    alliance, reasons = analysis.verdict(prof)
    assert alliance is False and reasons[0]["code"] == "no_atop_promise"
