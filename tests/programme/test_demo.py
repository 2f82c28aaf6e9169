"""The demo programme reads the article's figures off the roster."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db.models import Count, Q, Sum
from django.utils import timezone

from anju.core.scoping import Scope
from anju.programme import demo, queries
from anju.programme.models import AnnualPlan, ItemKind, Project, ProjectKind, Stage
from anju.roster import demo as roster_demo

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    # Loaded once for the module inside a transaction that is rolled back at the end, so nothing leaks.
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        sd = roster_demo.load_demo()
        demo.load_demo(sd)
        yield sd
        transaction.set_rollback(True)


def _figures(year: int) -> dict:
    qs = Project.objects.filter(year=year, kind=ProjectKind.COMPREHENSIVE)
    return qs.aggregate(n=Count("id"), buildings=Sum("buildings_count"), households=Sum("households"),
                        area=Sum("gross_area"), done=Count("id", filter=Q(completed=True)))


def test_2020_nine_compounds_all_complete(demo_db):
    f = _figures(2020)
    assert (f["n"], f["buildings"], f["households"], f["done"]) == (9, 31, 860, 9)
    assert set(Project.objects.filter(year=2020).values_list("compound__name", flat=True)) == set(roster_demo.PROGRAMME_2020)
    assert set(Project.objects.filter(year=2020).values_list("progress", flat=True)) == {Decimal(100)}


def test_2021_ten_compounds_finished_as_the_article_expected(demo_db):
    f = _figures(2021)
    assert (f["n"], f["buildings"], f["households"], f["done"]) == (10, 28, 1010, 10)
    assert Decimal(f["area"]).quantize(Decimal("0.01")) == Decimal("149100.00")
    for project in Project.objects.filter(year=2021, kind=ProjectKind.COMPREHENSIVE):
        stages = {s.kind: s for s in project.stages.all()}
        assert all(s.done for s in stages.values())
        # Built by the end of 2021 as the article expected, accepted early in 2022.
        assert datetime.date(2021, 12, 1) <= stages["construction"].actual_end <= datetime.date(2021, 12, 31)
        assert project.completed_on.year == 2022 and project.progress == 100
        assert {i.name for i in project.items.all()} == {
            "燃气管道改造", "下水道改造", "楼顶防水", "消防安全设施", "无障碍通道", "节能设施", "路灯", "停车位", "围墙修缮"}


def test_no_stage_of_the_article_s_projects_is_overdue_today(demo_db):
    today = timezone.localdate()
    assert not queries.overdue_stages(Scope(everything=True), today).exists()
    for stage in Stage.objects.filter(project__year__in=(2020, 2021)):
        assert stage.done and stage.actual_start <= stage.actual_end < today
        assert stage.signed_off_at.date() > stage.actual_end and stage.signed_off_at.date() < today


def test_wangjiao_water_supply_done(demo_db):
    water = Project.objects.get(compound__name="旺角家园", kind=ProjectKind.SPECIAL)
    assert (water.households, water.people) == (369, 1200)
    assert water.completed and water.progress == 100
    assert water.items.get().kind == ItemKind.WATER


def test_elevators_of_shiji_and_jindun(demo_db):
    shiji = Project.objects.get(compound__name="世纪花园").items.get(kind=ItemKind.ELEVATOR)
    jindun = Project.objects.get(compound__name="金盾苑").items.get(kind=ItemKind.ELEVATOR)
    assert (shiji.quantity, jindun.quantity) == (1, 2)
    assert str(shiji.project.completed_on) == "2020-12-25" and shiji.progress == 100


def test_funding_adds_up_and_is_labelled_demo(demo_db):
    for project in Project.objects.all():
        assert "演示" in project.note
        for item in project.items.all():
            assert sum(f.amount_fen for f in item.funding.all()) == item.budget_fen


def test_loading_twice_does_nothing(demo_db):
    before = Project.objects.count()
    demo.load_demo(demo_db)
    assert Project.objects.count() == before and AnnualPlan.objects.count() == 2
