"""Announcements between apps: a lower layer publishes what happened, a higher one subscribes, and
neither imports the other (the roster says which compounds an import changed; the programme, above
it, refreshes its figures).

Delivery waits for the surrounding transaction to commit (`transaction.on_commit`), so nobody hears
of a write that is rolled back; with no transaction open it is immediate. Each subscriber runs in
its own transaction, and a failing one neither stops the others nor undoes what was published: it
is logged and listed in the `Delivery` that `publish` returned, so the publisher can tell its user
that something downstream is stale without knowing who listens.

Event names are declared here, once, so that a typo in a subscriber fails at start-up instead of
never being called.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

ROSTER_IMPORTED = "roster.imported"  # payload: compound_ids (frozenset[int]), the compounds an import wrote to

EVENTS = frozenset({ROSTER_IMPORTED})

Handler = Callable[..., object]

_subscribers: dict[str, list[Handler]] = {}


@dataclass(frozen=True)
class Failure:
    """A subscriber that raised: its name (for the log and the publisher's message) and the error."""

    subscriber: str
    error: Exception


@dataclass
class Delivery:
    """What became of one publication; filled in when it is delivered (at once, or on commit)."""

    event: str
    delivered: bool = False
    failures: list[Failure] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """True once delivered with at least one subscriber failing."""
        return bool(self.failures)


def _known(event: str) -> str:
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}; declare it in anju.core.events")
    return event


def subscribe(event: str, handler: Handler) -> None:
    """Call `handler(**payload)` for every later publication of `event`; subscribing twice is once."""
    handlers = _subscribers.setdefault(_known(event), [])
    if handler not in handlers:
        handlers.append(handler)


def unsubscribe(event: str, handler: Handler) -> None:
    """Stop calling `handler` for `event` (a no-op if it was not subscribed)."""
    handlers = _subscribers.get(_known(event), [])
    if handler in handlers:
        handlers.remove(handler)


def publish(event: str, **payload: Any) -> Delivery:
    """Announce `event` to its subscribers once the current transaction commits (now if none is open).

    Never raises for a subscriber's error: the returned `Delivery` lists the failures once delivered.
    """
    delivery = Delivery(_known(event))

    def deliver() -> None:
        for handler in list(_subscribers.get(event, ())):
            name = f"{getattr(handler, '__module__', '?')}.{getattr(handler, '__qualname__', repr(handler))}"
            try:
                with transaction.atomic():  # a subscriber that fails half-way leaves nothing half-written
                    handler(**payload)
            except Exception as error:
                logger.exception("subscriber %s of %s failed", name, event)
                delivery.failures.append(Failure(name, error))
        delivery.delivered = True

    transaction.on_commit(deliver)
    return delivery
