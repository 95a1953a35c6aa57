"""What every page about a draft shows: the draft, its marking, and what the user may do."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .. import permissions

LANG_VIEWS = {"en": "English", "ja": "日本語", "both": "Side by side"}


def draft_context(request: HttpRequest, draft: Any, **extra: Any) -> dict[str, Any]:
    user = request.user
    return {
        "draft": draft,
        "marking": draft.classification,
        "role": permissions.role_of(user, draft),
        "can_edit": permissions.can_edit_text(user, draft),
        "can_manage": permissions.can_manage_members(user, draft),
        "can_release": permissions.can_change_releasability(user, draft),
        # Precedent intelligence reads live text: not for consultees.
        "can_view_analysis": permissions.can_view_draft(user, draft),
        **extra,
    }
