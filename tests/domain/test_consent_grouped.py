"""`grouped.evaluate_votes` on a grouping made once is `evaluate` exactly: the same result, or the
same refusal (message and field), for any households, owners, votes and rule."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anju.domain.consent import MAJOR_278, ORDINARY_278, Household, Vote, evaluate
from anju.domain.consent.grouped import evaluate_votes, grouping
from anju.domain.errors import DomainError
from tests.domain.test_consent import rules_st

Y, N, A = Vote.YES, Vote.NO, Vote.ABSTAIN


@st.composite
def electorate_st(draw) -> list[Household]:
    """Flats of a few owners (several flats each, or no owner key), rarely a bad id or area."""
    out = []
    for i in range(draw(st.integers(0, 9))):
        hid = draw(st.sampled_from([f"{i}", f"{i}", f"{i}", "0", ""]))
        area = draw(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("150"), places=2)
                    if draw(st.integers(0, 19)) else st.sampled_from([Decimal(0), Decimal("-1")]))
        out.append(Household(hid, area, draw(st.sampled_from(["p1", "p2", "p3", None]))))
    return out


VOTE_VALUES = st.sampled_from([Y, N, A, None, "yes", "no", None, "maybe"])


def outcome(fn):
    try:
        return fn()
    except DomainError as exc:
        return ("refused", exc.zh, exc.en, exc.field)


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_evaluate_votes_is_evaluate(data):
    households = data.draw(electorate_st())
    rounds = data.draw(st.lists(st.lists(VOTE_VALUES, min_size=len(households), max_size=len(households)),
                                min_size=1, max_size=3))
    rule = data.draw(rules_st(households)) if households and all(h.id for h in households) else MAJOR_278
    closed = data.draw(st.booleans())
    try:
        g = grouping(households, rule.headcount)
    except DomainError as exc:
        # Only what does not depend on the votes is refused here, as `evaluate` refuses it with no votes.
        assert outcome(lambda: evaluate(households, rule)) == ("refused", exc.zh, exc.en, exc.field)
        return
    for votes in rounds:
        voted = [replace(h, vote=v) for h, v in zip(households, votes, strict=True)]
        assert outcome(lambda: evaluate_votes(g, votes, rule, closed=closed)) == \
            outcome(lambda: evaluate(voted, rule, closed=closed))  # noqa: B023


def test_worked_example_one_owner_of_two_flats_counts_once():
    # 101 and 102 belong to owner p1 (one voter, 150 m²); 201 votes no. Art. 278 (major): 2 of 2
    # owners and 250 of 250 m² took part; yes is 1/2 of the owners, short of 3/4.
    households = [Household("101", Decimal("80"), "p1"), Household("102", Decimal("70"), "p1"),
                  Household("201", Decimal("100"), "p2")]
    g = grouping(households, "owners")
    result = evaluate_votes(g, [Y, None, N], MAJOR_278)
    assert (result.tally.yes.owners, result.tally.yes.households, result.tally.yes.area) == (1, 2, 150)
    assert not result.passed
    assert evaluate_votes(g, [Y, None, Y], ORDINARY_278).passed
    with pytest.raises(DomainError) as refused:
        evaluate_votes(g, [Y, N, N], MAJOR_278)
    assert refused.value.field == "households[1].vote"


def test_a_grouping_is_for_its_headcount_only():
    g = grouping([Household("101", Decimal("80"), "p1")], "households")
    with pytest.raises(ValueError):
        evaluate_votes(g, [Y], MAJOR_278)
    with pytest.raises(ValueError):
        evaluate_votes(grouping([Household("101", Decimal("80"), "p1")], "owners"), [Y, N], MAJOR_278)
