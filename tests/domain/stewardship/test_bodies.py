"""Who may sit on the committee, the preparatory group and the interim committee."""

from __future__ import annotations

from decimal import Decimal

import pytest

from anju.domain.errors import DomainError
from anju.domain.stewardship.bodies import (
    Member,
    candidate_bars,
    check_committee_size,
    check_interim_committee,
    check_preparatory_group,
    check_term,
    committee_size_allowed,
)
from anju.domain.stewardship.rulesets import shipped

NATIONAL, BEIJING, SHANGHAI = shipped("national"), shipped("beijing"), shipped("shanghai")


@pytest.mark.parametrize("size", [5, 7, 9, 11])
def test_a_national_committee_has_5_to_11_members_odd(size):
    check_committee_size(NATIONAL, size, households=300)


@pytest.mark.parametrize(("size", "words"), [(3, "5 至 11 人"), (13, "5 至 11 人"), (6, "单数")])
def test_a_national_committee_outside_5_to_11_or_even_is_refused_citing_rule_31(size, words):
    with pytest.raises(DomainError) as error:
        check_committee_size(NATIONAL, size, households=300)
    assert words in error.value.zh and "指导规则》第三十一条" in error.value.zh
    assert error.value.field == "seats"


def test_beijing_allows_three_members_up_to_100_households_and_no_upper_limit():
    assert committee_size_allowed(BEIJING, households=100) == (3, None)
    assert committee_size_allowed(BEIJING, households=101) == (5, None)
    check_committee_size(BEIJING, 13, households=900)
    with pytest.raises(DomainError):
        check_committee_size(BEIJING, 3, households=101)


def test_shanghai_allows_three_members_up_to_10000_square_metres():
    assert committee_size_allowed(SHANGHAI, households=400, gross_area=Decimal("10000")) == (3, None)
    assert committee_size_allowed(SHANGHAI, households=80, gross_area=Decimal("10000.01")) == (5, None)


def test_terms():
    check_term(NATIONAL, 5)
    with pytest.raises(DomainError) as error:
        check_term(NATIONAL, 6)
    assert "不超过 5 年" in error.value.zh
    check_term(NATIONAL, 2)
    with pytest.raises(DomainError) as error:
        check_term(SHANGHAI, 2)  # 上海 art. 20: three to five years
    assert "不少于 3 年" in error.value.zh and "第二十条" in error.value.zh


def owners(n_owners: int, n_others: int) -> list[Member]:
    return [Member(f"o{i}", True) for i in range(n_owners)] + [Member(f"x{i}", False) for i in range(n_others)]


def test_a_beijing_preparatory_group_is_odd_with_at_least_half_owners():
    check_preparatory_group(BEIJING, owners(3, 2))
    check_preparatory_group(BEIJING, owners(5, 4))


@pytest.mark.parametrize(("members", "words"), [
    (owners(3, 3), "单数"),  # even
    (owners(2, 3), "不少于 3 人"),  # 2 owners of 5: below one half
])
def test_a_beijing_preparatory_group_that_breaks_article_31_is_refused(members, words):
    with pytest.raises(DomainError) as error:
        check_preparatory_group(BEIJING, members)
    assert words in error.value.zh and "《北京市物业管理条例》第三十一条" in error.value.zh
    assert error.value.field == "members"


def test_the_same_person_twice_in_a_group_is_refused():
    with pytest.raises(DomainError):
        check_preparatory_group(BEIJING, [Member("a", True), Member("a", True), Member("b", False)])


def test_an_interim_committee_has_at_least_seven_odd_half_owners_in_beijing_and_none_nationally():
    check_interim_committee(BEIJING, owners(4, 3))
    for members in (owners(3, 2), owners(4, 4), owners(3, 4)):
        with pytest.raises(DomainError):
            check_interim_committee(BEIJING, members)
    with pytest.raises(DomainError) as error:
        check_interim_committee(NATIONAL, owners(4, 3))
    assert error.value.field == "ruleset"


def test_a_candidate_in_arrears_is_barred_in_shanghai_not_under_the_national_rules():
    assert [b.key for b in candidate_bars(SHANGHAI, owner=True, facts={"fee_arrears"})] == ["fee_arrears"]
    assert candidate_bars(NATIONAL, owner=True, facts={"fee_arrears"}) == []


def test_a_candidate_who_is_not_an_owner_is_barred_everywhere():
    for rules in (NATIONAL, BEIJING, SHANGHAI):
        assert [b.key for b in candidate_bars(rules, owner=False, facts=())] == ["not_owner"]


def test_an_unknown_fact_is_refused():
    with pytest.raises(DomainError):
        candidate_bars(SHANGHAI, owner=True, facts={"noisy"})
