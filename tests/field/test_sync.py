"""A phone's batch counts once: replayed, cut off half-way or sent by two phones, nothing is entered twice;
ballots go through the one ballot write path (conflict with an online vote, refused after the close)."""

from __future__ import annotations

import uuid

from anju.consultations import services as consultations
from anju.core.audit import Actor
from anju.core.models import AuditEvent
from anju.field.models import FieldRecord
from anju.participation.models import Visit
from tests.factories import SYSTEM
from tests.field.conftest import ballot, sync, visit


def _statuses(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [r["status"] for r in response.json()["results"]]


def test_a_visit_is_recorded_through_the_visit_service_with_its_answers(client, staff_a, vote):
    client.force_login(staff_a)
    record = visit(vote.households[0].pk)
    r = sync(client, [record]).json()["results"][0]
    assert r["status"] == "accepted" and r["ref"].startswith("visit:")
    v = Visit.objects.get()
    assert (v.household_id, v.renovation, v.elevator, v.access_control) == (vote.households[0].pk, "yes", "no", "")
    assert v.concerns == "担心噪音" and v.follow_up == "下周再访" and v.created_by == staff_a


def test_a_replayed_batch_changes_nothing_and_answers_duplicate_with_the_first_outcome(client, staff_a, vote):
    client.force_login(staff_a)
    batch = [visit(h.pk) for h in vote.households[:3]] + [ballot(vote, 3)]
    assert _statuses(sync(client, batch)) == ["accepted"] * 4
    again = sync(client, batch).json()["results"]
    assert [r["status"] for r in again] == ["duplicate"] * 4
    assert again[3]["state"] == "counted" and again[3]["outcome"] == "accepted"
    assert Visit.objects.count() == 3
    assert vote.consultation.ballots.count() == 1
    assert FieldRecord.objects.count() == 4


def test_a_batch_whose_answer_was_lost_half_way_is_completed_by_resending_it_whole(client, staff_a, vote):
    client.force_login(staff_a)
    batch = [visit(h.pk) for h in vote.households[:4]] + [ballot(vote, 4), ballot(vote, 5)]
    sync(client, batch[:3])  # the server applied the first half; the phone never heard back
    assert _statuses(sync(client, batch)) == ["duplicate"] * 3 + ["accepted"] * 3
    assert Visit.objects.count() == 4
    assert vote.consultation.ballots.filter(state="counted").count() == 2


def test_two_phones_sending_the_same_record_enter_it_once(client, staff_a, subdistrict_staff, vote, django_user_model):
    record = visit(vote.households[0].pk)
    client.force_login(staff_a)
    assert _statuses(sync(client, [record], device="phone-1")) == ["accepted"]
    client.force_login(subdistrict_staff)
    assert _statuses(sync(client, [record], device="phone-2")) == ["duplicate"]
    assert Visit.objects.count() == 1


def test_two_phones_recording_the_same_conversation_do_not_make_two_visits(client, staff_a, volunteer_a, vote):
    h = vote.households[0].pk
    first, second = visit(h), visit(h)  # two ids, the same household, day and answers
    client.force_login(staff_a)
    assert _statuses(sync(client, [first], device="phone-1")) == ["accepted"]
    client.force_login(volunteer_a)
    r = sync(client, [second], device="phone-2").json()["results"][0]
    assert r["status"] == "refused" and "内容相同" in r["reason_zh"] and "identical" in r["reason_en"]
    assert Visit.objects.count() == 1
    assert _statuses(sync(client, [visit(h, concerns="想了解补贴")], device="phone-2")) == ["accepted"]
    assert Visit.objects.count() == 2  # a different conversation is a second visit (round 2)


def test_a_door_ballot_for_a_household_that_voted_online_meanwhile_is_a_conflict(client, staff_a, vote):
    q = vote.consultation.questions.order_by("order").first()
    consultations.ballot_cast(consultation=vote.consultation, household=vote.households[0], answers={str(q.pk): "no"},
                              channel="online", actor=Actor.system("resident"))
    client.force_login(staff_a)
    r = sync(client, [ballot(vote, 0)]).json()["results"][0]
    assert (r["status"], r["state"]) == ("accepted", "conflict")
    states = sorted(vote.consultation.ballots.values_list("channel", "state"))
    assert states == [("door", "conflict"), ("online", "conflict")]


def test_a_ballot_after_the_close_is_refused_with_the_reason_and_stays_refused(client, staff_a, vote):
    record = ballot(vote, 1)
    consultations.consultation_close(consultation=vote.consultation, actor=SYSTEM)
    client.force_login(staff_a)
    r = sync(client, [record]).json()["results"][0]
    assert r["status"] == "refused" and "截止" in r["reason_zh"] and "closed" in r["reason_en"]
    assert vote.consultation.ballots.count() == 0
    again = sync(client, [record]).json()["results"][0]
    assert (again["status"], again["outcome"], again["reason_zh"]) == ("duplicate", "refused", r["reason_zh"])


def test_one_refused_record_does_not_stop_the_rest_of_the_batch(client, staff_a, vote):
    client.force_login(staff_a)
    bad = ballot(vote, 0, answer="maybe")
    assert _statuses(sync(client, [visit(vote.households[0].pk), bad, visit(vote.households[1].pk)])) == [
        "accepted", "refused", "accepted"]
    assert Visit.objects.count() == 2


def test_a_volunteer_records_visits_but_not_ballots(client, volunteer_a, vote):
    client.force_login(volunteer_a)
    results = sync(client, [visit(vote.households[0].pk), ballot(vote, 1)]).json()["results"]
    assert [r["status"] for r in results] == ["accepted", "refused"]
    assert "权限" in results[1]["reason_zh"]
    assert vote.consultation.ballots.count() == 0


def test_a_household_outside_the_scope_is_refused_as_unknown(client, staff_b, vote):
    client.force_login(staff_b)
    r = sync(client, [visit(vote.households[0].pk)]).json()["results"][0]
    assert r["status"] == "refused" and r["reason_en"]
    assert Visit.objects.count() == 0 and FieldRecord.objects.count() == 0


def test_records_with_a_bad_id_kind_or_date_are_refused_by_name(client, staff_a, vote):
    client.force_login(staff_a)
    h = vote.households[0].pk
    results = sync(client, [visit(h, client_id="not-a-uuid"), visit(h, kind="poem"),
                            visit(h, taken_at="2999-01-01T00:00:00+08:00")]).json()["results"]
    assert [r["status"] for r in results] == ["refused"] * 3
    assert "编号" in results[0]["reason_zh"] and "poem" in results[1]["reason_zh"] and "时间" in results[2]["reason_zh"]


def test_a_suggestion_on_a_residents_behalf_goes_to_the_suggestion_box(client, staff_a, vote):
    client.force_login(staff_a)
    record = {"client_id": str(uuid.uuid4()), "kind": "suggestion", "household_id": vote.households[2].pk,
              "taken_at": "2026-01-02T10:00:00+08:00", "category": "repair", "title": "楼道灯坏了", "body": "三楼的灯不亮"}
    r = sync(client, [record]).json()["results"][0]
    assert r["status"] == "accepted" and r["ref"].startswith("suggestion:")
    from anju.participation.models import Suggestion

    s = Suggestion.objects.get()
    assert (s.title, s.building_id) == ("楼道灯坏了", vote.households[2].unit.building_id)


def test_every_sync_is_audited_with_the_device_and_the_user(client, staff_a, vote):
    client.force_login(staff_a)
    sync(client, [visit(vote.households[0].pk), ballot(vote, 1)], device="华为-张三")
    event = AuditEvent.objects.get(action="field.sync")
    assert event.actor == staff_a and event.after["device"] == "华为-张三"
    assert (event.after["accepted"], event.after["records"]) == (2, 2)


def test_bad_batches_are_refused_whole_with_a_4xx(client, staff_a, vote):
    client.force_login(staff_a)
    assert client.post("/api/field/sync", {"records": []}, content_type="application/json").status_code == 422
    too_many = [visit(vote.households[0].pk) for _ in range(501)]
    assert sync(client, too_many).status_code == 422
    assert client.post("/api/field/sync", "{", content_type="application/json").status_code in (400, 422)
    assert sync(client, [{**visit(vote.households[0].pk), "household_id": 2**70}]).status_code == 422
    assert Visit.objects.count() == 0


def test_the_anonymous_and_roleless_may_not_sync(client, outsider, vote):
    assert sync(client, [visit(vote.households[0].pk)]).status_code == 401
    client.force_login(outsider)
    assert sync(client, [visit(vote.households[0].pk)]).status_code == 403
