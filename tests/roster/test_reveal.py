"""Personal data shown on purpose: masked by default, "显示" shows one number and logs who saw whose and
when (never the number), volunteers may not, the sub-district lists the looks (PIPL art. 51, GB/T 35273 §7)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from anju.core.models import AuditEvent
from anju.roster import services as roster_services
from anju.roster.models import RevealLog

pytestmark = pytest.mark.django_db

PHONE_A = "13812345678"


def _reveal(client, person, field, **headers):
    return client.post(reverse("roster:person_reveal", args=[person.pk]), {"field": field}, headers=headers)


def test_staff_see_numbers_masked_until_they_ask(client, world, staff_a):
    client.force_login(staff_a)
    for url in (reverse("roster:household", args=[world.household_a.pk]), reverse("roster:person", args=[world.owner_a.pk])):
        page = client.get(url).content.decode()
        assert PHONE_A not in page and world.owner_a.id_number not in page
        assert "138****5678" in page and world.owner_a.id_number_masked in page
        assert reverse("roster:person_reveal", args=[world.owner_a.pk]) in page and "显示" in page
    assert not RevealLog.objects.exists()


def test_showing_a_phone_returns_it_and_logs_who_whose_and_when(client, world, staff_a):
    client.force_login(staff_a)
    response = _reveal(client, world.owner_a, "phone", HX_Request="true")
    assert response.status_code == 200
    assert PHONE_A in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    [log] = RevealLog.objects.all()
    assert (log.viewer, log.viewer_label, log.person, log.field, log.subdistrict) == (
        staff_a, "staff_a", world.owner_a, "phone", world.subdistrict)
    assert log.at is not None
    assert AuditEvent.objects.filter(action="reveal", object_id=str(world.owner_a.pk)).count() == 1


def test_showing_an_id_number_without_htmx_renders_a_page(client, world, staff_a):
    client.force_login(staff_a)
    response = _reveal(client, world.owner_a, "id_number")
    assert response.status_code == 200
    page = response.content.decode()
    assert world.owner_a.id_number in page and "本次查看已记录" in page


def test_the_log_never_holds_the_number(client, world, staff_a):
    client.force_login(staff_a)
    _reveal(client, world.owner_a, "phone")
    _reveal(client, world.owner_a, "id_number")
    stored = [str(v) for row in RevealLog.objects.values() for v in row.values()]
    stored += [str(e.before) + str(e.after) + e.object_label for e in AuditEvent.objects.filter(action="reveal")]
    assert stored
    joined = " ".join(stored)
    assert PHONE_A not in joined and world.owner_a.id_number not in joined


def test_a_volunteer_may_not_reveal_and_another_community_is_not_found(client, world, volunteer_a, staff_b):
    client.force_login(volunteer_a)
    assert _reveal(client, world.owner_a, "phone").status_code == 403
    assert _reveal(client, world.owner_b, "phone").status_code == 404
    client.force_login(staff_b)
    response = _reveal(client, world.owner_a, "phone")
    assert response.status_code == 404 and PHONE_A not in response.content.decode()
    assert not RevealLog.objects.exists()


def test_a_volunteer_gets_no_reveal_button(client, world, volunteer_a):
    client.force_login(volunteer_a)
    page = client.get(reverse("roster:household", args=[world.household_a.pk])).content.decode()
    assert reverse("roster:person_reveal", args=[world.owner_a.pk]) not in page


def test_an_unknown_field_is_refused(client, world, staff_a):
    client.force_login(staff_a)
    response = _reveal(client, world.owner_a, "name")
    assert response.status_code == 400
    assert not RevealLog.objects.exists()


def test_revealing_is_rate_limited(client, world, staff_a, monkeypatch):
    monkeypatch.setattr(roster_services, "REVEAL_LIMIT", roster_services.ratelimit.Limit("reveal-test", 3, 3600))
    client.force_login(staff_a)
    assert [_reveal(client, world.owner_a, "phone").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert RevealLog.objects.count() == 3


def test_the_log_page_lists_the_looks_for_the_subdistrict(client, world, staff_a, subdistrict_staff):
    client.force_login(staff_a)
    _reveal(client, world.owner_a, "phone")
    client.force_login(subdistrict_staff)
    _reveal(client, world.owner_b, "id_number")
    response = client.get(reverse("roster:reveal_log"))
    assert response.status_code == 200
    rows = list(response.context["page"])
    assert [(r.viewer_label, r.person.name, r.field) for r in rows] == [
        ("jiedao", "赵建国", "id_number"), ("staff_a", "王秀兰", "phone")]
    page = response.content.decode()
    assert "个人信息查看记录" in page and "联系电话" in page and "身份证号" in page
    assert PHONE_A not in page


def test_community_staff_see_only_looks_at_their_own_residents(client, world, staff_a, staff_b, subdistrict_staff):
    client.force_login(subdistrict_staff)
    _reveal(client, world.owner_a, "phone")
    _reveal(client, world.owner_b, "phone")
    client.force_login(staff_b)
    rows = list(client.get(reverse("roster:reveal_log")).context["page"])
    assert [r.person.name for r in rows] == ["赵建国"]


def test_volunteers_may_not_read_the_log(client, world, volunteer_a):
    client.force_login(volunteer_a)
    assert client.get(reverse("roster:reveal_log")).status_code == 403


def test_the_log_page_is_paged(client, world, subdistrict_staff):
    RevealLog.objects.bulk_create(RevealLog(subdistrict=world.subdistrict, viewer=subdistrict_staff, viewer_label="jiedao",
                                            person=world.owner_a, field="phone") for _ in range(60))
    client.force_login(subdistrict_staff)
    first = client.get(reverse("roster:reveal_log")).context["page"]
    assert (len(first), first.paginator.num_pages) == (50, 2)
    assert len(client.get(reverse("roster:reveal_log"), {"page": 2}).context["page"]) == 10


def test_the_api_reveals_through_the_same_service_and_log(client, world, staff_a, volunteer_a):
    url = f"/api/roster/people/{world.owner_a.pk}/reveal"
    client.force_login(volunteer_a)
    assert client.post(url, {"field": "phone"}, content_type="application/json").status_code == 403
    assert client.get(f"/api/roster/people/{world.owner_a.pk}").json()["phone"] == "138****5678"
    client.force_login(staff_a)
    response = client.post(url, {"field": "phone"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["value"] == PHONE_A
    [row] = client.get("/api/roster/personal-data-views").json()
    assert (row["viewer"], row["person_id"], row["field"]) == ("staff_a", world.owner_a.pk, "phone")
    assert PHONE_A not in str(row)


def test_the_log_page_takes_as_many_queries_for_many_rows_as_for_few(client, world, subdistrict_staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(subdistrict_staff)
    client.get(reverse("roster:reveal_log"))  # the first request of a session does its own bookkeeping

    def queries_for(rows: int) -> int:
        RevealLog.objects.all().delete()
        RevealLog.objects.bulk_create(RevealLog(subdistrict=world.subdistrict, viewer=subdistrict_staff, viewer_label="jiedao",
                                                person=p, field="phone") for p in [world.owner_a, world.owner_b] * rows)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("roster:reveal_log")).status_code == 200
        return len(captured)

    assert queries_for(2) == queries_for(20)


def test_the_api_log_walks_newest_first_by_cursor_with_looks_at_the_same_moment(client, world, subdistrict_staff):
    moment = timezone.now()
    RevealLog.objects.bulk_create(RevealLog(subdistrict=world.subdistrict, viewer=subdistrict_staff, viewer_label="jiedao",
                                            person=world.owner_a, field="phone", at=moment - datetime.timedelta(minutes=n % 3))
                                  for n in range(12))
    client.force_login(subdistrict_staff)
    url, seen, cursor = "/api/roster/personal-data-views", [], None
    while True:
        response = client.get(url, {"limit": 5, **({"cursor": cursor} if cursor else {})})
        seen += [row["id"] for row in response.json()]
        if (cursor := response.headers.get("X-Next-Cursor")) is None:
            break
    newest_first = list(RevealLog.objects.order_by("-at", "-id").values_list("id", flat=True))
    assert seen == newest_first == [row["id"] for row in client.get(url, {"limit": 12}).json()]
