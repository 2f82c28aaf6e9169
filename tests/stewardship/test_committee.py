"""The committee over its term: elected from its formation case, officers, filing, changes, term end,
the interim 物业管理委员会, 应急物业 and the party links (issue 13, point 3)."""

from __future__ import annotations

import datetime

import pytest

from anju.core.audit import AuditEvent
from anju.core.errors import Conflict, ValidationFailed
from anju.core.scoping import Scope
from anju.participation import services as participation
from anju.participation.models import OrgLevel
from anju.roster import services as roster
from anju.stewardship import queries, services
from anju.stewardship.models import Committee, CommitteeMember, EmergencyCase, FormationCase, Mode
from anju.stewardship.services import NewMember
from tests.factories import SYSTEM, id_number

pytestmark = pytest.mark.django_db
D = datetime.date
MARCH_2 = D(2026, 3, 2)


def owners(world, n: int, start: int = 1) -> list:
    unit = world.building_a.units.get(number="2")
    people = []
    for i in range(start, start + n):
        household = roster.household_create(unit=unit, floor=1 + i % 6, room=f"{1 + i % 6}{i:02d}",
                                            exclusive_area="60.00", actor=SYSTEM)
        person = roster.person_create(subdistrict=world.subdistrict, name=f"业主{i}", sex="F", birth_year=1960,
                                      id_number=id_number(200 + i), actor=SYSTEM)
        roster.ownership_add(person=person, household=household, actor=SYSTEM)
        people.append(person)
    return people


def elect(world, people, *, on=MARCH_2, years=5, **kw) -> Committee:
    return services.committee_elect(compound=world.compound_a, elected_on=on, term_years=years,
                                    members=[NewMember(p) for p in people], election_ref="甲小区业主大会公告〔2026〕1号",
                                    actor=SYSTEM, **kw)


def test_a_committee_elected_by_the_owners_has_its_term_and_deadlines(world):
    committee = elect(world, owners(world, 5))
    assert committee.term_ends == D(2031, 3, 2) and committee.number == 1
    rules = queries.rules_for(world.subdistrict.pk)
    view = queries.committee_view(committee, rules, D(2026, 3, 20))
    due = {d.key: d for d in view.deadlines}
    # 指导规则 art. 32: first meeting within 7 days of 2026-03-02 → 03-09, overdue on 03-20.
    assert due["first_meeting"].due.deadline == D(2026, 3, 9) and due["first_meeting"].due.state == "overdue"
    assert rules.figure(due["first_meeting"].figure).source.zh == "《业主大会和业主委员会指导规则》第三十二条"
    # 条例 art. 16: filing within 30 days → 04-01.
    assert due["filing"].due.deadline == D(2026, 4, 1) and due["filing"].due.state == "open"
    assert rules.figure(due["filing"].figure).source.zh == "《物业管理条例》第十六条"
    assert [m.owner for m in view.serving] == [True] * 5
    assert AuditEvent.objects.filter(action="committee_elect").count() == 1


@pytest.mark.parametrize("size", [4, 6, 13])
def test_a_committee_of_the_wrong_size_is_refused_and_nothing_saved(world, size):
    with pytest.raises(ValidationFailed) as error:
        elect(world, owners(world, size))
    assert error.value.field == "members" and "第三十一条" in error.value.zh
    assert not Committee.objects.exists() and not CommitteeMember.objects.exists()


def test_a_term_over_five_years_is_refused(world):
    with pytest.raises(ValidationFailed) as error:
        elect(world, owners(world, 5), years=6)
    assert error.value.field == "term_years" and "第三十二条" in error.value.zh


def test_a_member_who_is_not_an_owner_is_refused(world):
    people = owners(world, 4)
    stranger = roster.person_create(subdistrict=world.subdistrict, name="外人", sex="M", birth_year=1970,
                                    id_number=id_number(299), actor=SYSTEM)
    with pytest.raises(ValidationFailed, match="外人不是本小区业主"):
        elect(world, [*people, stranger])


def test_the_first_committee_is_the_result_of_its_formation_case(world):
    people = owners(world, 5)
    case = services.case_open(compound=world.compound_a, applied_on=D(2026, 1, 5), actor=SYSTEM)
    for p in people:
        services.candidate_add(case=case, person=p, pledge_on=D(2026, 1, 20), actor=SYSTEM)
    FormationCase.objects.filter(pk=case.pk).update(elected_on=D(2026, 3, 2), seats=5)
    case.refresh_from_db()
    committee = elect(world, people, on=None, case=case)
    case.refresh_from_db()
    assert committee.case == case and committee.elected_on == D(2026, 3, 2) and case.closed
    # Its first meeting and filing are recorded once, on the committee, and read on the case's timeline.
    chair, vice = committee.members.all()[:2]
    services.officers_set(committee=committee, on=D(2026, 3, 6), chair=chair, vices=[vice], actor=SYSTEM)
    services.committee_file(committee=committee, filed_on=D(2026, 3, 20), actor=SYSTEM)
    case.refresh_from_db()
    assert (case.first_meeting_on, case.filed_on) == (D(2026, 3, 6), D(2026, 3, 20))
    with pytest.raises(Conflict):
        services.step_record(case=case, step="filed_on", on=D(2026, 3, 21), actor=SYSTEM)
    with pytest.raises(Conflict):  # one committee per case
        elect(world, people, on=None, case=case)


def test_only_the_cases_candidates_can_be_seated(world):
    people = owners(world, 5)
    case = services.case_open(compound=world.compound_a, applied_on=D(2026, 1, 5), actor=SYSTEM)
    for p in people[:4]:
        services.candidate_add(case=case, person=p, pledge_on=D(2026, 1, 20), actor=SYSTEM)
    FormationCase.objects.filter(pk=case.pk).update(elected_on=D(2026, 3, 2))
    with pytest.raises(ValidationFailed, match="业主5不是本次选举的候选人"):
        elect(world, people, on=None, case=case)


def test_officers_one_chair_and_later_changes_are_changes_to_file(world):
    committee = elect(world, owners(world, 5))
    a, b, c, *_ = committee.members.all()
    with pytest.raises(ValidationFailed):
        services.officers_set(committee=committee, on=D(2026, 3, 1), chair=a, actor=SYSTEM)  # before the election
    services.officers_set(committee=committee, on=D(2026, 3, 5), chair=a, vices=[b], actor=SYSTEM)
    assert committee.members.get(pk=a.pk).get_role_display() == "主任"
    assert not committee.changes.exists()
    services.officers_set(committee=committee, on=D(2026, 5, 5), chair=c, vices=[b], actor=SYSTEM)
    change = committee.changes.get()
    assert change.summary.startswith(f"推选{c.name}为主任")


def test_a_member_who_resigns_and_the_one_elected_instead_are_one_change_filed_within_30_days(world):
    people = owners(world, 6)
    committee = elect(world, people[:5])
    leaving = committee.members.first()
    change = services.member_leave(member=leaving, on=D(2026, 6, 1), reason="resigned",
                                   replacement=NewMember(people[5]), actor=SYSTEM)
    assert "离任（书面辞职）" in change.summary and "补选业主6为委员" in change.summary
    rules = queries.rules_for(world.subdistrict.pk)
    due = queries.change_filing_due(rules, change, D(2026, 7, 15))
    assert due.deadline == D(2026, 7, 1) and due.state == "overdue"  # 指导规则 art. 34: 30 days
    with pytest.raises(ValidationFailed) as error:
        services.change_file(change=change, filed_on=D(2026, 7, 10), actor=SYSTEM)
    assert error.value.field == "late_reason" and "第三十四条" in error.value.zh
    change = services.change_file(change=change, filed_on=D(2026, 7, 10), late_reason="材料补正", actor=SYSTEM)
    assert queries.change_filing_due(rules, change, D(2026, 7, 15)).state == "done_late"
    assert committee.members.filter(left_on__isnull=True).count() == 5
    with pytest.raises(Conflict):
        services.member_leave(member=leaving, on=D(2026, 6, 2), reason="resigned", actor=SYSTEM)


def test_a_late_filing_needs_its_reason(world):
    committee = elect(world, owners(world, 5))
    with pytest.raises(ValidationFailed) as error:
        services.committee_file(committee=committee, filed_on=D(2026, 4, 10), actor=SYSTEM)
    assert error.value.field == "late_reason" and "《物业管理条例》第十六条" in error.value.zh
    assert Committee.objects.get().filed_on is None


def test_a_term_ending_within_90_days_is_flagged_and_an_expired_one_listed(world):
    committee = elect(world, owners(world, 5), on=D(2021, 6, 15))
    assert committee.term_ends == D(2026, 6, 15)
    rules = lambda _sid: queries.rules_for(world.subdistrict.pk)  # noqa: E731
    scope = Scope(everything=True)
    lists = queries.stewardship_lists(scope, rules, D(2026, 4, 1))
    assert [r.compound for r in lists["ending"]] == [world.compound_a] and not lists["expired"]
    lists = queries.stewardship_lists(scope, rules, D(2026, 6, 16))
    assert [r.compound for r in lists["expired"]] == [world.compound_a] and not lists["ending"]
    assert [r.compound for r in lists["committee"]] == [world.compound_a]
    # The overdue filing of 2021 is on its list too.
    assert [r.compound for r in lists["overdue"]] == [world.compound_a]


def test_a_re_election_ends_the_committee_in_office_and_counts_the_term(world):
    people = owners(world, 5)
    first = elect(world, people, on=D(2021, 6, 15))
    second = elect(world, people, on=D(2026, 6, 10))
    first.refresh_from_db()
    assert (first.ended_on, first.successor, second.number) == (D(2026, 6, 10), second, 2)
    with pytest.raises(ValidationFailed):
        elect(world, people, on=D(2026, 6, 1))  # before the one in office


@pytest.fixture
def beijing(world):
    services.rules_choose(subdistrict=world.subdistrict, base="beijing", changes={}, reason="北京", actor=SYSTEM)


def interim_members(world, people):
    return [NewMember(name="李主任", affiliation="甲社区居民委员会"), NewMember(name="张委员", affiliation="甲社区居民委员会"),
            NewMember(name="刘代表", affiliation="街道办事处"), *[NewMember(p) for p in people]]


def test_an_interim_committee_in_beijing_then_the_elected_committee_takes_over(world, beijing):
    people = owners(world, 5)
    interim = services.interim_form(compound=world.compound_a, formed_on=D(2025, 9, 1), term_years=3,
                                    members=interim_members(world, people[:4]), led_by="甲社区居民委员会", actor=SYSTEM)
    assert interim.interim and interim.term_ends == D(2028, 9, 1)
    rules = queries.rules_for(world.subdistrict.pk)
    filing = queries.committee_filing_due(rules, interim, D(2025, 10, 10))
    assert filing.deadline == D(2025, 10, 9) and filing.state == "overdue"  # 北京 art. 55: 30 days (10-01 is a holiday)
    elected = elect(world, people, on=D(2026, 3, 2))
    interim.refresh_from_db()
    assert interim.successor == elected and interim.ended_on == D(2026, 3, 2) and elected.number == 1


def test_an_interim_committee_needs_seven_members_half_owners_and_at_most_three_years(world, beijing):
    people = owners(world, 5)
    with pytest.raises(ValidationFailed, match="第五十四条"):
        services.interim_form(compound=world.compound_a, formed_on=D(2025, 9, 1), term_years=3,
                              members=interim_members(world, people[:3]), led_by="居委会", actor=SYSTEM)  # 6
    with pytest.raises(ValidationFailed, match="业主代表不少于"):
        services.interim_form(compound=world.compound_a, formed_on=D(2025, 9, 1), term_years=3,
                              members=[*interim_members(world, people[:3]), NewMember(name="王代表")], led_by="居委会",
                              actor=SYSTEM)  # 7 with 3 owners
    with pytest.raises(ValidationFailed, match="第五十八条"):
        services.interim_form(compound=world.compound_a, formed_on=D(2025, 9, 1), term_years=4,
                              members=interim_members(world, people[:4]), led_by="居委会", actor=SYSTEM)
    assert not Committee.objects.exists()


def test_the_national_rules_have_no_interim_committee(world):
    with pytest.raises(ValidationFailed) as error:
        services.interim_form(compound=world.compound_a, formed_on=D(2025, 9, 1), term_years=3,
                              members=interim_members(world, owners(world, 4)), led_by="居委会", actor=SYSTEM)
    assert error.value.field == "ruleset"


def test_emergency_management_is_a_case_with_its_deadline_closed_by_the_hired_manager(world, beijing):
    company = services.company_create(subdistrict=world.subdistrict, name="安心物业", credit_code="91350100M0001TGQX1",
                                      actor=SYSTEM)
    emergency = services.management_set(compound=world.compound_a, mode=Mode.EMERGENCY, company=company,
                                        since=D(2026, 3, 1), decided_on=D(2026, 2, 26), note="原物业退出", actor=SYSTEM)
    case = EmergencyCase.objects.get()
    assert (case.management, case.decided_on, case.reason) == (emergency, D(2026, 2, 26), "原物业退出")
    rules = queries.rules_for(world.subdistrict.pk)
    due = queries.emergency_deadline(rules, case, D(2026, 9, 10))
    assert due.deadline == D(2026, 9, 1) and due.state == "overdue"  # 北京 art. 77: at most 6 months
    hired = services.management_set(compound=world.compound_a, mode=Mode.MARKET, company=company, since=D(2026, 8, 1),
                                    actor=SYSTEM)
    case.refresh_from_db()
    assert case.successor == hired and queries.emergency_deadline(rules, case, D(2026, 9, 10)).state == "done"
    assert queries.open_emergency(world.compound_a) is None


def test_party_members_on_the_committee_are_counted_from_the_party_roster(world):
    people = owners(world, 5)
    top = participation.organisation_create(level=OrgLevel.SUBDISTRICT, name="街道党工委",
                                            subdistrict_id=world.subdistrict.pk, actor=SYSTEM)
    community = participation.organisation_create(level=OrgLevel.COMMUNITY, name="甲社区党委", parent=top,
                                                  community=world.community_a, actor=SYSTEM)
    branch = participation.organisation_create(level=OrgLevel.BRANCH, name="甲小区党支部", parent=community,
                                               community=world.community_a, compound=world.compound_a, actor=SYSTEM)
    for p in people[:2]:
        participation.member_add(organisation=branch, person=p, actor=SYSTEM)
    committee = elect(world, people)
    view = queries.committee_view(committee, queries.rules_for(world.subdistrict.pk), D(2026, 3, 3))
    assert (view.party_members, view.party_percent) == (2, 40)
    link = services.party_link_set(compound=world.compound_a, organisation_id=branch.pk, since=D(2026, 1, 1),
                                   company_branch="安心物业党支部", actor=SYSTEM)
    assert link.organisation == branch
    with pytest.raises(ValidationFailed) as error:  # another compound's organisation is not ours
        services.party_link_set(compound=world.compound_b, organisation_id=branch.pk, since=D(2026, 1, 1), actor=SYSTEM)
    assert error.value.field == "organisation"
