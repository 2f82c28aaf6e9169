"""Inspection photos through the API: the page's checks, all or nothing, scoped, by the inspector or staff."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from anju.accounts.models import ApiToken, Role
from anju.core.audit import Actor
from anju.core.models import AuditEvent
from anju.programme import photos, services
from anju.programme.models import InspectionPhoto
from tests.factories import make_user
from tests.programme.test_services import jpeg_with_gps

pytestmark = pytest.mark.django_db


def _jpeg(name="site.jpg", size=(3200, 2400)) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_with_gps(size), content_type="image/jpeg")


@pytest.fixture
def inspection(project_a, volunteer_a):
    return services.inspection_create(project=project_a, findings="脚手架未设防护网", actor=Actor.of(volunteer_a))


def test_the_inspector_adds_photos_resized_and_without_location(client, volunteer_a, inspection):
    client.force_login(volunteer_a)
    response = client.post(f"/api/programme/inspections/{inspection.pk}/photos",
                           {"photos": [_jpeg("a.jpg"), _jpeg("b.jpg", (800, 600))]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["photos"] == 2 and [(p["width"], p["height"]) for p in body["photo_list"]] == [(1600, 1200), (800, 600)]
    image = client.get(body["photo_list"][0]["url"])
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    content = b"".join(image.streaming_content)
    assert not photos.has_gps(content)
    with Image.open(io.BytesIO(content)) as opened:
        assert opened.size == (1600, 1200)
    event = AuditEvent.objects.get(action="inspection_photos_add")
    assert event.before == {"photos": 0} and event.after == {"photos": 2, "kept_location": False}


def test_location_is_kept_only_when_asked_and_a_bearer_token_works(client, staff_a, inspection):
    _, key = ApiToken.issue(user=staff_a, name="tests")
    response = client.post(f"/api/programme/inspections/{inspection.pk}/photos",
                           {"photos": [_jpeg()], "keep_location": "true"}, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 201, response.content
    record = InspectionPhoto.objects.get()
    assert record.kept_location and photos.has_gps(record.image.read())


def test_one_bad_photo_and_none_is_added(client, volunteer_a, inspection):
    client.force_login(volunteer_a)
    fake = SimpleUploadedFile("b.jpg", b"not an image at all", content_type="image/jpeg")
    response = client.post(f"/api/programme/inspections/{inspection.pk}/photos", {"photos": [_jpeg(), fake]})
    assert response.status_code == 400 and "不是有效的图片" in response.json()["detail"]
    assert response.json()["field"] == "photos"
    assert not InspectionPhoto.objects.exists()
    too_many = client.post(f"/api/programme/inspections/{inspection.pk}/photos",
                           {"photos": [_jpeg(size=(40, 30)) for _ in range(photos.MAX_PHOTOS + 1)]})
    assert too_many.status_code == 400 and "最多上传 10 张" in too_many.json()["detail"]
    assert not InspectionPhoto.objects.exists()
    assert client.post(f"/api/programme/inspections/{inspection.pk}/photos", {}).status_code in (400, 422)


def test_a_closed_inspection_takes_no_more_photos(client, volunteer_a, inspection):
    services.inspection_follow_up(inspection=inspection, action="已整改", status="closed", actor=Actor.of(volunteer_a))
    client.force_login(volunteer_a)
    response = client.post(f"/api/programme/inspections/{inspection.pk}/photos", {"photos": [_jpeg()]})
    assert response.status_code == 400 and "已关闭" in response.json()["detail"]


def test_photos_are_scoped_and_only_the_inspector_or_staff_add_them(client, world, inspection, staff_b, staff_a):
    client.force_login(staff_b)
    assert client.post(f"/api/programme/inspections/{inspection.pk}/photos",
                       {"photos": [_jpeg()]}).status_code == 404
    assert client.get(f"/api/programme/inspections/{inspection.pk}").status_code == 404
    client.force_login(staff_a)
    assert client.post(f"/api/programme/inspections/{inspection.pk}/photos", {"photos": [_jpeg()]}).status_code == 201
    url = client.get(f"/api/programme/inspections/{inspection.pk}").json()["photo_list"][0]["url"]
    client.force_login(staff_b)
    assert client.get(url).status_code == 404
    other_volunteer = make_user("volunteer_a2", Role.VOLUNTEER, world, community=world.community_a,
                                compound=world.compound_a)
    client.force_login(other_volunteer)
    assert client.get(url).status_code == 200  # sees the compound's inspections
    assert client.post(f"/api/programme/inspections/{inspection.pk}/photos",
                       {"photos": [_jpeg()]}).status_code == 403  # but did not record this one
