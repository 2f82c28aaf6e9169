"""One rate limiter for everything that can be guessed: logins, API tokens, household letters, public forms.

A limit allows `count` failures per key within a sliding window of `window` seconds. Each key keeps
the times of its newest failures (at most `count + 1`: enough to know the limit is reached, and a
flood cannot grow a row), so "failures in the last 300 s" is exact, not two fixed buckets blended.

The counts live where every worker of every server sees them: Redis when `ANJU_CACHE_URL` is set
(a sorted set per key, changed in one MULTI/EXEC), otherwise the database (`core.RateCounter`, one
row per key, changed under a row lock; SQLite's IMMEDIATE transactions serialise writers). Never in
process memory: with two processes each would allow the full count, and the limit would double.

Keys are passed in clear (a username, an address, a letter token) and stored only as an HMAC under
the secret key, so the store never holds who tried. `record_failure` inside a caller's transaction
is rolled back with it; count failures outside a transaction that may be rolled back.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from anju.core.errors import AnjuError
from anju.core.models import RateCounter

if TYPE_CHECKING:
    import redis

PURGE_BATCH = 200  # expired rows removed by each recorded failure (database store)


@dataclass(frozen=True)
class Limit:
    name: str  # e.g. "login-user", "vote-letter"
    count: int  # failures allowed in the window
    window: int  # seconds


class TooMany(AnjuError):
    """Too many failures (or uses) in the window: HTTP 429."""

    status = 429


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR; a proxy in front sets it through its own configuration (never trust X-Forwarded-For here)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _now() -> float:
    return time.time()


def _stored_key(limit: Limit, key: str) -> str:
    digest = salted_hmac("anju.core.ratelimit", f"{limit.name}\0{key}", algorithm="sha256").hexdigest()[:40]
    return f"{settings.ANJU_CACHE_KEY_PREFIX}:rl:{limit.name}:{digest}"


class _Store(Protocol):
    def failures(self, key: str, limit: Limit, now: float) -> int: ...
    def record(self, key: str, limit: Limit, now: float) -> int: ...
    def clear(self, key: str) -> None: ...


class _DatabaseStore:
    def failures(self, key: str, limit: Limit, now: float) -> int:
        stamps = RateCounter.objects.filter(key=key).values_list("stamps", flat=True).first() or []
        return sum(1 for s in stamps if s > now - limit.window)

    def record(self, key: str, limit: Limit, now: float) -> int:
        with transaction.atomic():
            # The insert (a no-op when the row exists) then FOR UPDATE: concurrent failures of one key
            # take turns, so none is lost and each sees the count including its own.
            RateCounter.objects.bulk_create([RateCounter(key=key, stamps=[], expires=now)], ignore_conflicts=True)
            row = RateCounter.objects.select_for_update().get(key=key)
            recent = [s for s in row.stamps if s > now - limit.window]
            stamps = recent[max(0, len(recent) - limit.count):] + [now]
            RateCounter.objects.filter(pk=row.pk).update(stamps=stamps, expires=now + limit.window)
            # Expired rows of other keys go a few at a time; SKIP LOCKED so two purges never wait on each other.
            stale = list(RateCounter.objects.select_for_update(skip_locked=True).filter(expires__lt=now)
                         .exclude(pk=row.pk).values_list("pk", flat=True)[:PURGE_BATCH])
            if stale:
                RateCounter.objects.filter(pk__in=stale).delete()
        return len(stamps)

    def clear(self, key: str) -> None:
        RateCounter.objects.filter(key=key).delete()


class _RedisStore:
    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    def failures(self, key: str, limit: Limit, now: float) -> int:
        return int(self.client.zcount(key, f"({now - limit.window}", "+inf"))

    def record(self, key: str, limit: Limit, now: float) -> int:
        pipe = self.client.pipeline(transaction=True)  # MULTI/EXEC: one step for every server
        pipe.zremrangebyscore(key, "-inf", now - limit.window)
        pipe.zadd(key, {f"{now:.6f}:{secrets.token_hex(4)}": now})
        pipe.zremrangebyrank(key, 0, -(limit.count + 2))  # keep the newest count + 1
        pipe.zcard(key)
        pipe.expire(key, max(1, int(limit.window) + 1))
        return int(pipe.execute()[3])

    def clear(self, key: str) -> None:
        self.client.delete(key)


@cache
def _redis(url: str) -> _RedisStore:
    import redis

    return _RedisStore(redis.Redis.from_url(url, socket_timeout=5))


def _store() -> _Store:
    return _redis(settings.ANJU_CACHE_URL) if settings.ANJU_CACHE_URL else _DatabaseStore()


def store_name() -> str:
    """"redis" or "database": where the counts are kept (for `anju check` and the tests)."""
    return "redis" if settings.ANJU_CACHE_URL else "database"


def failures(limit: Limit, key: str) -> int:
    """Failures of `key` within the sliding window now (saturates at limit.count + 1)."""
    return _store().failures(_stored_key(limit, key), limit, _now())


def exceeded(limit: Limit, key: str) -> bool:
    """True once `key` has used up its failures: failures(limit, key) >= limit.count."""
    return failures(limit, key) >= limit.count


def record_failure(limit: Limit, key: str) -> int:
    """Count one failure atomically across all servers; returns the new count within the window."""
    return _store().record(_stored_key(limit, key), limit, _now())


def clear(limit: Limit, key: str) -> None:
    """Forget `key`'s failures (a successful login, a staff unlock)."""
    _store().clear(_stored_key(limit, key))


def check_use(limit: Limit, key: str) -> None:
    """For limits on uses rather than failures (a public form): count this use; past `count` raise TooMany.

    Refused uses count too (the count is taken atomically, so parallel requests cannot slip past it):
    a client that keeps trying stays refused until it slows below the rate.
    """
    if record_failure(limit, key) > limit.count:
        raise TooMany("提交过于频繁，请稍后再试。", "Too many requests; please try again later.")


def per_address(request: HttpRequest, name: str, figures: tuple[int, int]) -> None:
    """Count one use of `name` by the request's address; raise TooMany past `figures` = (count, window in s)."""
    check_use(Limit(name, *figures), client_address(request))
