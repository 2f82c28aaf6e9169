"""Plans, items, funding, stages, bulk progress and photos."""

from __future__ import annotations

import datetime
import io

import pytest
from PIL import Image

from anju.core.errors import ValidationFailed
from anju.core.images import GPS_IFD
from anju.core.scoping import Scope
from anju.domain.sheets import Provenance
from anju.programme import photos, services, sheets
from anju.programme.models import FundingSource, InspectionStatus, ItemKind, StageKind
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db
D = datetime.date


def test_funding_must_add_up_to_the_budget(project_a):
    with pytest.raises(ValidationFailed) as err:
        services.item_add(project=project_a, kind=ItemKind.SEWER, budget_fen=1000,
                          funding={FundingSource.CENTRAL: 600, FundingSource.RESIDENTS: 300}, actor=SYSTEM)
    assert "9.00" in err.value.zh and "10.00" in err.value.en
    item = services.item_add(project=project_a, kind=ItemKind.SEWER, budget_fen=1000,
                             funding={FundingSource.CENTRAL: 600, FundingSource.RESIDENTS: 400}, actor=SYSTEM)
    assert sum(f.amount_fen for f in item.funding.all()) == 1000


def test_beneficiaries_come_from_the_roster(project_a, world):
    assert project_a.households == 1 and project_a.people == 1 and project_a.elderly == 1
    assert project_a.exclusive_area == world.household_a.exclusive_area
    assert project_a.budget_fen == 40_000_000


def test_typed_beneficiaries_need_a_reason(project_a):
    with pytest.raises(ValidationFailed):
        services.item_add(project=project_a, kind=ItemKind.WATER, name="主管网", override_households=500, actor=SYSTEM)


def test_project_progress_moves_with_items_and_stages(project_a):
    assert project_a.progress == 0 and project_a.current_stage == StageKind.SURVEY
    stages = {s.kind: s for s in project_a.stages.all()}
    for kind in ("survey", "consultation", "design", "tender"):
        services.stage_sign_off(stage=stages[kind], actual_end=D(2021, 4, 1), actor=SYSTEM)
    project_a.refresh_from_db()
    assert project_a.progress == 25 and project_a.current_stage == StageKind.CONSTRUCTION
    roof = project_a.items.get(kind=ItemKind.ROOF)
    services.item_set_progress(item=roof, percent=50, actor=SYSTEM)
    project_a.refresh_from_db()
    assert 25 < project_a.progress < 85


def test_stages_are_signed_off_in_order_and_construction_needs_every_item(project_a):
    stages = {s.kind: s for s in project_a.stages.all()}
    with pytest.raises(ValidationFailed):
        services.stage_sign_off(stage=stages["design"], actual_end=D(2021, 2, 1), actor=SYSTEM)
    for kind in ("survey", "consultation", "design", "tender"):
        services.stage_sign_off(stage=stages[kind], actual_end=D(2021, 4, 1), actor=SYSTEM)
    with pytest.raises(ValidationFailed):
        services.stage_sign_off(stage=stages["construction"], actual_end=D(2021, 12, 1), actor=SYSTEM)
    for item in project_a.items.all():
        services.item_set_progress(item=item, percent=100, actor=SYSTEM)
    for kind in ("construction", "acceptance", "stewardship"):
        services.stage_sign_off(stage=stages[kind], actual_end=D(2021, 12, 20), actor=SYSTEM)
    project_a.refresh_from_db()
    assert project_a.progress == 100 and project_a.completed and project_a.completed_on == D(2021, 12, 20)
    stage = project_a.stages.get(kind="survey")
    assert stage.signed_off_label == "tests" and stage.signed_off_at is not None


def test_bad_progress_is_refused(project_a):
    item = project_a.items.first()
    for bad in ("101", "-1", "abc", "50.5"):
        with pytest.raises(ValidationFailed):
            services.item_set_progress(item=item, percent=bad, actor=SYSTEM)


PROVENANCE = Provenance("测试", datetime.datetime(2021, 5, 1, 9, 30, tzinfo=datetime.UTC), "progress.xlsx")


def _sheet(rows) -> bytes:
    return sheets.progress_template(rows, provenance=PROVENANCE)


def test_bulk_progress_from_a_good_sheet(project_a, world):
    data = _sheet([(project_a.name, "楼顶防水", 80), (project_a.name, "燃气", "40%")])
    rows = sheets.read_progress_sheet(data)
    assert services.progress_bulk_update(scope=Scope(everything=True), rows=rows, actor=SYSTEM) == 2
    assert sorted(project_a.items.values_list("progress", flat=True)) == [40, 80]


def test_a_bad_sheet_changes_nothing_and_names_every_bad_row(project_a):
    data = _sheet([(project_a.name, "楼顶防水", 80), (project_a.name, "电梯", 10), (project_a.name, "燃气", 120)])
    rows = sheets.read_progress_sheet(data)
    with pytest.raises(services.BulkProgressFailed) as err:
        services.progress_bulk_update(scope=Scope(everything=True), rows=rows, actor=SYSTEM)
    messages = [e.zh for e in err.value.errors]
    assert messages[0].startswith("第 3 行") and messages[1].startswith("第 4 行")
    assert err.value.errors[1].en.startswith("Row 4")
    assert list(project_a.items.values_list("progress", flat=True)) == [0, 0]


def test_a_sheet_cannot_reach_projects_outside_the_scope(project_a, world):
    rows = sheets.read_progress_sheet(_sheet([(project_a.name, "燃气", 10)]))
    scope_b = Scope(everything=False, subdistrict_id=world.subdistrict.pk, community_id=world.community_b.pk)
    with pytest.raises(services.BulkProgressFailed):
        services.progress_bulk_update(scope=scope_b, rows=rows, actor=SYSTEM)


def test_a_file_that_is_not_xlsx_is_refused():
    with pytest.raises(ValidationFailed):
        sheets.read_progress_sheet(b"not a spreadsheet")


def jpeg_with_gps(size=(3200, 2400)) -> bytes:
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[GPS_IFD] = {1: "N", 2: (32.0, 38.0, 0.0), 3: "E", 4: (110.0, 47.0, 0.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def test_photos_are_resized_and_lose_their_location():
    data = jpeg_with_gps()
    assert photos.has_gps(data)
    photo = photos.process_photo(data, name="site.jpg")
    assert max(photo.width, photo.height) == 1600
    assert not photos.has_gps(photo.content)
    with Image.open(io.BytesIO(photo.content)) as image:
        assert image.size == (1600, 1200)


def test_location_is_kept_only_on_purpose():
    photo = photos.process_photo(jpeg_with_gps(), name="site.jpg", keep_location=True)
    assert photos.has_gps(photo.content)


def test_a_file_that_is_not_an_image_is_refused():
    with pytest.raises(ValidationFailed):
        photos.process_photo(b"<?php echo 1; ?>" * 10, name="evil.jpg")


def test_inspection_with_follow_up_until_closed(project_a, staff_a):
    from anju.core.audit import Actor

    inspection = services.inspection_create(project=project_a, findings="脚手架未设防护网", severity="high",
                                            photos=[("a.jpg", jpeg_with_gps((800, 600)))], actor=Actor.of(staff_a))
    assert inspection.photos.count() == 1 and inspection.status == InspectionStatus.OPEN
    services.inspection_follow_up(inspection=inspection, action="已通知施工单位", status="rectifying", actor=Actor.of(staff_a))
    services.inspection_follow_up(inspection=inspection, action="已加装防护网", status="closed", actor=Actor.of(staff_a))
    inspection.refresh_from_db()
    assert inspection.status == "closed" and inspection.closed_at is not None
    assert [f.by_label for f in inspection.follow_ups.all()] == ["staff_a", "staff_a"]
    with pytest.raises(ValidationFailed):
        services.inspection_follow_up(inspection=inspection, action="再开", status="rectifying", actor=Actor.of(staff_a))


def test_attachments_must_be_what_they_say(project_a):
    stage = project_a.stages.get(kind="design")
    with pytest.raises(ValidationFailed):
        services.attachment_add(stage=stage, name="plan.pdf", data=b"MZ\x90\x00", actor=SYSTEM)
    with pytest.raises(ValidationFailed):
        services.attachment_add(stage=stage, name="plan.exe", data=b"MZ", actor=SYSTEM)
    att = services.attachment_add(stage=stage, name="设计图.pdf", data=b"%PDF-1.4 demo", actor=SYSTEM)
    assert att.size == 13 and att.content_type == "application/pdf"


def test_a_stage_is_overdue_when_its_planned_end_passed_and_it_is_not_signed_off(project_a, world):
    from anju.programme import queries

    scope = Scope(everything=True)
    overdue = queries.overdue_stages(scope, today=D(2021, 2, 1))
    assert [s.kind for s in overdue] == [StageKind.SURVEY]
    assert not queries.overdue_stages(scope, today=D(2021, 1, 31)).exists()  # due today is not late
    services.stage_sign_off(stage=project_a.stages.get(kind="survey"), actual_end=D(2021, 2, 3), actor=SYSTEM)
    assert not queries.overdue_stages(scope, today=D(2021, 2, 4)).exists()
    assert [s.kind for s in queries.overdue_stages(scope, today=D(2022, 1, 1))] == [StageKind.CONSTRUCTION]


def test_stage_dates_are_checked_and_saved(project_a):
    stage = project_a.stages.get(kind="design")
    with pytest.raises(ValidationFailed):
        services.stage_update(stage=stage, planned_start=D(2021, 5, 1), planned_end=D(2021, 4, 1), actual_start=None,
                              actor=SYSTEM)
    services.stage_update(stage=stage, planned_start=D(2021, 3, 1), planned_end=D(2021, 4, 1), actual_start=D(2021, 3, 2),
                          actor=SYSTEM)
    stage.refresh_from_db()
    assert (stage.planned_end, stage.actual_start) == (D(2021, 4, 1), D(2021, 3, 2))


def test_an_items_default_name_is_chinese_even_when_the_page_is_in_english(project_a):
    from django.utils import translation

    from anju.programme.models import ItemKind

    with translation.override("en"):
        item = services.item_add(project=project_a, kind=ItemKind.WATER, budget_fen=1_000_000, actor=SYSTEM)
    assert item.name == "供水"
