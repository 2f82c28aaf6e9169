from __future__ import annotations

import pytest

from anju.core import events


@pytest.fixture
def failing_follower():
    """Something above the roster that hears of imports and fails (as the programme's refresh might)."""

    def follower(**payload: object) -> None:
        raise RuntimeError("refresh went wrong")

    events.subscribe(events.ROSTER_IMPORTED, follower)
    yield follower
    events.unsubscribe(events.ROSTER_IMPORTED, follower)
