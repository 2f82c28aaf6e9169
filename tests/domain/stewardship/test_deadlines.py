"""Deadlines counted as the Civil Code counts them (arts. 201–203), on the official calendar."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anju.domain.errors import DomainError
from anju.domain.stewardship.deadlines import add_months, deadline_after, due, latest_before
from anju.domain.stewardship.rulesets import adjust, shipped
from anju.domain.workdays import default_calendar

D = datetime.date
NATIONAL, BEIJING, SHANGHAI = shipped("national"), shipped("beijing"), shipped("shanghai")


def test_filing_30_days_after_an_election_on_an_ordinary_day():
    # 条例 art. 16: elected Monday 2026-03-02; day one is 03-03 (art. 201), day 30 is Wednesday 04-01.
    assert deadline_after(NATIONAL, "committee_filing_days", D(2026, 3, 2)) == D(2026, 4, 1)


def test_a_deadline_on_a_holiday_moves_to_the_next_working_day():
    # Elected 2024-09-01: day 30 is 10-01, National Day; the holiday runs to 10-07, so 10-08 (art. 203).
    assert deadline_after(NATIONAL, "committee_filing_days", D(2024, 9, 1)) == D(2024, 10, 8)


def test_a_deadline_on_a_sunday_moves_to_monday_but_a_working_saturday_holds():
    # Day 7 after Sunday 2026-03-01 is Sunday 03-08 → Monday 03-09.
    assert deadline_after(NATIONAL, "committee_first_meeting_days", D(2026, 3, 1)) == D(2026, 3, 9)
    # 2024-10-12 is a Saturday worked in exchange for the National Day holiday: it stays the last day.
    assert deadline_after(NATIONAL, "committee_first_meeting_days", D(2024, 10, 5)) == D(2024, 10, 12)


def test_working_days_skip_the_spring_festival_and_count_its_working_saturday():
    # 北京 art. 43: the 街道 files within 5 working days. Applied Monday 2025-01-27: 01-28..02-04 is 春节,
    # so the working days are 02-05, 02-06, 02-07, Saturday 02-08 (a working day) and Monday 02-10.
    assert deadline_after(BEIJING, "filing_review_days", D(2025, 1, 27)) == D(2025, 2, 10)


def test_months_end_on_the_same_date_or_the_last_day_of_a_shorter_month():
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert add_months(D(2025, 8, 15), -6) == D(2025, 2, 15)
    # 应急物业 at most 6 months from 2026-03-31: 09-30 (北京 art. 77).
    assert deadline_after(BEIJING, "emergency_service_months_max", D(2026, 3, 31)) == D(2026, 9, 30)


def test_a_report_before_the_term_ends_counts_back_from_the_end_and_is_not_moved():
    # 北京 art. 49: 6 months before a term ending 2026-09-20 is 2026-03-20; 上海 art. 28: 5 months.
    assert latest_before(BEIJING, "term_end_report_months", D(2026, 9, 20)) == D(2026, 3, 20)
    assert latest_before(SHANGHAI, "term_end_report_months", D(2026, 9, 20)) == D(2026, 4, 20)
    # 15 days' publicity before a first meeting on 2026-06-20: publish by 06-05 (北京 art. 32).
    assert latest_before(BEIJING, "first_assembly_publicity_days", D(2026, 6, 20)) == D(2026, 6, 5)


def test_the_first_assembly_falls_due_60_days_in_beijing_and_90_in_shanghai():
    formed = D(2026, 3, 2)
    assert deadline_after(BEIJING, "first_assembly_within_days", formed) == D(2026, 5, 6)  # 05-01 is 劳动节 … 05-05
    assert deadline_after(SHANGHAI, "first_assembly_within_days", formed) == D(2026, 6, 1)  # 05-31 is a Sunday


def test_a_figure_the_rule_set_does_not_set_is_refused_by_name():
    with pytest.raises(DomainError) as error:
        deadline_after(NATIONAL, "application_review_days", D(2026, 3, 2))
    assert error.value.field == "application_review_days" and "未规定" in error.value.zh
    with pytest.raises(DomainError):
        deadline_after(NATIONAL, "committee_members_min", D(2026, 3, 2))


def test_an_adjusted_figure_moves_the_deadline():
    rules = adjust(BEIJING, {"contract_filing_days": 20}, reason="区里要求")
    assert deadline_after(rules, "contract_filing_days", D(2026, 3, 2)) == D(2026, 3, 23)  # 03-22 is a Sunday


def test_where_a_step_stands():
    deadline = D(2026, 4, 1)
    assert due(deadline, D(2026, 3, 1)).state == "open"
    assert due(deadline, D(2026, 3, 25)).state == "due_soon" and due(deadline, D(2026, 3, 25)).zh == "还剩 7 天"
    assert due(deadline, D(2026, 4, 1)).zh == "今天到期"
    assert due(deadline, D(2026, 4, 3)).state == "overdue" and due(deadline, D(2026, 4, 3)).zh == "已逾期 2 天"
    assert due(deadline, D(2026, 4, 3), done_on=D(2026, 4, 1)).state == "done"
    assert due(deadline, D(2026, 4, 3), done_on=D(2026, 4, 2)).zh == "已完成（逾期）"


dates = st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 10, 1))
day_figures = st.sampled_from(["committee_filing_days", "committee_first_meeting_days", "assembly_notice_days",
                               "manager_dismissal_notice_days", "manager_nonrenewal_notice_days"])


@given(dates, day_figures)
def test_a_day_deadline_is_the_first_working_day_on_or_after_its_last_day(start, key):
    n = NATIONAL.value(key)
    deadline = deadline_after(NATIONAL, key, start)
    cal = default_calendar()
    assert deadline >= start + datetime.timedelta(days=n)
    assert cal.is_workday(deadline)
    day = start + datetime.timedelta(days=n)
    while day < deadline:
        assert not cal.is_workday(day)
        day += datetime.timedelta(days=1)


@given(dates, st.integers(min_value=-36, max_value=36))
def test_months_keep_the_date_or_take_the_last_day(start, months):
    end = add_months(start, months)
    assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == months
    assert end.day == start.day or (end.day < start.day and (end + datetime.timedelta(days=1)).day == 1)


@given(dates, dates)
def test_a_step_is_overdue_exactly_when_today_is_past_its_deadline(deadline, today):
    state = due(deadline, today)
    assert (state.state == "overdue") == (today > deadline)
