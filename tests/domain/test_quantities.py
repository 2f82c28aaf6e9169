"""Typed quantities (km, ㎡, counts) are read exactly or refused in words."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anju.domain.errors import DomainError
from anju.domain.quantities import parse_quantity


@given(st.integers(min_value=0, max_value=10**11 - 1), st.integers(min_value=0, max_value=3))
def test_any_number_with_few_enough_places_reads_back_exactly(units, places):
    value = Decimal(units).scaleb(-places)
    assert parse_quantity(str(value), places=3) == value
    assert parse_quantity(f"{value:,}", places=3) == value  # thousands separators


@given(st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False))
def test_a_json_number_reads_as_written(value):
    assert parse_quantity(float(str(value)), places=2) == value


@pytest.mark.parametrize(("typed", "places", "expected"), [
    ("1.25", 3, Decimal("1.250")), ("１２.５", 2, Decimal("12.50")), (" 1,234 ", 0, Decimal(1234)), (7, 0, Decimal(7)),
    ("-0", 2, Decimal("0.00")), (0.1, 3, Decimal("0.100")),
])
def test_worked_examples(typed, places, expected):
    assert parse_quantity(typed, places=places) == expected


@pytest.mark.parametrize(("typed", "zh"), [
    ("abc", "不是数字"), ("", "不是数字"), ("nan", "不是数字"), ("inf", "不是数字"), (None, "请填写数字"), (True, "请填写数字"),
    ("-1", "不能为负数"), ("1.2345", "最多保留 3 位小数"), ("1" * 12, "超出可记录的范围"),
])
def test_refusals_say_why(typed, zh):
    with pytest.raises(DomainError) as error:
        parse_quantity(typed, places=3)
    assert zh in error.value.zh and error.value.en
