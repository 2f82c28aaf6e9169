"""The demo consultations: 金盾苑's elevator vote passed under art. 278, an open vote, two rounds of items."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from anju.consultations import demo, queries
from anju.consultations.models import Consultation, Letter, Status
from anju.roster import demo as roster_demo

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    from anju.elevators import demo as elevators_demo

    with django_db_blocker.unblock():
        sd = roster_demo.load_demo()
        elevators_demo.load_demo(sd)
        made = demo.load_demo(sd)
        yield sd, made
        from django.core.management import call_command

        call_command("flush", interactive=False)


def test_jindunyuan_elevator_vote_passed_under_article_278_with_online_and_paper_ballots(demo_db):
    c = Consultation.objects.get(compound__name="金盾苑")
    assert c.status == Status.CLOSED and c.unit_id and c.closed_at.year == 2021
    t = queries.tally(c)
    result = t.questions[0].result
    assert result.passed and result.rule.name == "civil-code-278-major"
    assert set(t.by_channel) >= {"online", "paper"}


def test_another_building_has_an_open_vote_whose_letters_staff_print(demo_db):
    c = Consultation.objects.get(status=Status.OPEN)
    # No letter exists until staff print one: a code is never made where nobody holds the paper.
    assert c.compound.name != "金盾苑" and not Letter.objects.filter(elector__consultation=c).exists()
    t = queries.tally(c)
    assert 0 < t.heard < t.eligible and not t.questions[0].result.passed


def test_the_open_vote_closes_at_a_round_hour_about_a_month_after_loading(demo_db):
    c = Consultation.objects.get(status=Status.OPEN)
    closes = c.closes_at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert datetime.timedelta(days=25) <= c.closes_at - timezone.now() <= datetime.timedelta(days=35)
    assert (closes.minute, closes.second, closes.microsecond) == (0, 0, 0) and 9 <= closes.hour <= 18


def test_two_rounds_of_renovation_items_end_above_ninety_percent(demo_db):
    first, second = Consultation.objects.filter(title__contains="改造项目").order_by("round")
    assert second.predecessor == first and second.round == 2
    failed = [qt.question.template_key for qt in queries.tally(first).questions if qt.result and not qt.result.passed]
    assert sorted(failed) == ["barrier_free", "parking"]
    for qt in queries.tally(second).questions:
        if qt.result:
            assert qt.result.passed and qt.result.tally.yes.households * 10 > 9 * qt.result.tally.total.households


def test_loading_twice_changes_nothing(demo_db):
    sd, made = demo_db
    assert sorted(c.pk for c in demo.load_demo(sd)) == sorted(c.pk for c in made)
    assert Consultation.objects.count() == len(made) == 4


def test_every_demo_consultation_tells_residents_what_is_decided(demo_db):
    from anju.consultations import queries_resident

    for c in Consultation.objects.all():
        assert "<h2>" in c.description and "（演示数据）" in c.description, c.title
    live = Consultation.objects.get(status=Status.OPEN, unit__isnull=False)
    household = live.electors.order_by("key").first().household_id
    proposal = queries_resident.proposal(live, household)
    assert proposal.elevator and proposal.summary.startswith("加装电梯方案")
    assert proposal.share is not None and proposal.share.amount >= 0  # the unit in consultation has a plan
