"""下载本楼栋 takes the least the role needs; the key that encrypts it at rest lives in the session only."""

from __future__ import annotations

from anju.core.models import AuditEvent
from tests.field.conftest import API, visit


def _download(client, building):
    r = client.get(f"{API}/buildings/{building.pk}/download")
    assert r.status_code == 200, r.content
    return r.json()


def test_staff_take_the_households_with_names_masked_phones_and_the_open_vote(client, staff_a, world, vote):
    client.force_login(staff_a)
    data = _download(client, world.building_a)
    rooms = [h["room_label"] for h in data["households"]]
    assert "3栋1单元501室" in rooms and "3栋2单元101室" in rooms and len(rooms) == 7
    wang = next(h for h in data["households"] if h["room_label"] == "3栋1单元501室")
    assert wang["owners"] == [{"name": "王秀兰", "phone": "138****5678", "elderly": True}]
    assert "13812345678" not in str(data) and "420302" not in str(data)
    [c] = data["consultations"]
    assert c["id"] == vote.consultation.pk and sorted(c["households"]) == sorted(h.pk for h in vote.households)
    assert [q["order"] for q in c["questions"]] == sorted(q["order"] for q in c["questions"]) and c["questions"]
    assert [q["key"] for q in data["visit_questions"]] == ["renovation", "access_control", "property_management",
                                                           "illegal_structures", "elevator"]
    assert len(data["not_visited"]) == 7 and data["keep_days"] == 7
    assert AuditEvent.objects.filter(action="field.download", actor=staff_a).count() == 1


def test_a_visited_household_leaves_the_not_visited_list(client, staff_a, world, vote):
    client.force_login(staff_a)
    client.post(f"{API}/sync", {"device": "p", "records": [visit(vote.households[0].pk)]}, content_type="application/json")
    data = _download(client, world.building_a)
    assert vote.households[0].pk not in data["not_visited"] and len(data["not_visited"]) == 6
    assert next(h for h in data["households"] if h["id"] == vote.households[0].pk)["visited"] is True


def test_a_volunteer_takes_masked_names_and_no_ballots(client, volunteer_a, world, vote):
    client.force_login(volunteer_a)
    data = _download(client, world.building_a)
    wang = next(h for h in data["households"] if h["room_label"] == "3栋1单元501室")
    assert wang["owners"][0]["name"] == "王**"
    assert "王秀兰" not in str(data)
    assert data["consultations"] == []


def test_another_communitys_building_is_not_found(client, staff_b, world, vote):
    client.force_login(staff_b)
    assert client.get(f"{API}/buildings/{world.building_a.pk}/download").status_code == 404
    assert [b["id"] for b in client.get(f"{API}/buildings").json()] == [world.building_b.pk]


def test_the_key_is_the_sessions_and_goes_with_sign_out(client, staff_a, world):
    client.force_login(staff_a)
    first = client.get(f"{API}/key").json()
    assert len(first["key"]) == 43 and client.get(f"{API}/key").json() == first
    client.post("/accounts/logout/")
    assert client.get(f"{API}/key").status_code == 401
    client.force_login(staff_a)
    assert client.get(f"{API}/key").json()["key"] != first["key"]


def test_the_anonymous_get_nothing(client, world):
    for url in (f"{API}/key", f"{API}/buildings", f"{API}/buildings/{world.building_a.pk}/download"):
        assert client.get(url).status_code == 401
