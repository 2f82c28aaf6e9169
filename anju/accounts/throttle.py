"""Login throttling: after N failures for a username or a client address, wait before trying again.

Counts live in the cache (shared by all workers when the cache is shared), so a restart forgets them;
that is acceptable for slowing guessing, which is all this is for.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _keys(username: str, address: str) -> list[str]:
    # Hashed so neither usernames nor addresses sit in the cache in clear.
    return [
        "login-fail:u:" + hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32],
        "login-fail:a:" + hashlib.sha256(address.encode()).hexdigest()[:32],
    ]


# An office shares one address behind its router: the address allows more failures than one username does.
ADDRESS_FACTOR = 4


def is_locked(username: str, address: str) -> bool:
    limit = settings.ANJU_LOGIN_MAX_FAILURES
    user_key, address_key = _keys(username, address)
    return (cache.get(user_key) or 0) >= limit or (cache.get(address_key) or 0) >= limit * ADDRESS_FACTOR


def record_failure(username: str, address: str) -> None:
    for key in _keys(username, address):
        if cache.add(key, 1, timeout=settings.ANJU_LOGIN_LOCK_SECONDS):
            continue
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=settings.ANJU_LOGIN_LOCK_SECONDS)


def reset(username: str, address: str) -> None:
    """A successful login clears its username's count; the address count runs out by itself."""
    cache.delete(_keys(username, address)[0])
