"""Programme pages: lists, a project, progress, stages, inspections from a phone, and the scope."""

from __future__ import annotations

import pytest
from django.urls import reverse

from anju.programme import sheets
from anju.programme.models import Inspection
from tests.programme.test_services import PROVENANCE, jpeg_with_gps

pytestmark = pytest.mark.django_db


def test_the_index_lists_visible_projects_only(client, staff_a, project_a, project_b):
    client.force_login(staff_a)
    body = client.get(reverse("programme:index")).content.decode()
    assert project_a.name in body and project_b.name not in body


def test_a_project_outside_the_scope_is_a_404(client, staff_b, volunteer_a, project_a, project_b):
    client.force_login(staff_b)
    assert client.get(reverse("programme:project", args=[project_a.pk])).status_code == 404
    assert client.get(reverse("programme:inspection_new", args=[project_a.pk])).status_code == 404
    item = project_a.items.first()
    assert client.post(reverse("programme:item_progress", args=[item.pk]), {"progress": 5}).status_code == 404
    client.force_login(volunteer_a)
    assert client.get(reverse("programme:project", args=[project_a.pk])).status_code == 200
    assert client.get(reverse("programme:project", args=[project_b.pk])).status_code == 404


def test_staff_update_an_item_and_the_project_moves(client, staff_a, project_a):
    client.force_login(staff_a)
    for stage in project_a.stages.order_by("position")[:4]:
        assert client.post(reverse("programme:stage_sign_off", args=[stage.pk]), {"actual_end": "2021-04-01"}).status_code == 302
    item = project_a.items.get(name="楼顶防水")
    response = client.post(reverse("programme:item_progress", args=[item.pk]), {"progress": 100})
    assert response.status_code == 302
    project_a.refresh_from_db()
    assert project_a.progress > 25
    page = client.get(reverse("programme:project", args=[project_a.pk])).content.decode()
    assert f"{project_a.progress:.1f}%" in page


def test_a_volunteer_cannot_edit_progress(client, volunteer_a, project_a):
    client.force_login(volunteer_a)
    item = project_a.items.first()
    assert client.post(reverse("programme:item_progress", args=[item.pk]), {"progress": 5}).status_code == 403


def test_a_volunteer_records_an_inspection_with_a_photo(client, volunteer_a, project_a):
    client.force_login(volunteer_a)
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("site.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = client.post(reverse("programme:inspection_new", args=[project_a.pk]),
                           {"findings": "楼道堆放建材", "severity": "medium", "photos": [photo]})
    assert response.status_code == 302
    record = Inspection.objects.get()
    assert record.inspector_label == "volunteer_a" and record.photos.count() == 1
    page = client.get(response.url)
    assert "楼道堆放建材" in page.content.decode()
    image = client.get(reverse("programme:photo", args=[record.photos.get().pk]))
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"


def test_a_fake_photo_is_refused_with_a_message(client, volunteer_a, project_a):
    client.force_login(volunteer_a)
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("site.jpg", b"not an image at all", content_type="image/jpeg")
    response = client.post(reverse("programme:inspection_new", args=[project_a.pk]),
                           {"findings": "x", "severity": "low", "photos": [fake]})
    assert response.status_code == 400 and "不是有效的图片" in response.content.decode()
    assert not Inspection.objects.exists()


def test_photos_of_other_compounds_are_404(client, staff_b, project_a, volunteer_a):
    from anju.core.audit import Actor
    from anju.programme import services

    record = services.inspection_create(project=project_a, findings="x", photos=[("a.jpg", jpeg_with_gps((100, 80)))],
                                        actor=Actor.of(volunteer_a))
    client.force_login(staff_b)
    assert client.get(reverse("programme:photo", args=[record.photos.get().pk])).status_code == 404
    assert client.get(reverse("programme:inspection", args=[record.pk])).status_code == 404


def test_bulk_progress_page_good_and_bad(client, staff_a, project_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(staff_a)
    template = client.get(reverse("programme:progress_template"))
    rows = sheets.read_progress_sheet(template.content)
    assert {r[2] for r in rows} == {"楼顶防水", "燃气"}
    bad = sheets.progress_template([(project_a.name, "楼顶防水", 30), (project_a.name, "燃气", "很多")], provenance=PROVENANCE)
    response = client.post(reverse("programme:progress_upload"), {"file": SimpleUploadedFile("p.xlsx", bad)})
    assert response.status_code == 400 and "第 3 行" in response.content.decode()
    assert set(project_a.items.values_list("progress", flat=True)) == {0}
    good = sheets.progress_template([(project_a.name, "楼顶防水", 30), (project_a.name, "燃气", 60)], provenance=PROVENANCE)
    response = client.post(reverse("programme:progress_upload"), {"file": SimpleUploadedFile("p.xlsx", good)})
    assert response.status_code == 200 and 'data-testid="updated"' in response.content.decode()
    assert set(project_a.items.values_list("progress", flat=True)) == {30, 60}


def test_english_row_errors(client, staff_a, project_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(staff_a)
    bad = sheets.progress_template([(project_a.name, "无此项", 30)], provenance=PROVENANCE)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("programme:progress_upload"), {"file": SimpleUploadedFile("p.xlsx", bad)})
    assert "Row 2: no item" in response.content.decode()


def test_stages_overdue_stand_out(client, staff_a, project_a):
    client.force_login(staff_a)
    page = client.get(reverse("programme:project", args=[project_a.pk])).content.decode()
    # survey planned to end 2021-01-31 and not signed off: overdue
    assert 'class="table-danger" data-stage="survey"' in page
    assert 'data-stage="design"' in page and 'class="" data-stage="design"' in page


@pytest.mark.parametrize("who", ["subdistrict_staff", "admin_user"])
def test_beneficiaries_are_refreshed_from_the_roster_as_a_job(client, who, request, project_a, world,
                                                              django_capture_on_commit_callbacks):
    """Staff refresh their sub-district; a superuser, who belongs to none, refreshes them all (it was a 403)."""
    from decimal import Decimal

    from anju.core import jobs
    from anju.roster import services as roster
    from tests.factories import SYSTEM

    roster.household_create(unit=world.building_a.units.get(number="2"), floor=2, room="201", exclusive_area=Decimal("60"),
                            actor=SYSTEM)
    client.force_login(request.getfixturevalue(who))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("programme:beneficiaries_refresh"))
        jobs.run_pending()
    assert response.status_code == 302
    project_a.refresh_from_db()
    assert project_a.households == 2


def test_the_project_page_sums_funding_by_source(client, staff_a, project_a):
    client.force_login(staff_a)
    page = client.get(reverse("programme:project", args=[project_a.pk])).content.decode()
    assert "中央补助 20.00；区级财政 10.00" in page


def test_the_project_list_runs_a_fixed_number_of_queries(client, subdistrict_staff, project_a, project_b, plan, world,
                                                         django_assert_max_num_queries):
    from anju.programme import services
    from anju.roster import services as roster
    from tests.factories import SYSTEM

    for n in range(5):
        compound = roster.compound_create(community=world.community_a, name=f"丙{n}小区", actor=SYSTEM)
        services.project_create(plan=plan, compound=compound, actor=SYSTEM)
    client.force_login(subdistrict_staff)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("programme:index"))
    assert response.content.decode().count('href="/programme/project/') == 7


def test_the_inspector_adds_photos_of_the_rectified_site_on_the_page(client, volunteer_a, staff_b, project_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from anju.core.audit import Actor
    from anju.programme import services

    record = services.inspection_create(project=project_a, findings="围挡破损", actor=Actor.of(volunteer_a))
    client.force_login(volunteer_a)
    page = client.get(reverse("programme:inspection", args=[record.pk])).content.decode()
    assert 'data-testid="add-photos"' in page
    photo = SimpleUploadedFile("after.jpg", jpeg_with_gps((800, 600)), content_type="image/jpeg")
    page = client.post(reverse("programme:inspection_photos", args=[record.pk]), {"photos": [photo]},
                       follow=True).content.decode()
    assert "已添加 1 张照片" in page and page.count('data-testid="photo"') == 1
    fake = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    page = client.post(reverse("programme:inspection_photos", args=[record.pk]), {"photos": [fake]},
                       follow=True).content.decode()
    assert "不是有效的图片" in page and record.photos.count() == 1
    client.force_login(staff_b)
    assert client.post(reverse("programme:inspection_photos", args=[record.pk]), {}).status_code == 404
