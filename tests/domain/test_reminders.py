"""Retry back-off and quiet hours: worked examples and properties."""

from __future__ import annotations

import datetime

from hypothesis import given
from hypothesis import strategies as st

from anju.domain.reminders import after_quiet_hours, backoff_seconds, in_quiet_hours, parse_quiet_hours

NIGHT = (datetime.time(21), datetime.time(8))


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 12, day, hour, minute)


def test_backoff_doubles_from_the_base_up_to_the_cap():
    assert [backoff_seconds(n, base_seconds=60, cap_seconds=3600) for n in range(0, 9)] == [
        0,
        60,
        120,
        240,
        480,
        960,
        1920,
        3600,
        3600,
    ]


@given(st.integers(1, 10_000), st.integers(1, 10_000), st.integers(1, 10**7))
def test_backoff_never_shrinks_and_never_passes_the_cap(attempts, base, cap):
    now = backoff_seconds(attempts, base_seconds=base, cap_seconds=cap)
    later = backoff_seconds(attempts + 1, base_seconds=base, cap_seconds=cap)
    assert 0 < now <= later <= cap


def test_a_message_due_at_night_waits_for_eight_in_the_morning():
    start, end = NIGHT
    assert after_quiet_hours(at(3, 22, 30), start=start, end=end) == at(4, 8)
    assert after_quiet_hours(at(3, 3), start=start, end=end) == at(3, 8)
    assert after_quiet_hours(at(3, 21), start=start, end=end) == at(4, 8)
    assert after_quiet_hours(at(3, 8), start=start, end=end) == at(3, 8)
    assert after_quiet_hours(at(3, 20, 59), start=start, end=end) == at(3, 20, 59)


def test_quiet_hours_within_one_day_and_none():
    lunch = (datetime.time(12), datetime.time(14))
    assert after_quiet_hours(at(3, 13), start=lunch[0], end=lunch[1]) == at(3, 14)
    assert not in_quiet_hours(at(3, 3), start=datetime.time(0), end=datetime.time(0))
    assert parse_quiet_hours("21:00-08:00") == NIGHT
    assert parse_quiet_hours("off") == (datetime.time(0), datetime.time(0))


@given(
    st.datetimes(min_value=datetime.datetime(2000, 1, 1), max_value=datetime.datetime(2100, 1, 1)),
    st.times(),
    st.times(),
)
def test_the_shifted_time_is_never_earlier_never_quiet_and_within_a_day(moment, start, end):
    start, end = start.replace(second=0, microsecond=0), end.replace(second=0, microsecond=0)
    shifted = after_quiet_hours(moment, start=start, end=end)
    assert moment <= shifted <= moment + datetime.timedelta(days=1)
    assert not in_quiet_hours(shifted, start=start, end=end)
    if not in_quiet_hours(moment, start=start, end=end):
        assert shifted == moment
