"""The roster import creates the compounds, buildings and units its rows name (a new office's first roster)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import Workbook

from anju.accounts.models import Profile, Role
from anju.core.audit import Actor
from anju.core.models import AuditEvent, Job
from anju.core.scoping import scope_of
from anju.roster import setup
from anju.roster.importer import import_roster
from anju.roster.models import Building, Compound, Household, Person, Unit
from tests.factories import PASSWORD, id_number
from tests.roster.test_import_pages import run_queued

pytestmark = pytest.mark.django_db

HEADERS = ["社区", "小区", "楼栋", "单元", "房号", "专有部分面积", "户主", "身份证号", "总层数"]
ROWS = [
    ["桂园社区", "桂园小区", "1号楼", "1", "101", "60.5", "周一", id_number(11), "6"],
    ["桂园社区", "桂园小区", "1号楼", "2", "502", "70", "周二", "", ""],
    ["桂园社区", "桂园小区", "2号楼", "", "301", "55", "周三", "", ""],
    ["桂园社区", "桂园小区", "2号楼", "", "402", "56", "周四", "", ""],
    ["湖滨社区", "湖滨新村", "1", "1", "201", "80", "周五", "", ""],
]


def sheet(path: Path, rows: list[list[str]]) -> Path:
    book = Workbook()
    book.active.append(HEADERS)
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def everything() -> tuple:
    return (sorted(Compound.objects.values_list("id", "name")), sorted(Building.objects.values_list("id", "storeys")),
            Unit.objects.count(), Household.objects.count(), Person.objects.count(), AuditEvent.objects.count())


@pytest.fixture
def donghu_staff(db):
    subdistrict = setup.subdistrict_set_up(name="东湖街道", actor=Actor.system("tests"))
    setup.communities_add(subdistrict=subdistrict, names=["桂园社区", "湖滨社区"], actor=Actor.system("tests"))
    user = get_user_model().objects.create_user("donghu", password=PASSWORD, is_staff=True)
    Profile.objects.create(user=user, role=Role.SUBDISTRICT_STAFF, subdistrict=subdistrict)
    return user


def run(path: Path, user, *, dry_run: bool, create_missing: bool = True):
    return import_roster(path, actor=Actor.of(user), scope=scope_of(user), dry_run=dry_run,
                         create_missing=create_missing)


def test_without_the_option_a_missing_compound_is_a_problem(tmp_path, donghu_staff):
    result = run(sheet(tmp_path / "r.xlsx", ROWS), donghu_staff, dry_run=True, create_missing=False)
    assert "小区「桂园小区」不在桂园社区中。" in [p.zh for p in result.problems]


def test_the_dry_run_lists_what_it_will_create_and_creates_nothing(tmp_path, donghu_staff):
    before = everything()
    result = run(sheet(tmp_path / "r.xlsx", ROWS), donghu_staff, dry_run=True)
    assert not result.problems and result.added == 5
    assert result.created == {
        "compounds": ["桂园社区·桂园小区", "湖滨社区·湖滨新村"],
        "buildings": [{"name": "桂园小区1栋", "storeys": 6, "guessed": False, "units": 2},
                      {"name": "桂园小区2栋", "storeys": 4, "guessed": True, "units": 1},
                      {"name": "湖滨新村1栋", "storeys": 2, "guessed": True, "units": 1}],
        "units": ["桂园小区1栋1单元", "桂园小区1栋2单元", "桂园小区2栋1单元", "湖滨新村1栋1单元"],
    }
    assert everything() == before


def test_the_real_run_creates_the_places_and_the_households(tmp_path, donghu_staff):
    result = run(sheet(tmp_path / "r.xlsx", ROWS), donghu_staff, dry_run=False)
    assert result.applied and result.added == 5
    guiyuan = Compound.objects.get(name="桂园小区")
    first, second = Building.objects.filter(compound=guiyuan).order_by("number")
    assert (first.storeys, second.storeys) == (6, 4)  # stated; the highest floor seen
    assert second.gross_area == Decimal("111.00")  # estimated from its households until entered
    assert sorted(first.units.values_list("number", flat=True)) == ["1", "2"]
    assert Household.objects.get(room="402").unit.building == second
    assert Household.objects.filter(compound__subdistrict=guiyuan.subdistrict).count() == 5
    made = AuditEvent.objects.filter(action="import_create_place")
    assert made.filter(object_type="roster.building").count() == 3
    assert made.get(object_type="roster.building", object_id=str(second.pk)).after["storeys_guessed"] is True
    # A second import of the same file finds every place and household.
    again = run(sheet(tmp_path / "r.xlsx", ROWS), donghu_staff, dry_run=False)
    assert again.applied and again.added == 0 and again.created is None


def test_a_failing_row_leaves_nothing_created(tmp_path, donghu_staff):
    rows = [*ROWS, ["桂园社区", "桂园小区", "1号楼", "1", "701", "60", "周六", "", ""],  # above the stated 6
            ["东亭社区", "东亭小区", "1", "1", "101", "60", "周七", "", ""]]  # a community not set up
    before = everything()
    result = run(sheet(tmp_path / "r.xlsx", rows), donghu_staff, dry_run=False)
    assert not result.applied
    assert {(p.row, p.column, p.zh) for p in result.problems} == {
        (7, "楼层", "楼层高于总层数（6层）。"), (8, "社区", "社区「东亭社区」不存在。")}
    assert everything() == before


def test_a_bad_stated_storeys_is_named(tmp_path, donghu_staff):
    rows = [[*ROWS[0][:-1], "七十"], *ROWS[1:]]
    result = run(sheet(tmp_path / "r.xlsx", rows), donghu_staff, dry_run=False)
    assert [(p.row, p.column) for p in result.problems] == [(2, "总层数")]
    assert not Compound.objects.filter(name="桂园小区").exists()


def test_the_import_page_offers_the_option_and_lists_what_it_will_create(client, tmp_path, donghu_staff, settings,
                                                                         django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(donghu_staff)
    assert 'name="create_missing"' in client.get(reverse("roster:transfer_upload")).content.decode()
    with django_capture_on_commit_callbacks(execute=True), sheet(tmp_path / "r.xlsx", ROWS).open("rb") as handle:
        client.post(reverse("roster:transfer_upload"), {"file": handle, "create_missing": "on"})
    run_queued()
    dry = Job.objects.filter(kind="roster.import").latest("created")
    page = client.get(reverse("roster:transfer_job", args=[dry.pk])).content.decode()
    assert "将新建：小区 2 个、楼栋 3 栋、单元 4 个" in page
    assert "湖滨新村1栋（2层，待核实）" in page and "桂园小区1栋（6层）" in page
    assert not Compound.objects.filter(name="桂园小区").exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("roster:transfer_confirm", args=[dry.pk]))
    run_queued()
    assert Household.objects.filter(compound__name="桂园小区").count() == 4


def test_a_file_read_in_a_second_process_creates_the_same_places(tmp_path, donghu_staff, monkeypatch):
    from anju.roster import import_reader

    if import_reader._cores() < 2:
        pytest.skip("one core: the reader never runs in a second process")
    monkeypatch.setattr(import_reader, "PROCESS_BYTES", 1)
    dry = run(sheet(tmp_path / "r.xlsx", ROWS), donghu_staff, dry_run=True)
    assert not dry.problems and len(dry.created["buildings"]) == 3
    done = run(sheet(tmp_path / "r.xlsx", ROWS), donghu_staff, dry_run=False)
    assert done.applied and Building.objects.get(compound__name="桂园小区", number="2").storeys == 4
