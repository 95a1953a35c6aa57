from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .selectors.drafts import notifications_for


def entente(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        unread = notifications_for(user, unread_only=True).count()
    return {"demo_mode": settings.DEMO_MODE, "unread_notifications": unread}
