from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .models import Notification


def entente(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    return {"demo_mode": settings.DEMO_MODE, "unread_notifications": unread}
