"""The disclosure calendar: periods owed, the day each is due, which are late; the figures' articles."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anju.domain.errors import DomainError
from anju.domain.stewardship import disclosure
from anju.domain.stewardship.disclosure import Period, calendar, due_on, ended_periods, period_containing
from anju.domain.stewardship.rulesets import adjust, shipped

D = datetime.date
NATIONAL, BEIJING, SHANGHAI = shipped("national"), shipped("beijing"), shipped("shanghai")

# The disclosure figures, each checked by hand against the LawRefBook/Laws texts (北京 2024-03-29,
# 上海 2020-12-30, 民法典 合同编). The national fund figure's article is 待核: the 2007 measures are not
# in that copy (see test_the_unchecked_article_says_so).
CITED = [
    ("national", "common_income_publication_months", None, "《中华人民共和国民法典》第九百四十三条"),
    ("national", "manager_accounts_publication_months", None, "《中华人民共和国民法典》第九百四十三条"),
    ("beijing", "common_income_publication_months", 12, "《北京市物业管理条例》第七十条第（五）项"),
    ("beijing", "manager_accounts_publication_months", 12, "《北京市物业管理条例》第七十条第（四）项"),
    ("beijing", "committee_decision_publicity_days", 3, "《北京市物业管理条例》第四十五条"),
    ("shanghai", "fund_publication_months", 6, "《上海市住宅物业管理规定》第六十六条"),
    ("shanghai", "common_income_publication_months", 3, "《上海市住宅物业管理规定》第六十六条"),
    ("shanghai", "manager_accounts_publication_months", 12, "《上海市住宅物业管理规定》第四十八条"),
    ("shanghai", "committee_decision_publicity_days", 3, "《上海市住宅物业管理规定》第二十六条"),
]


@pytest.mark.parametrize(("ruleset", "key", "value", "cited"), CITED, ids=[f"{r}-{k}" for r, k, *_ in CITED])
def test_each_disclosure_figure_is_what_its_article_says(ruleset, key, value, cited):
    figure = shipped(ruleset).figure(key)
    assert figure.value == value
    assert figure.source is not None and figure.source.zh == cited and not figure.source.pending


def test_the_unchecked_article_says_so():
    source = NATIONAL.figure("fund_publication_months").source
    assert NATIONAL.value("fund_publication_months") == 12
    assert source.pending and source.pending_zh == "（条款待核）"
    assert source.zh == "《住宅专项维修资金管理办法》第三十六条"


def test_no_text_sets_the_grace_days_so_thirty_apply_until_the_subdistrict_says():
    assert all(r.value("disclosure_grace_days") is None for r in (NATIONAL, BEIJING, SHANGHAI))
    assert disclosure.grace_days(NATIONAL) == 30
    assert (
        disclosure.grace_days(adjust(NATIONAL, {"disclosure_grace_days": 15}, reason="街道要求半月内公示"))
        == 15
    )


# --- worked examples, checked by hand against the 2023–2026 official calendar ------------------------


def test_shanghai_half_years_from_the_day_the_account_opened():
    # Account opened 5 March 2023; on 31 January 2026 six half-years have ended. 2023 H1 ends 30 June,
    # + 30 days = 30 July 2023, a Sunday → Monday 31 July. Published 10 July: on time.
    h1_2023 = Period(D(2023, 1, 1), D(2023, 6, 30))
    owed = calendar(SHANGHAI, "fund", D(2023, 3, 5), D(2026, 1, 31), {h1_2023: D(2023, 7, 10)})
    assert [o.period.zh for o in owed] == [
        "2023年上半年",
        "2023年下半年",
        "2024年上半年",
        "2024年下半年",
        "2025年上半年",
        "2025年下半年",
    ]
    assert owed[0].due.deadline == D(2023, 7, 31) and owed[0].due.state == "done"
    # 2025 H2: 31 December + 30 = Friday 30 January 2026; on the 31st it is one day late.
    assert owed[-1].due.deadline == D(2026, 1, 30) and owed[-1].overdue and owed[-1].due.days_left == -1


def test_the_national_year_statement_waits_for_the_spring_festival():
    # 2024's statement: 31 December 2024 + 30 days = 30 January 2025, inside the Spring Festival
    # holiday (28 January – 4 February 2025) → Wednesday 5 February.
    assert due_on(NATIONAL, period_containing(D(2024, 5, 1), 12)) == D(2025, 2, 5)


def test_quarters_read_as_they_are_written():
    assert [p.zh for p in ended_periods(3, D(2025, 2, 1), D(2026, 1, 1))] == [
        "2025年第一季度",
        "2025年第二季度",
        "2025年第三季度",
        "2025年第四季度",
    ]
    assert period_containing(D(2025, 8, 15), 3).en == "2025 Q3"
    assert period_containing(D(2025, 8, 15), 6).en == "2025 H2"


def test_a_period_still_running_is_not_owed_yet():
    # On 31 December 2025 the second half-year has not ended: only the first is owed.
    assert [p.zh for p in ended_periods(6, D(2025, 1, 1), D(2025, 12, 31))] == ["2025年上半年"]


def test_a_rule_set_without_the_figure_owes_nothing_of_that_kind():
    assert calendar(NATIONAL, "common_income", D(2020, 1, 1), D(2026, 1, 1), {}) == []


def test_published_late_is_done_late_not_overdue():
    period = Period(D(2024, 7, 1), D(2024, 12, 31))
    (owed,) = calendar(SHANGHAI, "fund", D(2024, 7, 1), D(2025, 3, 1), {period: D(2025, 2, 20)})
    assert owed.due.state == "done_late" and not owed.overdue


def test_committee_decisions_within_three_days_across_the_national_day_holiday():
    # A meeting on 30 September 2025: + 3 days = 3 October, inside the 1–8 October holiday → 9 October.
    assert disclosure.decision_due(BEIJING, D(2025, 9, 30)) == D(2025, 10, 9)
    assert disclosure.decision_due(NATIONAL, D(2025, 9, 30)) is None


def test_a_period_length_that_does_not_divide_the_year_is_refused():
    with pytest.raises(DomainError) as error:
        period_containing(D(2025, 1, 1), 5)
    assert error.value.field == "months"


# --- properties ----------------------------------------------------------------------------------

days = st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31))
lengths = st.sampled_from(disclosure.PERIOD_MONTHS)


@given(days, lengths)
def test_a_day_lies_in_its_period_which_has_the_stated_length(day, months):
    period = period_containing(day, months)
    assert period.start <= day <= period.end and period.months == months and period.start.day == 1


@given(days, days, lengths)
def test_the_periods_owed_tile_the_time_from_the_start_to_today(a, b, months):
    since, today = min(a, b), max(a, b)
    periods = ended_periods(months, since, today)
    for earlier, later in zip(periods, periods[1:], strict=False):
        assert later.start == earlier.end + datetime.timedelta(days=1)
    if periods:
        assert periods[0].start <= since <= periods[0].end and periods[-1].end < today
    # The next period has not ended: nothing owed is missing.
    following = period_containing(
        (periods[-1].end if periods else since - datetime.timedelta(days=1)) + datetime.timedelta(days=1),
        months,
    )
    assert following.end >= today or not periods and following.start > since


@given(days, days, st.sets(st.integers(min_value=0, max_value=40)))
def test_overdue_exactly_when_unpublished_and_past_its_day(a, b, published_indexes):
    since, today = min(a, b), max(a, b)
    periods = ended_periods(6, since, today)
    published = {
        p: p.end + datetime.timedelta(days=5) for i, p in enumerate(periods) if i in published_indexes
    }
    for owed in calendar(SHANGHAI, "fund", since, today, published):
        assert owed.due.deadline > owed.period.end
        assert owed.overdue == (owed.period not in published and owed.due.deadline < today)


# --- the fund's statement ------------------------------------------------------------------------

Movement = disclosure.Movement


def test_a_half_year_of_the_fund_by_hand():
    # Before the period: 100,000.00 deposited. In it: interest 1,000.00, common income 600.00, a draw of
    # 20,000.00 for the roof of which 500.00 was reversed (over-paid), a deposit of 50.00 booked by mistake
    # and reversed. Closing: 100,000 + 1,000 + 600 − 19,500 = 82,100.00.
    h2 = Period(D(2025, 7, 1), D(2025, 12, 31))
    moves = [
        Movement("opening", 10_000_000, D(2025, 3, 2), "3栋"),
        Movement("interest", 100_000, D(2025, 12, 21), "3栋"),
        Movement("common_income", 60_000, D(2025, 8, 1), "1栋"),
        Movement("draw", 2_000_000, D(2025, 9, 1), "3栋", case="roof"),
        Movement("reversal", 50_000, D(2025, 9, 9), "3栋", reverses="draw", case="roof"),
        Movement("topup", 5_000, D(2025, 10, 1), "1栋"),
        Movement("reversal", 5_000, D(2025, 10, 2), "1栋", reverses="topup"),
        Movement("interest", 99, D(2026, 1, 5), "3栋"),  # after the period: not in it
    ]
    s = disclosure.fund_statement(moves, h2)
    assert (s.opening, s.deposits, s.interest, s.common_income, s.draws, s.closing) == (
        10_000_000,
        0,
        100_000,
        60_000,
        1_950_000,
        8_210_000,
    )
    assert s.ledgers == {"3栋": 8_150_000, "1栋": 60_000} and s.cases == {"roof": 1_950_000}


kinds = st.sampled_from(["opening", "topup", "interest", "common_income", "draw"])
movements = st.lists(
    st.builds(
        lambda k, a, d, ledger, rev, case: Movement(
            "reversal" if rev else k, a, d, ledger, k if rev else None, case if k == "draw" else None
        ),
        kinds,
        st.integers(1, 10**9),
        st.dates(D(2020, 1, 1), D(2026, 12, 31)),
        st.sampled_from(["1栋", "2栋", "3栋1单元"]),
        st.booleans(),
        st.sampled_from(["a", "b"]),
    ),
    max_size=40,
)


@given(movements, st.dates(D(2020, 1, 1), D(2026, 12, 31)), lengths)
def test_a_statement_always_balances_and_the_next_one_opens_where_it_closed(moves, day, months):
    period = period_containing(day, months)
    s = disclosure.fund_statement(moves, period)
    assert s.closing == s.opening + s.deposits + s.interest + s.common_income - s.draws
    assert s.closing == sum(s.ledgers.values()) and sum(s.cases.values()) == s.draws
    following = period_containing(period.end + datetime.timedelta(days=1), months)
    assert disclosure.fund_statement(moves, following).opening == s.closing
