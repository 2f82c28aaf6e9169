"""我的家: behind the same letter, the household sees its own consultations with its own answers, its own
statements (明白账), and the notices of its building and compound; nothing of another household."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from anju.consultations import services
from anju.consultations.models import Channel
from anju.elevators import queries as elevator_queries
from anju.elevators import services as elevators
from anju.participation import services as participation
from anju.roster import services as roster
from tests.consultations.conftest import issue_letter, make_unit_vote
from tests.elevators.conftest import fill_unit, make_project
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db


def open_as_owner(client, vote, floor: int) -> None:
    code, _ = issue_letter(vote.consultation, f"3-2-{floor}01")
    client.get(reverse("consultations:vote_link", args=[code]))
    owner = vote.owners[min(floor, 5) - 1]
    assert client.post(reverse("consultations:vote"),
                       {"step": "identity", "name": owner.name, "number": owner.id_number}).status_code == 302


def cast(consultation, household, answer: str):
    q = consultation.questions.get()
    return services.ballot_cast(consultation=consultation, household=household, answers={str(q.pk): answer},
                                channel=Channel.PAPER, actor=SYSTEM)


def plan_for(unit):
    return elevators.plan_save(project=make_project(unit), method="area", scenario=elevator_queries.Scenario(),
                               reason="第一稿", actor=SYSTEM)


@pytest.fixture
def vote(world):
    return make_unit_vote(world)


def test_my_home_needs_the_confirmed_letter(client, vote):
    assert client.get(reverse("consultations:vote_home"))["Location"] == reverse("consultations:vote")
    code, _ = issue_letter(vote.consultation, "3-2-301")
    client.get(reverse("consultations:vote_link", args=[code]))  # scanned, owner not yet confirmed
    assert client.get(reverse("consultations:vote_home"))["Location"] == reverse("consultations:vote")


def test_my_home_lists_this_households_consultations_and_answers_and_no_other(client, world, vote):
    mine = cast(vote.consultation, vote.households[2], "no")
    neighbour = cast(vote.consultation, vote.households[3], "yes")
    elsewhere = services.consultation_create(compound=world.compound_b, title="乙小区改造意见征求", actor=SYSTEM)
    services.questions_from_template(consultation=elsewhere, template="elevator", actor=SYSTEM)
    services.consultation_open(consultation=elsewhere, actor=SYSTEM)
    open_as_owner(client, vote, 3)
    r = client.get(reverse("consultations:vote_home"))
    page = r.content.decode()
    assert r.status_code == 200 and r["Cache-Control"].startswith("max-age=0")
    assert "2单元加装电梯表决" in page and "3栋2单元301室" in page
    assert mine.receipt in page and "不同意" in page
    assert neighbour.receipt not in page
    assert "乙小区改造意见征求" not in page


def test_a_closed_consultation_shows_the_answer_that_counted_and_the_alias(client, vote):
    cast(vote.consultation, vote.households[1], "yes")
    open_as_owner(client, vote, 2)
    services.consultation_close(consultation=vote.consultation, actor=SYSTEM)
    page = client.get(reverse("consultations:vote_home")).content.decode()
    e = vote.consultation.electors.get(household=vote.households[1])
    assert "已截止" in page and "同意" in page and e.alias in page


def test_my_home_lists_the_households_statements_and_opens_its_own(client, vote):
    plan = plan_for(vote.households[0].unit)
    open_as_owner(client, vote, 4)
    page = client.get(reverse("consultations:vote_home")).content.decode()
    url = reverse("consultations:vote_statement", args=[plan.pk])
    assert url in page and "本户在 4 层" in page
    r = client.get(url)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and "no-store" in r["Cache-Control"]


def test_a_resident_cannot_open_another_households_statement(client, world, vote):
    unit = world.household_a.unit  # 3栋1单元: another unit of the same building
    fill_unit(unit, existing={"501"})
    other = plan_for(unit)
    open_as_owner(client, vote, 4)
    assert client.get(reverse("consultations:vote_statement", args=[other.pk])).status_code == 404
    assert client.get(reverse("consultations:vote_statement", args=[987_654])).status_code == 404


def test_my_home_shows_notices_for_its_building_and_compound_only(client, world, vote):
    def published(compound, building, title):
        n = participation.notice_save(compound=compound, building=building, title=title, body_html="正文", actor=SYSTEM)
        return participation.notice_publish(notice=n, actor=SYSTEM)

    published(world.compound_a, None, "甲小区停水通知")
    published(world.compound_a, world.building_a, "3栋外墙施工")
    other_building = roster.building_create(compound=world.compound_a, number="9", storeys=6, units=1,
                                            gross_area=Decimal("1200"), actor=SYSTEM)
    published(world.compound_a, other_building, "9栋管道改造")
    published(world.compound_b, None, "乙小区公示")
    open_as_owner(client, vote, 2)
    page = client.get(reverse("consultations:vote_home")).content.decode()
    assert "甲小区停水通知" in page and "3栋外墙施工" in page
    assert "9栋管道改造" not in page and "乙小区公示" not in page


def test_a_suggestion_sent_from_my_home_is_listed_there_with_its_reply_and_not_for_the_neighbour(client, vote):
    from anju.participation.models import Suggestion

    open_as_owner(client, vote, 3)
    r = client.post(reverse("consultations:vote_home_suggest"),
                    {"category": "elevator", "title": "电梯井遮挡采光", "body": "请考虑三楼的采光。"}, follow=True)
    assert r.status_code == 200 and "电梯井遮挡采光" in r.content.decode() and "社区尚未答复" in r.content.decode()
    s = Suggestion.objects.get(title="电梯井遮挡采光")
    assert s.compound == vote.households[2].compound and s.building == vote.households[2].unit.building
    participation.suggestion_reply(suggestion=s, reply="已请设计单位调整井道位置。", replied_by="甲社区", actor=SYSTEM)
    page = client.get(reverse("consultations:vote_home")).content.decode()
    assert "已请设计单位调整井道位置" in page and s.receipt_code in page

    client.logout()
    open_as_owner(client, vote, 4)
    assert "电梯井遮挡采光" not in client.get(reverse("consultations:vote_home")).content.decode()


def test_a_suggestion_without_a_title_says_so_and_saves_nothing(client, vote):
    from anju.participation.models import Suggestion

    open_as_owner(client, vote, 3)
    r = client.post(reverse("consultations:vote_home_suggest"), {"category": "elevator", "title": "", "body": "内容"})
    assert r.status_code == 400 and "标题" in r.content.decode()
    assert not Suggestion.objects.exists()


def test_a_suggestion_needs_the_confirmed_letter(client, vote):
    from anju.participation.models import Suggestion

    r = client.post(reverse("consultations:vote_home_suggest"), {"category": "elevator", "title": "t", "body": "b"})
    assert r["Location"] == reverse("consultations:vote") and not Suggestion.objects.exists()


def test_my_home_costs_the_same_queries_however_many_consultations_the_household_had(client, world, vote):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    open_as_owner(client, vote, 3)
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("consultations:vote_home")).status_code == 200
    for n in range(3):
        c = services.consultation_create(compound=world.compound_a, title=f"甲小区第{n + 1}次意见征求", actor=SYSTEM)
        services.questions_from_template(consultation=c, template="household5", actor=SYSTEM)
        services.consultation_open(consultation=c, actor=SYSTEM)
    with CaptureQueriesContext(connection) as four:
        page = client.get(reverse("consultations:vote_home")).content.decode()
    assert page.count('data-testid="home-consultation"') == 4
    assert len(four.captured_queries) == len(one.captured_queries)
