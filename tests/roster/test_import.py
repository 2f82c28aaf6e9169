"""Roster import: counts, every encoding, problems change nothing, dry runs, re-imports, audit, scope."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from anju.core.audit import Actor
from anju.core.models import AuditEvent
from anju.core.scoping import scope_of
from anju.domain.rostersheet import TEMPLATE
from anju.roster.importer import import_roster, is_masked
from anju.roster.models import Household, Ownership, Person
from tests.factories import id_number

HEADERS = [c.header for c in TEMPLATE]


def roster_rows() -> list[list[str]]:
    """Three new households and the existing 501 of community A, as an office would write them."""
    return [
        ["甲社区", "甲小区", "3栋", "1", "5", "501", "72.50", "王秀兰", id_number(2), "13812345678",
         "1950", "女", "否", "自住", "", ""],
        ["甲社区", "甲小区", "3", "1单元", "", "502", "80.1", "李四", id_number(5, 1961), "13700000002",
         "", "", "是", "出租", "是", "西户"],
        ["甲社区", "甲小区", "3", "2", "6", "601", "65", "张三", "", "0731-88881234",
         "1948", "男", "", "", "", ""],
        ["乙社区", "乙小区", "3号楼", "", "4", "402", "90.00", "刘五", id_number(7, 1970), "",
         "", "", "", "空置", "", ""],
    ]


def write_roster(path: Path, rows: list[list[str]], *, encoding: str = "utf-8", title: bool = False) -> Path:
    """A roster file: xlsx when the path says so, else CSV in `encoding`."""
    lines = ([["甲小区住户摸底台账"]] if title else []) + [HEADERS, *rows]
    if path.suffix == ".xlsx":
        workbook = Workbook()
        sheet = workbook.active
        for line in lines:
            sheet.append(line)
        workbook.save(path)
        return path
    text = "\r\n".join(",".join(f'"{c}"' if "," in c else c for c in line) for line in lines) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


def snapshot() -> tuple:
    """Everything an import may touch, to prove that nothing changed."""
    return (
        sorted(Household.objects.values_list("id", "unit_id", "floor", "room", "exclusive_area", "occupancy", "note")),
        sorted(Person.objects.values_list("id", "name", "sex", "birth_year", "id_number_hash", "phone_hash",
                                          "party_member", "limited_mobility")),
        sorted(Ownership.objects.values_list("person_id", "household_id")),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def admin_actor(subdistrict_staff):
    return Actor.of(subdistrict_staff), scope_of(subdistrict_staff)


@pytest.mark.parametrize(
    ("name", "encoding"),
    [("r.csv", "utf-8"), ("r.csv", "utf-8-sig"), ("r.csv", "gbk"), ("r.csv", "gb18030"), ("r.xlsx", None)],
)
def test_a_good_file_in_any_encoding_adds_the_new_households(tmp_path, world, admin_actor, name, encoding):
    actor, scope = admin_actor
    path = write_roster(tmp_path / name, roster_rows(), encoding=encoding or "utf-8", title=True)
    result = import_roster(path, actor=actor, scope=scope)
    assert result.problems == []
    assert (result.rows, result.added, result.changed, result.unchanged) == (4, 3, 0, 1)
    assert result.not_in_file == 1  # 乙小区 3栋1单元501 is not in the file
    h = Household.objects.get(compound=world.compound_a, room="502")
    assert (h.floor, h.exclusive_area, h.occupancy, h.note) == (5, Decimal("80.10"), "rented", "西户")
    owner = h.owners.get()
    assert (owner.name, owner.sex, owner.birth_year, owner.party_member, owner.limited_mobility) == (
        "李四", "M", 1961, True, True)
    assert owner.id_number == id_number(5, 1961) and owner.phone == "13700000002"
    assert Household.objects.get(compound=world.compound_b, room="402").unit.number == "1"
    assert Household.objects.get(compound=world.compound_a, room="601").owners.get().phone == "0731-88881234"


def test_a_bad_file_changes_nothing_and_names_every_problem(tmp_path, world, admin_actor):
    actor, scope = admin_actor
    rows = roster_rows()
    rows[1][8] = "420302196103150051"  # bad checksum
    rows[2][4], rows[2][5] = "9", "901"  # above the 6 storeys
    rows[3][0] = "丙社区"  # unknown community
    rows.append(["甲社区", "甲小区", "3", "1", "", "502", "-3", "重复", "", "123", "", "", "", "", "", ""])
    before = snapshot()
    result = import_roster(write_roster(tmp_path / "bad.csv", rows), actor=actor, scope=scope)
    assert snapshot() == before
    assert not result.applied
    found = {(p.row, p.key, p.code) for p in result.problems}
    assert (3, "id_number", "id_number") in found
    assert (4, "floor", "location") in found
    assert (5, "community", "location") in found
    assert {(6, "exclusive_area", "area"), (6, "phone", "phone"), (6, "room", "duplicate_room")} <= found
    assert all(p.zh and p.en for p in result.problems)


def test_a_file_that_turns_bad_after_many_batches_changes_nothing(tmp_path, world, admin_actor):
    actor, scope = admin_actor
    rows = [["甲社区", "甲小区", "3", "1", "", f"{f}{r:02d}", "70", f"户{f}{r}", "", "", "", "", "", "", "", ""]
            for f in range(1, 7) for r in range(2, 99)]
    rows.append(["甲社区", "甲小区", "3", "1", "", "199", "70", "", "", "", "", "", "", "", "", ""])
    before = snapshot()
    from anju.roster.importer import orchestration

    old, orchestration.BATCH = orchestration.BATCH, 50  # many batches written before the bad last row
    try:
        result = import_roster(write_roster(tmp_path / "late.csv", rows), actor=actor, scope=scope)
    finally:
        orchestration.BATCH = old
    assert [p.code for p in result.problems] == ["blank"]
    assert snapshot() == before


def test_a_dry_run_writes_nothing_but_counts(tmp_path, world, admin_actor):
    actor, scope = admin_actor
    before = snapshot()
    result = import_roster(write_roster(tmp_path / "r.csv", roster_rows()), actor=actor, scope=scope, dry_run=True)
    assert snapshot() == before
    assert (result.added, result.changed, result.unchanged, result.applied) == (3, 0, 1, False)


def test_importing_the_same_file_twice_changes_nothing_the_second_time(tmp_path, world, admin_actor):
    actor, scope = admin_actor
    path = write_roster(tmp_path / "r.xlsx", roster_rows())
    import_roster(path, actor=actor, scope=scope)
    before = snapshot()
    again = import_roster(path, actor=actor, scope=scope)
    assert (again.added, again.changed, again.unchanged) == (0, 0, 4)
    assert snapshot()[:3] == before[:3]
    assert AuditEvent.objects.count() == before[3] + 1  # the summary record only


def test_an_edited_file_updates_the_changed_rows_only(tmp_path, world, admin_actor):
    actor, scope = admin_actor
    import_roster(write_roster(tmp_path / "r.csv", roster_rows()), actor=actor, scope=scope)
    rows = roster_rows()
    rows[1][6] = "81.20"  # area of 502
    rows[2][9] = "13900009999"  # phone of 601's owner
    rows.append(["甲社区", "甲小区", "3", "2", "", "602", "66", "新户", "", "", "", "", "", "", "", ""])
    result = import_roster(write_roster(tmp_path / "r2.csv", rows), actor=actor, scope=scope)
    assert (result.added, result.changed, result.unchanged, result.people_changed) == (1, 2, 2, 1)
    assert Household.objects.get(compound=world.compound_a, room="502").exclusive_area == Decimal("81.20")
    assert Household.objects.get(compound=world.compound_a, room="601").owners.get().phone == "13900009999"
    update = AuditEvent.objects.filter(action="import_update", object_label__endswith="601").get()
    assert update.before["owner"]["phone"] == "0731-****34" and update.after["owner"]["phone"] == "139****9999"
    assert "13900009999" not in str(update.after)


def test_households_missing_from_the_file_are_left_alone_and_counted(tmp_path, world, admin_actor):
    actor, scope = admin_actor
    rows = roster_rows()[1:3]
    result = import_roster(write_roster(tmp_path / "r.csv", rows), actor=actor, scope=scope)
    assert result.not_in_file == 1  # 501 of community A
    assert Household.objects.filter(pk=world.household_a.pk).exists()


def test_audit_records_name_the_importer(tmp_path, world, admin_actor, subdistrict_staff):
    actor, scope = admin_actor
    import_roster(write_roster(tmp_path / "r.csv", roster_rows()), actor=actor, scope=scope, label="r.csv")
    created = AuditEvent.objects.filter(action="import_create")
    assert created.count() == 3
    assert set(created.values_list("actor_id", "actor_label")) == {(subdistrict_staff.pk, subdistrict_staff.username)}
    event = created.get(object_label__endswith="502")
    assert event.object_id == str(Household.objects.get(compound=world.compound_a, room="502").pk)
    assert event.after["owner"]["id_number"].count("*") == 10
    assert id_number(5, 1961) not in str(event.after)
    summary = AuditEvent.objects.get(action="import")
    assert summary.after["added"] == 3 and summary.actor_id == subdistrict_staff.pk


def test_community_staff_cannot_import_into_another_community(tmp_path, world, staff_a):
    before = snapshot()
    result = import_roster(write_roster(tmp_path / "r.csv", roster_rows()), actor=Actor.of(staff_a),
                           scope=scope_of(staff_a))
    assert snapshot() == before
    assert [(p.row, p.key) for p in result.problems] == [(5, "community")]
    assert "本社区" in result.problems[0].zh
    own = import_roster(write_roster(tmp_path / "a.csv", roster_rows()[:3]), actor=Actor.of(staff_a),
                        scope=scope_of(staff_a))
    assert own.applied and own.added == 2


def test_a_volunteer_may_not_import(tmp_path, world, volunteer_a):
    from anju.core.errors import AnjuError

    with pytest.raises(AnjuError):
        import_roster(write_roster(tmp_path / "r.csv", roster_rows()), actor=Actor.of(volunteer_a),
                      scope=scope_of(volunteer_a))


def test_masked_cells_leave_the_stored_numbers_alone(tmp_path, world, admin_actor):
    actor, scope = admin_actor
    rows = roster_rows()[:1]
    rows[0][8] = "4203**********" + id_number(2)[-4:]
    rows[0][9] = "138****5678"
    result = import_roster(write_roster(tmp_path / "m.csv", rows), actor=actor, scope=scope)
    assert result.applied and result.masked_cells == 2
    assert (result.changed, result.unchanged) == (0, 1)
    owner = Person.objects.get(pk=world.owner_a.pk)
    assert owner.id_number == id_number(2) and owner.phone == "13812345678"


def test_a_masked_file_with_a_real_problem_reports_only_the_real_one(tmp_path, world, admin_actor):
    actor, scope = admin_actor
    rows = roster_rows()[:2]
    rows[0][8], rows[0][9] = "4203**********" + id_number(2)[-4:], "138****5678"
    rows[1][6] = "0"
    result = import_roster(write_roster(tmp_path / "m.csv", rows), actor=actor, scope=scope)
    assert [(p.row, p.key) for p in result.problems] == [(3, "exclusive_area")]
    assert result.masked_cells == 2


def test_mask_shapes_are_recognised():
    assert is_masked("4203**********1234") and is_masked("138****5678") and is_masked("0731-****34")
    assert not is_masked("13812345678") and not is_masked("") and not is_masked("a*b")
