"""The programme's pages and API refuse the same things, because both ask programme/access.py.

Where they used to disagree the stricter documented rule now holds for both: an object outside the
caller's scope is a 404 even when their role could not have changed it anyway (the page answered
403 and so told a volunteer that the item exists), and one upload carries at most MAX_PHOTOS photos.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from anju.accounts.models import Role
from anju.programme import services
from anju.programme.models import Inspection, ItemKind
from anju.programme.photos import MAX_PHOTOS
from tests.factories import SYSTEM, make_user
from tests.programme.test_services import jpeg_with_gps

pytestmark = pytest.mark.django_db


def test_an_item_outside_a_volunteers_compound_is_a_404_on_the_page_as_in_the_api(client, volunteer_a, project_b):
    client.force_login(volunteer_a)
    item = services.item_add(project=project_b, kind=ItemKind.GAS, budget_fen=1_000_000, actor=SYSTEM)
    page = client.post(reverse("programme:item_progress", args=[item.pk]), {"progress": 5})
    api = client.post(f"/api/programme/items/{item.pk}/progress", {"progress": 5}, content_type="application/json")
    assert (page.status_code, api.status_code) == (404, 404)


def test_a_stage_outside_a_volunteers_compound_is_a_404_on_the_page_as_in_the_api(client, volunteer_a, project_b):
    client.force_login(volunteer_a)
    stage = project_b.stages.order_by("position").first()
    page = client.post(reverse("programme:stage_sign_off", args=[stage.pk]), {"actual_end": "2021-04-01"})
    api = client.post(f"/api/programme/stages/{stage.pk}/sign-off", {"actual_end": "2021-04-01"},
                      content_type="application/json")
    assert (page.status_code, api.status_code) == (404, 404)


def test_a_stage_in_scope_is_refused_to_a_volunteer_with_403_on_the_page_as_in_the_api(client, volunteer_a, project_a):
    client.force_login(volunteer_a)
    stage = project_a.stages.order_by("position").first()
    page = client.post(reverse("programme:stage_sign_off", args=[stage.pk]), {"actual_end": "2021-04-01"})
    api = client.post(f"/api/programme/stages/{stage.pk}/sign-off", {"actual_end": "2021-04-01"},
                      content_type="application/json")
    assert (page.status_code, api.status_code) == (403, 403)
    assert not project_a.stages.filter(actual_end__isnull=False).exists()


def test_a_new_inspection_with_one_photo_too_many_is_refused_not_cut_short(client, volunteer_a, project_a):
    client.force_login(volunteer_a)
    photos = [SimpleUploadedFile(f"site{n}.jpg", jpeg_with_gps((80, 60)), content_type="image/jpeg") for n in range(MAX_PHOTOS + 1)]
    response = client.post(reverse("programme:inspection_new", args=[project_a.pk]),
                           {"findings": "楼道堆放建材", "severity": "medium", "photos": photos})
    assert response.status_code == 400
    assert f"一次最多上传 {MAX_PHOTOS} 张照片" in response.content.decode()
    assert not Inspection.objects.exists()


def test_only_the_inspector_or_an_editor_follows_up_on_the_page_as_in_the_api(client, world, volunteer_a, project_a):
    neighbour = make_user("volunteer_a2", Role.VOLUNTEER, world, community=world.community_a, compound=world.compound_a)
    client.force_login(volunteer_a)
    record = client.post(f"/api/programme/projects/{project_a.pk}/inspections", {"findings": "井盖松动"},
                         content_type="application/json").json()["id"]
    step = {"action": "已固定", "status": "rectifying"}
    client.force_login(neighbour)
    page = client.post(reverse("programme:inspection", args=[record]), step)
    api = client.post(f"/api/programme/inspections/{record}/follow-up", step, content_type="application/json")
    assert (page.status_code, api.status_code) == (403, 403)
    client.force_login(volunteer_a)
    assert client.post(reverse("programme:inspection", args=[record]), step).status_code == 302
    assert Inspection.objects.get(pk=record).status == "rectifying"
