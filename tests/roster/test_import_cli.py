"""`anju import-roster`: summary and exit 0, or every problem and exit 2 with nothing written."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from anju.core.models import AuditEvent
from anju.roster.models import Household
from tests.roster.test_import import roster_rows, snapshot, write_roster


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_roster", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_it_imports_and_prints_the_summary_with_a_progress_bar(tmp_path, world, subdistrict_staff):
    code, out, err = run(str(write_roster(tmp_path / "r.csv", roster_rows())), "--user", subdistrict_staff.username)
    assert code == 0
    assert "added 3" in out and "changed 0" in out and "unchanged 1" in out
    assert "rows/s" in err and "5/5 rows" in err  # header and 4 rows, all read
    assert Household.objects.filter(compound=world.compound_a).count() == 3
    assert AuditEvent.objects.filter(action="import_create", actor=subdistrict_staff).count() == 3


@pytest.mark.django_db(transaction=True)  # the import really commits, then its announcement is heard
def test_a_failed_follower_is_said_and_the_import_stands(tmp_path, world, failing_follower):
    code, out, err = run(str(write_roster(tmp_path / "r.csv", roster_rows())))
    assert code == 0 and "导入完成 / Imported" in out
    assert "请在改造项目页点击“按摸底台账更新受益人数”" in err and "(RuntimeError)" in err
    assert Household.objects.filter(compound=world.compound_a).count() == 3


def test_a_dry_run_prints_the_summary_and_writes_nothing(tmp_path, world):
    before = snapshot()
    code, out, _ = run(str(write_roster(tmp_path / "r.csv", roster_rows())), "--dry-run")
    assert code == 0 and "Dry run" in out and "added 3" in out
    assert snapshot() == before


def test_problems_exit_2_list_every_problem_and_write_the_report(tmp_path, world):
    rows = roster_rows()
    rows[1][8] = "420302196103150051"
    rows[3][0] = "丙社区"
    before = snapshot()
    report = tmp_path / "problems.xlsx"
    code, out, _ = run(str(write_roster(tmp_path / "bad.csv", rows)), "--report", str(report))
    assert code == 2
    assert snapshot() == before
    assert "2 problems" in out
    assert "第3行" in out and "身份证号" in out and "checksum" in out
    assert "第5行" in out and "丙社区" in out and "does not exist" in out
    assert load_workbook(report).sheetnames[0] == "问题清单"


def test_an_unknown_user_or_missing_file_is_a_command_error(tmp_path, world):
    with pytest.raises(CommandError):
        run(str(tmp_path / "none.csv"))
    with pytest.raises(CommandError):
        run(str(write_roster(tmp_path / "r.csv", roster_rows())), "--user", "nobody")


def test_a_volunteer_is_refused(tmp_path, world, volunteer_a):
    with pytest.raises(CommandError, match="import"):
        run(str(write_roster(tmp_path / "r.csv", roster_rows())), "--user", volunteer_a.username)
