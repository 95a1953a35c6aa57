"""What every page about a draft shows: the draft, its marking, and what the user may do."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from .. import permissions
from ..labels import LANGUAGE_NAMES
from ..models import Role

# The views of a draft's text: one language, or both side by side.
LANG_VIEWS = {**LANGUAGE_NAMES, "both": gettext_lazy("Side by side")}


def draft_context(request: HttpRequest, draft: Any, **extra: Any) -> dict[str, Any]:
    user = request.user
    role = permissions.role_of(user, draft)
    return {
        "draft": draft,
        "marking": draft.classification,
        "role": role,
        # The role's name in the interface language (the value stays the code, for templates).
        "role_label": Role(role).label if role in Role.values else "",
        "can_edit": permissions.can_edit_text(user, draft),
        "can_manage": permissions.can_manage_members(user, draft),
        "can_release": permissions.can_change_releasability(user, draft),
        # Precedent intelligence reads live text: not for consultees.
        "can_view_analysis": permissions.can_view_draft(user, draft),
        **extra,
    }
