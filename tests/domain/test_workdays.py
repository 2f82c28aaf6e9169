"""Working days of the official calendar: the shipped data, worked examples checked by hand against
the State Council notices, and the properties deadlines rely on."""

from __future__ import annotations

import datetime
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anju.domain.errors import DomainError
from anju.domain.workdays import (
    DATA_FILE,
    add_workdays,
    calendar_covers,
    calendar_from_data,
    default_calendar,
    holiday_name,
    is_workday,
    workdays_between,
)

D = datetime.date
WEEKDAY = "一二三四五六日"

# The weekday each notice prints beside a date, e.g. 2025 "1月26日（周日）…上班": a typo in the data
# file would show up here as a mismatch.
PRINTED_WEEKDAYS = [
    (D(2025, 1, 1), "三"), (D(2025, 1, 28), "二"), (D(2025, 2, 4), "二"), (D(2025, 1, 26), "日"),
    (D(2025, 2, 8), "六"), (D(2025, 4, 4), "五"), (D(2025, 5, 1), "四"), (D(2025, 5, 5), "一"),
    (D(2025, 4, 27), "日"), (D(2025, 5, 31), "六"), (D(2025, 6, 2), "一"), (D(2025, 10, 1), "三"),
    (D(2025, 10, 8), "三"), (D(2025, 9, 28), "日"), (D(2025, 10, 11), "六"),
    (D(2026, 1, 1), "四"), (D(2026, 1, 3), "六"), (D(2026, 1, 4), "日"), (D(2026, 2, 15), "日"),
    (D(2026, 2, 23), "一"), (D(2026, 2, 14), "六"), (D(2026, 2, 28), "六"), (D(2026, 4, 4), "六"),
    (D(2026, 4, 6), "一"), (D(2026, 5, 1), "五"), (D(2026, 5, 5), "二"), (D(2026, 5, 9), "六"),
    (D(2026, 6, 19), "五"), (D(2026, 6, 21), "日"), (D(2026, 9, 25), "五"), (D(2026, 9, 27), "日"),
    (D(2026, 10, 1), "四"), (D(2026, 10, 7), "三"), (D(2026, 9, 20), "日"), (D(2026, 10, 10), "六"),
    (D(2024, 2, 4), "日"), (D(2024, 2, 18), "日"), (D(2024, 4, 7), "日"), (D(2024, 4, 28), "日"),
    (D(2024, 5, 11), "六"), (D(2024, 9, 14), "六"), (D(2024, 9, 29), "日"), (D(2024, 10, 12), "六"),
]


@pytest.mark.parametrize(("day", "printed"), PRINTED_WEEKDAYS)
def test_dates_match_the_weekday_printed_in_the_notice(day, printed):
    assert WEEKDAY[day.weekday()] == printed


def test_every_shipped_year_names_its_source():
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    for year, entry in data["years"].items():
        source = entry["source"]
        assert str(year) in source["title"] and source["url"].startswith("http") and source["date"]
        assert isinstance(entry["verified"], bool)
        if not entry["verified"]:
            assert source.get("note")


@pytest.mark.parametrize(("year", "workdays"), [(2024, 251), (2025, 248), (2026, 248)])
def test_working_days_per_year_as_counted_by_hand(year, workdays):
    # 2025: 261 weekdays − 18 holiday weekdays + 5 make-up weekend days = 248.
    assert workdays_between(D(year - 1, 12, 31), D(year, 12, 31)) == workdays


def test_national_day_2025():
    assert holiday_name(D(2025, 10, 6)) == "国庆节、中秋节"
    assert not is_workday(D(2025, 10, 8))  # a Wednesday off
    assert is_workday(D(2025, 9, 28)) and is_workday(D(2025, 10, 11))  # Sunday and Saturday worked
    assert add_workdays(D(2025, 9, 26), 1) == D(2025, 9, 28)  # Friday → the make-up Sunday
    assert add_workdays(D(2025, 9, 30), 1) == D(2025, 10, 9)  # the whole week off is skipped
    assert add_workdays(D(2025, 9, 30), 3) == D(2025, 10, 11)  # Thu 9, Fri 10, make-up Sat 11
    assert add_workdays(D(2025, 10, 9), -1) == D(2025, 9, 30)
    assert workdays_between(D(2025, 9, 30), D(2025, 10, 8)) == 0


def test_spring_festival_2025():
    assert add_workdays(D(2025, 1, 24), 1) == D(2025, 1, 26)  # Friday → make-up Sunday
    assert add_workdays(D(2025, 1, 24), 3) == D(2025, 2, 5)  # Sun 26, Mon 27, then Wed 5 Feb
    assert workdays_between(D(2025, 1, 27), D(2025, 2, 5)) == 1
    assert is_workday(D(2025, 2, 8)) and not is_workday(D(2025, 2, 9))


def test_spring_festival_2026_is_nine_days():
    off = [D(2026, 2, 15) + datetime.timedelta(days=i) for i in range(9)]
    assert all(holiday_name(d) == "春节" for d in off) and not any(is_workday(d) for d in off)
    assert add_workdays(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert add_workdays(D(2026, 2, 14), 1) == D(2026, 2, 24)


def test_a_year_without_a_notice_counts_monday_to_friday():
    assert not calendar_covers([D(2030, 1, 1)]) and calendar_covers([D(2025, 6, 1), D(2026, 12, 31)])
    assert is_workday(D(2030, 1, 1))  # a Tuesday: the holiday is unknown until its notice is entered
    assert add_workdays(D(2030, 1, 4), 1) == D(2030, 1, 7)


def test_unverified_years_are_not_applied_and_typos_are_refused():
    entry = {"verified": False, "source": {}, "holidays": [{"name": "元旦", "from": "2030-01-01", "to": "2030-01-01"}],
             "workdays": []}
    cal = calendar_from_data({"years": {"2030": entry}})
    assert cal.is_workday(D(2030, 1, 1)) and not calendar_covers([D(2030, 1, 1)], cal)
    bad = {**entry, "verified": True, "workdays": ["2030-01-02"]}  # a Wednesday cannot be a make-up day
    with pytest.raises(DomainError):
        calendar_from_data({"years": {"2030": bad}})
    with pytest.raises(DomainError):
        calendar_from_data({"years": {"2030": {**entry, "verified": True,
                                                "holidays": [{"name": "x", "from": "2030-02-30", "to": "2030-03-01"}]}}})


days = st.dates(min_value=D(2023, 6, 1), max_value=D(2027, 6, 30))
counts = st.integers(min_value=0, max_value=60)


@given(days, st.integers(min_value=1, max_value=60))
def test_adding_lands_on_a_working_day_that_many_days_on(day, n):
    due = add_workdays(day, n)
    assert due > day and is_workday(due) and workdays_between(day, due) == n
    back = add_workdays(day, -n)
    # Counting back skips `day` itself, the count forward includes its end: `day` counts only if worked.
    assert back < day and is_workday(back) and workdays_between(back, day) == n - 1 + is_workday(day)


@given(days, days, counts)
def test_a_late_start_is_never_due_earlier(a, b, n):
    first, second = sorted((a, b))
    assert add_workdays(first, n) <= add_workdays(second, n)


@given(days, days, counts)
def test_late_exactly_when_started_before_the_bound(start, today, n):
    # What overdue queries rely on: due before today ⇔ started before add_workdays(today, -n).
    assert (add_workdays(start, n) < today) == (start < add_workdays(today, -n))


@given(days, days, days)
def test_counts_add_up(a, b, c):
    assert workdays_between(a, b) + workdays_between(b, c) == workdays_between(a, c)


@given(days)
def test_only_listed_days_differ_from_monday_to_friday(day):
    cal = default_calendar()
    if day not in cal.holidays and day not in cal.makeup_workdays:
        assert is_workday(day) == (day.weekday() < 5)
