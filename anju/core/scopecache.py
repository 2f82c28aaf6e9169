"""Figures cached per scope, each keyed to its own sub-district's latest change.

Every audited write marks its sub-district changed (`audit.record` calls `changed`): the sub-district's
version, a random token in the shared cache (Redis when `ANJU_CACHE_URL` is set, the database cache or
this process's memory otherwise, as `settings.CACHES` says), is replaced, so the figures cached under
the old token are never read again, while another sub-district's stay warm. The city's version changes
with every write: a city-wide scope (a superuser without a selected sub-district) sums every
sub-district, so any change anywhere is its change. A write that names no sub-district (an account, a
token) changes no sub-district's figures and moves the city's version only.

Versions are random tokens rather than counters: a version evicted from the cache comes back as a new
token, never as an old value whose figures might still be cached (a counter restarting at 0 would).

The version moves twice: at once, so the writing transaction's own later reads (and tests, which never
commit) see fresh figures, and again after the commit, because a reader between the two may have
cached the rows of before the commit under the first new token. When the cache cannot be reached the
first move fails and so does the write (nothing saved; the middleware answers 503, as for the rate
limits): a change the dashboards could not learn of would stay invisible there until the TTL.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from anju.core import replica
from anju.core.scoping import Scope

T = TypeVar("T")

CITY = "city"


def _version_key(part: int | str) -> str:
    return f"version:{part}"


def _fresh() -> str:
    return secrets.token_hex(8)


def _replace(keys: list[str]) -> None:
    cache.set_many(dict.fromkeys(keys, _fresh()), timeout=None)


def changed(subdistrict_ids: Iterable[int | None]) -> None:
    """Mark these sub-districts (and so the city) changed: now, and once more when the transaction commits."""
    keys = sorted({_version_key(CITY)} | {_version_key(i) for i in subdistrict_ids if i is not None})
    _replace(keys)
    transaction.on_commit(lambda: _replace(keys), robust=True)


def version(scope: Scope) -> str:
    """The token of the latest change within `scope`: its sub-district's, or the city's for a city-wide scope."""
    key = _version_key(CITY if scope.everything or scope.subdistrict_id is None else scope.subdistrict_id)
    token = cache.get(key)
    if token is None:
        cache.add(key, _fresh(), timeout=None)  # two readers racing agree on whichever token was stored first
        token = cache.get(key)
    return str(token)


def scope_key(scope: Scope) -> str:
    """The part of a cache key that names the scope itself (several scopes share one sub-district's version)."""
    return f"{int(scope.everything)}:{scope.subdistrict_id}:{scope.community_id}:{scope.compound_id}"


def cached(name: str, scope: Scope, compute: Callable[[], T], *, seconds: int) -> T:
    """`compute()`'s value for `scope`, from the shared cache while nothing within the scope's sub-district
    changed (and for at most `seconds`, which bounds staleness from unaudited bulk loads)."""
    key = f"{name}:{scope_key(scope)}:{version(scope)}"
    value = cache.get(key)
    if value is None:
        value = compute()
        if replica.reading():  # a replica a moment behind may have answered with the rows before the change
            seconds = min(seconds, settings.ANJU_REPLICA_CACHE_SECONDS)
        cache.set(key, value, seconds)
    return value
