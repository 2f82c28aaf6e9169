"""The election's publicity as notices with QR codes, the numbered candidates, and the committee over its
term: its meetings, their decisions posted within the rule set's days, the Beijing interim chair, the
re-election reminder and the open work in 我的待办 (issue 13, points 2 and 3)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from anju.consultations import queries as consultation_queries
from anju.consultations import services as consultations
from anju.core.errors import Conflict, ValidationFailed
from anju.domain.stewardship import term
from anju.participation.models import Meeting, Notice
from anju.stewardship import queries, queries_work, services
from anju.stewardship.models import CommitteeMeeting
from anju.stewardship.services import NewMember
from tests.factories import SYSTEM
from tests.stewardship.test_assembly_election import case_with_candidates, vote
from tests.stewardship.test_committee import elect, interim_members, owners

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def beijing(world):
    services.rules_choose(subdistrict=world.subdistrict, base="beijing", changes={}, reason="北京", actor=SYSTEM)


def at(day: datetime.date, hour: int = 19) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


# --- the candidate list and the result, as notices -----------------------------------------------


def test_the_candidate_list_is_a_published_notice_with_the_numbers_the_ballot_uses(world, client, staff_a):
    case, _people = case_with_candidates(world)
    services.step_record(case=case, step="assembly_planned_on", on=D(2026, 3, 20), actor=SYSTEM)
    case = services.candidates_publish(case=case, on=D(2026, 2, 20), actor=SYSTEM)
    notice = case.candidates_notice
    assert notice.published_at is not None and timezone.localdate(notice.published_at) == D(2026, 2, 20)
    assert case.publicity_on == D(2026, 2, 20)  # the case's publicity step is the notice's day
    for i in range(1, 7):
        assert f"<td>{i}号</td><td>业主{i}</td>" in notice.body_html
    assert "应选" not in notice.title and "委员 5 名" in notice.body_html
    assert "不少于 15 日（《物业管理条例》第十四条）" in notice.body_html  # national: owners told 15 days ahead
    case = services.assembly_vote_open(case=case, actor=SYSTEM)
    assert case.assembly.questions.get().choices[0] == "1号 业主1"  # the same number on the ballot
    client.force_login(staff_a)
    pdf = client.get(reverse("participation:notice_pdf", args=[notice.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert client.get(reverse("participation:notice", args=[notice.pk])).status_code == 200  # the QR's page
    with pytest.raises(Conflict):
        services.candidates_publish(case=case, on=D(2026, 2, 21), actor=SYSTEM)


def test_beijing_publishes_the_candidates_fifteen_days_before_the_first_meeting(world, beijing):
    case, _people = case_with_candidates(world)
    case = services.candidates_publish(case=case, on=D(2026, 2, 20), actor=SYSTEM)
    assert "不少于 15 日（《北京市物业管理条例》第三十二条）" in case.candidates_notice.body_html


def test_more_seats_than_candidates_cannot_be_published_or_voted_and_nothing_is_saved(world):
    case, _people = case_with_candidates(world, seats=None)
    case.candidates.all().delete()
    services.seats_set(case=case, seats=5, actor=SYSTEM)  # before the candidates are known
    for p in owners(world, 3, start=20):
        services.candidate_add(case=case, person=p, pledge_on=D(2026, 1, 20), actor=SYSTEM)
    with pytest.raises(ValidationFailed, match="少于应选名额") as error:
        services.candidates_publish(case=case, on=D(2026, 2, 20), actor=SYSTEM)
    assert error.value.field == "seats"
    with pytest.raises(ValidationFailed, match="多于候选人数") as error:
        services.assembly_vote_open(case=case, actor=SYSTEM)
    assert error.value.field == "seats"
    case.refresh_from_db()
    assert case.candidates_notice is None and case.assembly is None and not Notice.objects.exists()


def test_a_candidate_who_is_not_an_owner_is_refused_naming_the_field(world):
    case, _people = case_with_candidates(world)
    with pytest.raises(ValidationFailed, match="不是本小区业主|不能作为候选人") as error:
        services.candidate_add(case=case, person=world.owner_b, pledge_on=D(2026, 1, 20), actor=SYSTEM)
    assert error.value.field == "person"


def test_the_result_is_published_once_the_vote_has_closed_with_every_candidates_count(world):
    case, people = case_with_candidates(world)
    case = services.assembly_vote_open(case=case, actor=SYSTEM)
    with pytest.raises(Conflict):
        services.result_publish(case=case, on=timezone.localdate(), actor=SYSTEM)
    vote(case, people, [[1, 2, 3, 4, 5]] * 6 + [[1, 2, 3, 4, 6]])
    case = services.result_publish(case=case, on=timezone.localdate(), actor=SYSTEM)
    body = case.result_notice.body_html
    assert "<td>1号 业主1</td><td>7</td><td>420.00</td><td>当选</td>" in body
    assert "<td>6号 业主6</td><td>1</td><td>60.00</td><td>未过半数</td>" in body
    assert "1号 业主1、2号 业主2、3号 业主3、4号 业主4、5号 业主5" in body and "第二百八十条" in body
    assert case.elected_on == timezone.localdate() and case.result_published_on == timezone.localdate()
    committee = services.committee_from_election(case=case, term_years=5, actor=SYSTEM)
    assert committee.election_ref == case.result_notice.title


# --- the committee's meetings and decisions ------------------------------------------------------


def test_a_meeting_is_a_participation_meeting_with_its_minutes_and_its_decisions_due_in_three_days(world, beijing):
    committee = elect(world, owners(world, 5), on=D(2026, 3, 2))
    row = services.committee_meeting_record(committee=committee, starts_at=at(D(2026, 4, 10)), place="活动室",
                                            topic="物业服务考评", minutes="应到 5 人，实到 5 人。",
                                            decisions=["开展满意度测评", "", "增设充电点"], actor=SYSTEM)
    meeting = Meeting.objects.get(pk=row.meeting_id)
    assert meeting.minutes.startswith("应到") and [d.text for d in meeting.decisions.all()] == ["开展满意度测评", "增设充电点"]
    rules = queries.rules_for(world.subdistrict.pk)
    deadline = next(d for d in queries.committee_deadlines(committee, rules, D(2026, 4, 12))
                    if d.key == f"decisions-{row.pk}")
    assert deadline.due.deadline == D(2026, 4, 13) and deadline.due.state == "due_soon"  # 北京 art. 45: three days
    assert rules.figure("committee_decision_publicity_days").source.zh == "《北京市物业管理条例》第四十五条"
    with pytest.raises(ValidationFailed, match="3 日内公告（《北京市物业管理条例》第四十五条）") as error:
        services.decisions_publish(meeting=row, on=D(2026, 4, 14), actor=SYSTEM)
    assert error.value.field == "late_reason" and not CommitteeMeeting.objects.get(pk=row.pk).notice_id
    row = services.decisions_publish(meeting=row, on=D(2026, 4, 14), late_reason="公告栏维修", actor=SYSTEM)
    assert "<li>开展满意度测评</li>" in row.notice.body_html and row.notice.published_at is not None
    done = next(d for d in queries.committee_deadlines(committee, rules, D(2026, 4, 20)) if d.key.startswith("decisions"))
    assert done.due.state == "done_late"


def test_a_meeting_needs_its_minutes_and_cannot_come_before_the_election(world):
    committee = elect(world, owners(world, 5), on=D(2026, 3, 2))
    with pytest.raises(ValidationFailed) as error:
        services.committee_meeting_record(committee=committee, starts_at=at(D(2026, 4, 10)), place="活动室",
                                          topic="考评", minutes=" ", actor=SYSTEM)
    assert error.value.field == "minutes"
    with pytest.raises(ValidationFailed) as error:
        services.committee_meeting_record(committee=committee, starts_at=at(D(2026, 2, 10)), place="活动室",
                                          topic="考评", minutes="纪要", actor=SYSTEM)
    assert error.value.field == "starts_at" and not Meeting.objects.exists()


def test_beijing_asks_for_a_regular_meeting_at_least_every_two_months(world, beijing):
    committee = elect(world, owners(world, 5), on=D(2026, 3, 2))
    rules = queries.rules_for(world.subdistrict.pk)
    regular = next(d for d in queries.committee_deadlines(committee, rules, D(2026, 3, 5)) if d.key == "regular_meeting")
    assert regular.due.deadline == D(2026, 5, 2)  # 北京 art. 45: 至少每两个月召开一次
    assert rules.figure("committee_meeting_interval_months").source.zh == "《北京市物业管理条例》第四十五条"
    services.committee_meeting_record(committee=committee, starts_at=at(D(2026, 4, 30)), place="活动室", topic="例会",
                                      minutes="纪要", actor=SYSTEM)
    regular = next(d for d in queries.committee_deadlines(committee, rules, D(2026, 5, 5)) if d.key == "regular_meeting")
    assert regular.due.deadline == D(2026, 6, 30) and regular.due.state == "open"


def test_the_national_rules_set_no_meeting_interval_nor_decision_days(world):
    committee = elect(world, owners(world, 5), on=D(2026, 3, 2))
    services.committee_meeting_record(committee=committee, starts_at=at(D(2026, 4, 10)), place="活动室", topic="例会",
                                      minutes="纪要", decisions=["一项决定"], actor=SYSTEM)
    keys = [d.key for d in queries.committee_deadlines(committee, queries.rules_for(world.subdistrict.pk), D(2026, 9, 1))]
    assert "regular_meeting" not in keys and not [k for k in keys if k.startswith("decisions")]


# --- the Beijing interim committee's officers (art. 54) ------------------------------------------


def test_the_beijing_interim_chair_is_the_residents_committees_representative(world, beijing):
    people = owners(world, 4)
    interim = services.interim_form(compound=world.compound_a, formed_on=D(2025, 9, 1), term_years=3,
                                    members=interim_members(world, people), led_by="甲社区居民委员会", actor=SYSTEM)
    seated = {m.name: m for m in interim.members.all()}
    with pytest.raises(ValidationFailed, match="主任由居民委员会（村民委员会）代表担任（《北京市物业管理条例》第五十四条）"):
        services.officers_set(committee=interim, on=D(2025, 9, 2), chair=seated["业主1"], actor=SYSTEM)
    with pytest.raises(ValidationFailed, match="副主任由居民委员会指定一名业主代表担任"):
        services.officers_set(committee=interim, on=D(2025, 9, 2), chair=seated["李主任"], vices=[seated["刘代表"]],
                              actor=SYSTEM)
    with pytest.raises(ValidationFailed, match="副主任由居民委员会指定一名业主代表担任"):
        services.officers_set(committee=interim, on=D(2025, 9, 2), chair=seated["李主任"],
                              vices=[seated["业主1"], seated["业主2"]], actor=SYSTEM)
    assert not interim.members.exclude(role="member").exists()
    services.officers_set(committee=interim, on=D(2025, 9, 2), chair=seated["李主任"], vices=[seated["业主1"]],
                          actor=SYSTEM)
    assert interim.members.get(role="chair").name == "李主任" and interim.members.get(role="vice").name == "业主1"


def test_an_owners_committee_chooses_any_member_as_chair(world, beijing):
    committee = elect(world, owners(world, 5), on=D(2026, 3, 2))
    first = committee.members.order_by("pk").first()
    services.officers_set(committee=committee, on=D(2026, 3, 5), chair=first, actor=SYSTEM)
    assert committee.members.get(role="chair") == first


# --- the term's end in 我的待办 ---------------------------------------------------------------------


def test_the_re_election_reminder_starts_before_the_report_the_rule_set_asks_for(world, beijing):
    rules = queries.rules_for(world.subdistrict.pk)
    end = D(2031, 3, 2)
    assert term.report_due(rules, end) == D(2030, 9, 2)  # 北京 art. 49: six months before
    assert term.reminder_days(rules, end) == (end - D(2030, 9, 2)).days + term.ENDING_DAYS
    assert term.term_state(end, D(2030, 7, 1), within=term.reminder_days(rules, end)) == "ending"
    national = queries.rules_of(None)
    assert term.reminder_days(national, end) == term.ENDING_DAYS


def test_work_lists_a_committee_whose_decisions_wait_and_a_formation_review_due(world, beijing, staff_a):
    today = timezone.localdate()
    committee = elect(world, owners(world, 5), on=today - datetime.timedelta(days=20))
    services.officers_set(committee=committee, on=today - datetime.timedelta(days=18),
                          chair=committee.members.order_by("pk").first(), actor=SYSTEM)
    services.committee_file(committee=committee, filed_on=today - datetime.timedelta(days=15), actor=SYSTEM)
    services.committee_meeting_record(committee=committee, starts_at=at(today - datetime.timedelta(days=1), 9),
                                      place="活动室", topic="例会", minutes="纪要", decisions=["一项决定"], actor=SYSTEM)
    items = {i.kind: i for i in queries_work.open_work(staff_a, today)}
    assert "公告" in items["committee"].detail_zh and "会议的决定事项" in items["committee"].detail_zh
    # 乙 compound's owners applied 25 days ago: the 街道's review is due within 30 days (北京 art. 31).
    case = services.case_open(compound=world.compound_a, applied_on=today - datetime.timedelta(days=25), actor=SYSTEM)
    items = {i.kind: i for i in queries_work.open_work(staff_a, today)}
    formation = items["formation"]
    assert formation.object_id == case.pk and "街道审核申请" in formation.detail_zh
    assert formation.due == today + datetime.timedelta(days=5)


def test_a_member_who_leaves_is_a_change_filed_within_30_days_or_with_a_reason(world):
    committee = elect(world, owners(world, 5), on=D(2025, 3, 2))
    member = committee.members.order_by("pk").last()
    change = services.member_leave(member=member, on=D(2025, 6, 1), reason="removed",
                                   replacement=NewMember(owners(world, 1, start=30)[0]), actor=SYSTEM)
    with pytest.raises(ValidationFailed, match="30 日（《业主大会和业主委员会指导规则》第三十四条）") as error:
        services.change_file(change=change, filed_on=D(2025, 7, 2), actor=SYSTEM)
    assert error.value.field == "late_reason"
    change.refresh_from_db()
    assert change.filed_on is None and "经业主大会罢免" in change.summary


# --- a household that votes by two channels on an election ---------------------------------------


def test_an_election_ballot_online_and_on_paper_is_a_conflict_counted_once_when_settled(world):
    case, people = case_with_candidates(world)
    case = services.assembly_vote_open(case=case, actor=SYSTEM)
    c, q = case.assembly, case.assembly.questions.get()
    household = people[0].ownerships.get().household
    consultations.ballot_cast(consultation=c, household=household, channel="online", actor=SYSTEM,
                              answers={str(q.pk): ["1号 业主1"]})
    consultations.ballot_cast(consultation=c, household=household, channel="paper", actor=SYSTEM,
                              answers={str(q.pk): ["2号 业主2"]})
    conflicts = list(consultation_queries.conflicts(c))
    assert [b.online for b in conflicts] == [False, True]
    tally = consultation_queries.tally(c)
    assert tally.conflicts == 1 and tally.questions[0].election.participants == 0  # neither counts yet
    consultations.conflict_resolve(ballot=conflicts[0], actor=SYSTEM, reason="业主确认以纸质选票为准")
    outcome = consultation_queries.tally(c).questions[0].election
    assert outcome.participants == 1 and {x.name: x.votes for x in outcome.candidates}["2号 业主2"] == 1


def test_an_owner_whose_flats_chose_different_candidates_is_on_the_owner_conflicts_page(world, client, staff_a):
    case, people = case_with_candidates(world)
    from anju.roster import services as roster

    second = roster.household_create(unit=world.building_a.units.get(number="2"), floor=6, room="699",
                                     exclusive_area="60.00", actor=SYSTEM)
    roster.ownership_add(person=people[0], household=second, actor=SYSTEM)
    case = services.assembly_vote_open(case=case, actor=SYSTEM)
    c, q = case.assembly, case.assembly.questions.get()
    first = people[0].ownerships.order_by("pk").first().household
    consultations.ballot_cast(consultation=c, household=first, channel="paper", actor=SYSTEM,
                              answers={str(q.pk): ["1号 业主1"]})
    consultations.ballot_cast(consultation=c, household=second, channel="paper", actor=SYSTEM,
                              answers={str(q.pk): ["2号 业主2"]})
    found = consultation_queries.owner_conflicts(c)
    assert len(found.owners) == 1 and found.owners[0].questions == [q]
    client.force_login(staff_a)
    page = client.get(reverse("consultations:owner_conflicts", args=[c.pk])).content.decode()
    assert "1号 业主1" in page and "2号 业主2" in page and 'data-testid="election-conflict"' in page
    assert consultation_queries.tally(c).owner_conflicts == 1


# --- the API, as the pages -------------------------------------------------------------------------


def test_the_api_posts_the_notices_records_a_meeting_and_posts_its_decisions(client, world, beijing, staff_a):
    case, people = case_with_candidates(world)
    client.force_login(staff_a)
    url = f"/api/stewardship/formation/{case.pk}"
    r = client.post(f"{url}/candidates-notice", {"on": "2026-02-20"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["published_on"] == "2026-02-20", r.content
    again = client.post(f"{url}/candidates-notice", {"on": "2026-02-21"}, content_type="application/json")
    assert again.status_code == 409 and "已公示" in again.json()["detail"]
    early = client.post(f"{url}/result-notice", {"on": "2026-02-21"}, content_type="application/json")
    assert early.status_code == 409
    committee = elect(world, owners(world, 5, start=40), on=D(2026, 3, 2))
    r = client.post(f"/api/stewardship/committees/{committee.pk}/meetings",
                    {"starts_at": "2026-04-10T19:00:00+08:00", "place": "活动室", "topic": "例会",
                     "minutes": "纪要", "decisions": ["一项决定"]}, content_type="application/json")
    assert r.status_code == 201 and r.json()["decisions_due"] == "2026-04-13", r.content
    late = client.post(f"/api/stewardship/committee-meetings/{r.json()['id']}/publish", {"on": "2026-04-20"},
                       content_type="application/json")
    assert late.status_code == 400 and late.json()["field"] == "late_reason"
    done = client.post(f"/api/stewardship/committee-meetings/{r.json()['id']}/publish",
                       {"on": "2026-04-20", "late_reason": "公告栏维修"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["published_on"] == "2026-04-20"


def test_a_vote_held_before_it_was_entered_records_its_real_dates_once_closed(world):
    case, people = case_with_candidates(world)
    case = services.assembly_vote_open(case=case, actor=SYSTEM)
    c = case.assembly
    opened, closed = at(D(2026, 2, 1), 9), at(D(2026, 2, 18), 17)
    with pytest.raises(Conflict):  # still open: its times are the ones it runs by
        consultations.consultation_held(consultation=c, opened_at=opened, closed_at=closed, actor=SYSTEM)
    vote(case, people, [[1, 2, 3, 4, 5]] * 7)
    with pytest.raises(ValidationFailed):
        consultations.consultation_held(consultation=c, opened_at=closed, closed_at=opened, actor=SYSTEM)
    c = consultations.consultation_held(consultation=c, opened_at=opened, closed_at=closed, actor=SYSTEM)
    case = services.result_publish(case=case, on=D(2026, 2, 19), actor=SYSTEM)
    assert case.elected_on == D(2026, 2, 18) and c.closed_at == closed
