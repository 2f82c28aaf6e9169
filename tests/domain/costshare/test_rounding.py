from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anju.domain.costshare.rounding import largest_remainder, percents_basis_points
from anju.domain.errors import DomainError

weights_strategy = st.dictionaries(
    st.text(alphabet="0123456789AB", min_size=1, max_size=4),
    st.fractions(min_value=0, max_value=50, max_denominator=20),
    min_size=1,
    max_size=15,
)


def test_three_equal_households_split_one_yuan_and_the_lower_floor_gets_the_extra_fen():
    result = largest_remainder(100, {"301": 1, "201": 1, "401": 1}, {"201": 2, "301": 3, "401": 4})
    assert result.amounts == {"201": 34, "301": 33, "401": 33}
    assert result.bumped == {"201"}


def test_on_the_same_floor_the_smaller_id_in_string_order_gets_the_extra_fen():
    result = largest_remainder(1, {"2-10": 1, "2-9": 1}, {"2-10": 2, "2-9": 2})
    assert result.amounts == {"2-10": 1, "2-9": 0}  # "2-10" < "2-9" as strings


def test_the_largest_remainder_wins_before_the_tie_rule():
    # quotas 0.6, 0.4: floor 5 has the larger remainder although floor 2 is lower
    result = largest_remainder(1, {"a": Fraction(4), "b": Fraction(6)}, {"a": 2, "b": 5})
    assert result.amounts == {"a": 0, "b": 1}


def test_nobody_to_pay_is_refused_but_nothing_to_pay_is_fine():
    with pytest.raises(DomainError) as error:
        largest_remainder(5, {"a": 0}, {"a": 1})
    assert error.value.field == "households"
    assert largest_remainder(0, {"a": 0}, {"a": 1}).amounts == {"a": 0}


@given(st.integers(min_value=0, max_value=10**12), weights_strategy)
def test_parts_add_up_and_stay_within_one_fen_of_the_exact_quota(total, weights):
    if sum(weights.values()) == 0:
        weights = {key: Fraction(1) for key in weights}
    floors = {key: len(key) for key in weights}
    result = largest_remainder(total, weights, floors)
    assert sum(result.amounts.values()) == total
    for key, amount in result.amounts.items():
        assert abs(amount - result.quotas[key]) < 1
        assert result.quotas[key] == total * weights[key] / sum(weights.values())


@given(st.integers(min_value=0, max_value=10**9), weights_strategy, st.randoms())
def test_the_order_of_the_input_does_not_matter(total, weights, rnd):
    if sum(weights.values()) == 0:
        return
    floors = {key: int(key[0], 16) for key in weights}
    items = list(weights.items())
    rnd.shuffle(items)
    assert largest_remainder(total, dict(items), floors).amounts == largest_remainder(total, weights, floors).amounts


@given(st.dictionaries(st.text(min_size=1, max_size=3), st.integers(0, 10**8), min_size=1, max_size=12))
def test_percents_add_up_to_exactly_100(amounts):
    percents = percents_basis_points(amounts, {key: 1 for key in amounts})
    assert sum(percents.values()) == (10000 if sum(amounts.values()) else 0)
