"""The maintenance fund's pure rules: an append-only ledger, the 30% line, shares by area, emergencies."""

from __future__ import annotations

import datetime
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anju.domain.errors import DomainError
from anju.domain.stewardship.fund import (
    EMERGENCIES,
    Entry,
    Payer,
    balance,
    check_emergency,
    check_entry,
    check_shares,
    emergency_due,
    first_contribution,
    instalments_left,
    shares_by_area,
    topup_line,
)
from anju.domain.stewardship.rulesets import shipped

D = datetime.date
NATIONAL, BEIJING, SHANGHAI = shipped("national"), shipped("beijing"), shipped("shanghai")


def book(entries: list[Entry], kind: str, amount: int, reverses: str | None = None) -> list[Entry]:
    new = Entry(str(len(entries) + 1), kind, amount, reverses)  # type: ignore[arg-type]
    check_entry(entries, new)
    return [*entries, new]


# --- worked examples, checked by hand ----------------------------------------------------------


def test_a_ledger_by_hand():
    # 首期 100,000.00 + 利息 1,234.56 + 共有收入 5,000.00 − 屋面防水 80,000.00 = 26,234.56 元.
    ledger: list[Entry] = []
    ledger = book(ledger, "opening", 10_000_000)
    ledger = book(ledger, "interest", 123_456)
    ledger = book(ledger, "common_income", 500_000)
    ledger = book(ledger, "draw", 8_000_000)
    assert balance(ledger) == 2_623_456
    # Line: 30% of 100,000.00 = 30,000.00; 26,234.56 < 30,000.00, so the owners must top up.
    line = topup_line(NATIONAL, ledger)
    assert line.first == 10_000_000 and line.line_fen == 3_000_000 and line.below
    # A top-up of 5,000.00 brings it to 31,234.56: above the line again.
    ledger = book(ledger, "topup", 500_000)
    assert not topup_line(NATIONAL, ledger).below


def test_exactly_30_percent_is_not_below_the_line():
    # "不足 30%" is strictly below: 3,000.00 of 10,000.00 is on the line, one fen less is below.
    ledger = book(book([], "opening", 1_000_000), "draw", 700_000)
    assert balance(ledger) == 300_000 and not topup_line(BEIJING, ledger).below
    assert topup_line(BEIJING, book(ledger, "draw", 1)).below


def test_the_line_cites_its_article_in_every_rule_set():
    assert NATIONAL.figure("fund_topup_share").source.zh == "《住宅专项维修资金管理办法》第十七条"
    assert BEIJING.figure("fund_topup_share").source.zh == "《北京市物业管理条例》第八十三条"
    assert SHANGHAI.figure("fund_topup_share").source.zh == "《上海市住宅物业管理规定》第六十五条"
    assert all(r.value("fund_topup_share") == Fraction(3, 10) for r in (NATIONAL, BEIJING, SHANGHAI))
    assert SHANGHAI.value("fund_emergency_approval_days") == 7
    assert SHANGHAI.figure("fund_emergency_approval_days").source.zh == "《上海市住宅物业管理规定》第七十三条"
    assert NATIONAL.value("fund_emergency_approval_days") is None
    assert (NATIONAL.value("fund_publication_months"), SHANGHAI.value("fund_publication_months"),
            BEIJING.value("fund_publication_months")) == (12, 6, 3)


def test_a_reversal_undoes_its_entry_once_and_only_its_whole_amount():
    ledger = book(book([], "opening", 1_000_000), "draw", 400_000)
    ledger = book(ledger, "reversal", 400_000, reverses="2")  # the draw was booked by mistake
    assert balance(ledger) == 1_000_000
    with pytest.raises(DomainError) as twice:
        book(ledger, "reversal", 400_000, reverses="2")
    assert twice.value.field == "reverses" and "已被冲正" in twice.value.zh
    with pytest.raises(DomainError, match="不能再冲正"):
        book(ledger, "reversal", 400_000, reverses="3")
    with pytest.raises(DomainError, match="原记账相同"):
        book(ledger, "reversal", 1, reverses="1")
    with pytest.raises(DomainError, match="指明"):
        book(ledger, "reversal", 1, reverses="99")


def test_a_reversed_opening_deposit_is_not_a_first_contribution():
    ledger = book(book(book([], "opening", 500_000), "opening", 500_000), "reversal", 500_000, reverses="1")
    assert first_contribution(ledger) == 500_000 and balance(ledger) == 500_000


def test_a_draw_above_the_balance_is_refused_naming_both_amounts():
    with pytest.raises(DomainError) as error:
        book(book([], "opening", 100_000), "draw", 100_001)
    assert error.value.field == "amount"
    assert "1,000.00" in error.value.zh and "1,000.01" in error.value.zh


def test_reversing_a_deposit_already_spent_is_refused():
    ledger = book(book([], "opening", 100_000), "draw", 90_000)
    with pytest.raises(DomainError, match="余额"):
        book(ledger, "reversal", 100_000, reverses="1")


@pytest.mark.parametrize("amount", [0, -1, True, 10**12 + 1])
def test_amounts_are_positive_whole_fen(amount):
    with pytest.raises(DomainError) as error:
        book([], "opening", amount)
    assert error.value.field == "amount"


def test_shares_by_area_by_hand():
    # 1,000.00 元 over 60 ㎡, 90 ㎡ and 90 ㎡ (240 ㎡): 250.00, 375.00, 375.00.
    shares = shares_by_area(100_000, [Payer("a", 1, Fraction(60)), Payer("b", 2, Fraction(90)),
                                      Payer("c", 3, Fraction(90))])
    assert shares == {"a": 25_000, "b": 37_500, "c": 37_500}
    # 100.00 元 over three equal flats: 33.34 + 33.33 + 33.33; the extra fen goes to the lowest floor.
    thirds = shares_by_area(10_000, [Payer("x", 3, Fraction(70)), Payer("y", 1, Fraction(70)),
                                     Payer("z", 2, Fraction(70))])
    assert thirds == {"x": 3333, "y": 3334, "z": 3333}


def test_shares_need_an_area_for_everyone():
    with pytest.raises(DomainError) as error:
        shares_by_area(10_000, [Payer("1-1-101", 1, Fraction(0)), Payer("1-1-102", 1, Fraction(50))])
    assert "1-1-101" in error.value.zh and error.value.field == "households"


def test_check_shares_and_instalments():
    check_shares(100, {"a": 40, "b": 60})
    with pytest.raises(DomainError, match="不符"):
        check_shares(100, {"a": 40, "b": 59})
    assert instalments_left(100_000, [30_000, 50_000]) == 20_000
    with pytest.raises(DomainError):
        instalments_left(100_000, [60_000, 50_000])


def test_emergencies_name_their_evidence():
    assert set(EMERGENCIES) == {"elevator_stop", "fire_safety", "structural", "burst_main"}
    with pytest.raises(DomainError) as error:
        check_emergency("elevator_stop", "  ")
    assert "停运整改通知书" in error.value.zh and error.value.field == "evidence_ref"
    with pytest.raises(DomainError):
        check_emergency("flood", "X-1")
    assert check_emergency("burst_main", "现场记录 2026-01").key == "burst_main"


def test_emergency_approval_deadline_shanghai_7_days():
    # Reported Monday 2026-03-02: day 7 is Monday 03-09 (Civil Code art. 201), the committee's last day.
    waiting = emergency_due(SHANGHAI, D(2026, 3, 2), D(2026, 3, 9), None)
    assert waiting.deadline == D(2026, 3, 9) and waiting.state == "waiting" and not waiting.may_escalate
    late = emergency_due(SHANGHAI, D(2026, 3, 2), D(2026, 3, 10), None)
    assert late.state == "overdue" and late.may_escalate
    assert emergency_due(SHANGHAI, D(2026, 3, 2), D(2026, 3, 20), D(2026, 3, 5)).state == "approved"
    # The national rules set no days: no deadline, no escalation by the clock.
    assert emergency_due(NATIONAL, D(2026, 3, 2), D(2026, 5, 1), None).state == "none"


# --- properties ----------------------------------------------------------------------------------

ops = st.lists(st.tuples(st.sampled_from(["opening", "topup", "interest", "common_income", "draw", "reversal"]),
                         st.integers(min_value=1, max_value=10**9), st.integers(min_value=0, max_value=50)),
               max_size=40)


@given(ops)
def test_a_ledger_never_goes_below_zero_and_its_balance_is_the_sum_of_its_effects(steps):
    ledger: list[Entry] = []
    credits = draws = 0
    for kind, amount, pick in steps:
        reverses = ledger[pick % len(ledger)].id if kind == "reversal" and ledger else None
        if kind == "reversal" and reverses:
            amount = next(e.amount for e in ledger if e.id == reverses)
        try:
            ledger = book(ledger, kind, amount, reverses)
        except DomainError:
            continue
        assert balance(ledger) >= 0
    by_id = {e.id: e for e in ledger}
    for e in ledger:
        target = by_id[e.reverses] if e.kind == "reversal" else e
        sign = -1 if e.kind == "reversal" else 1
        if target.kind == "draw":
            draws += sign * target.amount
        else:
            credits += sign * target.amount
    assert balance(ledger) == credits - draws
    # Each entry is reversed at most once; reversals are never reversed.
    targets = [e.reverses for e in ledger if e.kind == "reversal"]
    assert len(targets) == len(set(targets)) and all(by_id[t].kind != "reversal" for t in targets)


@given(st.integers(min_value=1, max_value=10**10),
       st.lists(st.tuples(st.integers(min_value=1, max_value=33), st.integers(min_value=1, max_value=40000)),
                min_size=1, max_size=60))
def test_shares_sum_to_the_total_and_follow_area(total, flats):
    payers = [Payer(f"h{i}", floor, Fraction(area, 100)) for i, (floor, area) in enumerate(flats)]
    shares = shares_by_area(total, payers)
    check_shares(total, shares)
    area_sum = sum(p.area for p in payers)
    for p in payers:  # each share is its exact quota rounded down or up by at most one fen
        assert abs(shares[p.id] - total * p.area / area_sum) < 1


@given(st.integers(min_value=1, max_value=10**9), st.integers(min_value=0, max_value=10**9))
def test_below_the_line_exactly_when_ten_times_the_balance_is_under_three_times_the_first(first, drawn):
    ledger = [Entry("1", "opening", first)]
    if 0 < drawn <= first:
        ledger.append(Entry("2", "draw", drawn))
    line = topup_line(NATIONAL, ledger)
    assert line.below == (10 * balance(ledger) < 3 * first)
