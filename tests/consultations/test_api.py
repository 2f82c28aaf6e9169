"""API: scoped like the pages; staff enter ballots; the tally carries the engine's result."""

from __future__ import annotations

from django.test import Client

from anju.accounts.models import ApiToken


def test_consultations_are_scoped_and_a_ballot_changes_the_tally(client, vote6, staff_a, staff_b):
    c = vote6.consultation
    client.force_login(staff_b)
    assert client.get("/api/consultations/consultations").json() == []
    assert client.get(f"/api/consultations/consultations/{c.pk}/tally").status_code == 404
    _, key = ApiToken.issue(user=staff_a, name="tests")
    auth = {"Authorization": f"Bearer {key}"}
    client.logout()
    [row] = client.get("/api/consultations/consultations", headers=auth).json()
    assert row["id"] == c.pk and row["status"] == "open"
    q = client.get(f"/api/consultations/consultations/{c.pk}/questions", headers=auth).json()[0]
    r = client.post(f"/api/consultations/consultations/{c.pk}/ballots", {"household_key": "3-2-101",
                    "answers": {str(q["id"]): "yes"}, "channel": "door"}, content_type="application/json", headers=auth)
    assert r.status_code == 201, r.content
    bad = client.post(f"/api/consultations/consultations/{c.pk}/ballots", {"household_key": "3-2-201",
                      "answers": {str(q["id"]): "perhaps"}}, content_type="application/json", headers=auth)
    assert bad.status_code == 400 and bad.json()["field"] == f"answers.{q['id']}"
    t = client.get(f"/api/consultations/consultations/{c.pk}/tally", headers=auth).json()
    assert t["heard"] == 1 and t["by_channel"] == {"door": 1}
    result = t["questions"][0]["result"]
    assert result["passed"] is False and result["conditions"][0]["name"] == "participation_area"
    assert result["missing"]["zh"]
    assert len(t["not_heard"]) == 5


def test_volunteers_cannot_enter_ballots_and_closed_votes_refuse_them(client, vote6, volunteer_a, staff_a):
    c = vote6.consultation
    q = c.questions.get()
    client.force_login(volunteer_a)
    body = {"household_key": "3-2-101", "answers": {str(q.pk): "yes"}}
    assert client.post(f"/api/consultations/consultations/{c.pk}/ballots", body,
                       content_type="application/json").status_code == 403
    client.force_login(staff_a)
    assert client.post(f"/api/consultations/consultations/{c.pk}/close").status_code == 200
    r = client.post(f"/api/consultations/consultations/{c.pk}/ballots", body, content_type="application/json")
    assert r.status_code == 409


def test_create_a_consultation_with_a_custom_rule(client, world, staff_a):
    client.force_login(staff_a)
    r = client.post("/api/consultations/consultations", {"compound_id": world.compound_a.pk, "title": "围墙修缮"},
                    content_type="application/json")
    assert r.status_code == 201
    pk = r.json()["id"]
    bad = client.post(f"/api/consultations/consultations/{pk}/questions",
                      {"kind": "yes_no", "text": "同意？", "rule": {"rule": "nonsense"}}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["field"] == "rule"
    ok = client.post(f"/api/consultations/consultations/{pk}/questions",
                     {"kind": "yes_no", "text": "同意？", "rule": {"rule": {"approval": {"count": "90%", "of": "all",
                                                                                        "strict": True}}}},
                     content_type="application/json")
    assert ok.status_code == 201
    assert client.post(f"/api/consultations/consultations/{pk}/open").json()["status"] == "open"


def test_a_bearer_post_needs_no_csrf_token_but_a_session_post_does(vote6, staff_a):
    _, key = ApiToken.issue(user=staff_a, name="tests")
    strict = Client(enforce_csrf_checks=True)
    q = vote6.consultation.questions.get()
    url = f"/api/consultations/consultations/{vote6.consultation.pk}/ballots"
    body = {"household_key": "3-2-101", "answers": {str(q.pk): "yes"}}
    r = strict.post(url, body, content_type="application/json", headers={"Authorization": f"Bearer {key}"})
    assert r.status_code == 201, r.content
    strict.force_login(staff_a)
    assert strict.post(url, body, content_type="application/json").status_code == 403


def test_a_building_consultation_and_its_second_round(client, world, staff_a):
    client.force_login(staff_a)
    r = client.post("/api/consultations/consultations", {"compound_id": world.compound_a.pk, "title": "3栋改造项目",
                    "building_id": world.building_a.pk, "template": "renovation_items"}, content_type="application/json")
    pk = r.json()["id"]
    assert r.json()["building_id"] == world.building_a.pk and r.json()["unit_id"] is None
    client.post(f"/api/consultations/consultations/{pk}/open")
    assert client.post(f"/api/consultations/consultations/{pk}/next-round", {},
                       content_type="application/json").status_code == 409
    client.post(f"/api/consultations/consultations/{pk}/close")
    nxt = client.post(f"/api/consultations/consultations/{pk}/next-round", {"only_failed": False},
                      content_type="application/json")
    assert nxt.status_code == 201 and nxt.json()["round"] == 2 and nxt.json()["predecessor_id"] == pk
    assert len(client.get(f"/api/consultations/consultations/{nxt.json()['id']}/questions").json()) == 10
