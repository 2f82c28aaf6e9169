"""Every staff page and API shows phones masked until someone asks, and every ask is logged: the roster's
search, an owner's conflicting votes and a resident's suggestion, not only the person page
(PIPL art. 51, GB/T 35273 §7)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from anju.consultations import services as consultations
from anju.core.audit import Actor
from anju.core.models import AuditEvent
from anju.participation import services as participation
from anju.roster.models import RevealLog
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db

PHONE_A = "13812345678"
CONTACT = "13987654321"


def _suggestion(world):
    return participation.suggestion_submit(compound=world.compound_a, building=None, category="other", title="井盖松动",
                                           body="3栋门口", contact_name="王阿姨", contact_phone=CONTACT, actor=SYSTEM)


def test_the_search_results_show_the_phone_masked_with_a_logged_reveal(client, world, staff_a):
    client.force_login(staff_a)
    page = client.post(reverse("roster:search"), {"q": world.owner_a.name}).content.decode()
    assert world.owner_a.name in page
    assert PHONE_A not in page and "138****5678" in page
    assert reverse("roster:person_reveal", args=[world.owner_a.pk]) in page


def test_an_owners_conflicting_votes_show_phones_masked_with_a_logged_reveal(client, world, staff_a):
    from anju.roster import services as roster

    unit = world.household_a.unit
    second = roster.household_create(unit=unit, floor=5, room="502", exclusive_area="60.00", actor=SYSTEM)
    roster.ownership_add(person=world.owner_a, household=second, actor=SYSTEM)
    c = consultations.consultation_create(compound=world.compound_a, unit=unit, title="加装电梯表决", actor=SYSTEM)
    consultations.questions_from_template(consultation=c, template="elevator", actor=SYSTEM)
    consultations.consultation_open(consultation=c, actor=SYSTEM)
    q1 = str(c.questions.get(order=1).pk)
    for flat, value, channel in ((world.household_a, "yes", "online"), (second, "no", "paper")):
        consultations.ballot_cast(consultation=c, household=flat, answers={q1: value}, channel=channel,
                                  actor=Actor.system("resident"))
    client.force_login(staff_a)
    page = client.get(reverse("consultations:owner_conflicts", args=[c.pk])).content.decode()
    assert world.owner_a.name in page
    assert PHONE_A not in page and "138****5678" in page
    assert reverse("roster:person_reveal", args=[world.owner_a.pk]) in page


def test_the_suggestion_page_masks_the_contact_phone_until_staff_ask(client, world, staff_a):
    s = _suggestion(world)
    client.force_login(staff_a)
    page = client.get(reverse("participation:suggestion", args=[s.pk])).content.decode()
    assert CONTACT not in page and "139****4321" in page
    url = reverse("participation:suggestion_reveal", args=[s.pk])
    assert url in page
    response = client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200 and CONTACT in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    [log] = RevealLog.objects.all()
    assert (log.viewer, log.person, log.field, log.subdistrict, log.compound) == (
        staff_a, None, "phone", world.subdistrict, world.compound_a)
    assert "井盖松动" in log.subject and CONTACT not in log.subject
    event = AuditEvent.objects.get(action="suggestion_reveal")
    assert event.object_id == str(s.pk) and CONTACT not in str(event.before) + str(event.after)


def test_the_log_page_names_the_suggestion_looked_at(client, world, staff_a, staff_b):
    s = _suggestion(world)
    client.force_login(staff_a)
    client.post(reverse("participation:suggestion_reveal", args=[s.pk]))
    page = client.get(reverse("roster:reveal_log")).content.decode()
    assert "井盖松动" in page and reverse("participation:suggestion", args=[s.pk]) in page and CONTACT not in page
    client.force_login(staff_b)  # another community's staff do not see looks at community A's suggestions
    assert list(client.get(reverse("roster:reveal_log")).context["page"]) == []


def test_a_volunteer_may_not_reveal_a_contact_and_another_community_is_not_found(client, world, volunteer_a, staff_b):
    s = _suggestion(world)
    url = reverse("participation:suggestion_reveal", args=[s.pk])
    client.force_login(volunteer_a)
    assert client.post(url).status_code == 403
    client.force_login(staff_b)
    assert client.post(url).status_code == 404
    assert not RevealLog.objects.exists()


def test_the_suggestion_api_masks_the_phone_and_reveals_through_the_same_log(client, world, staff_a, volunteer_a):
    s = _suggestion(world)
    client.force_login(staff_a)
    assert client.get(f"/api/participation/suggestions/{s.pk}").json()["contact_phone"] == "139****4321"
    [row] = client.get("/api/participation/suggestions").json()
    assert row["contact_phone"] == "139****4321"
    response = client.post(f"/api/participation/suggestions/{s.pk}/reveal")
    assert response.status_code == 200 and response.json() == {"id": s.pk, "contact_phone": CONTACT}
    [view] = client.get("/api/roster/personal-data-views").json()
    assert view["person_id"] is None and "井盖松动" in view["subject"] and CONTACT not in str(view)
    client.force_login(volunteer_a)
    assert client.post(f"/api/participation/suggestions/{s.pk}/reveal").status_code == 403


def test_a_suggestion_without_a_phone_has_nothing_to_reveal(client, world, staff_a):
    s = participation.suggestion_submit(compound=world.compound_a, building=None, category="other", title="t", body="b",
                                        actor=SYSTEM)
    client.force_login(staff_a)
    assert client.post(reverse("participation:suggestion_reveal", args=[s.pk])).status_code == 400
    assert not RevealLog.objects.exists()


def test_reveals_of_people_and_of_suggestions_share_one_limit(client, world, staff_a, monkeypatch):
    from anju.roster import services as roster_services

    monkeypatch.setattr(roster_services, "REVEAL_LIMIT", roster_services.ratelimit.Limit("reveal-test-shared", 2, 3600))
    s = _suggestion(world)
    client.force_login(staff_a)
    assert client.post(reverse("roster:person_reveal", args=[world.owner_a.pk]), {"field": "phone"}).status_code == 200
    assert client.post(reverse("participation:suggestion_reveal", args=[s.pk])).status_code == 200
    assert client.post(reverse("participation:suggestion_reveal", args=[s.pk])).status_code == 429
    assert RevealLog.objects.count() == 2
    assert Actor.of(staff_a).label == "staff_a"
