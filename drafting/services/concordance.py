"""Confirming that an article's two authentic texts are in step (concordance).

A drafter reads the English and the Japanese text side by side and confirms that revision n
of one says what revision m of the other says. Both texts are authentic, so the pair is
symmetric; the state derived from it (in step, one text ahead, both changed) is read in
``selectors.concordance``.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions
from ..core.revisions import LANGUAGES, revision_latest
from ..errors import ApplicationError, PermissionDeniedError
from ..labels import language_name
from ..models import Article, Concordance, Revision
from ..permissions import Actor
from .audit import audit_record
from .negotiation import agreement_check
from .revisions import article_lock_existing


def concordance_pair_parse(value: Any) -> dict[str, int]:
    """``{"en": n, "ja": m}`` (either or both; a missing one means the latest revision).
    A key that is not a language code, or a number that is not a positive whole number, is a
    400 naming it."""
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise ApplicationError(
            _('Give the revisions to confirm as {"en": n, "ja": m}, or nothing for the latest.'),
            code="invalid",
        )
    pair: dict[str, int] = {}
    for language, number in value.items():
        if language not in LANGUAGES:
            raise ApplicationError(
                _("Unknown language '%(language)s': use 'en' or 'ja'.") % {"language": language},
                fields={str(language): [_("Use en or ja.")]},
                code="unknown_language",
            )
        if number in (None, ""):
            continue
        if isinstance(number, bool) or not str(number).strip().isdigit() or int(number) < 1:
            raise ApplicationError(
                _("%(language)s: '%(number)s' is not a revision number.")
                % {"language": language, "number": number},
                fields={language: [_("A revision number (1 or more).")]},
            )
        pair[language] = int(number)
    return pair


def concordance_confirm(
    *, actor: Actor, article: Article, revisions: dict[str, int] | None = None
) -> Concordance:
    """Record that the article's English and Japanese texts are equivalent at the given
    revisions (default: the latest of each). Closes the article's open revisions, so that a
    later keystroke makes a new revision instead of changing the confirmed one."""
    if not permissions.can_confirm_concordance(actor, article.draft):
        raise PermissionDeniedError(
            _("Only the draft's drafters can confirm that the two texts are in step.")
        )
    wanted = revisions or {}
    with transaction.atomic():
        article = article_lock_existing(article)
        chosen: dict[str, Revision] = {}
        for language in LANGUAGES:
            latest = revision_latest(article, language)
            if latest is None or (language not in wanted and latest.length == 0):
                raise ApplicationError(
                    _(
                        "The %(language)s text is empty: there is nothing to confirm it against. "
                        "Translate the article first."
                    )
                    % {"language": language_name(language)},
                    code="text_missing",
                )
            number = wanted.get(language, latest.number)
            revision = (
                latest
                if number == latest.number
                else Revision.objects.filter(article=article, language=language, number=number)
                .defer("delta", "snapshot")
                .first()
            )
            if revision is None:
                raise ApplicationError(
                    _(
                        "This article's %(language)s text has no revision %(number)s "
                        "(it has revisions 1 to %(latest)s)."
                    )
                    % {"language": language, "number": number, "latest": latest.number},
                    fields={language: [_("No such revision.")]},
                    code="no_such_revision",
                )
            if revision.length == 0:
                raise ApplicationError(
                    _("Revision %(number)s of the %(language)s text is empty.")
                    % {"number": number, "language": language},
                    fields={language: [_("An empty text.")]},
                    code="text_missing",
                )
            chosen[language] = revision
        now = timezone.now()
        # An open revision could still grow by coalescing under the same number; the pair
        # must name texts that never change.
        Revision.objects.filter(article=article, closed_at__isnull=True).update(closed_at=now)
        concordance, _created = Concordance.objects.update_or_create(
            article=article,
            defaults={
                "rev_en": chosen["en"].number,
                "rev_ja": chosen["ja"].number,
                "hash_en": chosen["en"].text_hash,
                "hash_ja": chosen["ja"].text_hash,
                "confirmed_by": actor,
                "confirmed_at": now,
            },
        )
        audit_record(
            actor=actor,
            action="article.concordance.confirm",
            object_type="article",
            object_id=article.pk,
            draft_id=article.draft_id,
            data={"en": chosen["en"].number, "ja": chosen["ja"].number},
        )
        # Both delegations may have signed off this very pair already, waiting only for the
        # texts to be confirmed in step: the article is agreed now.
        agreement_check(article, actor)
    return concordance
