"""The consent engine: worked examples checked by hand, then properties checked by hypothesis."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anju.domain.consent import (
    MAJOR_278,
    ORDINARY_278,
    AllApprove,
    Household,
    NoObjection,
    Rule,
    Threshold,
    Vote,
    evaluate,
    format_area_up,
    format_decimal,
    owner_conflicts,
    tally,
)
from anju.domain.errors import DomainError

Y, N, A = Vote.YES, Vote.NO, Vote.ABSTAIN


def unit(*rows: tuple[str, str, Vote | None], owners: dict[str, str] | None = None) -> list[Household]:
    """Households from (id, area, vote) rows; each owns their own flat unless `owners` says otherwise."""
    owners = owners or {}
    return [Household(hid, Decimal(area), owners.get(hid, f"owner-{hid}"), vote) for hid, area, vote in rows]


def by_name(result, name):
    return next(c for c in result.conditions if c.name == name)


def twelve(yes: int, no: int, abstain: int = 0, area: str = "75") -> list[Household]:
    votes = [Y] * yes + [N] * no + [A] * abstain + [None] * (12 - yes - no - abstain)
    return unit(*((f"{floor}0{door}", area, votes[(floor - 1) * 2 + door - 1])
                  for floor in range(1, 7) for door in (1, 2)))


# --- worked examples --------------------------------------------------------------------------


def test_a_unit_where_8_of_12_owners_voted_and_6_agreed_passes_exactly_on_both_bounds():
    result = evaluate(twelve(yes=6, no=2), MAJOR_278)
    assert result.passed
    assert [(c.name, c.value, c.required, c.met) for c in result.conditions] == [
        ("participation_area", "600/900", ">= 2/3", True),
        ("participation_count", "8/12", ">= 2/3", True),
        ("approval_area", "450/600", ">= 3/4", True),
        ("approval_count", "6/8", ">= 3/4", True),
    ]
    assert all(c.margin == 0 and c.slack == 0 for c in result.conditions)
    assert result.missing is None


def test_one_vote_short_of_each_bound_fails():
    assert not evaluate(twelve(yes=6, no=1), MAJOR_278).passed  # 7 of 12 took part
    result = evaluate(twelve(yes=5, no=3), MAJOR_278)  # 5 of 8 agreed
    assert not result.passed
    assert by_name(result, "approval_count").margin == Fraction(5, 8) - Fraction(3, 4)
    assert by_name(result, "participation_count").met


def test_abstaining_takes_part_but_does_not_agree():
    t = tally(twelve(yes=6, no=0, abstain=2))
    assert (t.participants.owners, t.yes.owners, t.abstain.owners, t.not_voted.owners) == (8, 6, 2, 4)
    assert t.participation_count == Fraction(2, 3) and t.approval_count == Fraction(3, 4)
    assert t.participation_area == Fraction(2, 3) and t.approval_area == Fraction(3, 4)


def test_ordinary_matters_need_more_than_half_so_exactly_half_fails():
    assert not evaluate(twelve(yes=4, no=4), ORDINARY_278).passed
    result = evaluate(twelve(yes=5, no=3), ORDINARY_278)
    assert result.passed
    assert by_name(result, "approval_count").required == "> 1/2"


def test_missing_is_two_more_yes_votes_holding_at_least_85_3_square_metres():
    # Participation area is 514.7 of 900 m²; 2/3 of 900 is 600, so 85.3 m² more must take part.
    # Two more owners bring participation to 8/12; with 85.3 m² more yes, approval is 525.3/600 >= 3/4.
    rows = [(f"y{i}", "88", Y) for i in range(5)] + [("n1", "74.7", N)]
    rows += [(f"w{i}", "75", None) for i in range(4)] + [("s1", "42.6", None), ("s2", "42.7", None)]
    result = evaluate(unit(*rows), MAJOR_278)
    assert not result.passed
    not_voted, any_source = result.missing.plans
    assert (not_voted.source, not_voted.possible, not_voted.votes) == ("not_voted", True, 2)
    assert not_voted.area_at_least == Fraction("85.3")
    assert not_voted.en == "2 more yes votes from owners who have not voted holding at least 85.3 m² together"
    assert not_voted.zh == "还需 2 位尚未表决的业主投同意票，合计专有部分面积至少 85.3 m²"
    assert not_voted.example == ("w0", "w1")  # largest area first, ties by id
    assert (any_source.votes, any_source.from_not_voted, any_source.from_changed) == (2, 2, 0)

    def voting(*ids):
        return evaluate(unit(*[(hid, area, Y if hid in ids else v) for hid, area, v in rows]), MAJOR_278)

    # The two smallest hold exactly 85.3 m²: participation lands on the bound, 600/900, and passes.
    assert by_name(voting("s1", "s2"), "participation_area").value == "600/900"
    assert voting("s1", "s2").passed
    assert not voting("s1").passed


def test_too_many_no_votes_means_only_changed_minds_can_pass_it():
    result = evaluate(twelve(yes=5, no=5), MAJOR_278)
    not_voted, any_source = result.missing.plans
    assert not not_voted.possible
    assert "too many no and abstain votes" in not_voted.en
    # Both unheard owners saying yes gives 7 of 12 participants: 7/12 < 3/4. Ten already took part
    # (10/12 >= 2/3), so 3 of the 5 no votes changing gives 8/10 >= 3/4, while 2 gives 7/10 < 3/4
    # and 1 change plus 2 new gives 8/12 < 3/4.
    assert any_source.possible and (any_source.votes, any_source.from_not_voted, any_source.from_changed) == (
        3, 0, 3)
    assert result.missing.en == any_source.en


def test_after_the_close_nothing_is_missing_because_nothing_can_change():
    result = evaluate(twelve(yes=5, no=5), MAJOR_278, closed=True)
    assert result.missing.closed and result.missing.plans == ()
    assert "closed" in result.missing.en


def test_a_person_owning_two_flats_counts_once_with_the_area_of_both():
    rows = twelve(yes=6, no=2)  # 101 and 102 vote yes; 601, 602 have not voted
    owners = {"101": "li", "102": "li"}
    households = [Household(h.id, h.exclusive_area, owners.get(h.id, h.owner), h.vote) for h in rows]
    result = evaluate(households, MAJOR_278)
    assert by_name(result, "participation_count").value == "7/11"
    assert by_name(result, "approval_count").value == "5/7"
    assert by_name(result, "approval_area").value == "450/600"
    assert result.tally.yes == type(result.tally.yes)(owners=5, households=6, area=Fraction(450))


def test_a_ballot_for_one_of_a_persons_flats_speaks_for_the_other():
    households = unit(("101", "60", Y), ("102", "40", None), ("201", "100", None), owners={"102": "owner-101"})
    t = tally(households)
    assert (t.yes.owners, t.yes.households, t.yes.area) == (1, 2, Fraction(100))
    assert t.participation_area == Fraction(1, 2)


def test_a_person_whose_flats_voted_differently_is_refused_and_listed():
    households = unit(("101", "60", Y), ("102", "40", N), ("201", "100", Y), owners={"102": "owner-101"})
    with pytest.raises(DomainError) as error:
        evaluate(households, MAJOR_278)
    assert error.value.field == "households[1].vote"
    assert "owner-101" in error.value.en and "101=yes, 102=no" in error.value.en
    conflicts = owner_conflicts(households)
    assert [(c.owner, c.votes) for c in conflicts] == [("owner-101", (("101", Y), ("102", N)))]


def test_counting_households_ignores_who_owns_them():
    households = unit(("101", "60", Y), ("102", "40", N), owners={"102": "owner-101"})
    rule = Rule("per-household", approval_count=Threshold(Fraction(1, 2)), approval_of="all", headcount="households")
    result = evaluate(households, rule)
    assert result.passed and by_name(result, "approval_count").value == "1/2"
    assert by_name(result, "approval_count").unit == "households"


def test_more_than_90_percent_of_households_means_19_of_20_not_18():
    rule = Rule("items-90", approval_count=Threshold(Fraction(9, 10), strict=True), approval_of="all",
                headcount="households")
    rows = lambda yes: unit(*((str(i), "50", Y if i < yes else N if i < 19 else None) for i in range(20)))  # noqa: E731
    at_90 = evaluate(rows(18), rule)
    assert not at_90.passed and by_name(at_90, "approval_count").value == "18/20"
    assert at_90.missing.plans[0].votes == 1 and at_90.missing.plans[0].area_at_least == 0
    assert at_90.missing.plans[0].en == "1 more yes vote from households that have not voted"
    assert evaluate(rows(19), rule).passed


def test_extra_conditions_no_objection_from_the_ground_floor_and_all_of_floors_1_2_sign():
    ground = NoObjection(frozenset({"101", "102"}), name="ground_floor_no_objection")
    low = AllApprove(frozenset({"101", "102", "201", "202"}), name="floors_1_2_sign")
    households = twelve(yes=10, no=0)
    assert evaluate(households, MAJOR_278.with_extra(ground, low)).passed
    objecting = [Household(h.id, h.exclusive_area, h.owner, N if h.id == "102" else h.vote) for h in households]
    result = evaluate(objecting, MAJOR_278.with_extra(ground, low))
    assert not result.passed
    assert [(c.name, c.value, c.required, c.met) for c in result.conditions[4:]] == [
        ("ground_floor_no_objection", "1/2", "= 0", False), ("floors_1_2_sign", "3/4", "= 1", False)]
    assert by_name(result, "approval_count").met  # 9 of 10 still agree
    not_voted, any_source = result.missing.plans
    assert not not_voted.possible and not_voted.must_include == ("102",)
    assert (any_source.votes, any_source.from_changed, any_source.example) == (1, 1, ("102",))


def test_an_unheard_household_that_must_sign_is_part_of_the_answer():
    households = twelve(yes=10, no=0)  # 601 and 602 have not voted
    result = evaluate(households, MAJOR_278.with_extra(AllApprove(frozenset({"602"}))))
    plan = result.missing.plans[0]
    assert (plan.votes, plan.must_include, plan.example) == (1, ("602",), ("602",))
    assert plan.en.endswith("(including households 602)")


def test_areas_add_exactly_without_floats():
    households = unit(("a", "0.1", Y), ("b", "0.2", Y), ("c", "0.3", None))
    t = tally(households)
    assert t.yes.area == Fraction(3, 10) and t.participation_area == Fraction(1, 2)
    result = evaluate(households, ORDINARY_278)
    assert by_name(result, "participation_area").value == "0.3/0.6"


def test_formatting_areas():
    assert format_decimal(Fraction("85.30")) == "85.3" and format_decimal(Fraction(900)) == "900"
    assert format_decimal(Fraction(1, 3)) == "1/3"
    assert format_area_up(Fraction(256, 3)) == "85.34"  # 85.333… rounds up: it is a minimum still needed
    assert format_area_up(Fraction("85.301")) == "85.31"


@pytest.mark.parametrize(
    ("households", "field"),
    [
        (unit(("101", "60", Y), ("101", "50", N)), "households[1].id"),
        (unit(("101", "-60", Y)), "households[0].area"),
        (unit(("101", "0", Y)), "households[0].area"),
        ([Household("101", Decimal(60), None, "maybe")], "households[0].vote"),  # type: ignore[arg-type]
        ([Household("101", 60.5, None, Y)], "households[0].area"),  # type: ignore[arg-type]
        ([], "households"),
    ],
)
def test_bad_households_are_refused_naming_the_field(households, field):
    with pytest.raises(DomainError) as error:
        evaluate(households, MAJOR_278)
    assert error.value.field == field and error.value.zh and error.value.en


def test_bad_rules_are_refused_naming_the_field():
    with pytest.raises(DomainError) as error:
        Threshold(Fraction(4, 3))
    assert error.value.field == "bound"
    with pytest.raises(DomainError) as error:
        Rule("x", approval_of="everyone")  # type: ignore[arg-type]
    assert error.value.field == "approval.of"
    with pytest.raises(DomainError) as error:
        evaluate(twelve(6, 2), MAJOR_278.with_extra(NoObjection(frozenset({"999"}))))
    assert error.value.field == "extra[0].households"


def test_a_rule_that_cannot_be_met_says_so():
    rule = Rule("impossible", approval_count=Threshold(Fraction(1), strict=True))
    result = evaluate(twelve(yes=0, no=0), rule)
    assert [p.possible for p in result.missing.plans] == [False, False]
    assert "cannot be met" in result.missing.en


# --- properties -------------------------------------------------------------------------------

VOTES = st.sampled_from([Y, N, A, None])
BOUNDS = st.sampled_from([Fraction(0), Fraction(1, 3), Fraction(1, 2), Fraction(2, 3), Fraction(3, 4),
                          Fraction(9, 10), Fraction(1)])


@st.composite
def households_st(draw, max_owners: int = 7) -> list[Household]:
    """A small unit: owners of one or two flats; a second flat may have no ballot of its own."""
    households = []
    for o in range(draw(st.integers(1, max_owners))):
        vote = draw(VOTES)
        shared = draw(st.booleans())
        for p in range(draw(st.integers(1, 2))):
            area = draw(st.decimals(min_value=Decimal("10"), max_value=Decimal("150"), places=1))
            part_vote = vote if p == 0 or draw(st.booleans()) else None
            owner = f"p{o}" if shared or p == 0 else f"p{o}-{p}"
            households.append(Household(f"{o}0{p}", area, owner, part_vote if owner == f"p{o}" else vote))
    return households


@st.composite
def thresholds_st(draw) -> Threshold | None:
    return draw(st.none() | st.builds(Threshold, BOUNDS, st.booleans()))


@st.composite
def rules_st(draw, households: list[Household]) -> Rule:
    base = draw(st.sampled_from([MAJOR_278, ORDINARY_278, None]))
    if base is None:
        base = Rule("custom", draw(thresholds_st()), draw(thresholds_st()), draw(thresholds_st()),
                    draw(thresholds_st()), draw(st.sampled_from(["participants", "all"])),
                    draw(st.sampled_from(["owners", "households"])))
    ids = [h.id for h in households]
    extra = draw(st.lists(st.builds(lambda kind, chosen: kind(frozenset(chosen)),
                                    st.sampled_from([NoObjection, AllApprove]),
                                    st.lists(st.sampled_from(ids), min_size=1, max_size=2)), max_size=2))
    return base.with_extra(*extra)


@st.composite
def cases(draw, max_owners: int = 7) -> tuple[list[Household], Rule]:
    households = draw(households_st(max_owners))
    return households, draw(rules_st(households))


def voters(households: list[Household], rule: Rule) -> dict[str, list[int]]:
    """Indices of each voter's households, as the engine groups them."""
    groups: dict[str, list[int]] = {}
    for i, h in enumerate(households):
        key = h.owner if rule.headcount == "owners" and h.owner is not None else f"#{h.id}"
        groups.setdefault(key, []).append(i)
    return groups


def voter_vote(households: list[Household], indices: list[int]) -> Vote | None:
    return next((households[i].vote for i in indices if households[i].vote is not None), None)


def with_yes(households: list[Household], indices: Iterable[int]) -> list[Household]:
    chosen = set(indices)
    return [Household(h.id, h.exclusive_area, h.owner, Y) if i in chosen else h for i, h in enumerate(households)]


@given(cases(), st.randoms(use_true_random=False))
def test_a_yes_never_turns_a_pass_into_a_fail(case, rnd):
    households, rule = case
    before = evaluate(households, rule)
    groups = voters(households, rule)
    key = rnd.choice(sorted(groups))
    after = evaluate(with_yes(households, groups[key]), rule)
    assert after.passed or not before.passed


@given(cases(), st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_household_order(case, rnd):
    households, rule = case
    shuffled = list(households)
    rnd.shuffle(shuffled)
    a, b = evaluate(households, rule), evaluate(shuffled, rule)
    assert (a.passed, a.conditions, a.tally) == (b.passed, b.conditions, b.tally)
    if a.missing:
        assert [(p.possible, p.votes, p.from_changed, p.area_at_least, p.must_include) for p in a.missing.plans] == [
            (p.possible, p.votes, p.from_changed, p.area_at_least, p.must_include) for p in b.missing.plans]


@given(st.integers(1, 30), st.decimals(min_value=Decimal("20"), max_value=Decimal("200"), places=2))
def test_exactly_two_thirds_taking_part_and_three_quarters_agreeing_passes_and_one_less_fails(m, area):
    # 12m owners of equal flats: 8m take part (2/3), 6m of them agree (3/4).
    votes = [Y] * (6 * m) + [N] * (2 * m) + [None] * (4 * m)
    households = [Household(str(i), area, None, v) for i, v in enumerate(votes)]
    result = evaluate(households, MAJOR_278)
    assert result.passed and all(c.margin == 0 for c in result.conditions)
    one_yes_less = households[: 6 * m - 1] + [Household("x", area, None, N)] + households[6 * m:]
    assert not by_name(evaluate(one_yes_less, MAJOR_278), "approval_count").met
    one_voter_less = households[: 8 * m - 1] + [Household("x", area, None, None)] + households[8 * m:]
    assert not by_name(evaluate(one_voter_less, MAJOR_278), "participation_count").met


@given(st.lists(st.decimals(min_value=Decimal("10"), max_value=Decimal("150"), places=2), min_size=2, max_size=12),
       st.integers(0, 100))
def test_exactly_two_thirds_of_the_area_is_enough_and_a_hundredth_less_is_not(areas, cut):
    # The non-voters hold half of the voters' area, so the voters hold exactly 2/3; split it at `cut`%.
    half = sum(areas) / 2
    away = (half * cut / 100).quantize(Decimal("0.001"))
    households = [Household(f"v{i}", a, None, Y) for i, a in enumerate(areas)]
    households += [Household("w0", away, None, None)] if away > 0 else []
    households += [Household("w1", half - away, None, None)] if half - away > 0 else []
    rule = Rule("area", participation_area=Threshold(Fraction(2, 3)))
    assert by_name(evaluate(households, rule), "participation_area").ratio == Fraction(2, 3)
    assert evaluate(households, rule).passed
    smaller = [Household("v0", areas[0] - Decimal("0.01"), None, Y), *households[1:]]
    assert not evaluate(smaller, rule).passed


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(max_owners=6))
def test_what_is_missing_is_sufficient_and_minimal(case):
    households, rule = case
    result = evaluate(households, rule)
    if result.passed:
        assert result.missing is None
        return
    groups = voters(households, rule)
    by_key = {k: voter_vote(households, ix) for k, ix in groups.items()}
    new = [k for k, v in by_key.items() if v is None]
    not_yes = [k for k, v in by_key.items() if v is not Y]

    def passes(keys) -> bool:
        return evaluate(with_yes(households, [i for k in keys for i in groups[k]]), rule).passed

    def fewest(pool) -> int | None:
        return next((k for k in range(len(pool) + 1)
                     for s in itertools.combinations(pool, k) if passes(s)), None)

    not_voted, any_source = result.missing.plans
    for plan, pool in ((not_voted, new), (any_source, not_yes)):
        least = fewest(pool)
        assert plan.possible == (least is not None)
        if plan.possible:
            assert plan.votes == least
            example_keys = {k for k, ix in groups.items() if households[ix[0]].id in plan.example}
            assert len(example_keys) == plan.votes and passes(example_keys)
            assert set(plan.must_include) <= set(plan.example)
    if not_voted.possible:
        # Any `votes` unheard owners pass exactly when they hold the area asked for and include the must-haves.
        area = {k: sum(Fraction(households[i].exclusive_area) for i in groups[k]) for k in new}
        must = {k for k in new if any(households[i].id in not_voted.must_include for i in groups[k])}
        for s in itertools.combinations(new, not_voted.votes):
            expected = sum(area[k] for k in s) >= not_voted.area_at_least and must <= set(s)
            assert passes(s) == expected


def test_seven_of_twelve_voting_needs_exactly_one_more_owner():
    households = twelve(yes=6, no=1)
    result = evaluate(households, MAJOR_278)
    assert result.missing.plans[0].votes == 1
    assert not evaluate(households, MAJOR_278).passed
    assert evaluate(with_yes(households, [11]), MAJOR_278).passed


def test_ten_thousand_households_in_random_order_give_the_same_answer():
    rnd = random.Random(5)
    households = [Household(str(i), Decimal(rnd.randint(4000, 12000)) / 100, f"p{i}",
                            rnd.choice([Y, Y, Y, N, A, None, None])) for i in range(10_000)]
    a = evaluate(households, MAJOR_278)
    rnd.shuffle(households)
    b = evaluate(households, MAJOR_278)
    assert a.conditions == b.conditions and a.tally == b.tally
