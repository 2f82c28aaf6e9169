"""Fixed-window rate limits in the cache, per client address: resident pages have no login to throttle."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from anju.core.errors import AnjuError

DEFAULT_LIMITS = {"suggest": (5, 3600), "track": (30, 600)}


class TooMany(AnjuError):
    status = 429


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR; a proxy in front sets it through its own configuration (never trust X-Forwarded-For here)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def limits(kind: str) -> tuple[int, int]:
    return getattr(settings, "ANJU_PARTICIPATION_RATE_LIMITS", {}).get(kind, DEFAULT_LIMITS[kind])


def check(request: HttpRequest, kind: str) -> None:
    """Count one use of `kind` by this client; raise TooMany (429) past the limit of the window."""
    limit, window = limits(kind)
    # The address is hashed: cache keys may end up in logs or monitoring.
    key = "anju:rl:" + kind + ":" + hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    if count > limit:
        raise TooMany("提交过于频繁，请稍后再试", "Too many requests; please try again later")
