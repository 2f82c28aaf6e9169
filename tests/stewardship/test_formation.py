"""业主大会筹备: a compound's case from the application to the filing, each step with its deadline."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from anju.core.errors import Conflict, ValidationFailed
from anju.roster import services as roster
from anju.stewardship import queries, services
from tests.factories import SYSTEM, id_number

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def beijing(world):
    services.rules_choose(subdistrict=world.subdistrict, base="beijing", changes={}, reason="北京", actor=SYSTEM)


@pytest.fixture
def case(world, beijing):
    return services.case_open(compound=world.compound_a, applied_on=D(2026, 3, 2), actor=SYSTEM)


def owner(world, n: int, name: str):
    unit = world.building_a.units.get(number="2")
    household = roster.household_create(unit=unit, floor=1 + n % 6, room=f"{1 + n % 6}0{n}", exclusive_area="60.00",
                                        actor=SYSTEM)
    person = roster.person_create(subdistrict=world.subdistrict, name=name, sex="F", birth_year=1960,
                                  id_number=id_number(100 + n), actor=SYSTEM)
    roster.ownership_add(person=person, household=household, actor=SYSTEM)
    return person, household


def test_the_applicants_share_is_computed_from_the_roster(world, case):
    person, household = owner(world, 1, "孙丽")
    services.applicant_add(case=case, household=household, actor=SYSTEM)
    share = queries.application_share(case)
    # Two households in 甲小区 (72.50 ㎡ and 60.00 ㎡), two owners; the applicant holds one of each.
    assert (share.owners, share.owners_total, str(share.area), str(share.area_total)) == (1, 2, "60.00", "132.50")
    with pytest.raises(ValidationFailed):
        services.applicant_add(case=case, household=household, actor=SYSTEM)
    with pytest.raises(ValidationFailed):
        services.applicant_add(case=case, household=world.household_b, actor=SYSTEM)  # another compound


def test_one_open_case_per_compound(world, case):
    with pytest.raises(Conflict):
        services.case_open(compound=world.compound_a, applied_on=D(2026, 3, 5), actor=SYSTEM)


def test_the_timeline_shows_beijings_deadlines_with_their_articles(world, case):
    rules = queries.rules_for(world.subdistrict.pk)
    steps = {s.key: s for s in queries.case_timeline(case, rules, D(2026, 4, 10))}
    review = steps["reviewed_on"].due
    assert review.deadline == D(2026, 4, 1) and review.state == "overdue"  # 北京 art. 31: 30 days
    assert steps["group_formed_on"].due is None  # counts from the review, not yet done
    case = services.step_record(case=case, step="reviewed_on", on=D(2026, 3, 20), actor=SYSTEM)
    steps = {s.key: s for s in queries.case_timeline(case, rules, D(2026, 4, 10))}
    assert steps["reviewed_on"].due.state == "done"
    assert steps["group_formed_on"].due.deadline == D(2026, 4, 20)  # Sunday 04-19 → Monday


def test_a_group_with_an_even_number_or_too_few_owners_is_refused_when_formed(world, case):
    services.step_record(case=case, step="reviewed_on", on=D(2026, 3, 20), actor=SYSTEM)
    a, _ = owner(world, 1, "孙丽")
    services.group_member_add(case=case, person=a, role="业主代表", actor=SYSTEM)
    services.group_member_add(case=case, person=None, name="周敏", role="居委会代表", leader=True, actor=SYSTEM)
    with pytest.raises(ValidationFailed) as error:
        services.step_record(case=case, step="group_formed_on", on=D(2026, 3, 25), actor=SYSTEM)
    assert "单数" in error.value.zh and "第三十一条" in error.value.zh
    services.group_member_add(case=case, person=None, name="吴刚", role="街道代表", actor=SYSTEM)
    with pytest.raises(ValidationFailed) as error:  # 1 owner of 3: below one half
        services.step_record(case=case, step="group_formed_on", on=D(2026, 3, 25), actor=SYSTEM)
    assert "业主代表不少于 2 人" in error.value.zh
    case.refresh_from_db()
    assert case.group_formed_on is None
    b, _ = owner(world, 2, "钱芳")
    c, _ = owner(world, 3, "郑强")
    services.group_member_add(case=case, person=b, role="业主代表", actor=SYSTEM)
    services.group_member_add(case=case, person=c, role="业主代表", actor=SYSTEM)
    case = services.step_record(case=case, step="group_formed_on", on=D(2026, 3, 25), actor=SYSTEM)
    assert case.group_formed_on == D(2026, 3, 25)


def test_steps_go_in_order(world, case):
    with pytest.raises(ValidationFailed) as error:
        services.step_record(case=case, step="reviewed_on", on=D(2026, 3, 1), actor=SYSTEM)  # before the application
    assert error.value.field == "reviewed_on"
    with pytest.raises(ValidationFailed):
        services.step_record(case=case, step="nonsense", on=D(2026, 3, 5), actor=SYSTEM)


def test_a_candidate_who_is_not_an_owner_is_refused(world, case):
    stranger = roster.person_create(subdistrict=world.subdistrict, name="路人甲", sex="M", birth_year=1970,
                                    id_number=id_number(200), actor=SYSTEM)
    with pytest.raises(ValidationFailed) as error:
        services.candidate_add(case=case, person=stranger, pledge_on=D(2026, 3, 10), actor=SYSTEM)
    assert "不是本物业管理区域的业主" in error.value.zh and "指导规则》第三十一条" in error.value.zh
    assert not case.candidates.exists()


def test_a_candidate_with_an_interest_in_the_manager_is_barred_in_beijing_and_needs_a_pledge(world, case):
    with pytest.raises(ValidationFailed) as error:
        services.candidate_add(case=case, person=world.owner_a, facts={"manager_interest"}, pledge_on=D(2026, 3, 10),
                               actor=SYSTEM)
    assert "利害关系" in error.value.zh and "《北京市物业管理条例》第三十九条" in error.value.zh
    with pytest.raises(ValidationFailed) as error:
        services.candidate_add(case=case, person=world.owner_a, pledge_on=None, actor=SYSTEM)
    assert error.value.field == "pledge_on"
    services.candidate_add(case=case, person=world.owner_a, pledge_on=D(2026, 3, 10), actor=SYSTEM)
    assert case.candidates.count() == 1


def test_seats_follow_the_committee_size_and_the_candidates(world, case):
    # 甲小区 has 2 households: 北京 art. 39 allows 3 members up to 100 households.
    services.seats_set(case=case, seats=3, actor=SYSTEM)
    with pytest.raises(ValidationFailed) as error:
        services.seats_set(case=case, seats=4, actor=SYSTEM)
    assert "单数" in error.value.zh
    services.candidate_add(case=case, person=world.owner_a, pledge_on=D(2026, 3, 10), actor=SYSTEM)
    with pytest.raises(ValidationFailed) as error:
        services.seats_set(case=case, seats=5, actor=SYSTEM)
    assert "多于候选人数" in error.value.zh


def test_the_case_page_reads_as_a_timeline_and_staff_record_steps(client, world, case, staff_a, volunteer_a):
    client.force_login(staff_a)
    url = reverse("stewardship:formation", args=[world.compound_a.pk])
    page = client.get(url).content.decode()
    assert "街道审核申请" in page and "《北京市物业管理条例》第三十一条" in page
    response = client.post(reverse("stewardship:formation_step", args=[case.pk]),
                           {"step": "reviewed_on", "on": "2026-03-20"}, follow=True)
    assert "已记录" in response.content.decode()
    response = client.post(reverse("stewardship:formation_step", args=[case.pk]),
                           {"step": "group_formed_on", "on": "不是日期"}, follow=True)
    assert "请填写日期" in response.content.decode()
    client.force_login(volunteer_a)
    assert client.post(reverse("stewardship:formation_step", args=[case.pk]),
                       {"step": "group_formed_on", "on": "2026-03-25"}).status_code == 403
    assert 'data-testid="timeline"' in client.get(url).content.decode()


def test_staff_open_a_case_on_the_page(client, world, beijing, staff_a):
    client.force_login(staff_a)
    url = reverse("stewardship:formation", args=[world.compound_a.pk])
    assert "尚无业主大会筹备记录" in client.get(url).content.decode()
    response = client.post(url, {"applied_on": "2026-03-02"}, follow=True)
    assert "已登记申请" in response.content.decode() and "业主申请成立业主大会" in response.content.decode()
