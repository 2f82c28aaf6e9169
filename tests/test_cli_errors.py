"""Every `anju` command error is one line in Chinese and English on stderr and exit code 2, never a traceback.

Each command runs in its own process against a database of its own (a migrated SQLite file in a
temporary ANJU_VAR_DIR with one compound), as an office worker would run it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import CHILD_TIMEOUT

ROOT = Path(__file__).resolve().parent.parent
SETUP = """
from anju.core.audit import Actor
from anju.roster import services
actor = Actor.system("tests")
sd = services.subdistrict_create(name="测试街道", actor=actor)
community = services.community_create(subdistrict=sd, name="甲社区", actor=actor)
print(services.compound_create(community=community, name="甲小区", year_built=1998, actor=actor).pk)
"""


@pytest.fixture(scope="module")
def var(tmp_path_factory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("cli-var")
    env = {**os.environ, "ANJU_VAR_DIR": str(folder), "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "anju.settings"}
    env.pop("DATABASE_URL", None)  # the commands' own SQLite file, whatever database the suite runs on
    subprocess.run([sys.executable, "-m", "anju.cli", "migrate", "-v", "0"], env=env, check=True, timeout=CHILD_TIMEOUT)
    compound = subprocess.run([sys.executable, "-c", f"import django; django.setup()\n{SETUP}"], env=env, check=True,
                              capture_output=True, text=True, timeout=CHILD_TIMEOUT).stdout.split()[-1]
    return {**env, "COMPOUND": compound}


def anju(env: dict[str, str], *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "anju.cli", *args], env=env, capture_output=True, text=True,
                          timeout=CHILD_TIMEOUT, stdin=subprocess.DEVNULL, cwd=cwd)


def assert_one_line(result: subprocess.CompletedProcess, command: str, *words: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and "Exception" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith(f"anju {command}: "), line
    assert re.search(r"[\u4e00-\u9fff]", line) and re.search(r"[A-Za-z]{3,} [a-z]+", line), line  # Chinese and English
    for word in words:
        assert word in line, (word, line)


def test_export_into_a_missing_folder(var, tmp_path):
    result = anju(var, "export-roster", "--scope", "compound", "--id", var["COMPOUND"], "--out", "no/such/folder/f.xlsx",
                  cwd=tmp_path)
    assert_one_line(result, "export-roster", "no/such/folder", "不存在", "No such file or directory")
    assert not (tmp_path / "no").exists()


def test_export_onto_a_folder(var, tmp_path):
    result = anju(var, "export-roster", "--scope", "compound", "--id", var["COMPOUND"], "--out", str(tmp_path))
    assert_one_line(result, "export-roster", str(tmp_path), "文件夹")


def test_export_of_an_unknown_or_bad_id(var, tmp_path):
    out = str(tmp_path / "f.xlsx")
    assert_one_line(anju(var, "export-roster", "--scope", "compound", "--id", "999999", "--out", out),
                    "export-roster", "999999")
    assert_one_line(anju(var, "export-roster", "--scope", "compound", "--id", str(2**70), "--out", out),
                    "export-roster", "找不到")
    assert_one_line(anju(var, "export-roster", "--scope", "compound", "--id", "abc", "--out", out),
                    "export-roster", "--id", "参数有误")


def test_import_of_a_missing_file_or_into_a_missing_report_folder(var, tmp_path):
    assert_one_line(anju(var, "import-roster", str(tmp_path / "none.xlsx")), "import-roster", "none.xlsx")
    sheet = tmp_path / "roster.csv"
    sheet.write_text("小区,楼栋\n", encoding="utf-8")
    assert_one_line(anju(var, "import-roster", str(sheet), "--report", "no/such/r.xlsx"), "import-roster", "no/such")


def test_issue_token_for_an_unknown_user_or_without_one(var):
    assert_one_line(anju(var, "issue-token", "nobody"), "issue-token", "nobody")
    assert_one_line(anju(var, "issue-token"), "issue-token", "username")


def test_costshare_and_consent_with_a_missing_input(var, tmp_path):
    assert_one_line(anju(var, "costshare", "--input", str(tmp_path / "q.json")), "costshare", "q.json")
    assert_one_line(anju(var, "consent", "--input", str(tmp_path / "c.json")), "consent", "c.json")
    assert_one_line(anju(var, "consent"), "consent", "--input")


def test_an_unknown_command():
    result = anju(dict(os.environ, PYTHONPATH=str(ROOT)), "no-such-command")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "no-such-command" in result.stderr


def test_traceback_on_request_still_shows_one(var):
    result = anju(var, "issue-token", "nobody", "--traceback")
    assert result.returncode != 0 and "Traceback" in result.stderr
