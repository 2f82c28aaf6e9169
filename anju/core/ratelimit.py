"""PROVISIONAL (lead's branch only): replaced by the shared sliding-window limiter at merge."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    name: str
    count: int
    window: int


def _key(limit: Limit, key: str) -> str:
    return f"rl:{limit.name}:" + hashlib.sha256(key.encode()).hexdigest()[:32]


def failures(limit: Limit, key: str) -> int:
    return cache.get(_key(limit, key)) or 0


def exceeded(limit: Limit, key: str) -> bool:
    return failures(limit, key) >= limit.count


def record_failure(limit: Limit, key: str) -> int:
    k = _key(limit, key)
    cache.add(k, 0, limit.window)
    return cache.incr(k)


def clear(limit: Limit, key: str) -> None:
    cache.delete(_key(limit, key))
