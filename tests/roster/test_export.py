"""Roster export: template columns, masking by role, scope, and round trips that change nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.http import Http404
from openpyxl import load_workbook

from anju.core.audit import Actor
from anju.core.scoping import scope_of
from anju.domain.rostersheet import TEMPLATE
from anju.roster.exporter import export_roster, export_target, write_template
from anju.roster.importer import import_roster
from anju.roster.models import Person
from tests.factories import id_number
from tests.roster.test_import import roster_rows, snapshot, write_roster


def sheet_rows(path) -> list[list]:
    return [list(r) for r in load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True)]


@pytest.fixture
def filled(tmp_path, world, subdistrict_staff):
    """The small world plus the four rows of the import tests."""
    import_roster(write_roster(tmp_path / "seed.csv", roster_rows()), actor=Actor.of(subdistrict_staff),
                  scope=scope_of(subdistrict_staff))
    return world


def test_it_writes_the_template_columns_in_order_with_full_numbers_for_staff(tmp_path, filled, subdistrict_staff):
    scope = scope_of(subdistrict_staff)
    out = tmp_path / "sd.xlsx"
    assert export_roster(scope=scope, target=export_target(scope, "subdistrict", filled.subdistrict.pk), out=out,
                         actor=Actor.of(subdistrict_staff)) == 5
    rows = sheet_rows(out)
    assert rows[0] == [c.header for c in TEMPLATE]
    first = rows[1]
    assert first[:8] == ["甲社区", "甲小区", "3", "1", 5, "501", "72.50", "王秀兰"]
    assert first[8] == id_number(2) and first[9] == "13812345678"
    assert first[10:] == [1950, "女", "否", "自住", "否", None]


def test_a_role_without_personal_data_gets_masks(tmp_path, filled, volunteer_a):
    scope = scope_of(volunteer_a)
    assert not scope.sees_personal_data
    out = tmp_path / "c.xlsx"
    export_roster(scope=scope, target=export_target(scope, "compound", filled.compound_a.pk), out=out,
                  actor=Actor.of(volunteer_a))
    row = next(r for r in sheet_rows(out)[1:] if r[5] == "501")
    assert row[8] == "4203**********" + id_number(2)[-4:] and row[9] == "138****5678"


def test_a_scope_outside_reach_is_404(filled, staff_a):
    with pytest.raises(Http404):
        export_target(scope_of(staff_a), "community", filled.community_b.pk)


@pytest.mark.parametrize("level", ["subdistrict", "community", "compound", "building"])
def test_an_export_reimports_as_a_no_op(tmp_path, filled, subdistrict_staff, level):
    scope = scope_of(subdistrict_staff)
    pk = {"subdistrict": filled.subdistrict.pk, "community": filled.community_a.pk,
          "compound": filled.compound_a.pk, "building": filled.building_a.pk}[level]
    out = tmp_path / "x.xlsx"
    written = export_roster(scope=scope, target=export_target(scope, level, pk), out=out,
                            actor=Actor.of(subdistrict_staff))
    before = snapshot()
    result = import_roster(out, actor=Actor.of(subdistrict_staff), scope=scope)
    assert result.problems == []
    assert (result.added, result.changed, result.unchanged) == (0, 0, written)
    assert snapshot()[:3] == before[:3]


def test_a_masked_export_reimports_without_overwriting_the_real_numbers(tmp_path, filled, staff_a, volunteer_a):
    masked = tmp_path / "masked.xlsx"
    scope = scope_of(volunteer_a)
    export_roster(scope=scope, target=export_target(scope, "compound", filled.compound_a.pk), out=masked,
                  actor=Actor.of(volunteer_a))
    before = snapshot()
    result = import_roster(masked, actor=Actor.of(staff_a), scope=scope_of(staff_a))
    assert result.problems == [] and result.masked_cells >= 4
    assert (result.added, result.changed, result.unchanged) == (0, 0, 3)
    assert snapshot()[:3] == before[:3]
    assert Person.objects.get(pk=filled.owner_a.pk).id_number == id_number(2)
    assert Person.objects.get(name="李四").phone == "13700000002"


def test_the_template_has_headers_an_example_and_a_help_sheet(tmp_path):
    out = tmp_path / "t.xlsx"
    write_template(out)
    book = load_workbook(out, read_only=True)
    assert book.sheetnames == ["住户台账", "填写说明 Help"]
    rows = sheet_rows(out)
    assert rows[0] == [c.header for c in TEMPLATE] and len(rows) == 2
    help_rows = [list(r) for r in book["填写说明 Help"].iter_rows(values_only=True)]
    assert [r[0] for r in help_rows[1:len(TEMPLATE) + 1]] == [c.header for c in TEMPLATE]
    assert all(r[2] and r[3] for r in help_rows[1:len(TEMPLATE) + 1])


def test_the_command_exports_with_masks_for_the_users_role(tmp_path, filled, volunteer_a):
    out, err = io.StringIO(), io.StringIO()
    path = tmp_path / "cli.xlsx"
    call_command("export_roster", "--scope", "compound", "--id", str(filled.compound_a.pk), "--out", str(path),
                 "--user", volunteer_a.username, stdout=out, stderr=err)
    assert "3" in out.getvalue() and "masked" in out.getvalue()
    assert sheet_rows(path)[1][9] == "138****5678"
    with pytest.raises(CommandError):
        call_command("export_roster", "--scope", "compound", "--id", str(filled.compound_b.pk), "--out",
                     str(path), "--user", volunteer_a.username, stdout=out, stderr=err)
