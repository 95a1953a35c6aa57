"""The address of the client behind a request, for lockouts and throttles.

`X-Forwarded-For` is written by whoever sends the request, so it is trusted only when the
deployment says how many proxies of its own sit in front of the app (`TRUSTED_PROXY_COUNT`).
Each proxy appends the address it received the request from, so with N trusted proxies the
client's address is the N-th entry from the right; anything to its left was written by the
client and is ignored.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings


def _address_or_none(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request: Any) -> str:
    remote = str(request.META.get("REMOTE_ADDR") or "")
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return remote
    forwarded = [
        item.strip()
        for item in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
        if item.strip()
    ]
    if not forwarded:
        return remote
    # Fewer entries than proxies: the nearest proxy was bypassed or misconfigured; the
    # left-most entry is still the furthest address any of our proxies vouched for.
    chosen = forwarded[-min(count, len(forwarded))]
    return _address_or_none(chosen) or remote
