"""我的待办 (issue 16, point 1): each kind of open item appears once, for the people whose scope and role
reach it, disappears when the work is done in its app; assignment; the header's count."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from anju.consultations import queries as consultation_queries
from anju.consultations import services as consultations
from anju.consultations.models import Ballot, BallotState, Channel, Consultation
from anju.consultations.queries_work import turnout_gap
from anju.core.audit import Actor, AuditEvent
from anju.core.errors import ValidationFailed
from anju.core.models import Job, JobStatus
from anju.dashboard import queries_work, services
from anju.dashboard.models import WorkAssignment
from anju.participation import services as participation
from anju.participation.models import Category, FollowUp, Suggestion
from anju.programme import services as programme
from anju.programme.models import Inspection, InspectionStatus, Severity, Stage
from anju.roster.models import Household
from anju.stewardship import services as stewardship
from anju.stewardship.models import Committee
from anju.stewardship.services import NewMember
from tests.consultations.conftest import make_unit_vote
from tests.factories import PASSWORD, SYSTEM

pytestmark = pytest.mark.django_db
RESIDENT = Actor.system("resident")


@dataclass
class Open:
    consultation: Consultation
    suggestion_a: Suggestion
    suggestion_b: Suggestion
    stage: Stage
    inspection: Inspection
    follow_up: FollowUp
    committee: Committee
    job: Job


def keys(user) -> list[str]:
    return [i.key for i in queries_work.open_work(user)]


def build(world, staff_a, volunteer_a) -> Open:
    """One open item of every kind in community A (the vote of six flats, its committee…) and a suggestion in B."""
    today = timezone.localdate()
    v = make_unit_vote(world)
    c = v.consultation
    q1 = str(c.questions.get(order=1).pk)
    # 101 voted online and on paper: a ballot conflict. Owner 5 holds 501 and 601 and voted both ways.
    consultations.ballot_cast(
        consultation=c, household=v.households[0], answers={q1: "yes"}, channel=Channel.ONLINE, actor=RESIDENT
    )
    consultations.ballot_cast(
        consultation=c,
        household=v.households[0],
        answers={q1: "no"},
        channel=Channel.PAPER,
        actor=SYSTEM,
        signer="业主1",
    )
    consultations.ballot_cast(
        consultation=c, household=v.households[4], answers={q1: "yes"}, channel=Channel.ONLINE, actor=RESIDENT
    )
    consultations.ballot_cast(
        consultation=c, household=v.households[5], answers={q1: "no"}, channel=Channel.ONLINE, actor=RESIDENT
    )
    Consultation.objects.filter(pk=c.pk).update(closes_at=timezone.now() + datetime.timedelta(days=2))
    c.refresh_from_db()
    sa = participation.suggestion_submit(
        compound=world.compound_a,
        building=None,
        category=Category.REPAIR,
        title="路灯不亮",
        body="3栋门口路灯坏了",
        actor=RESIDENT,
    )
    sb = participation.suggestion_submit(
        compound=world.compound_b,
        building=None,
        category=Category.REPAIR,
        title="垃圾清运",
        body="垃圾站没人清",
        actor=RESIDENT,
    )
    plan = programme.plan_create(subdistrict=world.subdistrict, year=today.year, actor=SYSTEM)
    project = programme.project_create(
        plan=plan,
        compound=world.compound_a,
        actor=SYSTEM,
        stage_dates={"survey": (today - datetime.timedelta(days=40), today - datetime.timedelta(days=10))},
    )
    inspection = programme.inspection_create(
        project=project, findings="脚手架未设防护网", severity=Severity.HIGH, actor=Actor.of(volunteer_a)
    )
    participation.visit_record(
        household=world.household_a,
        visited_on=today,
        visitors="社区网格员",
        answers={"renovation": "yes"},
        actor=Actor.of(staff_a),
    )
    meeting = participation.meeting_create(
        compound=world.compound_a,
        starts_at=timezone.now() - datetime.timedelta(days=9),
        place="社区活动室",
        topic="加装电梯恳谈",
        actor=SYSTEM,
    )
    follow_up = participation.followup_add(
        meeting=meeting,
        description="公示分摊方案",
        owner="李主任",
        due=today - datetime.timedelta(days=1),
        actor=SYSTEM,
    )
    committee = stewardship.committee_elect(
        compound=world.compound_a,
        elected_on=today - datetime.timedelta(days=40),
        term_years=5,
        members=[NewMember(p) for p in v.owners],
        actor=SYSTEM,
    )
    job = Job.objects.create(
        kind="roster.import",
        label="导入 台账.xlsx",
        actor=staff_a,
        status=JobStatus.DONE,
        params={"name": "台账.xlsx"},
        result={"problems": 3, "dry_run": True},
        subdistrict_id=world.subdistrict.pk,
    )
    return Open(c, sa, sb, project.stages.get(kind="survey"), inspection, follow_up, committee, job)


@pytest.fixture
def open_items(world, staff_a, volunteer_a) -> Open:
    return build(world, staff_a, volunteer_a)


def expected_a(o: Open, world) -> list[str]:
    return sorted(
        [
            f"suggestion:{o.suggestion_a.pk}",
            f"ballot_conflicts:{o.consultation.pk}",
            f"owner_conflicts:{o.consultation.pk}",
            f"closing:{o.consultation.pk}",
            f"stage:{o.stage.pk}",
            f"inspection:{o.inspection.pk}",
            f"visits:{world.compound_a.pk}",
            f"follow_up:{o.follow_up.pk}",
            f"committee:{o.committee.pk}",
        ]
    )


def test_each_kind_appears_once_for_the_people_whose_scope_and_role_reach_it(
    open_items, world, staff_a, staff_b, subdistrict_staff, volunteer_a, outsider
):
    o = open_items
    a = expected_a(o, world)
    mine = keys(staff_a)
    assert len(mine) == len(set(mine))  # once each
    assert sorted(mine) == sorted([*a, f"failed_import:{o.job.pk}"])  # the import is staff A's own
    assert keys(staff_b) == [f"suggestion:{o.suggestion_b.pk}"]  # community B: nothing of A
    assert sorted(keys(subdistrict_staff)) == sorted([*a, f"suggestion:{o.suggestion_b.pk}"])
    # The volunteer records visits and follows up the inspection they recorded; nothing else is theirs.
    assert sorted(keys(volunteer_a)) == sorted(
        [f"inspection:{o.inspection.pk}", f"visits:{world.compound_a.pk}"]
    )
    assert keys(outsider) == []


def test_the_most_urgent_come_first(open_items, staff_a):
    items = queries_work.open_work(staff_a)
    urgencies = [i.urgency for i in items]
    assert urgencies == sorted(urgencies)
    overdue = [i.key for i in items if i.urgency == 0]
    assert f"stage:{open_items.stage.pk}" in overdue and f"follow_up:{open_items.follow_up.pk}" in overdue


def test_a_closing_vote_says_how_far_its_turnout_is_from_two_thirds(open_items):
    # Six flats of five owners (owner 5 holds 501 and 601): the engine waits on owner 5's conflict, so
    # the gap is read from the questions that have a result; settle it and 101's conflict to read it.
    c = open_items.consultation
    [owner] = consultation_queries.owner_conflicts(c).owners
    for question in owner.questions:
        consultations.owner_conflict_settle(
            consultation=c,
            question=question,
            owner_key=owner.owner_key,
            vote="yes",
            reason="电话核实",
            actor=SYSTEM,
        )
    zh, en = turnout_gap(consultation_queries.tally(c))
    # Heard: owner 5 (501+601, 61+... m²) only; 101 is in conflict and counts for nothing.
    # Owners 5, area 61..66 = 381 m²; 2/3 of 5 owners = 3.33 → 3 more owners short (1 heard → 4 needed: 3 more).
    assert zh.startswith("还差 3 人 / ") and zh.endswith(" 达到三分之二")
    # Area: 2/3 × 381 = 254 m², heard 65 + 66 = 131 m²: 123.00 ㎡ short.
    assert zh == "还差 3 人 / 123.00 ㎡ 达到三分之二"
    assert en == "3 owners / 123.00 m² short of 2/3"


def test_each_item_disappears_when_its_work_is_done(open_items, world, staff_a, volunteer_a):
    o = open_items
    actor = Actor.of(staff_a)
    c = o.consultation
    paper = Ballot.objects.get(consultation=c, state=BallotState.CONFLICT, online=False)
    consultations.conflict_resolve(ballot=paper, actor=actor, reason="业主本人签字的纸质票为准")
    [owner] = consultation_queries.owner_conflicts(c).owners
    for question in owner.questions:
        consultations.owner_conflict_settle(
            consultation=c,
            question=question,
            owner_key=owner.owner_key,
            vote="yes",
            reason="电话向业主本人核实",
            actor=actor,
        )
    assert not {f"ballot_conflicts:{c.pk}", f"owner_conflicts:{c.pk}"} & set(keys(staff_a))
    consultations.consultation_close(consultation=c, actor=actor)
    assert f"closing:{c.pk}" not in keys(staff_a)

    participation.suggestion_reply(suggestion=o.suggestion_a, reply="已报修，三日内修复", actor=actor)
    assert f"suggestion:{o.suggestion_a.pk}" in keys(staff_a)  # answered: now to close
    participation.suggestion_close(suggestion=Suggestion.objects.get(pk=o.suggestion_a.pk), actor=actor)
    programme.stage_sign_off(stage=o.stage, actual_end=timezone.localdate(), actor=actor)
    programme.inspection_follow_up(
        inspection=o.inspection,
        action="已加装防护网",
        status=InspectionStatus.CLOSED,
        actor=Actor.of(volunteer_a),
    )
    for h in Household.objects.filter(compound=world.compound_a).exclude(pk=world.household_a.pk):
        participation.visit_record(
            household=h,
            visited_on=timezone.localdate(),
            visitors="志愿者",
            answers={},
            actor=Actor.of(volunteer_a),
        )
    participation.followup_done(action=o.follow_up, actor=actor)
    today = timezone.localdate()
    chair = o.committee.members.first()
    stewardship.officers_set(
        committee=o.committee, on=today - datetime.timedelta(days=30), chair=chair, actor=SYSTEM
    )
    stewardship.committee_file(
        committee=o.committee, filed_on=today, late_reason="材料补齐后补办", actor=SYSTEM
    )
    assert f"failed_import:{o.job.pk}" in keys(staff_a)
    Job.objects.create(
        kind="roster.import",
        label="导入 台账.xlsx",
        actor=staff_a,
        status=JobStatus.DONE,
        params={"name": "台账.xlsx"},
        result={"problems": 0, "dry_run": True},
    )
    assert keys(staff_a) == []
    assert keys(volunteer_a) == []


def test_staff_assign_an_item_to_a_colleague_who_sees_it_first_and_others_see_the_name(
    client, open_items, world, staff_a, staff_b, subdistrict_staff
):
    from anju.accounts.models import Role
    from tests.factories import make_user

    colleague = make_user("staff_a2", Role.COMMUNITY_STAFF, world, community=world.community_a)
    key = f"stage:{open_items.stage.pk}"
    item = queries_work.find_item(staff_a, key)
    # Staff of community B do not have A's stage on their list: refused, nothing saved.
    with pytest.raises(ValidationFailed):
        services.work_assign(item=item, assignee_id=staff_b.pk, actor=Actor.of(staff_a))
    assert not WorkAssignment.objects.exists()
    assert client.login(username="staff_a", password=PASSWORD)
    response = client.post(reverse("dashboard:work_assign"), {"item": key, "assignee": colleague.pk})
    assert response.status_code == 302
    assignment = WorkAssignment.objects.get()
    assert (assignment.assigned_to, assignment.assigned_by) == (colleague, staff_a)
    event = AuditEvent.objects.get(action="work_assign")
    assert event.after["assigned_to"] == "staff_a2" and event.actor == staff_a
    # The colleague sees it first, under 指派给我的; the others see whose it is.
    assert client.login(username="staff_a2", password=PASSWORD)
    page = client.get(reverse("dashboard:work")).content.decode()
    mine = page.split('data-testid="work-mine"')[1].split("</section>")[0]
    assert f'data-key="{key}"' in mine and page.count(f'data-key="{key}"') == 1  # once, first
    assert client.login(username="jiedao", password=PASSWORD)
    page = client.get(reverse("dashboard:work")).content.decode()
    assert 'data-testid="work-mine"' not in page and "已指派给 staff_a2" in page
    # Taken back: the row goes, audited.
    assert client.login(username="staff_a", password=PASSWORD)
    client.post(reverse("dashboard:work_assign"), {"item": key, "assignee": ""})
    assert (
        not WorkAssignment.objects.exists() and AuditEvent.objects.filter(action="work_unassign").count() == 1
    )


def test_a_volunteer_may_not_assign_and_an_item_not_on_the_list_is_not_found(
    client, open_items, staff_b, volunteer_a
):
    assert client.login(username="volunteer_a", password=PASSWORD)
    key = f"visits:{open_items.consultation.compound_id}"
    assert (
        client.post(reverse("dashboard:work_assign"), {"item": key, "assignee": staff_b.pk}).status_code
        == 403
    )
    assert client.login(username="staff_b", password=PASSWORD)
    assert (
        client.post(reverse("dashboard:work_assign"), {"item": f"stage:{open_items.stage.pk}"}).status_code
        == 404
    )
    assert client.post(reverse("dashboard:work_assign"), {}).status_code == 400


def test_staff_land_on_their_work_and_every_staff_page_shows_the_count(client, open_items, staff_a):
    response = client.post(
        reverse("accounts:login"), {"username": "staff_a", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("dashboard:work")
    page = response.content.decode()
    assert "我的待办" in page and 'data-testid="work-total">10<' in page
    assert 'data-group="conflicts"' in page
    # Owner 5's flats disagree, so the engine cannot count yet: the page says what answered and why.
    assert "已收回 2 / 6 户；业主意见冲突核对后才能算出差额" in page
    # Every staff page loads the badge after itself (its own queries stay as pinned); it says 10.
    roster_page = client.get(reverse("roster:home"), follow=True).content.decode()
    badge = roster_page.split('data-testid="work-badge"')[1].split("</a>")[0]
    assert f'hx-get="{reverse("dashboard:work_count")}"' in badge and 'hx-trigger="load"' in badge
    fragment = client.get(reverse("dashboard:work_count"), HTTP_HX_REQUEST="true").content.decode()
    assert (
        fragment.strip()
        == '<span class="badge rounded-pill text-bg-warning" data-testid="work-count">10</span>'
    )


def test_the_badge_says_nothing_when_there_is_no_work(client, world, staff_b):
    assert client.login(username="staff_b", password=PASSWORD)
    assert client.get(reverse("dashboard:work_count")).content.decode().strip() == ""


def test_the_count_is_few_queries_once_and_none_while_cached(client, open_items, world, staff_a):
    with CaptureQueriesContext(connection) as first:
        assert queries_work.work_count(staff_a) == 10
    # Pinned: about twenty for every list whatever its length, and a few per open vote (its owner check)
    # and per vote closing within three days (its tally): one vote here, both. Each new kind of list
    # adds its own few (the overdue disclosures: two; the committee's decisions to post and regular
    # meetings due, and formation steps due: one each).
    assert len(first) <= 37, [q["sql"] for q in first.captured_queries]
    with CaptureQueriesContext(connection) as cached:
        assert queries_work.work_count(staff_a) == 10
    assert len(cached) == 0

    # The badge is that one call: a cached request costs the session and the user only.
    client.force_login(staff_a)
    client.get(reverse("dashboard:work_count"))
    with CaptureQueriesContext(connection) as request:
        assert ">10<" in client.get(reverse("dashboard:work_count")).content.decode()
    assert len(request) <= 3, [q["sql"] for q in request.captured_queries]
    # More items of the listed kinds cost no more queries.
    for n in range(3):
        participation.suggestion_submit(
            compound=world.compound_a,
            building=None,
            category=Category.REPAIR,
            title=f"楼道灯{n}",
            body="不亮",
            actor=RESIDENT,
        )
    programme.inspection_create(
        project=open_items.stage.project, findings="材料堆放占用消防通道", actor=SYSTEM
    )
    queries_work.forget_counts(staff_a.pk)
    with CaptureQueriesContext(connection) as more:
        assert queries_work.work_count(staff_a) == 14
    assert len(more) == len(first)


def test_the_page_reads_in_english(client, open_items, staff_a):
    assert client.login(username="staff_a", password=PASSWORD)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("dashboard:work")).content.decode()
    assert "My work" in page and "Stages overdue or due within 7 days" in page


def test_the_api_lists_the_same_items_and_assigns_like_the_page(client, open_items, world, staff_a, staff_b):
    assert client.login(username="staff_a", password=PASSWORD)
    listed = client.get("/api/dashboard/work").json()
    assert [i["key"] for i in listed] == [
        line.item.key for group in queries_work.work_of(staff_a).groups for line in group.lines
    ]
    closing = next(i for i in listed if i["kind"] == "closing")
    assert closing["title"] == "甲小区：2单元加装电梯表决" and closing["urgency"] == 1
    key = f"inspection:{open_items.inspection.pk}"
    refused = client.post(
        "/api/dashboard/work/assign", {"item": key, "assignee": staff_b.pk}, content_type="application/json"
    )
    assert refused.status_code == 400 and not WorkAssignment.objects.exists()
    assert (
        client.post(
            "/api/dashboard/work/assign", {"item": "stage:987654"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert client.login(username="staff_b", password=PASSWORD)
    assert (
        client.post(
            "/api/dashboard/work/assign",
            {"item": key, "assignee": staff_a.pk},
            content_type="application/json",
        ).status_code
        == 404
    )  # not on B's list
