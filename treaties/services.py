"""Writes to the reference corpus and the clause library."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from . import hooks
from .models import ClauseRevision, LibraryClause, ObligationType, Party, Provision, Treaty

FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"
CORPUS_DIR = FIXTURES_DIR / "corpus"
LIBRARY_CLAUSES_FILE = FIXTURES_DIR / "library_clauses.json"

# The five ATOP obligation types, then the drafting categories that have no ATOP code.
OBLIGATION_TYPES: list[dict[str, str]] = [
    {
        "code": "defence",
        "name": "Defence",
        "atop_variable": "defense",
        "description": "Assist an ally militarily if it is attacked.",
    },
    {
        "code": "offence",
        "name": "Offence",
        "atop_variable": "offense",
        "description": "Active military support when the allies are not defending against an attack.",
    },
    {
        "code": "neutrality",
        "name": "Neutrality",
        "atop_variable": "neutral",
        "description": "Stay out of, and do not help the adversary in, a conflict involving the partner.",
    },
    {
        "code": "non_aggression",
        "name": "Non-aggression",
        "atop_variable": "nonagg",
        "description": "Do not use force against each other.",
    },
    {
        "code": "consultation",
        "name": "Consultation",
        "atop_variable": "consul",
        "description": "Consult in crises that may become militarised, with a view to coordinating policy.",
    },
    {
        "code": "reciprocal_access",
        "name": "Reciprocal access",
        "atop_variable": "",
        "description": "Entry and activities of one Party's forces in the other's territory.",
    },
    {
        "code": "status_of_forces",
        "name": "Status of forces",
        "atop_variable": "",
        "description": "Jurisdiction, claims and privileges of visiting forces.",
    },
    {
        "code": "information_security",
        "name": "Information security",
        "atop_variable": "",
        "description": "Protection of classified information exchanged between the Parties.",
    },
    {
        "code": "equipment_technology",
        "name": "Equipment and technology",
        "atop_variable": "",
        "description": "Transfer and joint development of defence equipment and technology.",
    },
    {
        "code": "duration_termination",
        "name": "Duration and termination",
        "atop_variable": "",
        "description": "How long the treaty lasts, renewal, denunciation and withdrawal.",
    },
    {
        "code": "entry_into_force",
        "name": "Entry into force",
        "atop_variable": "",
        "description": "Ratification, approval and the date the treaty takes effect.",
    },
    {
        "code": "relation_to_other_treaties",
        "name": "Relation to other treaties",
        "atop_variable": "",
        "description": "Compatibility with the UN Charter and the Parties' other obligations.",
    },
    {
        "code": "dispute_settlement",
        "name": "Dispute settlement",
        "atop_variable": "",
        "description": "How disputes on interpretation or application are settled.",
    },
    {
        "code": "authentic_texts",
        "name": "Authentic texts",
        "atop_variable": "",
        "description": "Languages in which the treaty is done, and which texts are authentic.",
    },
]

# Historical and formal names of the same party, so that a filter on "United Kingdom" also
# finds the 1902 alliance. The names as written stay in Treaty.notes["parties_as_written"].
PARTY_ALIASES = {
    "United Kingdom of Great Britain and Ireland": "United Kingdom",
    "United Kingdom of Great Britain and Northern Ireland": "United Kingdom",
    "United States": "United States of America",
}

_TREATY_KEYS = {
    "slug",
    "title",
    "short_title",
    "signed_on",
    "entered_into_force",
    "parties",
    "source_url_or_repo_path",
    "licence_note",
    "coverage_note",
    "articles",
    "fragments",
}
_PROVISION_KEYS = {"number", "heading", "text", "partial", "source", "language"}


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool, updated: bool) -> None:
        if created:
            self.created[kind] = self.created.get(kind, 0) + 1
        elif updated:
            self.updated[kind] = self.updated.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def __str__(self) -> str:
        def fmt(counts: dict[str, int]) -> str:
            return ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())) or "nothing"

        return f"created {fmt(self.created)}; updated {fmt(self.updated)}"


def _upsert(
    model: Any, lookup: dict[str, Any], values: dict[str, Any], refresh: bool
) -> tuple[Any, bool, bool]:
    """Create the row if missing; with refresh, overwrite fields that differ. Returns
    (obj, created, updated) and never writes a row that would not change."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), True, False
    if not refresh:
        return obj, False, False
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
    return obj, False, bool(changed)


def obligation_types_ensure(report: LoadReport | None = None, refresh: bool = True) -> None:
    for position, spec in enumerate(OBLIGATION_TYPES):
        values = {k: v for k, v in spec.items() if k != "code"} | {"position": position}
        _, created, updated = _upsert(ObligationType, {"code": spec["code"]}, values, refresh)
        if report:
            report.count("obligation types", created, updated)


def _provision_values(raw: dict[str, Any], position: int, is_fragment: bool) -> dict[str, Any]:
    notes = {k: v for k, v in raw.items() if k not in _PROVISION_KEYS and k != "article"}
    coverage = "\n".join(str(raw[k]) for k in ("text_note", "variant_note") if raw.get(k))
    language = raw.get("language", "en")
    return {
        "heading": raw.get("heading") or "",
        "text": raw.get("text") or "",
        "language": "ja" if str(language).startswith("ja") else "en",
        "position": position,
        "partial": bool(raw.get("partial")) or is_fragment,
        "source": raw.get("source") or "",
        "coverage_note": coverage,
        "notes": notes,
    }


def treaty_load(data: dict[str, Any], *, refresh: bool, report: LoadReport) -> Treaty:
    """Load one corpus file (the schema of shared/corpus/README.md)."""
    parties_as_written = list(data.get("parties") or [])
    notes = {k: v for k, v in data.items() if k not in _TREATY_KEYS}
    notes["parties_as_written"] = parties_as_written
    values = {
        "title": data["title"],
        "short_title": data.get("short_title") or data["title"],
        "signed_on": data.get("signed_on") or "",
        "entered_into_force": data.get("entered_into_force") or "",
        "source": data.get("source_url_or_repo_path") or "",
        "licence_note": data.get("licence_note") or "",
        "coverage_note": data.get("coverage_note") or "",
        "notes": notes,
    }
    treaty, created, updated = _upsert(Treaty, {"slug": data["slug"]}, values, refresh)
    report.count("treaties", created, updated)
    if created or refresh:
        party_ids = []
        for name in parties_as_written:
            if name.startswith("("):
                continue  # an editorial aside in the party list, e.g. "(later Portugal, ...)"
            party, party_created = Party.objects.get_or_create(name=PARTY_ALIASES.get(name, name))
            report.count("parties", party_created, False)
            party_ids.append(party.pk)
        if set(treaty.parties.values_list("pk", flat=True)) != set(party_ids):
            treaty.parties.set(party_ids)
    for position, raw in enumerate(data.get("articles") or []):
        _, created, updated = _upsert(
            Provision,
            {"treaty": treaty, "number": str(raw["number"]), "is_fragment": False},
            _provision_values(raw, position, False),
            refresh,
        )
        report.count("provisions", created, updated)
    for position, raw in enumerate(data.get("fragments") or []):
        # A quotation that names no article is numbered by its place among the fragments.
        number = str(raw["article"]) if raw.get("article") else f"fragment {position + 1}"
        _, created, updated = _upsert(
            Provision,
            {"treaty": treaty, "number": number, "is_fragment": True},
            _provision_values(raw, position, True),
            refresh,
        )
        report.count("provisions", created, updated)
    return treaty


class CorpusError(ValueError):
    """A fixture file does not match the corpus schema."""


def _find_provision(ref: dict[str, str], clause_slug: str) -> Provision:
    is_fragment = "fragment" in ref
    number = ref["fragment"] if is_fragment else ref.get("number", "")
    provision = Provision.objects.filter(
        treaty__slug=ref.get("treaty"), number=number, is_fragment=is_fragment
    ).first()
    if provision is None:
        raise CorpusError(
            f"Library clause {clause_slug!r} derives from {ref}, which is not in the corpus."
        )
    return provision


def library_clause_load(
    data: dict[str, Any], *, refresh: bool, report: LoadReport
) -> LibraryClause:
    try:
        obligation_type = ObligationType.objects.get(code=data["obligation_type"])
    except ObligationType.DoesNotExist as exc:
        raise CorpusError(
            f"Library clause {data.get('slug')!r}: unknown obligation type {data.get('obligation_type')!r}."
        ) from exc
    values = {
        "title": data["title"],
        "heading_ja": data.get("heading_ja") or "",
        "text": data["text"],
        "text_ja": data.get("text_ja") or "",
        "status": data.get("status") or LibraryClause.Status.APPROVED,
        "obligation_type": obligation_type,
        "commitment_strength": data["commitment_strength"],
        "guidance": data.get("guidance") or "",
    }
    provisions = [_find_provision(ref, data["slug"]) for ref in data.get("derived_from") or []]
    clause, created, updated = _upsert(LibraryClause, {"slug": data["slug"]}, values, refresh)
    if not (created or refresh) and not clause.heading_ja and values["heading_ja"]:
        # A field the library did not have before: filling it in overwrites no curation.
        clause.heading_ja = values["heading_ja"]
        clause.save(update_fields=["heading_ja"])
        updated = True
    if created or refresh:
        wanted = {p.pk for p in provisions}
        if set(clause.derived_from.values_list("pk", flat=True)) != wanted:
            clause.derived_from.set(wanted)
            updated = not created
    report.count("library clauses", created, updated)
    library_clause_revise(actor=None, clause=clause)
    return clause


def corpus_files() -> list[Path]:
    return sorted(CORPUS_DIR.glob("*.json"))


def corpus_load(*, refresh: bool = False, files: Iterable[Path] | None = None) -> LoadReport:
    """Load the shipped corpus and clause library. Idempotent: records already present are
    left as they are (library admins may have completed or corrected them) unless
    ``refresh`` asks to overwrite them with the shipped text. All or nothing."""
    report = LoadReport()
    with transaction.atomic():
        library_admins_group_ensure()
        obligation_types_ensure(report, refresh=True)
        for path in files if files is not None else corpus_files():
            treaty_load(
                json.loads(path.read_text(encoding="utf-8")), refresh=refresh, report=report
            )
        if LIBRARY_CLAUSES_FILE.exists():
            for item in json.loads(LIBRARY_CLAUSES_FILE.read_text(encoding="utf-8")):
                library_clause_load(item, refresh=refresh, report=report)
    return report


LIBRARY_ADMINS_GROUP = "Library admins"
LIBRARY_MODELS = (Treaty, Provision, LibraryClause, ObligationType, Party)


def library_admins_group_ensure() -> Group:
    """The group whose members curate the library in the admin: every permission on the
    library's models and nothing else (they are staff, never superusers)."""
    group, _ = Group.objects.get_or_create(name=LIBRARY_ADMINS_GROUP)
    content_types = ContentType.objects.get_for_models(*LIBRARY_MODELS).values()
    wanted = set(
        Permission.objects.filter(content_type__in=content_types).values_list("pk", flat=True)
    )
    if set(group.permissions.values_list("pk", flat=True)) != wanted:
        group.permissions.set(wanted)
    return group


def library_clause_revise(*, actor: Any, clause: LibraryClause) -> ClauseRevision | None:
    """Record the clause's text and status as a new version if they differ from its latest
    recorded version (the first call records version 1), and once the write commits tell the
    registered handlers (treaties.hooks: the drafting app offers the change to live drafts).

    Called by every library write path: the admin's save, the admin's import and the corpus
    loader. Returns the new ClauseRevision, or None if nothing changed."""
    with transaction.atomic():
        clause = LibraryClause.objects.select_for_update().get(pk=clause.pk)
        latest = clause.revisions.order_by("-version").first()
        if latest is None:
            return ClauseRevision.objects.create(
                clause=clause,
                version=clause.version,
                text=clause.text,
                text_ja=clause.text_ja,
                status=clause.status,
                changed_by=actor,
            )
        if (latest.text, latest.text_ja, latest.status) == (
            clause.text,
            clause.text_ja,
            clause.status,
        ):
            return None
        version = latest.version + 1
        LibraryClause.objects.filter(pk=clause.pk).update(version=version)
        revision = ClauseRevision.objects.create(
            clause=clause,
            version=version,
            text=clause.text,
            text_ja=clause.text_ja,
            status=clause.status,
            changed_by=actor,
        )
        for handler in hooks.clause_changed_handlers():
            transaction.on_commit(lambda h=handler, pk=revision.pk: h(pk))  # type: ignore[misc]
    return revision
