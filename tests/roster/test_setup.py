"""A new office sets itself up from its own sheets: 东湖街道, which the demo does not have."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import Workbook

from anju.core.audit import Actor
from anju.core.errors import Forbidden, ValidationFailed
from anju.core.models import AuditEvent
from anju.core.scoping import scope_of
from anju.roster import setup
from anju.roster.models import Building, Community, Compound, Subdistrict, Unit
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ROOT = Actor.system("tests")

# The office's own headers: 序号 and 备注 it keeps, 楼宇编号 is its own name for the building number.
COMPOUND_SHEET = [
    ["东湖街道老旧小区基本情况表"],
    ["序号", "所属社区", "小区名称", "坐落位置", "建成年代", "占地面积(㎡)", "总建筑面积(㎡)", "备注"],
    [1, "桂园社区", "桂园小区", "东湖路12号", "1992年", 12000, 9000, ""],
    [2, "桂园社区", "荷风里", "东湖路30号", 1998, "8,500.5", "", "单位宿舍"],
    [3, "湖滨社区", "湖滨新村", "滨湖大道1号", 2001, 20000, "", ""],
    ["合计", "", "", "", "", 40500.5, 9000, ""],
]
BUILDING_SHEET = [
    ["序号", "社区", "小区", "楼宇编号", "地上层数", "单元数", "结构类型", "建成年份", "建筑面积"],
    [1, "桂园社区", "桂园小区", "1号楼", 6, 2, "砖混", 1992, 4500],
    [2, "桂园社区", "桂园小区", "2号楼", 7, 3, "框架结构", 1993, 4500],
    [3, "桂园社区", "荷风里", "A座", 5, "", "砖混结构", "", 2600.75],
    [4, "湖滨社区", "湖滨新村", "1", 6, 1, "", 2001, 3000],
    [5, "湖滨社区", "湖滨二村", "1", 4, 1, "其他", 1985, 1200],  # a compound the compound sheet does not list
]
MAPPING = "楼宇编号=楼栋"


def workbook(path: Path, compound_rows: list[list], building_rows: list[list]) -> Path:
    book = Workbook()
    compounds = book.active
    compounds.title = "小区"
    for row in compound_rows:
        compounds.append(row)
    buildings = book.create_sheet("楼栋")
    for row in building_rows:
        buildings.append(row)
    book.save(path)
    return path


def structure() -> tuple:
    return (sorted(Compound.objects.values_list("id", "name", "address", "year_built", "land_area")),
            sorted(Building.objects.values_list("id", "number", "storeys", "structure", "gross_area")),
            Unit.objects.count(), AuditEvent.objects.count())


@pytest.fixture
def donghu() -> Subdistrict:
    subdistrict = setup.subdistrict_set_up(name="东湖街道", district="武昌区", city="武汉市", actor=ROOT)
    setup.communities_add(subdistrict=subdistrict, names=["桂园社区", "湖滨社区", ""], actor=ROOT)
    return subdistrict


@pytest.fixture
def donghu_staff(donghu):
    from anju.accounts.models import Profile, Role

    user = get_user_model().objects.create_user("donghu", password=PASSWORD, is_staff=True)
    Profile.objects.create(user=user, role=Role.SUBDISTRICT_STAFF, subdistrict=donghu)
    return user


def test_a_superuser_sets_up_a_sub_district_and_its_staff_add_communities(donghu):
    assert donghu.district == "武昌区"
    assert list(Community.objects.filter(subdistrict=donghu).values_list("name", flat=True)) == ["桂园社区", "湖滨社区"]
    assert AuditEvent.objects.filter(action="create", object_type="roster.community").count() == 2


def test_a_sub_district_name_is_new_and_communities_are_not_listed_twice(donghu):
    with pytest.raises(ValidationFailed) as error:
        setup.subdistrict_set_up(name="东湖街道", actor=ROOT)
    assert error.value.field == "name"
    with pytest.raises(ValidationFailed, match="填了两次"):
        setup.communities_add(subdistrict=donghu, names=["东亭社区", "东亭社区"], actor=ROOT)
    with pytest.raises(ValidationFailed, match="已存在"):
        setup.communities_add(subdistrict=donghu, names=["东亭社区", "桂园社区"], actor=ROOT)
    assert not Community.objects.filter(name="东亭社区").exists()  # all or none


def test_the_structure_sheet_in_the_offices_own_columns_creates_compounds_buildings_and_units(tmp_path, donghu,
                                                                                              donghu_staff):
    path = workbook(tmp_path / "台账.xlsx", COMPOUND_SHEET, BUILDING_SHEET)
    scope = scope_of(donghu_staff)
    before = structure()
    dry = setup.structure_import(path, subdistrict=donghu, scope=scope, actor=Actor.of(donghu_staff),
                                 headers=setup.parse_mapping(MAPPING))
    assert not dry.problems
    assert dry.compounds_new == ["桂园社区·桂园小区", "桂园社区·荷风里", "湖滨社区·湖滨新村", "湖滨社区·湖滨二村"]
    assert [(b["compound"], b["number"], b["storeys"], b["units"]) for b in dry.buildings_new] == [
        ("桂园小区", "1", 6, 2), ("桂园小区", "2", 7, 3), ("荷风里", "A", 5, 1), ("湖滨新村", "1", 6, 1),
        ("湖滨二村", "1", 4, 1)]
    assert dry.units_new == 8
    assert dry.checks == []  # 9000 ㎡ stated = 4500 + 4500
    assert structure() == before  # a dry run creates nothing

    done = setup.structure_import(path, subdistrict=donghu, scope=scope, actor=Actor.of(donghu_staff), dry_run=False,
                                  headers=setup.parse_mapping(MAPPING))
    assert done.applied
    guiyuan = Compound.objects.get(name="桂园小区")
    assert (guiyuan.address, guiyuan.year_built, guiyuan.land_area, guiyuan.subdistrict_id) == (
        "东湖路12号", 1992, Decimal("12000.00"), donghu.pk)
    assert Compound.objects.get(name="荷风里").land_area == Decimal("8500.50")
    second = Building.objects.get(compound=guiyuan, number="2")
    assert (second.storeys, second.structure, second.gross_area, second.units.count()) == (7, "frame", Decimal("4500"), 3)
    assert Building.objects.get(compound__name="荷风里").year_built == 1998  # blank: the compound's year
    assert Unit.objects.filter(building__compound__subdistrict=donghu).count() == 8
    assert AuditEvent.objects.filter(action="structure_import", subdistrict_id=donghu.pk).count() == 1

    again = setup.structure_import(path, subdistrict=donghu, scope=scope, actor=Actor.of(donghu_staff), dry_run=False,
                                   headers=setup.parse_mapping(MAPPING))
    assert again.applied and not again.compounds_new and not again.buildings_new and not again.buildings_changed


def test_a_bad_row_names_its_row_and_column_and_nothing_is_saved(tmp_path, donghu, donghu_staff):
    buildings = [*BUILDING_SHEET, [6, "桂园社区", "桂园小区", "3号楼", 70, 1, "砖混", 1992, 1000],
                 [7, "东亭社区", "东亭小区", "1", 6, 1, "砖混", 1992, 1000],
                 [8, "桂园社区", "桂园小区", "1号楼", 6, 1, "木屋", 1992, ""]]
    path = workbook(tmp_path / "台账.xlsx", COMPOUND_SHEET, buildings)
    before = structure()
    plan = setup.structure_import(path, subdistrict=donghu, scope=scope_of(donghu_staff), actor=Actor.of(donghu_staff),
                                  dry_run=False, headers=setup.parse_mapping(MAPPING))
    assert not plan.applied
    found = {(p.sheet, p.row, p.column): p.zh for p in plan.problems}
    assert found[("楼栋", 7, "地上层数")] == "应为1到60之间的整数。"
    assert "东亭社区" in found[("楼栋", 8, "社区")] and "请先在本页建立社区" in found[("楼栋", 8, "社区")]
    assert "楼栋重复" in found[("楼栋", 9, "楼宇编号")]
    assert "结构应为" in found[("楼栋", 9, "结构类型")]
    assert found[("楼栋", 9, "建筑面积")] == "面积不能为空（平方米）。"
    assert structure() == before


def test_a_missing_column_and_a_mapping_to_no_standard_column_are_refused(tmp_path, donghu, donghu_staff):
    path = workbook(tmp_path / "台账.xlsx", COMPOUND_SHEET, BUILDING_SHEET)
    plan = setup.structure_import(path, subdistrict=donghu, scope=scope_of(donghu_staff), actor=ROOT)
    assert [p.zh for p in plan.problems if p.code == "missing_column"] == []  # 楼宇编号 unread: a compound sheet
    with pytest.raises(ValidationFailed) as error:
        setup.structure_import(path, subdistrict=donghu, scope=scope_of(donghu_staff), actor=ROOT,
                               headers={"楼宇编号": "楼号码"})
    assert error.value.field == "mapping"
    with pytest.raises(ValidationFailed):
        setup.parse_mapping("楼宇编号")


def test_community_staff_set_up_their_own_community_only(tmp_path, world, staff_a, subdistrict_staff):
    path = workbook(tmp_path / "台账.xlsx", [["社区", "小区", "地址"], ["乙社区", "乙二小区", "北路1号"],
                                           ["", "甲二小区", "南路2号"]], [])
    plan = setup.structure_import(path, subdistrict=world.subdistrict, scope=scope_of(staff_a), actor=Actor.of(staff_a),
                                  dry_run=False)
    assert [(p.row, p.column) for p in plan.problems] == [(2, "社区")]
    assert "不是您所在的社区" in plan.problems[0].zh
    assert not Compound.objects.filter(name__in=["乙二小区", "甲二小区"]).exists()
    with pytest.raises(Forbidden):
        setup.require_community_creator(staff_a)
    setup.require_community_creator(subdistrict_staff)
    with pytest.raises(Forbidden):
        setup.require_subdistrict_creator(subdistrict_staff)


def test_the_pages_set_up_a_sub_district_its_communities_and_its_structure(client, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    root = get_user_model().objects.create_superuser("root", password=PASSWORD)
    client.force_login(root)
    assert client.get(reverse("roster:setup")).status_code == 200
    response = client.post(reverse("roster:setup_subdistrict"), {"name": "东湖街道", "district": "武昌区"})
    donghu = Subdistrict.objects.get(name="东湖街道")
    assert response.status_code == 302
    client.post(reverse("roster:setup_communities", args=[donghu.pk]), {"names": "桂园社区\n湖滨社区"})
    assert Community.objects.filter(subdistrict=donghu).count() == 2
    path = workbook(tmp_path / "台账.xlsx", COMPOUND_SHEET, BUILDING_SHEET)
    with path.open("rb") as handle:
        dry = client.post(reverse("roster:setup_structure", args=[donghu.pk]), {"file": handle, "mapping": MAPPING})
    assert dry.status_code == 200
    page = dry.content.decode()
    assert "将新建" in page and "湖滨二村" in page
    assert not Compound.objects.filter(subdistrict=donghu).exists()
    done = client.post(reverse("roster:setup_structure_confirm", args=[donghu.pk]), {"upload": dry.context["upload"]})
    assert done.status_code == 302
    assert Building.objects.filter(compound__subdistrict=donghu).count() == 5
    # The upload was used once: confirming again finds nothing to apply.
    again = client.post(reverse("roster:setup_structure_confirm", args=[donghu.pk]), {"upload": dry.context["upload"]})
    assert again.status_code == 400


def test_a_compound_area_that_differs_from_its_buildings_is_flagged_for_checking(tmp_path, donghu, donghu_staff):
    compounds = [COMPOUND_SHEET[1], [1, "桂园社区", "桂园小区", "东湖路12号", 1992, 12000, 9800, ""]]
    path = workbook(tmp_path / "台账.xlsx", compounds, BUILDING_SHEET)
    plan = setup.structure_import(path, subdistrict=donghu, scope=scope_of(donghu_staff), actor=ROOT,
                                  headers=setup.parse_mapping(MAPPING))
    assert not plan.problems
    assert [c["zh"] for c in plan.checks] == ["桂园小区：小区建筑面积9,800.00 ㎡，各楼栋合计9,000.00 ㎡，请核对。"]


def test_a_dry_run_upload_not_confirmed_within_a_day_is_removed(client, tmp_path, settings, donghu, donghu_staff):
    import os

    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(donghu_staff)
    path = workbook(tmp_path / "台账.xlsx", COMPOUND_SHEET, BUILDING_SHEET)
    with path.open("rb") as handle:
        first = client.post(reverse("roster:setup_structure", args=[donghu.pk]), {"file": handle, "mapping": MAPPING})
    kept = settings.MEDIA_ROOT / "structure-imports" / first.context["upload"]
    day_ago = kept.stat().st_mtime - 25 * 3600
    os.utime(kept, (day_ago, day_ago))
    with path.open("rb") as handle:
        client.post(reverse("roster:setup_structure", args=[donghu.pk]), {"file": handle, "mapping": MAPPING})
    assert not kept.exists()
    confirm = client.post(reverse("roster:setup_structure_confirm", args=[donghu.pk]), {"upload": first.context["upload"]})
    assert confirm.status_code == 400 and not Compound.objects.filter(subdistrict=donghu).exists()


def test_community_staff_import_a_gbk_csv_of_their_buildings_without_a_community_column(tmp_path, world, staff_a):
    text = "小区,楼号,层数,单元数,建筑面积\r\n甲小区,5栋,6,2,3200\r\n甲二小区,1,4,1,900\r\n"
    path = tmp_path / "楼栋.csv"
    path.write_bytes(text.encode("gbk"))
    plan = setup.structure_import(path, subdistrict=world.subdistrict, scope=scope_of(staff_a), actor=Actor.of(staff_a),
                                  dry_run=False)
    assert plan.applied and plan.compounds_new == ["甲社区·甲二小区"]
    assert Building.objects.get(compound=world.compound_a, number="5").units.count() == 2
    assert Compound.objects.get(name="甲二小区").community == world.community_a
