"""录入人 names a person (the worker's name) or 居民本人（网上）, never a login name, a token or `demo`."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from anju.consultations import services
from anju.core.actor_names import actor_name
from anju.core.audit import Actor
from anju.elevators import queries as elevator_queries
from anju.elevators import services as elevator_services
from tests.elevators.conftest import fill_unit, make_project
from tests.elevators.test_labels import read

pytestmark = pytest.mark.django_db


@pytest.fixture
def named_staff(staff_a):
    """staff_a as the office knows her: 张丽 (display name), login `staff_a`."""
    profile = staff_a.anju_profile
    profile.display_name = "张丽"
    profile.save(update_fields=["display_name"])
    return staff_a


def test_ballots_name_who_entered_them(client, vote6, named_staff):
    c = vote6.consultation
    q = str(c.questions.get().pk)
    cast = [("3-2-101", "online", Actor.system("居民本人（网上）")), ("3-2-201", "online", Actor.system("resident:3-2-201")),
            ("3-2-301", "paper", Actor.system("demo")), ("3-2-401", "paper", Actor.of(named_staff))]
    for key, channel, actor in cast:
        services.ballot_cast(consultation=c, household=c.electors.get(key=key), answers={q: "yes"}, channel=channel,
                             actor=actor)
    client.force_login(named_staff)
    text = read(client.get(reverse("consultations:detail", args=[c.pk])).content)
    assert text.count("居民本人（网上）") >= 2 and "演示数据" in text and "张丽" in text
    for leak in ("resident:", " demo ", "staff_a ·", ">staff_a<"):
        assert leak not in text
    client.cookies["django_language"] = "en"
    english = read(client.get(reverse("consultations:detail", args=[c.pk])).content)
    assert "the resident (online)" in english and "demo data" in english


def test_a_user_without_a_display_name_reads_by_full_name_then_login(staff_a, staff_b):
    staff_b.first_name, staff_b.last_name = "伟", "王"
    assert actor_name(staff_a, "staff_a") == "staff_a"
    assert actor_name(staff_b, "staff_b") == "王伟"  # a Chinese name family name first; no login name shown
    staff_b.first_name, staff_b.last_name = "Wei", "Wang"
    assert actor_name(staff_b, "staff_b") == "Wei Wang"
    with translation.override("en"):
        assert actor_name(None, "自动截止 / closed at the closing time") == "closed at the closing time"
    assert actor_name(None, "自动截止 / closed at the closing time") == "自动截止"


def test_elevator_plans_and_history_name_the_person(client, world, named_staff):
    unit = world.household_a.unit
    fill_unit(unit, existing={"501"})
    project = make_project(unit)
    plan = elevator_services.plan_save(project=project, method="area", scenario=elevator_queries.Scenario(),
                                       reason="按面积试算", actor=Actor.of(named_staff))
    client.force_login(named_staff)
    for page in (reverse("elevators:plan", args=[plan.pk]), reverse("elevators:project", args=[project.pk])):
        text = read(client.get(page).content)
        assert "张丽" in text and "staff_a ·" not in text, page
