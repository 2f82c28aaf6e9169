"""Dashboards and reports read from a PostgreSQL streaming replica, when one is configured.

`DATABASE_REPLICA_URL` adds the alias `replica` (settings.py). Reads go there only inside
`reading_from_replica()` (the dashboard's pages and the annual report wrap themselves in it), every
write and every other read stays on the primary, and so does a browser that wrote something in the
last `ANJU_REPLICA_PIN_SECONDS`: its next pages read its own writes, whatever the replica's lag
(read-your-own-writes, by a cookie that holds only the time of the write). Figures computed from the
replica are cached for at most `ANJU_REPLICA_CACHE_SECONDS` (`scopecache.cached`), since a replica a
moment behind may have answered with the rows of just before the write whose version they are cached
under.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
WROTE_COOKIE = "anju-wrote"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
PRIMARY_ONLY = ("sessions", "django_cache", "auth", "accounts")

_reading = contextvars.ContextVar("anju_replica_reading", default=False)
_pinned = contextvars.ContextVar("anju_replica_pinned", default=False)


def configured() -> bool:
    return REPLICA in settings.DATABASES


def reading() -> bool:
    """Whether reads at this point go to the replica."""
    return _reading.get() and not _pinned.get() and configured()


@contextlib.contextmanager
def reading_from_replica() -> Iterator[None]:
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def replica_reads(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A view whose reads may come from the replica (figures and reports that tolerate a second's lag)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with reading_from_replica():
            return view(request, *args, **kwargs)

    return wrapped


class ReplicaRouter:
    """Reads to the replica inside `reading_from_replica()`; writes, migrations and the rest on the primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        # Sessions and the database cache (its version tokens) must be current: always the primary.
        if model._meta.app_label in PRIMARY_ONLY:
            return None
        return REPLICA if reading() else None

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database, two copies of it

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"


class ReadYourWritesMiddleware:
    """A browser that wrote reads from the primary for a while; the cookie says only when it wrote."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not configured():
            return self.get_response(request)
        pin = settings.ANJU_REPLICA_PIN_SECONDS
        wrote = request.get_signed_cookie(WROTE_COOKIE, default=None, salt=WROTE_COOKIE, max_age=pin)
        token = _pinned.set(wrote is not None or request.method not in SAFE_METHODS)
        try:
            response = self.get_response(request)
        finally:
            _pinned.reset(token)
        if request.method not in SAFE_METHODS:
            response.set_signed_cookie(WROTE_COOKIE, str(int(time.time())), salt=WROTE_COOKIE, max_age=pin,
                                       httponly=True, samesite="Lax", secure=request.is_secure())
        return response
