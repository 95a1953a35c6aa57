"""The negotiation's own state: brackets with options, each delegation's sign-off, and the
article's status as a state machine.

Status (Article.NegotiationStatus), one service per transition, each checked with a
``permissions`` predicate and logged in ArticleStatusChange (from, to, who, when, note):

    open ──(both delegations signed the same pair, no open bracket, texts in step)──▶ agreed_ad_ref
    agreed_ad_ref ──article_initial──▶ initialled
    open | agreed_ad_ref ──article_reserve──▶ reserved
    agreed_ad_ref | initialled | reserved ──article_reopen (with a reason)──▶ open

An agreed (ad ref or initialled) article refuses every text change: the guard is in
``services.revisions.text_set`` (core.negotiation.text_change_guard), which every path takes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions
from ..core.anchors import anchor_validate
from ..core.negotiation import agreement_describe, article_agreed, texts_in_step
from ..core.revisions import LANGUAGES, language_field, revision_number_latest
from ..errors import ApplicationError, ConflictError, PermissionDeniedError
from ..models import (
    Article,
    ArticleStatusChange,
    Bracket,
    BracketEvent,
    BracketOption,
    DelegationLead,
    Draft,
    Membership,
    Revision,
    Role,
    SignOff,
)
from ..permissions import NEGOTIATING_DELEGATIONS, Actor
from ..textdiff import spans_cross, utf16_len, utf16_slice, utf16_splice
from . import announce
from .audit import audit_record
from .revisions import article_lock_existing, text_set

Status = Article.NegotiationStatus

MAX_OPTIONS = 26
MAX_OPTION_LENGTH = 50_000
MAX_NOTE_LENGTH = 5_000


# --- input ---------------------------------------------------------------------------------


def _note(value: Any, name: str = "note", *, required: bool = False, what: str = "") -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ApplicationError(
            _("%(name)s must be text.") % {"name": name}, fields={name: ["Not text."]}
        )
    text = value.strip()
    if "\x00" in text:
        raise ApplicationError(
            _("%(name)s contains a NUL character.") % {"name": name},
            fields={name: ["Remove the NUL character."]},
        )
    if len(text) > MAX_NOTE_LENGTH:
        raise ApplicationError(
            _("%(name)s is longer than %(limit)s characters.")
            % {"name": name, "limit": MAX_NOTE_LENGTH},
            fields={name: ["Too long."]},
        )
    if required and not text:
        raise ApplicationError(what, fields={name: ["Required."]}, code=f"{name}_required")
    return text


def _delegation(value: Any, name: str = "delegation") -> str:
    if value not in NEGOTIATING_DELEGATIONS:
        raise ApplicationError(
            _("Unknown delegation %(value)r: use UK or JP.") % {"value": value},
            fields={name: ["Use UK or JP."]},
        )
    return str(value)


def _options_parse(raw: Any) -> list[dict[str, Any]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ApplicationError(_("options must be a list."), fields={"options": ["Not a list."]})
    if len(raw) > MAX_OPTIONS:
        raise ApplicationError(
            _("At most %(n)s options per bracket.") % {"n": MAX_OPTIONS},
            fields={"options": ["Too many."]},
        )
    options = []
    for index, item in enumerate(raw):
        letter = chr(ord("A") + index)
        if not isinstance(item, dict):
            raise ApplicationError(
                _("Option %(letter)s must be an object with text, delegations and note.")
                % {"letter": letter},
                fields={"options": ["Malformed option."]},
            )
        text = item.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ApplicationError(
                _(
                    "Option %(letter)s is empty: an option is the text that could replace the "
                    "bracketed words. To propose deleting them, resolve the bracket by deleting "
                    "the span."
                )
                % {"letter": letter},
                fields={"options": [_("Option %(letter)s is empty.") % {"letter": letter}]},
                code="option_empty",
            )
        if len(text) > MAX_OPTION_LENGTH or "\x00" in text:
            raise ApplicationError(
                _("Option %(letter)s is too long or contains a NUL character.")
                % {"letter": letter},
                fields={
                    "options": [_("Option %(letter)s is not acceptable text.") % {"letter": letter}]
                },
            )
        delegations = item.get("delegations") or []
        if not isinstance(delegations, list):
            raise ApplicationError(
                _("Option %(letter)s: delegations must be a list (UK, JP).") % {"letter": letter},
                fields={"options": ["delegations must be a list."]},
            )
        options.append(
            {
                "text": text,
                "delegations": sorted({_delegation(d, "options") for d in delegations}),
                "note": _note(item.get("note"), "options"),
            }
        )
    return options


def _lock(article: Article, actor: Actor) -> Article:
    locked = article_lock_existing(article)
    permissions.membership_prime(
        actor, locked.draft, permissions.membership_of(actor, article.draft)
    )
    return locked


def _status_log(
    article: Article, to: str, actor: Actor, note: str, delegation: str = ""
) -> ArticleStatusChange:
    """Move the (locked) article to ``to`` and log it, with an audit event."""
    from_status = article.negotiation_status
    article.negotiation_status = to
    Article.all_objects.filter(pk=article.pk).update(
        negotiation_status=to, updated_at=timezone.now()
    )
    change = ArticleStatusChange.objects.create(
        article=article,
        from_status=from_status,
        to_status=to,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        delegation=delegation,
        note=note,
    )
    audit_record(
        actor=actor,
        action="article.status",
        object_type="article",
        object_id=article.pk,
        draft_id=article.draft_id,
        data={"from": from_status, "to": to, "delegation": delegation, "note": note[:500]},
    )
    announce.article_negotiation_changed(
        draft_id=article.draft_id, article_id=article.pk, what="status"
    )
    return change


def _not_agreed(article: Article, what: str) -> None:
    if article_agreed(article):
        raise ConflictError(agreement_describe(article) + " " + what, code="article_agreed")


# --- brackets ------------------------------------------------------------------------------


def bracket_create(
    *,
    actor: Actor,
    article: Article,
    language: str,
    start: Any,
    end: Any,
    delegation: Any = None,
    options: Any = None,
    note: Any = "",
) -> Bracket:
    """Bracket a span of one language on behalf of a delegation (default: the actor's),
    with optional options. A span may sit inside another open bracket or contain one, never
    overlap one partially."""
    draft = article.draft
    if not permissions.can_bracket(actor, draft):
        raise PermissionDeniedError(_("Only the draft's drafters can bracket text."))
    language_field(language)
    delegation = _delegation(
        delegation if delegation not in (None, "") else permissions.delegation_of(actor, draft)
    )
    parsed_options = _options_parse(options)
    note = _note(note)
    with transaction.atomic():
        article = _lock(article, actor)
        _not_agreed(article, _("Reopen it before bracketing its text."))
        text = article.text(language)
        start, end = anchor_validate(text, start, end)
        for other in Bracket.objects.filter(
            article=article, language=language, status=Bracket.Status.OPEN, detached=False
        ):
            if spans_cross((start, end), (other.anchor_start, other.anchor_end)):
                raise ApplicationError(
                    _(
                        "This span overlaps part of the %(delegation)s bracket on “%(quote)s”. "
                        "Bracket words wholly inside it or wholly around it."
                    )
                    % {
                        "delegation": other.delegation,
                        "quote": utf16_slice(text, other.anchor_start, other.anchor_end)[:60],
                    },
                    fields={"anchor": ["Overlaps another bracket partially."]},
                    code="bracket_overlap",
                )
        bracket = Bracket.objects.create(
            article=article,
            language=language,
            anchor_start=start,
            anchor_end=end,
            quote=utf16_slice(text, start, end),
            anchor_revision=revision_number_latest(article, language),
            delegation=delegation,
            note=note,
            created_by=actor,
        )
        BracketOption.objects.bulk_create(
            BracketOption(bracket=bracket, position=index, **option)
            for index, option in enumerate(parsed_options)
        )
        BracketEvent.objects.create(
            bracket=bracket,
            action=BracketEvent.Action.CREATED,
            actor=actor,
            delegation=permissions.delegation_of(actor, draft) or "",
            reason=note,
        )
        audit_record(
            actor=actor,
            action="bracket.create",
            object_type="bracket",
            object_id=bracket.pk,
            draft_id=draft.pk,
            data={
                "article": article.pk,
                "language": language,
                "anchor": [start, end],
                "delegation": delegation,
                "options": len(parsed_options),
            },
        )
        announce.article_negotiation_changed(
            draft_id=draft.pk, article_id=article.pk, what="bracket.created"
        )
    return bracket


def _bracket_lock(actor: Actor, bracket: Bracket) -> tuple[Article, Bracket]:
    if not permissions.can_bracket(actor, bracket.article.draft):
        raise PermissionDeniedError(_("Only the draft's drafters can resolve or reopen brackets."))
    article = _lock(bracket.article, actor)
    return article, Bracket.objects.select_for_update().get(pk=bracket.pk)


def _option_find(bracket: Bracket, option: Any) -> BracketOption:
    options = list(bracket.options.all())
    found = None
    if isinstance(option, bool):
        found = None
    elif isinstance(option, int):
        found = next((o for o in options if o.pk == option), None)
    elif isinstance(option, str) and option.strip():
        key = option.strip().upper().removeprefix("OPTION ").strip()
        found = next((o for o in options if o.letter == key), None)
        if found is None and key.isdigit():
            found = next((o for o in options if o.pk == int(key)), None)
    if found is None:
        letters = ", ".join(o.letter for o in options) or _("none")
        raise ApplicationError(
            _("This bracket has no option %(option)r (its options: %(letters)s).")
            % {"option": option, "letters": letters},
            fields={"option": ["No such option."]},
            code="option_unknown",
        )
    return found


def bracket_resolve(
    *, actor: Actor, bracket: Bracket, resolution: Any, option: Any = None, reason: Any = ""
) -> Bracket:
    """Resolve an open bracket: ``keep`` the text as it stands (the brackets go), choose an
    ``option`` (its text replaces the span exactly where the span is now, as a revision naming
    who resolved it and the delegations that proposed the option), or ``delete`` the span."""
    if resolution not in Bracket.Resolution.values:
        raise ApplicationError(
            _("Unknown resolution %(value)r: use keep, option or delete.") % {"value": resolution},
            fields={"resolution": ["Use keep, option or delete."]},
        )
    reason = _note(reason, "reason")
    with transaction.atomic():
        article, bracket = _bracket_lock(actor, bracket)
        if bracket.status != Bracket.Status.OPEN:
            raise ConflictError(
                _("This bracket is already resolved; reopen it first."), code="bracket_resolved"
            )
        chosen = _option_find(bracket, option) if resolution == Bracket.Resolution.OPTION else None
        if resolution != Bracket.Resolution.OPTION and option not in (None, ""):
            raise ApplicationError(
                _("Give an option only when resolving with one."),
                fields={"option": ["Only with resolution 'option'."]},
            )
        if bracket.detached and resolution != Bracket.Resolution.KEEP:
            raise ConflictError(
                _(
                    "The bracketed words are no longer in the text, so nothing can be replaced "
                    "or deleted there; resolve it with keep to close it."
                ),
                code="bracket_detached",
            )
        revision = None
        language = bracket.language
        start, end = bracket.anchor_start, bracket.anchor_end
        if resolution != Bracket.Resolution.KEEP:
            replacement = chosen.text if chosen else ""
            text = article.text(language)
            proposers = "/".join(chosen.delegations) if chosen and chosen.delegations else ""
            if chosen:
                message = _("Bracket resolved by %(who)s: %(option)s%(by)s") % {
                    "who": actor.get_username(),
                    "option": chosen.label,
                    "by": _(" (proposed by %(d)s)") % {"d": proposers} if proposers else "",
                }
            else:
                message = _("Bracket resolved by %(who)s: span deleted") % {
                    "who": actor.get_username()
                }
            revision = text_set(
                article=article,
                language=language,
                text=utf16_splice(text, start, end, replacement),
                actor=actor,
                kind=Revision.Kind.BRACKET_RESOLVED,
                message=message,
                audit_data={
                    "bracket": bracket.pk,
                    "resolution": resolution,
                    "option": chosen.label if chosen else None,
                    "proposed_by": chosen.delegations if chosen else [],
                },
            )
            # The bracket now stands on the text that replaced its span (empty when deleted).
            bracket.anchor_start = start
            bracket.anchor_end = start + utf16_len(replacement)
            bracket.detached = not replacement
        bracket.status = Bracket.Status.RESOLVED
        bracket.resolution = resolution
        bracket.resolved_option = chosen
        bracket.resolved_by = actor
        bracket.resolved_at = timezone.now()
        bracket.resolution_reason = reason
        bracket.save()
        BracketEvent.objects.create(
            bracket=bracket,
            action=BracketEvent.Action.RESOLVED,
            resolution=resolution,
            option=chosen,
            actor=actor,
            delegation=permissions.delegation_of(actor, article.draft) or "",
            reason=reason,
            revision_number=revision.number if revision else None,
        )
        audit_record(
            actor=actor,
            action="bracket.resolve",
            object_type="bracket",
            object_id=bracket.pk,
            draft_id=article.draft_id,
            data={
                "resolution": resolution,
                "option": chosen.label if chosen else None,
                "revision": revision.number if revision else None,
            },
        )
        announce.article_negotiation_changed(
            draft_id=article.draft_id, article_id=article.pk, what="bracket.resolved"
        )
    return bracket


def bracket_reopen(*, actor: Actor, bracket: Bracket, reason: Any = "") -> Bracket:
    """Bracket the span again (where the text it was resolved into now stands)."""
    reason = _note(reason, "reason")
    with transaction.atomic():
        article, bracket = _bracket_lock(actor, bracket)
        if bracket.status != Bracket.Status.RESOLVED:
            raise ConflictError(_("This bracket is open already."), code="bracket_open")
        _not_agreed(article, _("Reopen the article before reopening its brackets."))
        bracket.status = Bracket.Status.OPEN
        bracket.resolution = ""
        bracket.resolved_option = None
        bracket.resolved_by = None
        bracket.resolved_at = None
        bracket.resolution_reason = ""
        bracket.save()
        BracketEvent.objects.create(
            bracket=bracket,
            action=BracketEvent.Action.REOPENED,
            actor=actor,
            delegation=permissions.delegation_of(actor, article.draft) or "",
            reason=reason,
        )
        audit_record(
            actor=actor,
            action="bracket.reopen",
            object_type="bracket",
            object_id=bracket.pk,
            draft_id=article.draft_id,
            data={"reason": reason[:500]},
        )
        announce.article_negotiation_changed(
            draft_id=article.draft_id, article_id=article.pk, what="bracket.reopened"
        )
    return bracket


# --- sign-off and the status machine --------------------------------------------------------


def _lead_require(actor: Actor, draft: Draft, delegation: Any, what: str) -> str:
    own = permissions.delegation_of(actor, draft)
    delegation = own if delegation in (None, "") else delegation
    if not permissions.can_lead_delegation(actor, draft, delegation):
        if own in NEGOTIATING_DELEGATIONS and delegation != own:
            message = _("You can %(what)s only for your own delegation (%(own)s).") % {
                "what": what,
                "own": own,
            }
        else:
            message = _(
                "Only the delegation's lead (the owner or a drafter of that delegation, or "
                "the leads the owner named) can %(what)s."
            ) % {"what": what}
        raise PermissionDeniedError(message)
    return str(delegation)


def _whole(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ApplicationError(
            _("%(name)s must be the revision number you read (a whole number).") % {"name": name},
            fields={name: ["Not a whole number."]},
        )
    return value


def agreement_check(article: Article, actor: Actor) -> bool:
    """Make the (locked, open) article agreed ad referendum when both delegations have
    signed off the same pair of revisions, that pair is the current one, no bracket is open
    and the texts are in step. Returns whether it did."""
    if article.negotiation_status != Status.OPEN:
        return False
    standing = {
        s.delegation: s for s in SignOff.objects.filter(article=article, withdrawn_at__isnull=True)
    }
    if set(standing) != set(NEGOTIATING_DELEGATIONS):
        return False
    pairs = {(s.revision_en, s.revision_ja) for s in standing.values()}
    current = (revision_number_latest(article, "en"), revision_number_latest(article, "ja"))
    if pairs != {current}:
        return False
    if Bracket.objects.filter(article=article, status=Bracket.Status.OPEN).exists():
        return False
    if not texts_in_step(article):
        return False
    _status_log(
        article,
        Status.AGREED_AD_REF,
        actor,
        _("Both delegations signed off English revision %(en)s and Japanese revision %(ja)s.")
        % {"en": current[0], "ja": current[1]},
    )
    return True


def article_signoff(
    *,
    actor: Actor,
    article: Article,
    revision_en: Any,
    revision_ja: Any,
    delegation: Any = None,
) -> SignOff:
    """Sign off the article for the actor's delegation, on the exact pair of revisions read.
    Refused if either text changed since (409), if a bracket is open (409) or the article is
    reserved or already agreed (409)."""
    draft = article.draft
    delegation = _lead_require(actor, draft, delegation, _("sign off an article"))
    revision_en = _whole(revision_en, "revision_en")
    revision_ja = _whole(revision_ja, "revision_ja")
    with transaction.atomic():
        article = _lock(article, actor)
        if article.negotiation_status != Status.OPEN:
            raise ConflictError(
                _("%(label)s is %(status)s: only an open article can be signed off.")
                % {
                    "label": article.label,
                    "status": Status(article.negotiation_status).label.lower(),
                },
                code="article_not_open",
            )
        current = {lang: revision_number_latest(article, lang) for lang in LANGUAGES}
        if (revision_en, revision_ja) != (current["en"], current["ja"]):
            raise ConflictError(
                _(
                    "The text changed since you read it: you read English revision %(en)s and "
                    "Japanese revision %(ja)s; they are now at %(now_en)s and %(now_ja)s. Read "
                    "the current text, then sign off."
                )
                % {
                    "en": revision_en,
                    "ja": revision_ja,
                    "now_en": current["en"],
                    "now_ja": current["ja"],
                },
                code="signoff_stale",
            )
        open_brackets = Bracket.objects.filter(article=article, status=Bracket.Status.OPEN)
        if open_brackets.exists():
            raise ConflictError(
                _("%(n)s bracket(s) are still open on %(label)s: resolve them before signing off.")
                % {"n": open_brackets.count(), "label": article.label},
                code="brackets_open",
            )
        existing = SignOff.objects.filter(
            article=article, delegation=delegation, withdrawn_at__isnull=True
        ).first()
        if existing and (existing.revision_en, existing.revision_ja) == (revision_en, revision_ja):
            return existing
        if existing:
            SignOff.objects.filter(pk=existing.pk).update(
                withdrawn_at=timezone.now(),
                withdrawn_by=actor,
                withdrawn_reason=_("Replaced by a sign-off on later texts."),
            )
        signoff = SignOff.objects.create(
            article=article,
            delegation=delegation,
            revision_en=revision_en,
            revision_ja=revision_ja,
            signed_by=actor,
        )
        audit_record(
            actor=actor,
            action="article.signoff",
            object_type="article",
            object_id=article.pk,
            draft_id=draft.pk,
            data={"delegation": delegation, "revision_en": revision_en, "revision_ja": revision_ja},
        )
        announce.article_negotiation_changed(
            draft_id=draft.pk, article_id=article.pk, what="signoff"
        )
        agreement_check(article, actor)
    return signoff


def article_signoff_withdraw(
    *, actor: Actor, article: Article, delegation: Any = None, reason: Any = ""
) -> SignOff:
    draft = article.draft
    delegation = _lead_require(actor, draft, delegation, _("withdraw a sign-off"))
    reason = _note(reason, "reason")
    with transaction.atomic():
        article = _lock(article, actor)
        _not_agreed(article, _("To withdraw from the agreement, reopen the article with a reason."))
        signoff = SignOff.objects.filter(
            article=article, delegation=delegation, withdrawn_at__isnull=True
        ).first()
        if signoff is None:
            raise ConflictError(
                _("%(delegation)s has no standing sign-off on this article.")
                % {"delegation": delegation},
                code="no_signoff",
            )
        signoff.withdrawn_at = timezone.now()
        signoff.withdrawn_by = actor
        signoff.withdrawn_reason = reason or _("Withdrawn by %(who)s.") % {
            "who": actor.get_username()
        }
        signoff.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
        audit_record(
            actor=actor,
            action="article.signoff.withdraw",
            object_type="article",
            object_id=article.pk,
            draft_id=draft.pk,
            data={"delegation": delegation, "reason": reason[:500]},
        )
        announce.article_negotiation_changed(
            draft_id=draft.pk, article_id=article.pk, what="signoff.withdrawn"
        )
    return signoff


def _signoffs_withdraw_all(article: Article, actor: Actor, reason: str) -> None:
    SignOff.objects.filter(article=article, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), withdrawn_by=actor, withdrawn_reason=reason
    )


def article_reopen(*, actor: Actor, article: Article, reason: Any) -> ArticleStatusChange:
    """Back to open from agreed ad ref, initialled or reserved, by a delegation lead, with a
    reason. Every standing sign-off is withdrawn: the texts are open to change again."""
    draft = article.draft
    delegation = _lead_require(actor, draft, None, _("reopen an article"))
    reason = _note(reason, "reason", required=True, what=_("Say why the article is reopened."))
    with transaction.atomic():
        article = _lock(article, actor)
        if article.negotiation_status == Status.OPEN:
            raise ConflictError(
                _("%(label)s is open already.") % {"label": article.label}, code="article_open"
            )
        _signoffs_withdraw_all(
            article,
            actor,
            _("Article reopened by %(who)s (%(delegation)s): %(reason)s")
            % {"who": actor.get_username(), "delegation": delegation, "reason": reason},
        )
        return _status_log(article, Status.OPEN, actor, reason, delegation)


def article_reserve(*, actor: Actor, article: Article, note: Any) -> ArticleStatusChange:
    """A delegation records a reservation (a hold) on an open or agreed-ad-ref article, with
    a note. Its own standing sign-off is withdrawn."""
    draft = article.draft
    delegation = _lead_require(actor, draft, None, _("record a reservation"))
    note = _note(note, "note", required=True, what=_("Say what the reservation is."))
    with transaction.atomic():
        article = _lock(article, actor)
        if article.negotiation_status not in (Status.OPEN, Status.AGREED_AD_REF):
            raise ConflictError(
                _("%(label)s is %(status)s: reopen it before recording a reservation.")
                % {
                    "label": article.label,
                    "status": Status(article.negotiation_status).label.lower(),
                },
                code="article_not_reservable",
            )
        SignOff.objects.filter(
            article=article, delegation=delegation, withdrawn_at__isnull=True
        ).update(
            withdrawn_at=timezone.now(),
            withdrawn_by=actor,
            withdrawn_reason=_("Reservation recorded: %(note)s") % {"note": note},
        )
        return _status_log(article, Status.RESERVED, actor, note, delegation)


def article_initial(*, actor: Actor, article: Article, note: Any = "") -> ArticleStatusChange:
    """Record that an article agreed ad referendum has been initialled."""
    draft = article.draft
    delegation = _lead_require(actor, draft, None, _("record initialling"))
    note = _note(note)
    with transaction.atomic():
        article = _lock(article, actor)
        if article.negotiation_status != Status.AGREED_AD_REF:
            raise ConflictError(
                _("Only an article agreed ad referendum can be initialled."),
                code="article_not_agreed",
            )
        return _status_log(article, Status.INITIALLED, actor, note, delegation)


def delegation_leads_set(
    *, actor: Actor, draft: Draft, delegation: Any, usernames: Sequence[str]
) -> list[DelegationLead]:
    """Name who leads a delegation on this draft (empty: its owner and drafters all do)."""
    if not permissions.can_name_leads(actor, draft):
        raise PermissionDeniedError(_("Only the draft's owner names the delegation leads."))
    delegation = _delegation(delegation)
    names = sorted({n.strip() for n in usernames if isinstance(n, str) and n.strip()})
    members = {
        m.user.get_username(): m
        for m in Membership.objects.filter(draft=draft, user__username__in=names).select_related(
            "user"
        )
    }
    refused = [
        n
        for n in names
        if n not in members
        or members[n].delegation != delegation
        or members[n].role not in (Role.OWNER, Role.DRAFTER)
    ]
    if refused:
        raise ApplicationError(
            _("A lead must be the owner or a drafter of the %(d)s delegation: %(names)s is not.")
            % {"d": delegation, "names": ", ".join(refused)},
            fields={"usernames": ["Not a drafter of this delegation."]},
        )
    with transaction.atomic():
        DelegationLead.objects.filter(draft=draft, delegation=delegation).delete()
        leads = [
            DelegationLead.objects.create(draft=draft, delegation=delegation, user=members[n].user)
            for n in names
        ]
        audit_record(
            actor=actor,
            action="draft.leads",
            object_type="draft",
            object_id=draft.pk,
            draft_id=draft.pk,
            data={"delegation": delegation, "leads": names},
        )
    draft.__dict__.pop("_entente_leads", None)
    return leads
