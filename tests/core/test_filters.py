"""The figures a page shows are the exact figures, grouped and rounded once, in Chinese and English."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from fractions import Fraction

import pytest
from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from anju.core import formatting as f

fen = st.integers(min_value=-10**15, max_value=10**15)
ratios = st.fractions(min_value=0, max_value=10, max_denominator=10**6)


def ungroup(text: str) -> Decimal:
    return Decimal(text.replace(",", "").replace("¥", "").rstrip("%").removesuffix(" ㎡"))


def render(source: str, **context: object) -> str:
    return Template("{% load anju_format %}" + source).render(Context(context))


# Worked examples: what a resident or a clerk reads.

@pytest.mark.parametrize(("value", "shown"), [
    (123450, "¥1,234.50"), (Decimal("1234.5"), "¥1,234.50"), ("520000.00", "¥520,000.00"),
    (5, "¥0.05"), (-123456, "-¥1,234.56"), (0, "¥0.00"), (None, "—"),
])
def test_money_reads_as_yuan_with_its_sign(value, shown):
    assert f.money(value) == shown


def test_money_in_a_column_form_field_and_budget():
    assert (f.yuan(30000000), f.plain_yuan(30000000), f.wan(958900000)) == ("300,000.00", "300000.00", "958.90")
    assert (f.yuan(None), f.plain_yuan(None), f.wan(None)) == ("—", "", "—")


@pytest.mark.parametrize(("value", "places", "shown"), [
    (Fraction(2, 3), 1, "66.7%"), (Fraction(3, 4), 2, "75.00%"), (Decimal("0.5"), 0, "50%"),
    (Fraction(1, 8), 1, "12.5%"), (Fraction(1, 16), 1, "6.3%"),  # 6.25 → 6.3: a half rounds away from zero
    (Fraction(2, 3), 0, "67%"), (1, 1, "100.0%"),
])
def test_percent_is_exact_and_rounds_halves_up(value, places, shown):
    assert f.percent(value, places) == shown


def test_a_tie_a_float_would_get_wrong_is_rounded_as_written():
    # 0.0115 × 100 in floats is 1.1499999…; the exact 1.15 rounds to 1.2%, not 1.1%.
    assert f"{float(Decimal('0.0115')) * 100:.1f}%" == "1.1%"
    assert f.percent(Decimal("0.0115"), 1) == "1.2%"
    assert f.percent(0.0115, 1) == "1.2%"  # a float is taken as its shortest repr


def test_areas_counts_and_basis_points():
    assert f.area(Decimal("1234.56")) == "1,234.56 ㎡"
    assert f.area(Decimal("417870"), 0) == "417,870 ㎡"
    assert f.count(1010) == "1,010" and f.count(12345678) == "12,345,678"
    assert f.grouped(Decimal("149100.00")) == "149,100"
    assert f.basis_points(1234) == "12.34%" and f.basis_points(10000) == "100.00%"


def test_dates_and_durations_in_chinese_and_english():
    noon = dt.datetime(2026, 12, 1, 9, 5)
    assert (f.long_date(dt.date(2026, 12, 1)), f.long_datetime(noon)) == ("2026年12月1日", "2026年12月1日 09:05")
    assert [f.duration(s) for s in (29, 7505, 3600, 0, 3 * 86400 + 4 * 3600 + 59)] == [
        "29 秒", "2 小时 5 分", "1 小时", "0 秒", "3 天 4 小时"]
    assert f.duration(dt.timedelta(minutes=1, seconds=3)) == "1 分 3 秒"
    with translation.override("en"):
        assert f.long_date(dt.date(2026, 12, 1)) == "1 December 2026"
        assert (f.duration(29), f.duration(7505)) == ("29 s", "2 h 5 min")
        assert render('{{ d|long_date:"zh" }}', d=dt.date(2026, 12, 1)) == "2026年12月1日"  # a printed letter


def test_an_aware_time_is_shown_in_the_local_zone():
    utc = dt.datetime(2026, 11, 30, 16, 30, tzinfo=dt.UTC)  # 00:30 on 1 December in Beijing
    assert f.long_datetime(utc) == "2026年12月1日 00:30"


def test_what_is_not_a_number_is_refused_rather_than_guessed():
    with pytest.raises(TypeError):
        f.grouped(True)
    with pytest.raises(TypeError):
        f.money(object())


def test_the_filters_in_a_template():
    out = render("{{ a|yuan }} {{ a|money }} {{ r|percent:2 }} {{ m|area }} {{ n|count }} {{ d|long_date }} "
                 "{{ s|duration }} {{ map|get:'k'|yuan }}",
                 a=123450, r=Fraction(2, 3), m=Decimal("601.17"), n=1200, d=dt.date(2026, 12, 1), s=125,
                 map={"k": 99})
    assert out == "1,234.50 ¥1,234.50 66.67% 601.17 ㎡ 1,200 2026年12月1日 2 分 5 秒 0.99"


# Properties: the shown figure is the exact value, rounded once.

@given(fen)
def test_money_shows_every_fen(amount):
    text = f.money(amount)
    assert re.fullmatch(r"-?¥\d{1,3}(,\d{3})*\.\d{2}", text)
    assert ungroup(text.replace("-¥", "-")) * 100 == amount
    assert f.fen_of(Decimal(f.plain_yuan(amount))) == amount  # a form field parses back exactly


@given(ratios, st.integers(min_value=0, max_value=4))
def test_percent_is_within_half_a_unit_of_the_last_place(ratio, places):
    shown = Fraction(ungroup(f.percent(ratio, places)))
    assert abs(shown - ratio * 100) <= Fraction(1, 2 * 10**places)
    assert f.percent(ratio, places).count(".") == (1 if places else 0)


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_an_area_with_two_places_is_shown_as_it_is(value):
    text = f.area(value)
    assert text.endswith(" ㎡") and ungroup(text) == value
    assert re.fullmatch(r"\d{1,3}(,\d{3})*\.\d{2} ㎡", text)


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_a_count_groups_digits_by_three(n):
    text = f.count(n)
    assert int(text.replace(",", "")) == n
    assert all(len(group) == 3 for group in text.lstrip("-").split(",")[1:])


@given(st.integers(min_value=0, max_value=10**8))
def test_a_duration_never_overstates_and_drops_only_the_small_unit(seconds):
    units = {"天": 86400, "小时": 3600, "分": 60, "秒": 1}
    parts = f.duration(seconds).split(" ")
    shown = sum(int(n) * units[u] for n, u in zip(parts[::2], parts[1::2], strict=True))
    assert shown <= seconds
    largest = units[parts[1]]
    assert seconds - shown < max(largest // {86400: 24, 3600: 60, 60: 60, 1: 1}[largest], 1)
