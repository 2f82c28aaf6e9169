"""Records are corrected where they are read: a household, a person, a move-out, a death, a transfer of
ownership; each through a service with an audit record, in the scope rules, bad input refused by field."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from anju.consultations import services as consultations
from anju.consultations.models import Elector
from anju.core.audit import Actor
from anju.core.errors import Conflict, ValidationFailed
from anju.core.models import AuditEvent
from anju.roster import services_records as records
from anju.roster.models import EndedTie, EndReason, Household, Ownership, Person, Residence, TieKind
from tests.factories import SYSTEM, id_number

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
TOMORROW = TODAY + datetime.timedelta(days=1)


def _audit(action: str, obj) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk)))


def _wrong_check_digit(number: str) -> str:
    last = "0" if number[-1] != "0" else "1"
    return number[:-1] + last


# ------------------------------------------------------------------ households


def test_staff_correct_a_households_area_and_occupancy_with_an_audit_record(client, world, staff_a):
    client.force_login(staff_a)
    url = reverse("roster:household_edit", args=[world.household_a.pk])
    response = client.post(url, {"exclusive_area": "75.30", "occupancy": "rented", "note": "房产证面积更正"})
    assert response.status_code == 302
    world.household_a.refresh_from_db()
    assert (world.household_a.exclusive_area, world.household_a.occupancy) == (Decimal("75.30"), "rented")
    [event] = _audit("household_edit", world.household_a)
    assert event.actor_label == "staff_a"
    assert (event.before["exclusive_area"], event.after["exclusive_area"]) == ("72.50", "75.30")
    assert event.after["occupancy"] == "rented"


@pytest.mark.parametrize("area", ["-5", "0", "5000", "七十"])
def test_a_negative_or_absurd_area_is_refused_naming_the_field(client, world, staff_a, area):
    client.force_login(staff_a)
    response = client.post(reverse("roster:household_edit", args=[world.household_a.pk]),
                           {"exclusive_area": area, "occupancy": "vacant"})
    assert response.status_code == 400
    assert "专有部分面积" in response.context["error"]
    assert response.context["error_field"] == "exclusive_area"
    world.household_a.refresh_from_db()
    assert (world.household_a.exclusive_area, world.household_a.occupancy) == (Decimal("72.50"), "owner")
    assert not _audit("household_edit", world.household_a)


def test_an_unknown_occupancy_is_refused(world):
    with pytest.raises(ValidationFailed) as caught:
        records.household_edit(household=world.household_a, occupancy="squatted", actor=SYSTEM)
    assert caught.value.field == "occupancy"


def test_a_volunteer_may_not_edit_and_another_community_is_not_found(client, world, volunteer_a, staff_b):
    url = reverse("roster:household_edit", args=[world.household_a.pk])
    client.force_login(volunteer_a)
    assert client.get(url).status_code == 403
    assert client.post(url, {"exclusive_area": "1.00"}).status_code == 403
    client.force_login(staff_b)
    assert client.get(url).status_code == 404
    assert client.post(url, {"exclusive_area": "1.00"}).status_code == 404
    world.household_a.refresh_from_db()
    assert world.household_a.exclusive_area == Decimal("72.50")


def test_the_household_page_offers_editing_only_to_editors(client, world, staff_a, volunteer_a):
    page = reverse("roster:household", args=[world.household_a.pk])
    edit = reverse("roster:household_edit", args=[world.household_a.pk])
    client.force_login(staff_a)
    assert edit in client.get(page).content.decode()
    client.force_login(volunteer_a)
    assert edit not in client.get(page).content.decode()


# ------------------------------------------------------------------ people


def test_staff_correct_a_persons_name_phone_id_and_flags(client, world, staff_a):
    client.force_login(staff_a)
    new_id = id_number(7, 1951)
    response = client.post(reverse("roster:person_edit", args=[world.owner_a.pk]), {
        "name": "王秀英", "sex": "F", "birth_year": "1951", "id_number": new_id, "phone": "13700001234",
        "limited_mobility": "1", "party_member": "1"})
    assert response.status_code == 302
    person = Person.objects.get(pk=world.owner_a.pk)
    assert (person.name, person.birth_year, person.id_number, person.phone) == ("王秀英", 1951, new_id, "13700001234")
    assert person.limited_mobility and person.party_member
    [event] = _audit("person_edit", person)
    assert event.before["name"] == "王秀兰" and event.after["name"] == "王秀英"
    # The audit keeps personal data masked, never in clear.
    assert new_id not in str(event.after) and "13700001234" not in str(event.after)
    assert event.after["phone"] == "137****1234"


def test_leaving_id_and_phone_empty_keeps_them(client, world, staff_a):
    client.force_login(staff_a)
    before = (world.owner_a.id_number, world.owner_a.phone)
    client.post(reverse("roster:person_edit", args=[world.owner_a.pk]),
                {"name": "王秀兰", "sex": "F", "birth_year": "1950", "id_number": "", "phone": ""})
    person = Person.objects.get(pk=world.owner_a.pk)
    assert (person.id_number, person.phone) == before


def test_the_edit_form_never_fills_in_the_full_numbers(client, world, staff_a):
    client.force_login(staff_a)
    page = client.get(reverse("roster:person_edit", args=[world.owner_a.pk])).content.decode()
    assert world.owner_a.id_number not in page and "13812345678" not in page
    assert world.owner_a.id_number_masked in page


def test_an_id_number_with_a_wrong_check_digit_is_refused(client, world, staff_a):
    client.force_login(staff_a)
    response = client.post(reverse("roster:person_edit", args=[world.owner_a.pk]), {
        "name": "王秀英", "id_number": _wrong_check_digit(id_number(7, 1951))})
    assert response.status_code == 400
    assert response.context["error_field"] == "id_number"
    assert "校验" in response.context["error"]
    person = Person.objects.get(pk=world.owner_a.pk)
    assert (person.name, person.id_number) == ("王秀兰", world.owner_a.id_number)
    assert not _audit("person_edit", person)


def test_an_id_number_of_someone_else_is_refused_not_a_crash(world):
    with pytest.raises(ValidationFailed) as caught:
        records.person_edit(person=world.owner_a, id_number=world.owner_b.id_number, actor=SYSTEM)
    assert caught.value.field == "id_number"


def test_a_volunteer_may_not_edit_a_person_and_another_community_is_not_found(client, world, volunteer_a, staff_b):
    url = reverse("roster:person_edit", args=[world.owner_a.pk])
    client.force_login(volunteer_a)
    assert client.post(url, {"name": "改名"}).status_code == 403
    client.force_login(staff_b)
    assert client.post(url, {"name": "改名"}).status_code == 404
    assert Person.objects.get(pk=world.owner_a.pk).name == "王秀兰"


# ------------------------------------------------------------------ move-out, death


def test_a_move_out_ends_the_residence_with_its_date(client, world, staff_a):
    client.force_login(staff_a)
    response = client.post(reverse("roster:household_move_out", args=[world.household_a.pk]),
                           {"person": world.owner_a.pk, "ended_on": YESTERDAY.isoformat()})
    assert response.status_code == 302
    assert not Residence.objects.filter(household=world.household_a).exists()
    [ended] = EndedTie.objects.filter(household=world.household_a)
    assert (ended.person, ended.kind, ended.reason, ended.ended_on) == (
        world.owner_a, TieKind.RESIDENT, EndReason.MOVED_OUT, YESTERDAY)
    assert Ownership.objects.filter(household=world.household_a, person=world.owner_a).exists()  # still owns it
    assert _audit("move_out", world.household_a)
    page = client.get(reverse("roster:household", args=[world.household_a.pk])).content.decode()
    assert "原业主和原居民" in page and "迁出" in page


def test_a_move_out_in_the_future_or_before_move_in_is_refused(client, world, staff_a):
    client.force_login(staff_a)
    url = reverse("roster:household_move_out", args=[world.household_a.pk])
    response = client.post(url, {"person": world.owner_a.pk, "ended_on": TOMORROW.isoformat()})
    assert response.status_code == 400
    assert response.context["error_field"] == "ended_on"
    assert "迁出日期" in response.context["error"]
    Residence.objects.filter(household=world.household_a).update(since=YESTERDAY)
    response = client.post(url, {"person": world.owner_a.pk, "ended_on": (YESTERDAY - datetime.timedelta(days=3)).isoformat()})
    assert response.status_code == 400
    assert "迁入日期" in response.context["error"]
    response = client.post(url, {"person": world.owner_a.pk, "ended_on": "明天"})
    assert response.status_code == 400
    assert Residence.objects.filter(household=world.household_a).exists()
    assert not EndedTie.objects.exists()


def test_a_death_ends_every_tie_of_the_person(client, world, staff_a):
    client.force_login(staff_a)
    response = client.post(reverse("roster:person_death", args=[world.owner_a.pk]), {"died_on": YESTERDAY.isoformat()})
    assert response.status_code == 302
    person = Person.objects.get(pk=world.owner_a.pk)
    assert person.died_on == YESTERDAY
    assert not Ownership.objects.filter(person=person).exists()
    assert not Residence.objects.filter(person=person).exists()
    assert sorted(EndedTie.objects.filter(person=person, reason=EndReason.DIED).values_list("kind", flat=True)) == [
        TieKind.OWNER, TieKind.RESIDENT]
    assert _audit("death", person)
    assert client.post(reverse("roster:person_death", args=[person.pk]),
                       {"died_on": YESTERDAY.isoformat()}).status_code == 400  # once only


def test_a_death_in_the_future_is_refused(client, world, staff_a):
    client.force_login(staff_a)
    response = client.post(reverse("roster:person_death", args=[world.owner_a.pk]), {"died_on": TOMORROW.isoformat()})
    assert response.status_code == 400
    assert response.context["error_field"] == "died_on"
    assert Person.objects.get(pk=world.owner_a.pk).died_on is None


def test_a_volunteer_may_not_record_a_move_out(client, world, volunteer_a, staff_b):
    url = reverse("roster:household_move_out", args=[world.household_a.pk])
    body = {"person": world.owner_a.pk, "ended_on": YESTERDAY.isoformat()}
    client.force_login(volunteer_a)
    assert client.post(url, body).status_code == 403
    client.force_login(staff_b)
    assert client.post(url, body).status_code == 404
    assert Residence.objects.filter(household=world.household_a).exists()


# ------------------------------------------------------------------ transfer and frozen electorates


def test_a_transfer_ends_the_old_ownership_with_its_date_and_starts_the_new_one(client, world, staff_a):
    client.force_login(staff_a)
    new_id = id_number(9, 1985)
    response = client.post(reverse("roster:household_transfer", args=[world.household_a.pk]), {
        "on": YESTERDAY.isoformat(), "name": "李明", "id_number": new_id, "phone": "13600002222"})
    assert response.status_code == 302
    [current] = Ownership.objects.filter(household=world.household_a)
    assert (current.person.name, current.person.id_number, current.since) == ("李明", new_id, YESTERDAY)
    [ended] = EndedTie.objects.filter(household=world.household_a, kind=TieKind.OWNER)
    assert (ended.person, ended.reason, ended.ended_on) == (world.owner_a, EndReason.TRANSFERRED, YESTERDAY)
    [event] = _audit("transfer", world.household_a)
    assert event.before == {"owners": [world.owner_a.pk]} and event.after["owners"] == [current.person_id]


def test_a_transfer_to_someone_already_on_the_roster_reuses_them(world):
    records.ownership_transfer(household=world.household_a, on=YESTERDAY, actor=SYSTEM, new_owners=[
        records.NewOwner(name="赵建国", id_number=world.owner_b.id_number)])
    assert list(Ownership.objects.filter(household=world.household_a).values_list("person_id", flat=True)) == [
        world.owner_b.pk]
    assert Person.objects.count() == 2


def test_a_transfer_with_a_bad_id_or_a_future_date_saves_nothing(client, world, staff_a):
    client.force_login(staff_a)
    url = reverse("roster:household_transfer", args=[world.household_a.pk])
    response = client.post(url, {"on": YESTERDAY.isoformat(), "name": "李明",
                                 "id_number": _wrong_check_digit(id_number(9, 1985))})
    assert response.status_code == 400 and response.context["error_field"] == "id_number"
    response = client.post(url, {"on": TOMORROW.isoformat(), "name": "李明"})
    assert response.status_code == 400 and response.context["error_field"] == "on"
    assert list(Ownership.objects.filter(household=world.household_a).values_list("person_id", flat=True)) == [
        world.owner_a.pk]
    assert Person.objects.count() == 2 and not EndedTie.objects.exists()


def test_a_frozen_electorate_keeps_its_owners_and_areas(world):
    unit = world.household_a.unit
    vote = consultations.consultation_create(compound=world.compound_a, unit=unit, title="加装电梯表决", actor=SYSTEM)
    consultations.questions_from_template(consultation=vote, template="elevator", actor=SYSTEM)
    consultations.consultation_open(consultation=vote, actor=SYSTEM)
    elector = Elector.objects.get(consultation=vote, household=world.household_a)
    frozen = (elector.owner_ids, elector.owner_key, elector.area)
    assert elector.owner_ids == [world.owner_a.pk]

    actor = Actor.system("test")
    records.household_edit(household=world.household_a, exclusive_area="80.00", actor=actor)
    records.ownership_transfer(household=world.household_a, on=YESTERDAY, actor=actor,
                               new_owners=[records.NewOwner(name="李明", id_number=id_number(9, 1985))])
    elector.refresh_from_db()
    assert (elector.owner_ids, elector.owner_key, elector.area) == frozen
    assert Household.objects.get(pk=world.household_a.pk).exclusive_area == Decimal("80.00")

    # A vote frozen afterwards sees the new owner.
    later = consultations.consultation_create(compound=world.compound_a, unit=unit, title="第二轮", actor=SYSTEM)
    consultations.questions_from_template(consultation=later, template="elevator", actor=SYSTEM)
    consultations.consultation_open(consultation=later, actor=SYSTEM)
    new_owner = Ownership.objects.get(household=world.household_a).person_id
    assert Elector.objects.get(consultation=later, household=world.household_a).owner_ids == [new_owner]


def test_a_death_leaves_a_frozen_electorate_alone(world):
    vote = consultations.consultation_create(compound=world.compound_a, unit=world.household_a.unit, title="表决",
                                             actor=SYSTEM)
    consultations.questions_from_template(consultation=vote, template="elevator", actor=SYSTEM)
    consultations.consultation_open(consultation=vote, actor=SYSTEM)
    records.person_death(person=world.owner_a, died_on=YESTERDAY, actor=SYSTEM)
    assert Elector.objects.get(consultation=vote, household=world.household_a).owner_ids == [world.owner_a.pk]


# ------------------------------------------------------------------ what else the household page links to


def test_the_household_page_links_to_its_visits_ballots_shares_and_suggestions(client, world, staff_a):
    from anju.participation import services as participation
    from tests.elevators.conftest import make_project

    vote = consultations.consultation_create(compound=world.compound_a, unit=world.household_a.unit, title="加装电梯表决",
                                             actor=SYSTEM)
    consultations.questions_from_template(consultation=vote, template="elevator", actor=SYSTEM)
    consultations.consultation_open(consultation=vote, actor=SYSTEM)
    participation.visit_record(household=world.household_a, visited_on=YESTERDAY, visitors="张志愿", answers={},
                               concerns="", follow_up="", actor=SYSTEM)
    suggestion = participation.suggestion_submit(compound=world.compound_a, building=world.building_a,
                                                 category="safety", title="电线裸露", body="2单元门口", actor=SYSTEM)
    project = make_project(world.household_a.unit)
    client.force_login(staff_a)
    page = client.get(reverse("roster:household", args=[world.household_a.pk])).content.decode()
    assert reverse("participation:household_visits", args=[world.household_a.pk]) in page
    assert "1 次" in page
    assert reverse("consultations:detail", args=[vote.pk]) in page and "加装电梯表决" in page
    assert reverse("participation:suggestion", args=[suggestion.pk]) in page and "电线裸露" in page
    assert reverse("elevators:project", args=[project.pk]) in page


def test_the_household_links_stay_in_the_viewers_scope(client, world, staff_b):
    vote = consultations.consultation_create(compound=world.compound_a, unit=world.household_a.unit, title="甲的表决",
                                             actor=SYSTEM)
    consultations.questions_from_template(consultation=vote, template="elevator", actor=SYSTEM)
    consultations.consultation_open(consultation=vote, actor=SYSTEM)
    client.force_login(staff_b)
    page = client.get(reverse("roster:household", args=[world.household_b.pk])).content.decode()
    assert "甲的表决" not in page


def test_a_transfer_to_a_new_owner_without_an_id_number_puts_them_on_the_roster(world):
    records.ownership_transfer(household=world.household_a, on=YESTERDAY, actor=SYSTEM,
                               new_owners=[records.NewOwner(name="李明")])
    assert set(Person.objects.filter(ownerships__household=world.household_a).values_list("name", flat=True)) == {"李明"}
    assert Person.objects.get(name="李明").subdistrict == world.subdistrict


# ------------------------------------------------------------------ the API takes the same path


def test_the_api_edits_a_household_through_the_same_service(client, world, staff_a, volunteer_a):
    url = f"/api/roster/households/{world.household_a.pk}"
    client.force_login(volunteer_a)
    assert client.patch(url, {"exclusive_area": "80"}, content_type="application/json").status_code == 403
    client.force_login(staff_a)
    response = client.patch(url, {"exclusive_area": "-1"}, content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "exclusive_area"
    response = client.patch(url, {"exclusive_area": "80", "occupancy": "vacant"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["occupancy"] == "vacant"
    assert _audit("household_edit", world.household_a)[0].after["exclusive_area"] == "80.00"


def test_the_api_edits_a_person_and_answers_masked(client, world, staff_a):
    client.force_login(staff_a)
    url = f"/api/roster/people/{world.owner_a.pk}"
    response = client.patch(url, {"id_number": _wrong_check_digit(id_number(7, 1951))}, content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "id_number"
    response = client.patch(url, {"phone": "13700001234", "party_member": True}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["phone"] == "137****1234" and response.json()["party_member"] is True
    assert Person.objects.get(pk=world.owner_a.pk).phone == "13700001234"


def test_the_api_records_a_move_out_a_transfer_and_a_death(client, world, staff_a):
    client.force_login(staff_a)
    base = f"/api/roster/households/{world.household_a.pk}"
    response = client.post(f"{base}/move-out", {"person_id": world.owner_a.pk, "ended_on": TOMORROW.isoformat()},
                           content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "ended_on"
    response = client.post(f"{base}/move-out", {"person_id": world.owner_a.pk, "ended_on": YESTERDAY.isoformat()},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["residents"] == []
    response = client.post(f"{base}/transfer", {"on": YESTERDAY.isoformat(), "new_owners": [{"name": "李明"}]},
                           content_type="application/json")
    assert response.status_code == 200 and [o["name"] for o in response.json()["owners"]] == ["李明"]
    # The former owner stays reachable to community staff through the ended tie.
    response = client.post(f"/api/roster/people/{world.owner_a.pk}/death", {"died_on": YESTERDAY.isoformat()},
                           content_type="application/json")
    assert response.status_code == 200
    assert Person.objects.get(pk=world.owner_a.pk).died_on == YESTERDAY


def test_a_transfer_to_the_current_owner_is_refused(world):
    with pytest.raises(ValidationFailed) as caught:
        records.ownership_transfer(household=world.household_a, on=YESTERDAY, actor=SYSTEM,
                                   new_owners=[records.NewOwner(person=world.owner_a)])
    assert caught.value.field == "new_owner"
    assert not EndedTie.objects.exists() and not _audit("transfer", world.household_a)


def test_a_second_move_out_of_the_same_resident_is_refused(world):
    residence = Residence.objects.get(household=world.household_a)
    records.residence_end(residence=residence, ended_on=YESTERDAY, actor=SYSTEM)
    with pytest.raises(Conflict):
        records.residence_end(residence=residence, ended_on=YESTERDAY, actor=SYSTEM)
    assert EndedTie.objects.count() == 1


def test_a_new_owner_put_on_the_roster_by_a_transfer_is_audited(world):
    records.ownership_transfer(household=world.household_a, on=YESTERDAY, actor=SYSTEM,
                               new_owners=[records.NewOwner(name="李明", phone="13600002222")])
    person = Person.objects.get(name="李明")
    [event] = _audit("create", person)
    assert event.after["phone"] == "136****2222"
