"""The `anju costshare` contract: exit codes, nothing on stdout on error, the JSON shape."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from anju.domain.costshare.cli import main

ISSUE_EXAMPLE = {
    "storeys": 6,
    "households": [
        {"id": f"{floor}0{door}", "floor": floor, "area": "60.5", "participates": True, "exempt": floor == 1,
         "owner": f"p{floor}{door}"}
        for floor in range(1, 7) for door in (1, 2)
    ],
    "costs": [{"name": "construction", "amount": "450000"}, {"name": "design", "amount": "50000"}],
    "subsidies": [],
    "subsidy_mode": "proportional",
    "method": {"kind": "shapley", "reach_costs": {str(f): str(300000 + 50000 * (f - 2)) for f in range(2, 7)},
               "weight_by_area": False},
    "compensations": [],
}


def run(document: object, *args: str) -> tuple[int, str, str]:
    stdin = io.StringIO(document if isinstance(document, str) else json.dumps(document))
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(["--input", "-", *args], stdin=stdin, stdout=stdout, stderr=stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def with_changes(**changes: object) -> dict:
    document = json.loads(json.dumps(ISSUE_EXAMPLE))
    document.update(changes)
    return document


def test_the_issue_example_gives_the_shapley_shares_as_strings_in_input_order():
    code, out, err = run(ISSUE_EXAMPLE)
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert set(result) >= {"gross", "subsidy", "net", "method", "shares"}
    assert (result["gross"], result["subsidy"], result["net"], result["method"]) == (
        "500000.00", "0.00", "500000.00", "shapley")
    assert [share["id"] for share in result["shares"]] == [h["id"] for h in ISSUE_EXAMPLE["households"]]
    by_id = {share["id"]: share for share in result["shares"]}
    assert by_id["301"]["amount"] == "36250.00"
    assert by_id["302"]["percent"] == "7.25"
    assert by_id["601"]["amount"] in ("82083.33", "82083.34")
    assert by_id["101"]["amount"] == "0.00"
    assert set(by_id["201"]) >= {"id", "floor", "amount", "percent", "steps"}
    assert by_id["201"]["floor"] == 2
    assert any("300,000.00 ÷ 10 户" in step for step in by_id["201"]["steps"])


def test_english_steps_on_request():
    _, out, _ = run(ISSUE_EXAMPLE, "--lang", "en")
    assert any("households" in step for step in json.loads(out)["shares"][3]["steps"])


def test_table_format_prints_one_row_per_household():
    code, out, _ = run(ISSUE_EXAMPLE, "--format", "table")
    assert code == 0
    assert "36,250.00" in out
    assert len(out.strip().splitlines()) == 3 + 12


def test_reads_a_file(tmp_path: Path):
    path = tmp_path / "quote.json"
    path.write_text(json.dumps(ISSUE_EXAMPLE), encoding="utf-8")
    stdout, stderr = io.StringIO(), io.StringIO()
    assert main(["--input", str(path)], stdout=stdout, stderr=stderr) == 0
    assert json.loads(stdout.getvalue())["net"] == "500000.00"


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ("{not json", "input"),
        ([], "input"),
        (with_changes(storeys="six"), "storeys"),
        (with_changes(subsidys=[]), "subsidys"),
        (with_changes(costs=[{"name": "construction", "amount": "-1"}]), "costs[0].amount"),
        (with_changes(costs=[{"name": "construction", "amount": "1.005"}]), "costs[0].amount"),
        (with_changes(subsidies=[{"name": "city", "amount": "600000"}]), "subsidies"),
        (with_changes(households=[{"id": "901", "floor": 9}]), "households[0].floor"),
        (with_changes(households=[{"id": "201", "floor": 2, "exempt": "yes"}]), "households[0].exempt"),
        (with_changes(method={"kind": "shapley", "reach_costs": {"2": "300000", "3": "250000", "6": "500000"}}),
         "method.reach_costs.3"),
        (with_changes(method={"kind": "shapley", "reach_costs": {"2": "300000", "6": "400000"}}), "method.reach_costs.6"),
        (with_changes(method={"kind": "magic"}), "method.kind"),
        (with_changes(method={"kind": "table", "table": "hangzhou-6"}, storeys=7), "method.table"),
        (with_changes(compensations=[{"to": "999", "amount": "10"}]), "compensations[0].to"),
        (with_changes(households=[{"id": "101", "floor": 1, "exempt": True}]), "households"),
    ],
)
def test_invalid_input_exits_2_naming_the_field_with_nothing_on_stdout(document, field):
    code, out, err = run(document)
    assert code == 2
    assert out == ""
    assert f": {field}: " in err


def test_a_missing_file_exits_2():
    stdout, stderr = io.StringIO(), io.StringIO()
    assert main(["--input", "/nonexistent/quote.json"], stdout=stdout, stderr=stderr) == 2
    assert stdout.getvalue() == "" and "--input" in stderr.getvalue()


def test_bad_arguments_exit_2_on_our_stderr():
    stdout, stderr = io.StringIO(), io.StringIO()
    assert main(["--format", "xml", "--input", "-"], stdout=stdout, stderr=stderr) == 2
    assert stdout.getvalue() == "" and "--format" in stderr.getvalue()


def test_python_dash_m_runs_the_same_command():
    done = subprocess.run([sys.executable, "-m", "anju.domain.costshare", "--input", "-", "--format", "table"],
                          input=json.dumps(ISSUE_EXAMPLE), capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[3], check=False)
    assert done.returncode == 0, done.stderr
    assert "82,083.3" in done.stdout
