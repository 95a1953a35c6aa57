"""The demo data: personas and a model draft, built through the ordinary services."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from treaties.models import LibraryClause
from treaties.services import library_admins_group_ensure

from ..demo import PERSONAS
from ..models import Article, Draft, UserPreference
from . import concordance as concordance_services
from . import consultation, versions
from . import drafts as draft_services
from . import members as member_services

DEMO_DRAFT_FILE = Path(__file__).resolve().parent.parent / "fixtures" / "demo_draft.json"


def demo_users_ensure(*, password: str) -> dict[str, Any]:
    User = get_user_model()
    group = library_admins_group_ensure()
    users: dict[str, Any] = {}
    for persona in PERSONAS:
        first, _, last = persona.name.partition(" ")
        user, _ = User.objects.get_or_create(username=persona.username)
        user.first_name, user.last_name, user.email = first, last, persona.email
        user.is_staff = persona.library_admin
        user.is_active = True
        user.set_password(password)
        user.save()
        if persona.library_admin:
            user.groups.add(group)
        # Only the first run sets it: a persona's own later choice is kept.
        UserPreference.objects.get_or_create(
            user=user, defaults={"language": persona.language, "time_zone": persona.time_zone}
        )
        users[persona.username] = user
    return users


def demo_seed(*, password: str) -> Draft:
    """Create the personas and the demo draft; running it again changes nothing but the
    personas' passwords."""
    spec = json.loads(DEMO_DRAFT_FILE.read_text(encoding="utf-8"))
    with transaction.atomic():
        users = demo_users_ensure(password=password)
        owner = users["uk.lead"]
        existing = Draft.objects.filter(title=spec["title"], created_by=owner).first()
        if existing is not None:
            return existing
        draft = draft_services.draft_create(
            actor=owner,
            title=spec["title"],
            title_ja=spec.get("title_ja", ""),
            classification=spec.get("classification", "OFFICIAL-SENSITIVE"),
            parties=spec.get("parties", ["United Kingdom", "Japan"]),
            delegation="UK",
        )
        for persona in PERSONAS:
            if persona.role and persona.role != "owner" and persona.delegation:
                member_services.member_add(
                    actor=owner,
                    draft=draft,
                    username=persona.username,
                    role=persona.role,
                    delegation=persona.delegation,
                )
        for item in spec["articles"]:
            clause = (
                LibraryClause.objects.filter(slug=item["library_clause"]).first()
                if item.get("library_clause")
                else None
            )
            article = draft_services.article_create(
                actor=owner,
                draft=draft,
                kind=item.get("kind", "article"),
                heading=item.get("heading", ""),
                heading_ja=item.get("heading_ja", ""),
                text_en=item.get("text_en", ""),
                text_ja=item.get("text_ja", ""),
                source_clause=clause,
                provenance=draft_services.clause_provenance(clause, owner) if clause else None,
            )
            if item.get("releasability") and item["releasability"] != article.releasability:
                draft_services.article_set_releasability(
                    actor=owner,
                    article=article,
                    releasability=item["releasability"],
                )
        # The shipped texts are confirmed equivalent, so that a change to either shows the
        # article out of step (concordance).
        for article in Article.objects.filter(draft=draft).order_by("position"):
            if article.text_en.strip() and article.text_ja.strip():
                concordance_services.concordance_confirm(actor=owner, article=article)
        # Two US offices, a named version and a first consultation round, so that the US
        # personas have something to answer.
        eap = consultation.office_create(
            actor=owner, draft=draft, name="State EAP", members=["us.state"]
        )
        osd = consultation.office_create(
            actor=owner, draft=draft, name="OSD Policy", members=["us.dod"]
        )
        versions.version_create(actor=owner, draft=draft, name="Text for US consultation, round 1")
        released = list(
            Article.objects.filter(draft=draft, releasability="REL USA")
            .order_by("position")
            .values_list("pk", flat=True)
        )
        consultation.round_open(
            actor=owner,
            draft=draft,
            article_ids=released[:3],
            office_ids=[eap.pk, osd.pk],
            deadline=timezone.now() + timedelta(days=7),
            cover_note="Round 1: the purposes, consultation and mutual assistance articles, for your views.",
        )
    return draft
