"""The first assembly meeting as a consultation: the case's candidates and seats become its election
question, and the closed vote's elected candidates become the case's first committee (issue 13, 2)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from anju.consultations import services as consultations
from anju.core.errors import Conflict, ValidationFailed
from anju.stewardship import services
from anju.stewardship.models import Committee
from tests.factories import SYSTEM
from tests.stewardship.test_committee import owners

pytestmark = pytest.mark.django_db
D = datetime.date


def case_with_candidates(world, *, seats: int | None = 5):
    # Seven owners of one 60 ㎡ flat each, beside the world's 3栋1单元501 (72.50 ㎡).
    people = owners(world, 7)
    case = services.case_open(compound=world.compound_a, applied_on=D(2026, 1, 5), actor=SYSTEM)
    for p in people[:6]:
        services.candidate_add(case=case, person=p, pledge_on=D(2026, 1, 20), actor=SYSTEM)
    if seats is not None:
        services.seats_set(case=case, seats=seats, actor=SYSTEM)
    return case, people


def vote(case, people, choices: list[list[int]]) -> None:
    """Owner i (1-based) ticks the candidates "j号 业主j" for j in choices[i-1]; then the vote closes."""
    c = case.assembly
    q = c.questions.get()
    for person, picked in zip(people, choices, strict=True):
        household = person.ownerships.get().household
        consultations.ballot_cast(
            consultation=c,
            household=household,
            channel="paper",
            actor=SYSTEM,
            answers={str(q.pk): [f"{j}号 业主{j}" for j in picked]},
        )
    consultations.consultation_close(consultation=c, actor=SYSTEM)


def test_the_assembly_vote_lists_the_candidates_and_the_elected_become_the_committee(world):
    case, people = case_with_candidates(world)
    case = services.assembly_vote_open(case=case, actor=SYSTEM)
    q = case.assembly.questions.get()
    assert (q.kind, q.seats, q.choices) == ("election", 5, [f"{i}号 业主{i}" for i in range(1, 7)])
    assert case.assembly.status == "open" and case.assembly.electors.count() == 8  # and the world's 501
    with pytest.raises(Conflict):  # the committee is known once the vote has closed
        services.committee_from_election(case=case, term_years=5, actor=SYSTEM)
    vote(case, people, [[1, 2, 3, 4, 5]] * 6 + [[1, 2, 3, 4, 6]])
    committee = services.committee_from_election(case=case, term_years=5, actor=SYSTEM)
    case.refresh_from_db()
    assert committee.case == case and case.closed and case.elected_on == timezone.localdate()
    assert sorted(m.name for m in committee.members.all()) == [f"业主{i}" for i in range(1, 6)]
    assert "表决结果公示" in committee.election_ref


def test_a_tie_for_the_last_seats_is_left_to_the_rules_of_procedure(world):
    case, people = case_with_candidates(world)
    case = services.assembly_vote_open(case=case, actor=SYSTEM)
    # 1-3 by all seven; 4, 5 and 6 by four owners each (240 ㎡): three level for the last two seats.
    vote(
        case,
        people,
        [
            [1, 2, 3, 4, 5],
            [1, 2, 3, 4, 5],
            [1, 2, 3, 4, 6],
            [1, 2, 3, 4, 6],
            [1, 2, 3, 5, 6],
            [1, 2, 3, 5, 6],
            [1, 2, 3],
        ],
    )
    with pytest.raises(Conflict, match="4号 业主4、5号 业主5、6号 业主6票数相同"):
        services.committee_from_election(case=case, term_years=5, actor=SYSTEM)
    assert not Committee.objects.exists()


def test_the_vote_needs_the_seats_first(world):
    case, _ = case_with_candidates(world, seats=None)
    with pytest.raises(ValidationFailed) as refused:
        services.assembly_vote_open(case=case, actor=SYSTEM)
    assert refused.value.field == "seats"
    case.refresh_from_db()
    assert case.assembly is None


def test_the_vote_is_opened_once(world):
    case, _ = case_with_candidates(world)
    services.assembly_vote_open(case=case, actor=SYSTEM)
    with pytest.raises(Conflict):
        services.assembly_vote_open(case=case, actor=SYSTEM)


def test_staff_open_the_vote_and_seat_the_elected_on_the_formation_page(client, world, staff_a):
    case, people = case_with_candidates(world)
    client.force_login(staff_a)
    page = reverse("stewardship:formation", args=[world.compound_a.pk])
    assert "以候选人发起选举表决" in client.get(page).content.decode()
    opened = client.post(
        reverse("stewardship:formation_assembly", args=[case.pk]), {"title": ""}, follow=True
    )
    assert "已发起首次业主大会会议表决" in opened.content.decode()
    case.refresh_from_db()
    assert case.assembly.title == "甲小区首次业主大会会议"
    vote(case, people, [[1, 2, 3, 4, 5]] * 7)
    shown = client.get(page).content.decode()
    assert "应选 5 名，当选 5 名" in shown and 'data-candidate="6号 业主6" data-status="below_threshold"' in shown
    seated = client.post(
        reverse("stewardship:formation_elected", args=[case.pk]), {"term_years": "5"}, follow=True
    )
    assert "已按选举结果产生业主委员会" in seated.content.decode()
    assert Committee.objects.get().members.count() == 5


def test_a_volunteer_cannot_open_the_vote(client, world, volunteer_a):
    case, _ = case_with_candidates(world)
    client.force_login(volunteer_a)
    assert client.post(reverse("stewardship:formation_assembly", args=[case.pk])).status_code == 403
    case.refresh_from_db()
    assert case.assembly is None


def test_the_api_opens_the_vote_and_seats_the_elected(client, world, staff_a):
    case, people = case_with_candidates(world)
    client.force_login(staff_a)
    r = client.post(
        f"/api/stewardship/formation/{case.pk}/assembly", {"title": ""}, content_type="application/json"
    )
    assert r.status_code == 201, r.content
    assert r.json()["seats"] == 5 and r.json()["candidates"] == [f"{i}号 业主{i}" for i in range(1, 7)]
    early = client.post(
        f"/api/stewardship/formation/{case.pk}/committee", {"term_years": 5}, content_type="application/json"
    )
    assert early.status_code == 409
    case.refresh_from_db()
    vote(case, people, [[1, 2, 3, 4, 5]] * 7)
    done = client.post(
        f"/api/stewardship/formation/{case.pk}/committee", {"term_years": 5}, content_type="application/json"
    )
    assert done.status_code == 201 and len(done.json()["members"]) == 5 and done.json()["case_id"] == case.pk
