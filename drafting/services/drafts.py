"""Writes to drafts and their articles.

Every structural change (insert, move, delete) takes the draft row's lock, so two people
reordering the same draft never interleave, and renumbers in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from treaties.models import LibraryClause, Party

from .. import permissions
from ..core.negotiation import text_change_guard
from ..core.numbering import articles_renumber
from ..errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from ..models import Article, Classification, Draft, Releasability, Revision
from ..permissions import Actor
from .audit import audit_record
from .members import membership_create_owner
from .revisions import text_set

MAX_TEXT_LENGTH = 200_000
MAX_HEADING_LENGTH = 300
MAX_NUMBER_LENGTH = 20


def classification_validate(value: str) -> str:
    value = (value or "").strip().upper()
    if value not in Classification.values:
        raise ApplicationError(
            gettext(
                "Classification %(value)s is not accepted. Entente holds drafts marked %(choices)s only; anything higher must not be entered here."
            )
            % {"value": repr(value), "choices": " or ".join(Classification.values)},
            fields={"classification": ["Choose OFFICIAL or OFFICIAL-SENSITIVE."]},
            code="classification_refused",
        )
    return value


def releasability_validate(value: str) -> str:
    if value not in Releasability.values:
        raise ApplicationError(
            gettext("Releasability %(value)s is not known; use %(choices)s.")
            % {"value": repr(value), "choices": " or ".join(Releasability.values)},
            fields={
                "releasability": [
                    gettext("Choose one of: %(choices)s.")
                    % {"choices": ", ".join(Releasability.values)}
                ]
            },
        )
    return value


def _parties_resolve(names: Iterable[str]) -> list[Party]:
    names = [n.strip() for n in names if n and n.strip()]
    parties = {p.name: p for p in Party.objects.filter(name__in=names)}
    unknown = [n for n in names if n not in parties]
    if unknown:
        # The two delegations drafting here are always allowed, even on an empty corpus.
        for name in unknown:
            if name in {"United Kingdom", "Japan"}:
                parties[name] = Party.objects.get_or_create(name=name)[0]
        unknown = [n for n in names if n not in parties]
    if unknown:
        raise ApplicationError(
            gettext("Unknown parties: %(unknown)s.") % {"unknown": ", ".join(unknown)},
            fields={"parties": ["Use party names from the library."]},
        )
    return [parties[n] for n in names]


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDeniedError(message)


def _text_field_validate(name: str, value: str, limit: int) -> str:
    if len(value) > limit:
        raise ApplicationError(
            gettext("%(name)s is %(length)s characters long; the limit is %(limit)s.")
            % {"name": name, "length": f"{len(value):,}", "limit": f"{limit:,}"},
            fields={name: [gettext("At most %(limit)s characters.") % {"limit": f"{limit:,}"}]},
        )
    if "\x00" in value:
        raise ApplicationError(
            gettext("%(name)s contains a NUL character.") % {"name": name},
            fields={name: ["Remove the NUL character."]},
        )
    return value


# --- drafts -------------------------------------------------------------------------------


def draft_create(
    *,
    actor: Actor,
    title: str,
    delegation: str,
    classification: str = Classification.OFFICIAL_SENSITIVE,
    parties: Sequence[str] = ("United Kingdom", "Japan"),
    title_ja: str = "",
) -> Draft:
    _require(permissions.can_create_draft(actor), "Sign in to create a draft.")
    title = _text_field_validate("title", (title or "").strip(), MAX_HEADING_LENGTH)
    if not title:
        raise ApplicationError(
            "A draft needs a title.", fields={"title": ["This field is required."]}
        )
    classification = classification_validate(classification)
    with transaction.atomic():
        party_objs = _parties_resolve(parties)
        draft = Draft.objects.create(
            title=title, title_ja=title_ja.strip(), classification=classification, created_by=actor
        )
        draft.parties.set(party_objs)
        membership_create_owner(draft=draft, user=actor, delegation=delegation)
        audit_record(
            actor=actor,
            action="draft.create",
            object_type="draft",
            object_id=draft.pk,
            draft_id=draft.pk,
            data={"title": title, "classification": classification, "delegation": delegation},
        )
    return draft


def draft_update(
    *,
    actor: Actor,
    draft: Draft,
    title: str | None = None,
    title_ja: str | None = None,
    classification: str | None = None,
    parties: Sequence[str] | None = None,
) -> Draft:
    _require(
        permissions.can_edit_draft_details(actor, draft),
        "Only the draft's owner (lead drafter) can change its title, parties or marking.",
    )
    with transaction.atomic():
        draft = Draft.objects.select_for_update().get(pk=draft.pk)
        fields = ["updated_at"]
        if title is not None:
            title = _text_field_validate("title", title.strip(), MAX_HEADING_LENGTH)
            if not title:
                raise ApplicationError(
                    "A draft needs a title.", fields={"title": ["This field is required."]}
                )
            draft.title = title
            fields.append("title")
        if title_ja is not None:
            draft.title_ja = _text_field_validate("title_ja", title_ja.strip(), MAX_HEADING_LENGTH)
            fields.append("title_ja")
        if classification is not None:
            draft.classification = classification_validate(classification)
            fields.append("classification")
        if parties is not None:
            draft.parties.set(_parties_resolve(parties))
        draft.save(update_fields=fields)
        audit_record(
            actor=actor,
            action="draft.update",
            object_type="draft",
            object_id=draft.pk,
            draft_id=draft.pk,
            data={
                "title": draft.title,
                "classification": draft.classification,
                "parties": list(parties) if parties is not None else None,
            },
        )
    return draft


# --- articles: numbering ------------------------------------------------------------------


def _number_validate(draft: Draft, number: str, exclude_pk: int | None = None) -> str:
    number = _text_field_validate("number", number.strip(), MAX_NUMBER_LENGTH)
    if not number:
        raise ApplicationError(
            "An article number cannot be empty.", fields={"number": ["Give a number or omit it."]}
        )
    if number.startswith("~"):
        raise ApplicationError(
            "An article number cannot start with '~'.", fields={"number": ["Invalid number."]}
        )
    others = Article.objects.filter(draft=draft, number=number)
    clash = (others.exclude(pk=exclude_pk) if exclude_pk is not None else others).first()
    if clash is not None:
        raise ApplicationError(
            gettext(
                "Article number %(number)s is already used in this draft by %(label)s. Omit the number to have it numbered automatically, or choose a free one (e.g. '%(free)s bis')."
            )
            % {"number": repr(number), "label": repr(clash.label_in()), "free": number},
            fields={"number": ["This number is already used in this draft."]},
            code="duplicate_number",
        )
    return number


def _lock_draft(draft: Draft) -> Draft:
    return Draft.objects.select_for_update().get(pk=draft.pk)


def _position_validate(position: int, highest: int) -> int:
    if isinstance(position, bool) or not isinstance(position, int):
        raise ApplicationError(
            "Position must be a whole number.", fields={"position": ["Not a whole number."]}
        )
    if position < 1 or position > highest:
        raise ApplicationError(
            gettext(
                "Position %(position)s is outside this draft: choose a position from 1 to %(highest)s."
            )
            % {"position": position, "highest": highest},
            fields={"position": [gettext("Choose from 1 to %(highest)s.") % {"highest": highest}]},
            code="position_out_of_range",
        )
    return position


def _insert_at(draft: Draft, article: Article, position: int | None) -> None:
    """Place a new (unsaved) article at 1-based ``position`` (the end by default), then
    renumber. Caller holds the draft lock."""
    count = Article.objects.filter(draft=draft).count()
    if position is None:
        position = count + 1
    _position_validate(position, count + 1)
    # Make room: shift the tail through negative values so positions stay unique.
    tail = list(Article.objects.filter(draft=draft, position__gte=position).order_by("position"))
    for other in tail:
        other.position = -other.position - 1_000_000
    Article.objects.bulk_update(tail, ["position"])
    for other in tail:
        other.position = -(other.position + 1_000_000) + 1
    Article.objects.bulk_update(tail, ["position"])
    article.position = position
    if not article.number_fixed:
        article.number = "~0" if article.kind == Article.Kind.ARTICLE else ""
    article.save()
    articles_renumber(draft)


# --- articles: writes ---------------------------------------------------------------------


def article_create(
    *,
    actor: Actor,
    draft: Draft,
    heading: str = "",
    heading_ja: str = "",
    text_en: str = "",
    text_ja: str = "",
    kind: str = Article.Kind.ARTICLE,
    position: int | None = None,
    number: str | None = None,
    source_clause: LibraryClause | None = None,
    provenance: dict[str, Any] | None = None,
    revision_kind: str | None = None,
) -> Article:
    _require(permissions.can_edit_text(actor, draft), "Only the draft's drafters can add articles.")
    text_en = _text_field_validate("text_en", text_en, MAX_TEXT_LENGTH)
    text_ja = _text_field_validate("text_ja", text_ja, MAX_TEXT_LENGTH)
    if kind not in Article.Kind.values:
        raise ApplicationError(
            gettext("Unknown article kind %(kind)s.") % {"kind": repr(kind)},
            fields={"kind": ["Use 'article' or 'preamble'."]},
        )
    with transaction.atomic():
        draft = _lock_draft(draft)
        if kind == Article.Kind.PREAMBLE:
            if number:
                raise ApplicationError("A preamble has no number.", fields={"number": ["Omit it."]})
            if Article.objects.filter(draft=draft, kind=Article.Kind.PREAMBLE).exists():
                raise ApplicationError(
                    "This draft already has a preamble.", fields={"kind": ["Already present."]}
                )
        article = Article(
            draft=draft,
            kind=kind,
            heading=_text_field_validate("heading", heading.strip(), MAX_HEADING_LENGTH),
            heading_ja=_text_field_validate("heading_ja", heading_ja.strip(), MAX_HEADING_LENGTH),
            source_clause=source_clause,
            source_clause_version=source_clause.version if source_clause else None,
            provenance=provenance or {},
            updated_by=actor,
        )
        if number is not None:
            article.number = _number_validate(draft, number)
            article.number_fixed = True
        _insert_at(draft, article, position)
        audit_record(
            actor=actor,
            action="article.create",
            object_type="article",
            object_id=article.pk,
            draft_id=draft.pk,
            data={
                "position": article.position,
                "kind": kind,
                "heading": article.heading,
                "library_clause": source_clause.slug if source_clause else None,
            },
        )
        kind_of_text = revision_kind or (
            Revision.Kind.CLAUSE_INSERTED if source_clause else Revision.Kind.CREATED
        )
        for language, text in (("en", text_en), ("ja", text_ja)):
            text_set(article=article, language=language, text=text, actor=actor, kind=kind_of_text)
        Draft.objects.filter(pk=draft.pk).update(updated_at=timezone.now())
    article.refresh_from_db()
    return article


def article_edit(
    *,
    actor: Actor,
    article: Article,
    heading: str | None = None,
    heading_ja: str | None = None,
    text_en: str | None = None,
    text_ja: str | None = None,
    number: str | None = None,
    negotiation_status: str | None = None,
    revision_kind: str = Revision.Kind.EDITED,
    message: str = "",
) -> Article:
    draft = article.draft
    _require(
        permissions.can_edit_text(actor, draft),
        "Only the draft's drafters can change article text.",
    )
    with transaction.atomic():
        if number is not None:
            _lock_draft(draft)
        article = Article.objects.select_for_update().get(pk=article.pk)
        changed: list[str] = []
        texts = {
            language: _text_field_validate(f"text_{language}", value, MAX_TEXT_LENGTH)
            for language, value in (("en", text_en), ("ja", text_ja))
            if value is not None
        }
        for name, value, limit in (
            ("heading", heading, MAX_HEADING_LENGTH),
            ("heading_ja", heading_ja, MAX_HEADING_LENGTH),
        ):
            if value is None:
                continue
            value = _text_field_validate(
                name, value.strip() if name.startswith("heading") else value, limit
            )
            if getattr(article, name) != value:
                setattr(article, name, value)
                changed.append(name)
        if negotiation_status is not None and negotiation_status != article.negotiation_status:
            # Derived from sign-offs, brackets and reservations (services/negotiation.py):
            # never set by hand. The same value back (a client round-tripping the article) is
            # no change; another value conflicts with the state the sign-offs set (409).
            raise ConflictError(
                "negotiation_status is read-only: it follows from the delegations' sign-offs, "
                "reservations and reopenings (see the article's signoff, reservation and reopen "
                "endpoints).",
                fields={"negotiation_status": ["Read-only."]},
                code="negotiation_status_read_only",
            )
        if {"heading", "heading_ja"} & set(changed) or texts_changed_any(article, texts):
            # An agreed article's headings are part of what was agreed; its texts are guarded
            # by text_set itself.
            text_change_guard(article)
        renumber = False
        if number is not None:
            if article.kind == Article.Kind.PREAMBLE:
                raise ApplicationError("A preamble has no number.", fields={"number": ["Omit it."]})
            if number == "":
                # An empty number hands the article back to automatic numbering.
                if article.number_fixed:
                    article.number_fixed = False
                    changed.append("number_fixed")
                    renumber = True
            elif number.strip() != article.number or not article.number_fixed:
                article.number = _number_validate(draft, number, exclude_pk=article.pk)
                article.number_fixed = True
                changed += ["number", "number_fixed"]
                renumber = True
        texts_changed = [lang for lang, text in texts.items() if article.text(lang) != text]
        if not changed and not texts_changed:
            return article
        if changed:
            article.updated_by = actor
            article.save(update_fields=[*changed, "updated_by", "updated_at"])
            audit_record(
                actor=actor,
                action="article.edit",
                object_type="article",
                object_id=article.pk,
                draft_id=draft.pk,
                data={name: getattr(article, name) for name in changed},
            )
        for language in texts_changed:
            text_set(
                article=article,
                language=language,
                text=texts[language],
                actor=actor,
                kind=revision_kind,
                message=message,
            )
        if renumber:
            articles_renumber(draft)
        Draft.objects.filter(pk=draft.pk).update(updated_at=timezone.now())
    article.refresh_from_db()
    return article


def texts_changed_any(article: Article, texts: dict[str, str]) -> bool:
    return any(article.text(language) != text for language, text in texts.items())


def article_move(*, actor: Actor, article: Article, position: int) -> Article:
    draft = article.draft
    _require(
        permissions.can_edit_text(actor, draft), "Only the draft's drafters can move articles."
    )
    with transaction.atomic():
        draft = _lock_draft(draft)
        article = Article.objects.get(pk=article.pk)
        ordered = list(
            Article.objects.filter(draft=draft).order_by("position").values_list("pk", flat=True)
        )
        _position_validate(position, len(ordered))
        if article.kind == Article.Kind.PREAMBLE and position != 1:
            raise ApplicationError(
                "The preamble stays first.", fields={"position": ["The preamble stays at 1."]}
            )
        first = Article.objects.get(pk=ordered[0])
        if first.kind == Article.Kind.PREAMBLE and position == 1 and article.pk != first.pk:
            raise ApplicationError(
                "Nothing can go before the preamble.", fields={"position": ["Choose 2 or later."]}
            )
        ordered.remove(article.pk)
        ordered.insert(position - 1, article.pk)
        rows = list(Article.objects.filter(draft=draft))
        by_pk = {a.pk: a for a in rows}
        for a in rows:
            a.position = -a.pk
        Article.objects.bulk_update(rows, ["position"])
        for index, pk in enumerate(ordered, start=1):
            by_pk[pk].position = index
        Article.objects.bulk_update(rows, ["position"])
        articles_renumber(draft)
        audit_record(
            actor=actor,
            action="article.move",
            object_type="article",
            object_id=article.pk,
            draft_id=draft.pk,
            data={"from": article.position, "to": position},
        )
        Draft.objects.filter(pk=draft.pk).update(updated_at=timezone.now())
    article.refresh_from_db()
    return article


def article_delete(*, actor: Actor, article: Article) -> None:
    draft = article.draft
    _require(
        permissions.can_edit_text(actor, draft), "Only the draft's drafters can delete articles."
    )
    with transaction.atomic():
        draft = _lock_draft(draft)
        # Deleted articles stay, with their history, for versions and compare.
        Article.objects.filter(pk=article.pk).update(deleted_at=timezone.now(), deleted_by=actor)
        audit_record(
            actor=actor,
            action="article.delete",
            object_type="article",
            object_id=article.pk,
            draft_id=draft.pk,
            data={"number": article.number, "heading": article.heading},
        )
        articles_renumber(draft)
        Draft.objects.filter(pk=draft.pk).update(updated_at=timezone.now())


def article_set_releasability(*, actor: Actor, article: Article, releasability: str) -> Article:
    _require(
        permissions.can_change_releasability(actor, article.draft),
        "Only the draft's owner can change an article's releasability.",
    )
    releasability = releasability_validate(releasability)
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        if article.releasability != releasability:
            audit_record(
                actor=actor,
                action="article.releasability",
                object_type="article",
                object_id=article.pk,
                draft_id=article.draft_id,
                data={"from": article.releasability, "to": releasability},
            )
            article.releasability = releasability
            article.updated_by = actor
            article.save(update_fields=["releasability", "updated_by", "updated_at"])
    return article


def clause_provenance(clause: LibraryClause, actor: Actor) -> dict[str, Any]:
    """What the article keeps of where its text came from, even if the clause later changes."""
    return {
        "clause": {
            "slug": clause.slug,
            "title": clause.title,
            "status": clause.status,
            "obligation_type": clause.obligation_type.code,
            "obligation_type_name": clause.obligation_type.name,
            "commitment_strength": clause.commitment_strength,
            "commitment_strength_label": clause.get_commitment_strength_display(),
            "version": clause.version,
        },
        "derived_from": [
            {
                "treaty": p.treaty.short_title,
                "treaty_slug": p.treaty.slug,
                "provision": p.label,
                "provision_id": p.pk,
                "partial": p.is_incomplete,
            }
            for p in clause.derived_from.select_related("treaty")
        ],
        "inserted_by": actor.get_username(),
        "inserted_at": timezone.now().isoformat(),
    }


def clause_insert(
    *,
    actor: Actor,
    draft: Draft,
    clause: LibraryClause,
    position: int | None = None,
    heading: str | None = None,
) -> Article:
    """Insert a library clause into the draft as a new article, keeping its provenance."""
    _require(
        permissions.can_edit_text(actor, draft),
        "You cannot insert clauses into this draft: only its drafters can change the text.",
    )
    if not clause.is_insertable:
        raise ApplicationError(
            gettext("The clause %(title)s is withdrawn from the library and cannot be inserted.")
            % {"title": repr(clause.title)},
            code="clause_withdrawn",
        )
    return article_create(
        actor=actor,
        draft=draft,
        heading=heading if heading is not None else clause.title.split(" (")[0],
        heading_ja=clause.heading_ja,
        text_en=clause.text,
        text_ja=clause.text_ja,
        position=position,
        source_clause=clause,
        provenance=clause_provenance(clause, actor),
    )


def article_get_in_draft(draft: Draft, article_id: int) -> Article:
    article = Article.objects.filter(draft=draft, pk=article_id).first()
    if article is None:
        raise NotFoundError("No such article in this draft.")
    return article


def article_update(
    *,
    actor: Actor,
    article: Article,
    position: int | None = None,
    releasability: str | None = None,
    **edits: Any,
) -> Article:
    """One request that changes several things of an article at once: all of it or none."""
    with transaction.atomic():
        if releasability is not None and releasability != article.releasability:
            article = article_set_releasability(
                actor=actor, article=article, releasability=releasability
            )
        if any(value is not None for value in edits.values()):
            article = article_edit(actor=actor, article=article, **edits)
        if position is not None and position != article.position:
            article = article_move(actor=actor, article=article, position=position)
    return article
