"""The participation API: public submit/follow/notices, scoped staff endpoints."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anju.participation import queries, services
from anju.participation.models import OrgLevel, Suggestion
from tests.factories import PASSWORD, SYSTEM
from tests.participation.conftest import jpeg_bytes

pytestmark = pytest.mark.django_db
API = "/api/participation"


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_a_resident_submits_and_follows_without_an_account(client, world):
    response = client.post(f"{API}/public/suggestions", {
        "compound_id": world.compound_a.pk, "building_id": world.building_a.pk, "category": "safety", "title": "电线裸露",
        "body": "2单元门口", "contact_phone": "13812345678",
        "photos": [SimpleUploadedFile("a.jpg", jpeg_bytes(gps=True), content_type="image/jpeg")],
    })
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "new" and "13812345678" not in response.content.decode()
    s = Suggestion.objects.get(receipt_code=body["receipt_code"])
    assert s.photos.count() == 1
    services.suggestion_reply(suggestion=s, reply="已处理", actor=SYSTEM)
    followed = client.get(f"{API}/public/suggestions/{s.receipt_code}").json()
    assert followed["reply"] == "已处理" and followed["status"] == "answered"
    board = client.get(f"{API}/public/board").json()
    assert board[0]["reply"] == "已处理" and "contact_phone" not in board[0]


def test_public_submit_refuses_non_images_and_spam(client, world):
    data = {"compound_id": world.compound_a.pk, "category": "safety", "title": "t", "body": "b"}
    bad = client.post(f"{API}/public/suggestions", {**data, "photos": [SimpleUploadedFile("a.jpg", b"nope")]})
    assert bad.status_code == 400 and "图片" in bad.json()["detail"]
    assert client.post(f"{API}/public/suggestions", {**data, "website": "x"}).status_code == 400
    assert not Suggestion.objects.exists()


def test_public_notices_only_published(client, world):
    draft = services.notice_save(compound=world.compound_a, building=None, title="草稿", body_html="<p>x</p>", actor=SYSTEM)
    live = services.notice_save(compound=world.compound_a, building=world.building_a, title="公示", body_html="<p>y</p>", actor=SYSTEM)
    services.notice_publish(notice=live, actor=SYSTEM)
    rows = client.get(f"{API}/public/notices", {"compound_id": world.compound_a.pk, "building_id": world.building_a.pk}).json()
    assert [r["title"] for r in rows] == ["公示"]
    assert client.get(f"{API}/public/notices/{draft.pk}").status_code == 404


def test_staff_endpoints_are_scoped(client, world, staff_a, staff_b):
    s = services.suggestion_submit(compound=world.compound_a, building=None, category="other", title="t", body="b",
                                   contact_phone="13812345678", actor=SYSTEM)
    login(client, staff_b)
    assert client.get(f"{API}/suggestions").json() == []
    assert client.get(f"{API}/suggestions/{s.pk}").status_code == 404
    assert client.post(f"{API}/suggestions/{s.pk}/reply", {"reply": "x"}, content_type="application/json").status_code == 404
    client.logout()
    login(client, staff_a)
    [row] = client.get(f"{API}/suggestions").json()
    assert row["contact_phone"] == "138****5678"  # the full number is a logged POST …/reveal
    assert row["reply_due"] == queries.timing(s).reply_due.isoformat() and row["close_due"] > row["reply_due"]
    r = client.post(f"{API}/suggestions/{s.pk}/reply", {"reply": "好的"}, content_type="application/json").json()
    assert r["status"] == "answered" and r["response_hours"] is not None and r["reply_due"] is None
    assert client.post(f"{API}/suggestions/{s.pk}/close").json()["status"] == "closed"


def test_meetings_visits_and_party_through_the_api(client, world, staff_a, volunteer_a):
    login(client, staff_a)
    m = client.post(f"{API}/meetings", {"compound_id": world.compound_a.pk, "starts_at": timezone.now().isoformat(),
                                        "place": "活动室", "topic": "恳谈"}, content_type="application/json")
    assert m.status_code == 201
    pk = m.json()["id"]
    r = client.post(f"{API}/meetings/{pk}/attendance", {"household_ids": [world.household_a.pk]}, content_type="application/json")
    assert r.json()["present"] == [world.household_a.pk] and r.json()["invited"] == [world.household_a.pk]
    assert client.post(f"{API}/meetings/{pk}/invite", {"household_ids": [world.household_b.pk]},
                       content_type="application/json").status_code == 400
    assert client.get(f"{API}/compounds/{world.compound_a.pk}/not-visited").json()[0]["room_code"] == "3栋1单元501"
    client.logout()
    login(client, volunteer_a)  # a volunteer records visits and hours, not replies
    v = client.post(f"{API}/visits", {"household_id": world.household_a.pk, "visited_on": timezone.localdate().isoformat(),
                                      "visitors": "黎建国", "renovation": "yes"}, content_type="application/json")
    assert v.status_code == 201 and v.json()["answers"]["renovation"] == "yes"
    assert client.get(f"{API}/compounds/{world.compound_a.pk}/not-visited").json() == []
    assert client.post(f"{API}/meetings/{pk}/decisions", {"text": "x"}, content_type="application/json").status_code == 403
    top = services.organisation_create(level=OrgLevel.SUBDISTRICT, name="党工委", subdistrict_id=world.subdistrict.pk, actor=SYSTEM)
    mid = services.organisation_create(level=OrgLevel.COMMUNITY, name="社区党委", parent=top, community=world.community_a, actor=SYSTEM)
    branch = services.organisation_create(level=OrgLevel.BRANCH, name="支部", parent=mid, compound=world.compound_a, actor=SYSTEM)
    services.member_add(organisation=branch, person=world.owner_a, actor=SYSTEM)
    a = client.post(f"{API}/party/activities", {"person_id": world.owner_a.pk, "compound_id": world.compound_a.pk,
                                                "on": timezone.localdate().isoformat(), "kind": "visit", "hours": "2", "visits": 3},
                    content_type="application/json")
    assert a.status_code == 201
    detail = client.get(f"{API}/party/organisations/{branch.pk}").json()
    assert detail["hours"] == "2.0"
    assert detail["members"][0]["name"] == "王秀兰" and detail["hours_by_person"][0]["visits"] == 3
    other = client.post(f"{API}/party/activities", {"person_id": world.owner_b.pk, "compound_id": world.compound_b.pk,
                                                    "on": timezone.localdate().isoformat(), "kind": "visit", "hours": "2"},
                        content_type="application/json")
    assert other.status_code == 404


def test_members_and_volunteers_through_the_api(client, world, staff_a):
    top = services.organisation_create(level=OrgLevel.SUBDISTRICT, name="党工委", subdistrict_id=world.subdistrict.pk, actor=SYSTEM)
    mid = services.organisation_create(level=OrgLevel.COMMUNITY, name="社区党委", parent=top, community=world.community_a, actor=SYSTEM)
    branch = services.organisation_create(level=OrgLevel.BRANCH, name="支部", parent=mid, compound=world.compound_a, actor=SYSTEM)
    login(client, staff_a)
    r = client.post(f"{API}/party/organisations/{branch.pk}/members", {"person_id": world.owner_a.pk}, content_type="application/json")
    assert r.status_code == 201
    ms = r.json()["membership_id"]
    p = client.post(f"{API}/party/pledges", {"membership_id": ms, "kind": "illegal", "status": "in_progress"},
                    content_type="application/json")
    assert p.json()["status_label"] == "履行中"
    v = client.post(f"{API}/party/volunteers", {"person_id": world.owner_a.pk, "compound_id": world.compound_a.pk, "role": "speaker"},
                    content_type="application/json")
    assert v.status_code == 201 and v.json()["role_label"] == "政策宣讲员"
    outside = client.post(f"{API}/party/volunteers", {"person_id": world.owner_b.pk, "compound_id": world.compound_a.pk,
                                                      "role": "speaker"}, content_type="application/json")
    assert outside.status_code == 404  # a person of another community is not in reach


def _branch(world):
    top = services.organisation_create(level=OrgLevel.SUBDISTRICT, name="党工委", subdistrict_id=world.subdistrict.pk, actor=SYSTEM)
    mid = services.organisation_create(level=OrgLevel.COMMUNITY, name="社区党委", parent=top, community=world.community_a, actor=SYSTEM)
    return services.organisation_create(level=OrgLevel.BRANCH, name="支部", parent=mid, compound=world.compound_a, actor=SYSTEM)


def test_the_api_logs_hours_only_for_the_branchs_members_and_volunteers(client, world, subdistrict_staff):
    # The page offers only the branch's members and the compound's volunteers; the API used to take anyone of the sub-district.
    _branch(world)
    login(client, subdistrict_staff)
    hours = {"compound_id": world.compound_a.pk, "on": timezone.localdate().isoformat(), "kind": "visit", "hours": "2"}
    outsider = client.post(f"{API}/party/activities", {**hours, "person_id": world.owner_b.pk}, content_type="application/json")
    assert outsider.status_code == 400 and outsider.json()["field"] == "person"
    resident = client.post(f"{API}/party/activities", {**hours, "person_id": world.owner_a.pk}, content_type="application/json")
    assert resident.status_code == 400  # lives there, but is neither a member nor a volunteer
    assert not world.compound_a.activities.exists()


def test_the_api_refuses_an_activity_kind_the_page_does_not_offer(client, world, staff_a):
    services.member_add(organisation=_branch(world), person=world.owner_a, actor=SYSTEM)
    login(client, staff_a)
    r = client.post(f"{API}/party/activities", {"person_id": world.owner_a.pk, "compound_id": world.compound_a.pk, "kind": "nap",
                                                "on": timezone.localdate().isoformat(), "hours": "2"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "kind"


def test_the_api_takes_members_and_volunteers_only_from_the_branchs_compound(client, world, subdistrict_staff):
    # Sub-district staff reach every person of the sub-district; joining a branch or volunteering needs a home in its compound.
    branch = _branch(world)
    login(client, subdistrict_staff)
    member = client.post(f"{API}/party/organisations/{branch.pk}/members", {"person_id": world.owner_b.pk},
                         content_type="application/json")
    assert member.status_code == 400 and member.json()["field"] == "person"
    volunteer = client.post(f"{API}/party/volunteers", {"person_id": world.owner_b.pk, "compound_id": world.compound_a.pk,
                                                        "role": "speaker"}, content_type="application/json")
    assert volunteer.status_code == 400 and volunteer.json()["field"] == "person"
    assert not branch.memberships.exists() and not world.owner_b.volunteer_roles.exists()


def test_the_api_refuses_hours_finer_than_a_tenth_as_the_page_does(client, world, staff_a):
    # The page's form takes one decimal (2.5 h); the API used to round 2.25 to 2.2 without a word.
    services.member_add(organisation=_branch(world), person=world.owner_a, actor=SYSTEM)
    login(client, staff_a)
    r = client.post(f"{API}/party/activities", {"person_id": world.owner_a.pk, "compound_id": world.compound_a.pk, "kind": "visit",
                                                "on": timezone.localdate().isoformat(), "hours": "2.25"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "hours"
    assert not world.compound_a.activities.exists()


def test_the_api_refuses_texts_longer_than_the_page_allows(client, world, staff_a):
    # The page's forms refuse these lengths; the API used to cut the text short and store the rest of the record.
    branch = _branch(world)
    services.member_add(organisation=branch, person=world.owner_a, actor=SYSTEM)
    m = services.meeting_create(compound=world.compound_a, starts_at=timezone.now(), place="p", topic="t", actor=SYSTEM)
    login(client, staff_a)
    today = timezone.localdate().isoformat()
    cases = [
        (f"{API}/party/organisations/{branch.pk}/members", {"person_id": world.owner_a.pk, "duty": "委" * 31}, "duty"),
        (f"{API}/party/volunteers", {"person_id": world.owner_a.pk, "compound_id": world.compound_a.pk, "role": "speaker",
                                     "project_reference": "项" * 121}, "project_reference"),
        (f"{API}/party/activities", {"person_id": world.owner_a.pk, "compound_id": world.compound_a.pk, "kind": "visit",
                                     "on": today, "hours": "1", "note": "记" * 201}, "note"),
        (f"{API}/meetings/{m.pk}/decisions", {"text": "同意", "reference": "号" * 121}, "reference"),
    ]
    for url, body, field in cases:
        r = client.post(url, body, content_type="application/json")
        assert r.status_code == 400 and r.json()["field"] == field, (url, r.status_code, r.content)
    assert branch.memberships.get().duty == "" and not world.owner_a.volunteer_roles.exists()
    assert not world.compound_a.activities.exists() and not m.decisions.exists()
