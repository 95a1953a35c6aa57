"""A drafter's correction of an article's ATOP tagging.

The computed tagging (treaties.analysis) is a reading; a drafter who reads the article
differently records what it obliges, and that correction is what the article page, the API
and the alliance profile show from then on, marked as a correction with its author.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from treaties import analysis

from .. import permissions
from ..core.anchors import anchor_validate
from ..errors import ApplicationError, PermissionDeniedError
from ..models import Article, ObligationCorrection
from ..permissions import Actor
from ..textdiff import utf16_slice
from .audit import audit_record

MAX_CONDITIONS = 10
MAX_CONDITION_LENGTH = 100
MAX_NOTE_LENGTH = 2000


def _invalid(message: str, index: int, field: str) -> ApplicationError:
    return ApplicationError(message, fields={f"obligations[{index}].{field}": [message]})


def _obligation_validate(article: Article, index: int, raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise _invalid("Each obligation must be an object.", index, "type")
    type_ = raw.get("type")
    if type_ not in analysis.ATOP_TYPES:
        raise _invalid(
            f"Unknown obligation type {type_!r}: use one of {', '.join(analysis.ATOP_TYPES)}.",
            index,
            "type",
        )
    strength = raw.get("strength")
    if strength not in analysis.STRENGTHS:
        raise _invalid(
            f"Unknown strength {strength!r}: use one of {', '.join(analysis.STRENGTHS)}.",
            index,
            "strength",
        )
    conditional = raw.get("conditional", False)
    if not isinstance(conditional, bool):
        raise _invalid("'conditional' must be true or false.", index, "conditional")
    conditions = raw.get("conditions") or []
    if (
        not isinstance(conditions, list)
        or len(conditions) > MAX_CONDITIONS
        or not all(isinstance(c, str) and 0 < len(c) <= MAX_CONDITION_LENGTH for c in conditions)
    ):
        raise _invalid(
            "'conditions' must be a list of at most 10 short texts.", index, "conditions"
        )
    evidence = raw.get("evidence")
    if evidence is not None:
        if not isinstance(evidence, dict) or evidence.get("language") not in ("en", "ja"):
            raise _invalid(
                "The evidence needs a language ('en' or 'ja') and anchor_start/anchor_end.",
                index,
                "evidence",
            )
        text = article.text(evidence["language"])
        start, end = anchor_validate(text, evidence.get("anchor_start"), evidence.get("anchor_end"))
        evidence = {
            "language": evidence["language"],
            "anchor_start": start,
            "anchor_end": end,
            "quote": utf16_slice(text, start, end),
        }
    return {
        "type": type_,
        "conditional": conditional or bool(conditions),
        "conditions": list(conditions),
        "strength": strength,
        "evidence": evidence,
        "basis": ["drafter"],
    }


def obligations_correct(
    *, actor: Actor, article: Article, obligations: Any, note: Any = ""
) -> ObligationCorrection:
    """Record a drafter's tagging of the article (an empty list: it obliges nothing in ATOP's
    terms). Evidence spans are validated against the article's current text."""
    if not permissions.can_correct_obligations(actor, article.draft):
        raise PermissionDeniedError("Only the draft's drafters can correct an article's tagging.")
    if not isinstance(obligations, list):
        raise ApplicationError(
            "'obligations' must be a list.", fields={"obligations": ["Not a list."]}
        )
    if not isinstance(note, str) or len(note) > MAX_NOTE_LENGTH:
        raise ApplicationError(
            "The note must be text of at most 2,000 characters.", fields={"note": ["Too long."]}
        )
    with transaction.atomic():
        article = Article.objects.select_for_update(of=("self",)).get(pk=article.pk)
        cleaned = [_obligation_validate(article, i, raw) for i, raw in enumerate(obligations)]
        types = [o["type"] for o in cleaned]
        if len(set(types)) != len(types):
            raise ApplicationError(
                "Each obligation type may appear once.",
                fields={"obligations": ["Duplicate type."]},
            )
        cleaned.sort(key=lambda o: analysis.ATOP_TYPES.index(o["type"]))
        correction = ObligationCorrection.objects.create(
            article=article, obligations=cleaned, note=note.strip(), corrected_by=actor
        )
        audit_record(
            actor=actor,
            action="article.obligations_correct",
            object_type="article",
            object_id=article.pk,
            draft_id=article.draft_id,
            data={"types": types},
        )
    return correction
