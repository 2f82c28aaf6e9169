"""The NumPy batch equals the exact scalar rounding; running costs add up per item and per year."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anju.domain.costshare.batch import allocate_batch, integer_weights, tie_rank
from anju.domain.costshare.model import Household
from anju.domain.costshare.rounding import largest_remainder
from anju.domain.costshare.running import RunningCost, share_running_costs
from anju.domain.errors import DomainError

from .builders import two_per_floor, yuan


@st.composite
def batches(draw, big: bool = False):
    units = draw(st.integers(1, 8))
    columns = draw(st.integers(1, 8))
    top = 10**15 if big else 10**9
    net = draw(st.lists(st.integers(0, top), min_size=units, max_size=units))
    weights = [draw(st.lists(st.integers(0, 10**6 if big else 50), min_size=columns, max_size=columns))
               for _ in range(units)]
    for row, amount in zip(weights, net, strict=True):
        if amount and not any(row):
            row[0] = 1
    floors = [draw(st.lists(st.integers(1, 4), min_size=columns, max_size=columns)) for _ in range(units)]
    return np.array(net), np.array(weights), np.array(floors)


@settings(max_examples=150, deadline=None)
@given(st.one_of(batches(), batches(big=True)))
def test_batch_equals_the_scalar_largest_remainder(batch):
    net, weights, floors = batch
    ids = [f"d{c:02d}" for c in range(weights.shape[1])]
    result = allocate_batch(net, weights, tie_rank(floors, ids))
    for u in range(len(net)):
        expected = largest_remainder(int(net[u]), dict(zip(ids, map(int, weights[u]), strict=True)),
                                     dict(zip(ids, map(int, floors[u]), strict=True))).amounts
        assert [int(v) for v in result[u]] == [expected[i] for i in ids]
        assert int(result[u].sum()) == int(net[u])


def test_batch_refuses_a_unit_with_nobody_to_pay():
    with pytest.raises(DomainError) as error:
        allocate_batch(np.array([100, 5]), np.array([[1, 1], [0, 0]]))
    assert error.value.field == "weights[1]"


def test_integer_weights_keep_the_proportions():
    assert integer_weights([Fraction("0.5"), Fraction("1.1"), Fraction(1, 3)]) == [15, 33, 10]


def test_running_costs_by_coefficients_equally_and_by_rides():
    households = two_per_floor(3)
    items = [RunningCost("电费", yuan("3000")), RunningCost("维保", yuan("10000")), RunningCost("年检", yuan("1000")),
             RunningCost("保险", yuan("999.99"))]
    by_floor = share_running_costs(households, items, basis="coefficients", coefficients={2: Fraction(1), 3: Fraction(2)})
    assert by_floor.total == yuan("14999.99")
    assert sum(s.amount for s in by_floor.shares) == by_floor.total
    assert by_floor.shares[0].amount == 0  # 101 is exempt
    assert by_floor.shares[2].by_item["电费"] == yuan("500") and by_floor.shares[4].by_item["电费"] == yuan("1000")
    equal = share_running_costs(households, items, basis="equal")
    assert {s.by_item["维保"] for s in equal.shares if s.floor > 1} == {yuan("2500")}
    rides = {"201": 100, "202": 0, "301": 300, "302": 600}
    metered = share_running_costs(households, [RunningCost("电费", yuan("1000"))], basis="rides", rides=rides)
    assert [s.amount for s in metered.shares] == [0, 0, yuan("100"), 0, yuan("300"), yuan("600")]
    assert metered.shares[4].steps_zh[0] == "电费 1,000.00 × 刷卡 300 次 ÷ 合计 1,000 = 300.00 → 300.00"


def test_running_costs_need_rides_and_users():
    with pytest.raises(DomainError) as error:
        share_running_costs(two_per_floor(2), [RunningCost("电费", 100)], basis="rides")
    assert error.value.field == "rides"
    nobody = [Household("101", 1, exempt=True)]
    with pytest.raises(DomainError):
        share_running_costs(nobody, [RunningCost("电费", 100)], basis="equal")
