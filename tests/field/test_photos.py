"""Photos go up after their records, in chunks, resumably; a ballot's photo becomes its signed form's scan."""

from __future__ import annotations

from anju.core.models import AuditEvent
from anju.field.models import FieldRecord
from tests.field.conftest import API, ballot, jpeg, sync, visit


def _chunk(client, client_id: str, offset: int, data: bytes):
    return client.post(f"{API}/photos/{client_id}?offset={offset}", data, content_type="application/octet-stream")


def test_a_ballot_photo_sent_in_chunks_becomes_the_ballots_scan(client, staff_a, vote):
    client.force_login(staff_a)
    photo = jpeg(200)
    record = ballot(vote, 0, photo_size=len(photo))
    sync(client, [record])
    cid, half = record["client_id"], len(photo) // 2
    assert _chunk(client, cid, 0, photo[:half]).json() == {"client_id": cid, "received": half, "size": len(photo),
                                                          "complete": False}
    assert _chunk(client, cid, 0, photo[:half]).json()["received"] == half  # resent after a lost answer
    assert client.get(f"{API}/photos/{cid}").json()["received"] == half
    done = _chunk(client, cid, half, photo[half:]).json()
    assert done["complete"] is True
    b = vote.consultation.ballots.get()
    assert b.scan and b.scan.endswith(".jpg")
    assert _chunk(client, cid, 0, photo).json()["complete"] is True  # the whole photo again: nothing changes
    assert AuditEvent.objects.filter(action="field.photo").count() == 1
    assert AuditEvent.objects.filter(action="consultation.ballot_scan").count() == 1


def test_a_chunk_past_what_arrived_is_refused_with_where_to_resume(client, staff_a, vote):
    client.force_login(staff_a)
    photo = jpeg(200)
    record = visit(vote.households[0].pk, photo_size=len(photo))
    sync(client, [record])
    r = _chunk(client, record["client_id"], 100, photo[100:])
    assert r.status_code == 409 and "0" in r.json()["detail"]


def test_a_photo_that_is_not_an_image_is_refused_and_starts_again(client, staff_a, vote):
    client.force_login(staff_a)
    record = visit(vote.households[0].pk, photo_size=50)
    sync(client, [record])
    r = _chunk(client, record["client_id"], 0, b"x" * 50)
    assert r.status_code == 400 and "图片" in r.json()["detail"]
    assert FieldRecord.objects.get().photo_received == 0


def test_a_photo_for_an_unknown_or_foreign_record_is_not_found(client, staff_a, staff_b, vote):
    client.force_login(staff_a)
    record = visit(vote.households[0].pk, photo_size=10)
    sync(client, [record])
    assert _chunk(client, "2b1f0e9c-0000-4000-8000-000000000000", 0, b"x").status_code == 404
    assert _chunk(client, "nope", 0, b"x").status_code == 400
    client.force_login(staff_b)
    assert _chunk(client, record["client_id"], 0, b"x").status_code == 404


def test_a_refused_record_takes_no_photo(client, staff_a, vote):
    client.force_login(staff_a)
    record = ballot(vote, 0, answer="maybe", photo_size=100)
    sync(client, [record])
    assert _chunk(client, record["client_id"], 0, b"x").status_code == 409
