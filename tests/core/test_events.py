"""Announcements between apps are heard after the commit, never for a rollback, and a failing
listener is reported to the publisher without stopping the others."""

from __future__ import annotations

import pytest
from django.db import transaction

from anju.core import events


@pytest.fixture
def heard():
    """A subscriber to roster.imported that records what it hears; unsubscribed afterwards."""
    calls: list[frozenset[int]] = []

    def listener(*, compound_ids: frozenset[int]) -> None:
        calls.append(compound_ids)

    events.subscribe(events.ROSTER_IMPORTED, listener)
    yield calls
    events.unsubscribe(events.ROSTER_IMPORTED, listener)


@pytest.fixture
def broken():
    def listener(**payload: object) -> None:
        raise RuntimeError("listener went wrong")

    events.subscribe(events.ROSTER_IMPORTED, listener)
    yield listener
    events.unsubscribe(events.ROSTER_IMPORTED, listener)


@pytest.mark.django_db(transaction=True)
def test_with_no_transaction_open_an_announcement_is_heard_at_once(heard):
    delivery = events.publish(events.ROSTER_IMPORTED, compound_ids=frozenset({1}))
    assert heard == [frozenset({1})]
    assert delivery.delivered and not delivery.failed


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_it_is_heard_only_once_that_commits(heard):
    with transaction.atomic():
        delivery = events.publish(events.ROSTER_IMPORTED, compound_ids=frozenset({2}))
        assert heard == [] and not delivery.delivered
    assert heard == [frozenset({2})] and delivery.delivered


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_is_never_announced(heard):
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        delivery = events.publish(events.ROSTER_IMPORTED, compound_ids=frozenset({3}))
        1 / 0  # noqa: B018
    assert heard == [] and not delivery.delivered


@pytest.mark.django_db(transaction=True)
def test_a_failing_listener_is_reported_and_the_others_still_hear(broken, heard):
    delivery = events.publish(events.ROSTER_IMPORTED, compound_ids=frozenset({4}))
    assert heard == [frozenset({4})]
    assert delivery.delivered and delivery.failed
    assert [type(f.error) for f in delivery.failures] == [RuntimeError]
    assert delivery.failures[0].subscriber.endswith("broken.<locals>.listener")


@pytest.mark.django_db(transaction=True)
def test_subscribing_twice_is_hearing_once():
    calls = []

    def listener(**payload: object) -> None:
        calls.append(payload)

    events.subscribe(events.ROSTER_IMPORTED, listener)
    events.subscribe(events.ROSTER_IMPORTED, listener)  # an app's ready() run twice
    try:
        events.publish(events.ROSTER_IMPORTED, compound_ids=frozenset())
    finally:
        events.unsubscribe(events.ROSTER_IMPORTED, listener)
    assert calls == [{"compound_ids": frozenset()}]


def test_an_undeclared_event_is_refused():
    with pytest.raises(ValueError, match="unknown event"):
        events.subscribe("roster.imporetd", lambda **payload: None)
    with pytest.raises(ValueError, match="unknown event"):
        events.publish("roster.imporetd")
