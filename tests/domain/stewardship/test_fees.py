"""物业费 rules: bills to the fen, proration, payments oldest first, arrears by age, collection rates."""

from __future__ import annotations

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anju.domain.errors import DomainError
from anju.domain.stewardship import fees
from anju.domain.stewardship.fees import Open, Period, Rates
from anju.domain.stewardship.rulesets import CATALOGUE, adjust, shipped

D = datetime.date
F = Fraction

# The fee figures of the rule sets, each with the article it comes from.
CITED = [
    ("national", "vacant_fee_share", F(1), "《中华人民共和国民法典》第九百四十四条"),
    ("national", "fee_demand_days", None, "《中华人民共和国民法典》第九百四十四条"),
    ("national", "utility_cutoff_forbidden", True, "《中华人民共和国民法典》第九百四十四条"),
    ("beijing", "vacant_fee_share", F(1), "《北京市物业管理条例》第七十二条"),
    ("beijing", "committee_fee_publication_months", 6, "《北京市物业管理条例》第四十四条第（八）项"),
    ("beijing", "utility_cutoff_forbidden", True, "《中华人民共和国民法典》第九百四十四条"),
    ("shanghai", "vacant_fee_share", F(1), "《上海市住宅物业管理规定》第四十九条"),
    ("shanghai", "fee_demand_days", None, "《上海市住宅物业管理规定》第四十九条"),
    ("shanghai", "utility_cutoff_forbidden", True, "《中华人民共和国民法典》第九百四十四条"),
]


@pytest.mark.parametrize(("ruleset", "key", "value", "where"), CITED)
def test_every_fee_figure_is_the_articles(ruleset, key, value, where):
    figure = shipped(ruleset).figure(key)
    assert figure.value == value
    assert figure.source is not None and figure.source.zh == where


def test_the_ban_on_cutting_utilities_cannot_be_adjusted():
    assert CATALOGUE["utility_cutoff_forbidden"].fixed
    with pytest.raises(DomainError, match="不能调整"):
        adjust(shipped("beijing"), {"utility_cutoff_forbidden": False}, reason="想停水催费")
    # A sub-district may agree a discount for vacant homes and a period to pay.
    rules = adjust(shipped("national"), {"vacant_fee_share": "7/10", "fee_demand_days": 15}, reason="合同约定")
    assert rules.value("vacant_fee_share") == F(7, 10) and rules.value("fee_demand_days") == 15
    assert "停止供电" in fees.FORBIDDEN_NOTICE_ZH and "第九百四十四条" in fees.FORBIDDEN_NOTICE_ZH


# --- worked examples, checked by hand -----------------------------------------------------------------


def test_a_month_at_80_fen_on_78_62_m2_is_62_90_yuan():
    # 78.62 × 0.80 = 62.896 → 62.90 元
    bill = fees.bill_amount(area=Decimal("78.62"), rate_fen=80, period=Period(2024, 3), vacant=False,
                            vacant_share=F(1))
    assert bill.property_fen == 6290 and bill.parking_fen == 0 and bill.total == 6290


def test_vacant_home_pays_the_share_and_parking_is_prorated_by_day():
    # 60 ㎡ × 1.20 元 × 70% = 50.40 元; a space at 150 元 let from 17 April: 14/30 × 150 = 70.00 元
    bill = fees.bill_amount(area=Decimal("60.00"), rate_fen=120, period=Period(2024, 4), vacant=True,
                            vacant_share=F(7, 10), parking_fen=15000,
                            parking_days=[fees.days_served(Period(2024, 4), D(2024, 4, 17), None)])
    assert (bill.property_fen, bill.parking_fen, bill.total) == (5040, 7000, 12040)


def test_a_standard_from_the_tenth_of_february_in_a_leap_year():
    # 20 of 29 days: 100 ㎡ × 0.85 × 20/29 = 58.6206… → 58.62 元
    days = fees.days_served(Period(2024, 2), D(2024, 2, 10), None)
    assert days == 20
    bill = fees.bill_amount(area=Decimal("100"), rate_fen=85, period=Period(2024, 2), vacant=False, vacant_share=F(1),
                            served=days)
    assert bill.property_fen == 5862


def test_a_payment_settles_the_oldest_bills_first_and_keeps_the_rest_as_credit():
    bills = [Open(3, Period(2024, 3), 6290), Open(1, Period(2024, 1), 6290), Open(2, Period(2024, 2), 6290)]
    made, left = fees.allocate(15000, bills)
    assert made == [(1, 6290), (2, 6290), (3, 2420)] and left == 0
    made, left = fees.allocate(20000, bills)
    assert made == [(1, 6290), (2, 6290), (3, 6290)] and left == 20000 - 3 * 6290


def test_arrears_by_age_as_of_march_2025():
    owed = [(Period(2025, 3), 100), (Period(2025, 2), 200), (Period(2024, 12), 300), (Period(2024, 9), 400),
            (Period(2024, 4), 500), (Period(2024, 3), 600), (Period(2023, 1), 700)]
    # 2025-02: 1 month, 2024-12: 3 → up to 3; 2024-09: 6 → 3–6; 2024-04: 11, 2024-03: 12 → 6–12; 2023-01: 26 → >12.
    assert fees.ageing(owed, Period(2025, 3)) == {"m0_3": 500, "m3_6": 400, "m6_12": 1100, "m12": 700}


def test_collection_rates_by_amount_and_by_household():
    r = fees.rates([(6290, 6290), (6290, 0), (5040, 2000), (0, 0)])
    assert r.by_amount == F(8290, 17620) and r.by_household == F(1, 3)
    assert Rates().by_amount is None and Rates().by_household is None


def test_months_parse_and_count():
    assert Period.parse("2024-3") == Period.parse("2024年3月") == Period.parse("202403") == Period(2024, 3)
    assert Period(2024, 11) + 3 == Period(2025, 2) and Period(2025, 2) - Period(2024, 11) == 3
    assert fees.half_year(2024, 2) == (Period(2024, 7), Period(2024, 12))
    with pytest.raises(DomainError):
        Period.parse("三月")


def test_room_codes_as_managers_write_them():
    assert fees.parse_room("3栋2单元501") == ("3", "2", "501")
    assert fees.parse_room("12号楼1单元302室") == ("12", "1", "302")
    assert fees.parse_room("501") is None


# --- properties ----------------------------------------------------------------------------------------

areas = st.decimals(min_value=Decimal("1.00"), max_value=Decimal("400.00"), places=2)
rate_fens = st.integers(min_value=1, max_value=fees.MAX_RATE_FEN)
periods = st.builds(Period, st.integers(2000, 2100), st.integers(1, 12))


@given(areas, rate_fens, periods)
def test_a_full_month_is_area_times_rate_to_the_fen(area, rate, period):
    bill = fees.bill_amount(area=area, rate_fen=rate, period=period, vacant=False, vacant_share=F(1))
    assert abs(F(bill.property_fen) - F(area) * rate) <= F(1, 2)


@given(areas, rate_fens, periods, st.data())
def test_proration_never_exceeds_the_month_and_grows_with_the_days(area, rate, period, data):
    a = data.draw(st.integers(0, period.days))
    b = data.draw(st.integers(a, period.days))
    short = fees.bill_amount(area=area, rate_fen=rate, period=period, vacant=False, vacant_share=F(1), served=a)
    long = fees.bill_amount(area=area, rate_fen=rate, period=period, vacant=False, vacant_share=F(1), served=b)
    full = fees.bill_amount(area=area, rate_fen=rate, period=period, vacant=False, vacant_share=F(1))
    assert short.property_fen <= long.property_fen <= full.property_fen
    assert fees.bill_amount(area=area, rate_fen=rate, period=period, vacant=False, vacant_share=F(1),
                            served=0).property_fen == 0


@given(areas, rate_fens, periods, st.fractions(min_value=0, max_value=1))
def test_a_vacant_home_never_pays_more_than_an_occupied_one(area, rate, period, share):
    vacant = fees.bill_amount(area=area, rate_fen=rate, period=period, vacant=True, vacant_share=share)
    lived = fees.bill_amount(area=area, rate_fen=rate, period=period, vacant=False, vacant_share=share)
    assert vacant.property_fen <= lived.property_fen


owed_lists = st.lists(st.tuples(periods, st.integers(0, 100_000)), max_size=30)


@given(st.integers(0, 3_000_000), owed_lists)
def test_allocation_pays_no_bill_beyond_its_due_and_loses_no_fen(amount, owed):
    bills = [Open(i, p, fen) for i, (p, fen) in enumerate(owed)]
    made, left = fees.allocate(amount, bills)
    assert sum(fen for _key, fen in made) + left == amount
    by_key = {b.key: b for b in bills}
    assert all(0 < fen <= by_key[key].owed for key, fen in made)
    assert left == 0 or sum(fen for _k, fen in made) == sum(b.owed for b in bills)
    # Oldest first: no bill is paid while an older one stays short.
    paid = dict(made)
    ordered = sorted(bills, key=lambda b: (b.period, b.key))
    short = [b for b in ordered if paid.get(b.key, 0) < b.owed]
    if short:
        first_short = ordered.index(short[0])
        assert all(paid.get(b.key, 0) == 0 for b in ordered[first_short + 1:])


@given(owed_lists, periods)
def test_ageing_buckets_sum_to_all_arrears_before_the_month(owed, as_of):
    buckets = fees.ageing(owed, as_of)
    assert sum(buckets.values()) == sum(fen for p, fen in owed if p < as_of)


@given(st.lists(st.integers(0, 100_000).flatmap(lambda due: st.tuples(st.just(due), st.integers(0, due))), max_size=40))
def test_rates_lie_between_zero_and_one_and_add_up(pairs):
    r = fees.rates(pairs)
    half = len(pairs) // 2
    assert fees.rates(pairs[:half]) + fees.rates(pairs[half:]) == r
    for value in (r.by_amount, r.by_household):
        assert value is None or 0 <= value <= 1
    assert r.paid_households <= r.households


def test_a_new_standard_from_the_sixteenth_splits_the_month_by_day():
    # June 2025: 0.80 for 15 days, 1.00 for 15 days on 90 ㎡: 90×0.80×15/30 + 90×1.00×15/30 = 36 + 45 = 81.00 元
    segments = fees.segments_of(Period(2025, 6), [(D(2021, 2, 1), 80), (D(2025, 6, 16), 100)])
    assert segments == [(80, 15), (100, 15)]
    bill = fees.bill_amount(area=Decimal("90"), rate_fen=100, period=Period(2025, 6), vacant=False, vacant_share=F(1),
                            segments=segments)
    assert bill.property_fen == 8100
    assert fees.segments_of(Period(2025, 7), [(D(2021, 2, 1), 80), (D(2025, 6, 16), 100)]) == [(100, 31)]


@given(areas, rate_fens, periods, st.data())
def test_splitting_a_month_at_one_rate_changes_nothing(area, rate, period, data):
    cut = data.draw(st.integers(2, period.days))
    segments = fees.segments_of(period, [(period.first, rate), (period.first.replace(day=cut), rate)])
    assert sum(days for _r, days in segments) == period.days
    whole = fees.bill_amount(area=area, rate_fen=rate, period=period, vacant=False, vacant_share=F(1))
    split = fees.bill_amount(area=area, rate_fen=rate, period=period, vacant=False, vacant_share=F(1), segments=segments)
    assert split == whole
