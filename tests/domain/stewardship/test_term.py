"""A committee's term, its state and its officers (指导规则 art. 32, 北京 arts. 41/49/54/58, 上海 arts. 20/28)."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anju.domain.errors import DomainError
from anju.domain.stewardship import bodies
from anju.domain.stewardship.rulesets import shipped
from anju.domain.stewardship.term import (
    CHAIR,
    ENDING_DAYS,
    MEMBER,
    VICE,
    check_interim_term,
    check_roles,
    report_due,
    term_end,
    term_state,
)

D = datetime.date
NATIONAL, BEIJING, SHANGHAI = shipped("national"), shipped("beijing"), shipped("shanghai")
dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 12, 31))


def test_a_five_year_term_ends_on_the_same_date_five_years_on():
    # Elected 2021-06-15: day one is 06-16 (Civil Code art. 201), the last day 2026-06-15 (art. 202).
    assert term_end(D(2021, 6, 15), 5) == D(2026, 6, 15)


def test_a_term_from_29_february_ends_on_28_february():
    # 2024-02-29 + 3 years has no 29 February: the month's last day (art. 202).
    assert term_end(D(2024, 2, 29), 3) == D(2027, 2, 28)


@given(dates, st.integers(min_value=1, max_value=5))
def test_a_term_lasts_its_years_give_or_take_the_leap_days(start, years):
    end = term_end(start, years)
    assert 365 * years - 1 <= (end - start).days <= 365 * years + 2
    assert end.month == start.month and end.day <= start.day


@given(dates, st.integers(min_value=1, max_value=5), dates)
def test_a_term_is_ending_only_in_its_last_90_days_and_expired_only_after_its_last_day(start, years, today):
    end = term_end(start, years)
    state = term_state(end, today)
    assert (state == "expired") == (today > end)
    assert (state == "ending") == (0 <= (end - today).days <= ENDING_DAYS)


def test_the_reminder_starts_90_days_before_the_last_day():
    end = D(2026, 6, 15)
    assert term_state(end, D(2026, 3, 16)) == "in_office"  # 91 days left
    assert term_state(end, D(2026, 3, 17)) == "ending"  # 90 days left
    assert term_state(end, end) == "ending"
    assert term_state(end, D(2026, 6, 16)) == "expired"


def test_no_committee_serves_more_than_five_years():
    # 指导规则 art. 32, 北京 art. 41, 上海 art. 20: at most five years; 上海 at least three.
    for rules in (NATIONAL, BEIJING, SHANGHAI):
        bodies.check_term(rules, 5)
        with pytest.raises(DomainError) as error:
            bodies.check_term(rules, 6)
        assert error.value.field == "term_years"
    with pytest.raises(DomainError, match="不少于 3 年"):
        bodies.check_term(SHANGHAI, 2)
    bodies.check_term(NATIONAL, 2)


def test_an_interim_committee_serves_at_most_three_years_in_beijing():
    check_interim_term(BEIJING, 3)
    with pytest.raises(DomainError, match="第五十八条"):
        check_interim_term(BEIJING, 4)


def test_the_end_of_term_report_is_six_months_ahead_in_beijing_and_five_in_shanghai():
    end = D(2026, 6, 15)
    assert report_due(BEIJING, end) == D(2025, 12, 15)  # 北京 art. 49
    assert report_due(SHANGHAI, end) == D(2026, 1, 15)  # 上海 art. 28
    assert report_due(NATIONAL, end) is None


def test_the_first_meeting_chooses_one_chair():
    check_roles([CHAIR, VICE, MEMBER, MEMBER, MEMBER])
    with pytest.raises(DomainError, match="1 名主任"):
        check_roles([MEMBER] * 5)
    with pytest.raises(DomainError, match="1 名主任"):
        check_roles([CHAIR, CHAIR, MEMBER, MEMBER, MEMBER])
    with pytest.raises(DomainError, match="副主任人数过多"):
        check_roles([CHAIR, VICE, VICE])


@given(st.lists(st.sampled_from([CHAIR, VICE, MEMBER]), min_size=1, max_size=11))
def test_roles_pass_only_with_exactly_one_chair(roles):
    try:
        check_roles(roles)
    except DomainError:
        assert roles.count(CHAIR) != 1 or (roles.count(VICE) and roles.count(VICE) >= len(roles) - 1)
    else:
        assert roles.count(CHAIR) == 1


@given(dates)
def test_a_filing_is_due_30_days_on_moved_only_past_rest_days(elected):
    # 条例 art. 16 / 规则 art. 33: within 30 days (Civil Code art. 201: from the next day); a last day that
    # is a rest day moves to the next working day (art. 203), never by more than the longest holiday.
    from anju.domain.stewardship.deadlines import deadline_after, due

    last = deadline_after(NATIONAL, "committee_filing_days", elected)
    assert 30 <= (last - elected).days <= 30 + 9
    assert due(last, last, last).state == "done" and due(last, last, last + datetime.timedelta(days=1)).state == "done_late"


def test_a_change_is_filed_within_30_days_in_every_shipped_rule_set():
    # 指导规则 art. 34, 北京 art. 50, 上海 art. 33: 30 days.
    for rules, cited in ((NATIONAL, "第三十四条"), (BEIJING, "第五十条"), (SHANGHAI, "第三十三条")):
        assert rules.value("committee_change_filing_days") == 30 and cited in rules.figure("committee_change_filing_days").source.zh
