"""Properties every allocation must have, whatever the unit, method and money involved."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from anju.domain.costshare.engine import allocate_quote
from anju.domain.costshare.model import (
    ByArea,
    Coefficients,
    Compensation,
    Household,
    LineItem,
    Nucleolus,
    Quote,
    Shapley,
    Table,
)

STOREYS = 6


@st.composite
def households(draw):
    count = draw(st.integers(1, 14))
    result = []
    for index in range(count):
        floor = draw(st.integers(1, STOREYS))
        result.append(Household(
            id=f"{floor}{index:02d}",
            floor=floor,
            area=Fraction(draw(st.integers(3000, 15000)), 100),
            participates=draw(st.booleans() | st.just(True)),
            exempt=floor == 1 and draw(st.booleans()),
        ))
    if not any(h.pays for h in result):
        result[0] = replace(result[0], participates=True, exempt=False)
    return tuple(result)


@st.composite
def methods(draw, gross: int):
    kind = draw(st.sampled_from(["coefficients", "table", "area", "shapley", "nucleolus"]))
    by_area = draw(st.booleans())
    if kind == "coefficients":
        # non-decreasing and positive, so every paying household carries some weight
        steps = draw(st.lists(st.fractions(0, 2, max_denominator=10), min_size=STOREYS, max_size=STOREYS))
        by_floor = {floor: Fraction(1, 10) + sum(steps[:floor]) for floor in range(1, STOREYS + 1)}
        return Coefficients(by_floor, weight_by_area=by_area)
    if kind == "table":
        return Table(draw(st.sampled_from(["hangzhou-6", "shanghai-6", "beijing-2022"])), weight_by_area=by_area)
    if kind == "area":
        return ByArea()
    cuts = sorted(draw(st.lists(st.integers(0, gross), min_size=STOREYS - 1, max_size=STOREYS - 1)))
    reach = dict(zip(range(1, STOREYS + 1), [*cuts, gross], strict=True))
    return (Shapley if kind == "shapley" else Nucleolus)(reach, weight_by_area=by_area)


@st.composite
def quotes(draw):
    units = draw(households())
    gross = draw(st.integers(1, 10**9))
    subsidy = draw(st.integers(0, gross))
    method = draw(methods(gross))
    mode = draw(st.sampled_from(["proportional", "common_first"])) if isinstance(method, (Shapley, Nucleolus)) \
        else "proportional"
    compensations = tuple(Compensation(h.id, draw(st.integers(0, 10**6))) for h in units if h.floor == 1)
    quote = Quote(storeys=STOREYS, households=units, costs=(LineItem("construction", gross),), method=method,
                  subsidies=(LineItem("municipal", subsidy),), compensations=compensations, subsidy_mode=mode)
    # tables with 1F-2F at 0 leave nobody to pay when only low floors take part
    if isinstance(method, Table) and not any(h.pays and h.floor >= 3 for h in units):
        quote = replace(quote, method=ByArea())
    return quote


@settings(max_examples=300, deadline=None)
@given(quotes())
def test_shares_add_up_to_the_net_exactly(quote):
    allocation = allocate_quote(quote)
    assert sum(share.amount for share in allocation.shares) == allocation.net
    assert allocation.net == allocation.gross - allocation.subsidy + allocation.compensation
    assert sum(share.percent_bp for share in allocation.shares) in (0, 10000)
    assert all(abs(share.amount - share.exact) < 1 for share in allocation.shares)


@settings(max_examples=200, deadline=None)
@given(quotes())
def test_exempt_and_non_participating_households_pay_nothing(quote):
    allocation = allocate_quote(quote)
    for household, share in zip(quote.households, allocation.shares, strict=True):
        assert share.household_id == household.id
        if not household.pays:
            assert share.amount == 0


@settings(max_examples=200, deadline=None)
@given(quotes(), st.randoms())
def test_the_order_of_the_households_does_not_matter(quote, rnd):
    shuffled = list(quote.households)
    rnd.shuffle(shuffled)
    before = allocate_quote(quote)
    after = allocate_quote(replace(quote, households=tuple(shuffled)))
    assert after.amounts() == before.amounts()
    assert [share.household_id for share in after.shares] == [h.id for h in shuffled]


@settings(max_examples=200, deadline=None)
@given(quotes())
def test_equal_households_pay_equally_up_to_the_one_leftover_fen(quote):
    allocation = allocate_quote(quote)
    by_id = {h.id: h for h in quote.households}
    paying = [share for share in allocation.shares if by_id[share.household_id].pays]
    for a in paying:
        for b in paying:
            ha, hb = by_id[a.household_id], by_id[b.household_id]
            if (ha.floor, ha.area) == (hb.floor, hb.area):
                assert a.exact == b.exact
                assert abs(a.amount - b.amount) <= 1


@settings(max_examples=200, deadline=None)
@given(quotes())
def test_shares_never_decrease_with_floor_for_non_decreasing_tables(quote):
    if isinstance(quote.method, (Coefficients, Table)):
        quote = replace(quote, method=replace(quote.method, weight_by_area=False))
    elif isinstance(quote.method, (Shapley, Nucleolus)):
        quote = replace(quote, method=replace(quote.method, weight_by_area=False))
    else:
        return
    allocation = allocate_quote(quote)
    by_id = {h.id: h for h in quote.households}
    paying = [share for share in allocation.shares if by_id[share.household_id].pays]
    for low in paying:
        for high in paying:
            if low.floor < high.floor:
                assert low.exact <= high.exact
                # the tie rule gives a leftover fen to the lower floor, so equal quotas may differ by that fen
                assert low.amount <= high.amount + (1 if low.exact == high.exact else 0)
