"""The tally names each art. 278 condition in words and states the gap in ㎡ or owners, never overstated."""

from __future__ import annotations

from decimal import Decimal

from anju.consultations.templatetags.consultation_tags import condition_gap, condition_label, condition_ratio
from anju.domain.consent import MAJOR_278, Household, Vote, evaluate


def unit_of_twelve(yes: int, no: int) -> list:
    """12 flats of 60.5 ㎡, one owner each: `yes` agree, `no` disagree, the rest silent."""
    votes = [Vote.YES] * yes + [Vote.NO] * no + [None] * (12 - yes - no)
    return [Household(str(i), Decimal("60.5"), f"p{i}", v) for i, v in enumerate(votes)]


def test_conditions_are_named_in_chinese():
    result = evaluate(unit_of_twelve(7, 2), MAJOR_278)
    assert [condition_label(c.name) for c in result.conditions] == [
        "参与表决的专有部分面积", "参与表决的业主人数", "同意的专有部分面积", "同意的业主人数"]


def test_a_surplus_is_rounded_down_and_a_shortfall_up():
    # 9 of 12 took part; 7 agree: 7 − 3/4·9 = +0.25 owners → "+0"; area 423.5 − 3/4·544.5 = +15.125 → "+15.12".
    passing = {c.name: c for c in evaluate(unit_of_twelve(7, 2), MAJOR_278).conditions}
    assert condition_gap(passing["approval_count"]) == "+0 人"
    assert condition_gap(passing["approval_area"]) == "+15.12 ㎡"
    assert condition_ratio(passing["participation_count"]) == "75.00%"
    # 6 of 9 agree: 6 − 6.75 = −0.75 owners → one more yes is needed: "−1".
    failing = {c.name: c for c in evaluate(unit_of_twelve(6, 3), MAJOR_278).conditions}
    assert condition_gap(failing["approval_count"]) == "−1 人"
    assert condition_gap(failing["approval_area"]) == "−45.38 ㎡"  # 363 − 408.375 = −45.375, shortfall rounded up
