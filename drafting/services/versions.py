"""Named versions of a whole draft."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext

from ..core.revisions import draft_content
from ..errors import ApplicationError
from ..models import Draft, Version
from ..permissions import Actor
from .audit import audit_record
from .revisions import revisions_close, text_edit_require


def version_create(*, actor: Actor, draft: Draft, name: str, note: str = "") -> Version:
    text_edit_require(actor, draft, gettext("name versions"))
    name = (name or "").strip()
    if not name:
        raise ApplicationError(
            "A version needs a name, e.g. “Text for US consultation, round 1”.",
            fields={"name": ["This field is required."]},
        )
    if len(name) > 200:
        raise ApplicationError(
            "A version name has at most 200 characters.", fields={"name": ["Too long."]}
        )
    with transaction.atomic():
        draft = Draft.objects.select_for_update().get(pk=draft.pk)
        revisions_close(draft)
        number = (Version.objects.filter(draft=draft).aggregate(n=Max("number"))["n"] or 0) + 1
        version = Version.objects.create(
            draft=draft,
            number=number,
            name=name,
            note=note.strip()[:5000],
            created_by=actor,
            content=draft_content(draft),
        )
        audit_record(
            actor=actor,
            action="version.create",
            object_type="version",
            object_id=version.pk,
            draft_id=draft.pk,
            data={"number": number, "name": name},
        )
    return version
