"""Counting a committee election under Civil Code art. 278: worked examples and properties."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anju.domain.errors import DomainError
from anju.domain.stewardship.election import Part, count


def parts_for(ballots: list[frozenset[str] | None], areas: list[int] | None = None) -> list[Part]:
    areas = areas or [100] * len(ballots)
    return [Part(f"h{i}", areas[i], f"o{i}", b) for i, b in enumerate(ballots)]


A, B, C, D = "张三", "李四", "王五", "赵六"


def test_a_worked_election_of_three_among_four():
    # 12 owners of 100 ㎡, 10 take part (10/12 ≥ 2/3). Votes: 张三 9, 李四 8, 王五 6, 赵六 5.
    # 过半数 of 10 participants is 6 or more: 张三, 李四, 王五 pass; 赵六 (5 of 10, exactly half) does not.
    ballots = ([frozenset({A, B, C})] * 5 + [frozenset({A, B, D})] * 3 + [frozenset({A, C, D})]
               + [frozenset({D})] + [None, None])
    result = count([A, B, C, D], 3, parts_for(ballots))
    assert result.turnout_met
    by = {c.candidate: c for c in result.candidates}
    assert (by[A].votes, by[B].votes, by[C].votes, by[D].votes) == (9, 8, 6, 5)
    assert by[A].area == Fraction(900)
    assert result.elected == (A, B, C)
    assert by[D].status == "below_threshold" and not by[D].passed
    assert [c.candidate for c in result.candidates] == [A, B, C, D]


def test_exactly_half_is_not_more_than_half():
    # 8 of 8 take part; 赵六 gets 4 (exactly 1/2): not elected.
    ballots = [frozenset({A, D})] * 4 + [frozenset({A})] * 4
    result = count([A, D], 2, parts_for(ballots))
    assert result.elected == (A,) and result.vacant == 1


def test_area_counts_too_a_candidate_with_most_owners_but_not_half_the_area_fails():
    # 5 owners take part: 3 small flats (50 ㎡) vote 李四, 2 large (200 ㎡) do not. 3/5 owners, 150/550 area.
    ballots = [frozenset({B})] * 3 + [frozenset()] * 2
    result = count([B, C], 1, parts_for(ballots, [50, 50, 50, 200, 200]))
    by = {c.candidate: c for c in result.candidates}
    assert by[B].decision.conditions[3].met and not by[B].decision.conditions[2].met
    assert result.elected == ()


def test_too_few_taking_part_elects_nobody():
    ballots = [frozenset({A})] * 6 + [None] * 4  # 6/10 < 2/3
    result = count([A], 1, parts_for(ballots))
    assert not result.turnout_met and result.elected == ()
    assert result.candidates[0].status == "turnout_not_met"


def test_a_tie_for_the_last_seat_seats_neither_and_is_flagged():
    # 9 of 9 take part, 3 seats. 张三 7, 李四 7, 王五 5, 赵六 5 (all above 4.5, equal areas):
    # two seats for 张三 and 李四, one left for two level candidates.
    ballots = ([frozenset({A, B, C})] * 3 + [frozenset({A, B, D})] * 2 + [frozenset({A, C, D})] * 2
               + [frozenset({B, D}), frozenset({B})])
    result = count([A, B, C, D], 3, parts_for(ballots))
    by = {c.candidate: c for c in result.candidates}
    assert (by[A].votes, by[B].votes, by[C].votes, by[D].votes) == (7, 7, 5, 5)
    assert result.elected == (A, B) and result.tied == (C, D) and result.vacant == 1
    assert by[C].rank == by[D].rank == 3


def test_a_three_way_tie_for_two_seats_seats_nobody():
    ballots = [frozenset({A, B})] * 3 + [frozenset({A, C})] * 3 + [frozenset({B, C})] * 3
    result = count([A, B, C], 2, parts_for(ballots))
    assert result.tied == (A, B, C) and result.elected == () and result.vacant == 2


def test_a_tie_that_fits_the_seats_elects_both():
    ballots = [frozenset({A, B})] * 7 + [frozenset({C})] * 2
    result = count([A, B, C], 2, parts_for(ballots))
    assert result.elected == (A, B) and result.tied == ()


def test_more_seats_than_candidates_is_refused_naming_the_seats():
    with pytest.raises(DomainError) as error:
        count([A, B], 3, parts_for([frozenset({A})]))
    assert error.value.field == "seats" and "多于候选人数" in error.value.zh


def test_a_ballot_choosing_more_than_the_seats_or_a_stranger_is_refused():
    with pytest.raises(DomainError) as error:
        count([A, B, C], 2, parts_for([frozenset({A, B, C})]))
    assert error.value.field == "ballots[h0]"
    with pytest.raises(DomainError) as error:
        count([A, B], 2, parts_for([frozenset({D})]))
    assert "不在名单上" in error.value.zh


def test_an_owner_of_two_flats_is_one_voter_with_both_areas():
    parts = [Part("101", 60, "王", frozenset({A})), Part("102", 40, "王", None), Part("201", 100, "李", frozenset({A}))]
    result = count([A], 1, parts)
    assert result.candidates[0].votes == 2 and result.candidates[0].area == Fraction(200)


def test_an_owner_whose_flats_chose_differently_is_a_conflict_not_a_guess():
    parts = [Part("101", 60, "王", frozenset({A})), Part("102", 40, "王", frozenset({B}))]
    with pytest.raises(DomainError):
        count([A, B], 1, parts)


# --- properties -----------------------------------------------------------------------------------

NAMES = [A, B, C, D, "钱七", "孙八"]


@st.composite
def elections(draw):
    candidates = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=6, unique=True))
    seats = draw(st.integers(min_value=1, max_value=len(candidates)))
    n = draw(st.integers(min_value=1, max_value=14))
    areas = draw(st.lists(st.integers(min_value=30, max_value=150), min_size=n, max_size=n))
    ballot = st.none() | st.sets(st.sampled_from(candidates), max_size=seats).map(frozenset)
    ballots = draw(st.lists(ballot, min_size=n, max_size=n))
    return candidates, seats, parts_for(ballots, areas)


@settings(max_examples=150, deadline=None)
@given(elections())
def test_never_more_elected_than_seats_and_never_one_below_the_threshold(election):
    candidates, seats, parts = election
    result = count(candidates, seats, parts)
    assert len(result.elected) <= seats
    for c in result.candidates:
        if c.status in ("elected", "tie"):
            assert c.passed and result.turnout_met
        if not c.passed:
            assert c.status in ("below_threshold", "turnout_not_met")


@settings(max_examples=100, deadline=None)
@given(elections(), st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_the_order_of_names_or_ballots(election, random):
    candidates, seats, parts = election
    first = count(candidates, seats, parts)
    shuffled_candidates, shuffled_parts = list(candidates), list(parts)
    random.shuffle(shuffled_candidates)
    random.shuffle(shuffled_parts)
    second = count(shuffled_candidates, seats, shuffled_parts)
    assert first.elected == second.elected and first.tied == second.tied
    assert [(c.candidate, c.votes, c.status) for c in first.candidates] == \
        [(c.candidate, c.votes, c.status) for c in second.candidates]


@settings(max_examples=100, deadline=None)
@given(elections())
def test_without_a_tie_every_seat_is_filled_while_candidates_pass(election):
    candidates, seats, parts = election
    result = count(candidates, seats, parts)
    passing = sum(c.passed for c in result.candidates)
    if not result.tied:
        assert len(result.elected) == min(seats, passing)
    # whoever is elected has at least as many votes as anyone who passed but was not
    if result.elected:
        least = min(c.votes for c in result.candidates if c.status == "elected")
        assert all(c.votes <= least for c in result.candidates if c.status == "no_seat")
