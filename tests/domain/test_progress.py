"""Project progress is derived: stages signed off in order, items' typed percentages, parents from children."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from anju.domain.progress import STAGE_ORDER, ItemProgress, parent_progress, percent, project_progress

items_st = st.lists(st.builds(ItemProgress, st.integers(0, 100), st.integers(0, 10**9)), max_size=8)


@given(st.integers(0, len(STAGE_ORDER)), items_st)
def test_a_project_is_complete_exactly_when_every_stage_is_signed_off(done_count, items):
    done = set(STAGE_ORDER[:done_count])
    value = project_progress(done, items)
    assert 0 <= value <= 1
    assert (value == 1) == (done_count == len(STAGE_ORDER))


@given(st.integers(0, len(STAGE_ORDER) - 1), items_st, st.integers(0, 100))
def test_raising_an_item_never_lowers_the_project(done_count, items, raise_to):
    done = set(STAGE_ORDER[:done_count])
    if not items:
        return
    raised = [ItemProgress(max(items[0].percent, raise_to), items[0].budget_fen), *items[1:]]
    assert project_progress(done, raised) >= project_progress(done, items)


@given(st.lists(st.tuples(st.fractions(0, 1), st.integers(0, 10**9)), min_size=1, max_size=20))
def test_a_parent_lies_between_its_childrens_lowest_and_highest(children):
    value = parent_progress(children)
    assert min(c for c, _ in children) <= value <= max(c for c, _ in children)


@given(st.lists(st.tuples(st.fractions(0, 1), st.integers(0, 10**9)), min_size=1, max_size=20))
def test_a_parent_is_complete_only_when_every_child_is(children):
    assert (parent_progress(children) == 1) == all(c == 1 for c, _ in children)


def test_construction_counts_its_items_by_budget():
    items = [ItemProgress(100, 300), ItemProgress(0, 100)]
    # survey..tender (25) + construction 60 × 3/4
    assert project_progress({"survey", "consultation", "design", "tender"}, items) == Fraction(25, 100) + Fraction(60, 100) * Fraction(301, 402)


def test_a_child_without_budget_still_counts():
    assert parent_progress([(Fraction(0), 0), (Fraction(1), 10**6)]) < 1


def test_percent_rounds_half_up():
    assert percent(Fraction(4567, 10000)) == "45.7"
    assert percent(Fraction(1, 2000)) == "0.1"
    assert percent(Fraction(1)) == "100.0"
