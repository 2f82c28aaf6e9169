"""`anju consent --input FILE|-`: the JSON contract of issue 5 §1, and exit 2 naming the field."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from anju.domain.consent.cli import main


def run(document: object | str, *args: str) -> tuple[int, str, str]:
    text = document if isinstance(document, str) else json.dumps(document)
    out, err = io.StringIO(), io.StringIO()
    code = main(["--input", "-", *args], stdin=io.StringIO(text), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def unit_of_twelve(yes: int, no: int) -> list[dict]:
    votes = ["yes"] * yes + ["no"] * no + [None] * (12 - yes - no)
    return [{"id": f"{f}0{d}", "area": "75", "owner": f"p{f}{d}", "vote": votes[(f - 1) * 2 + d - 1]}
            for f in range(1, 7) for d in (1, 2)]


def test_a_major_matter_exactly_on_the_bounds_passes():
    code, out, err = run({"rule": "civil-code-278-major", "households": unit_of_twelve(6, 2)})
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert result["passed"] is True and result["missing"] is None
    assert result["conditions"][0] == {
        "name": "participation_area", "value": "600/900", "required": ">= 2/3", "met": True,
        "ratio": "2/3", "margin": "0", "slack": "0", "unit": "m2"}
    assert [c["value"] for c in result["conditions"]] == ["600/900", "8/12", "450/600", "6/8"]
    assert result["tally"]["yes"] == {"owners": 6, "households": 6, "area": "450"}


def test_what_is_missing_comes_back_in_chinese_and_english():
    code, out, _ = run({"rule": "civil-code-278-major", "households": unit_of_twelve(6, 1)})
    missing = json.loads(out)["missing"]
    assert code == 0 and missing["closed"] is False
    plan = missing["plans"][0]
    assert (plan["source"], plan["votes"], plan["area_at_least"]) == ("not_voted", 1, "75")
    # 7 flats of 75 m² took part: 525 of 900 m², 75 m² short of 2/3.
    assert missing["en"] == "1 more yes vote from owners who have not voted holding at least 75 m² together"
    assert missing["zh"].startswith("还需 1 位")


def test_a_custom_rule_of_more_than_90_percent_of_households_with_extra_conditions():
    households = [{"id": str(i), "area": 50, "vote": "yes" if i < 19 else "no"} for i in range(20)]
    document = {
        "rule": {"participation": None, "approval": {"area": None, "count": "90%", "of": "all", "strict": True},
                 "headcount": "households"},
        "households": households,
        "extra": [{"type": "no_objection", "households": ["19"], "name": "ground_floor"}],
    }
    code, out, _ = run(document)
    result = json.loads(out)
    assert code == 0 and result["rule"] == "custom" and result["passed"] is False
    assert [(c["name"], c["value"], c["required"], c["met"]) for c in result["conditions"]] == [
        ("approval_count", "19/20", "> 9/10", True), ("ground_floor", "1/1", "= 0", False)]
    assert result["missing"]["plans"][1]["example"] == ["19"]


def test_areas_are_exact_decimals_even_when_written_as_json_numbers():
    document = {"rule": "civil-code-278-ordinary", "households": [
        {"id": "a", "area": 0.1, "vote": "yes"}, {"id": "b", "area": 0.2, "vote": "no"}]}
    code, out, _ = run(json.dumps(document))
    assert code == 0 and json.loads(out)["conditions"][2]["value"] == "0.1/0.3"


def test_the_closed_flag_reports_that_nothing_can_change():
    code, out, _ = run({"rule": "civil-code-278-major", "households": unit_of_twelve(2, 8), "closed": True})
    assert code == 0 and json.loads(out)["missing"] == {
        "closed": True, "plans": [],
        "zh": "表决已截止，未获通过，结果不再改变",
        "en": "The consultation is closed and the decision did not pass; nothing can change it"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["households"][0].update(area="-60"), "households[0].area"),
        (lambda d: d["households"][0].update(area="sixty"), "households[0].area"),
        (lambda d: d["households"][0].update(area=True), "households[0].area"),
        (lambda d: d["households"][1].update(id="101"), "households[1].id"),
        (lambda d: d["households"][0].update(vote="maybe"), "households[0].vote"),
        (lambda d: d["households"][0].update(vote=1), "households[0].vote"),
        (lambda d: d["households"][0].pop("area"), "households[0].area"),
        (lambda d: d["households"][0].update(votes="yes"), "households[0].votes"),
        (lambda d: d.pop("households"), "input.households"),
        (lambda d: d.update(rule="civil-code-999"), "rule"),
        (lambda d: d.update(rule={"approval": {"count": "3/0"}}), "rule.approval.count"),
        (lambda d: d.update(rule={"approval": {"count": "abc"}}), "rule.approval.count"),
        (lambda d: d.update(rule={"approval": {"area": "5/4"}}), "rule.approval.area"),
        (lambda d: d.update(rule={"approval": {"count": "1/2", "of": "everyone"}}), "rule.approval.of"),
        (lambda d: d.update(rule={"participation": {"area": "2/3", "strict": "yes"}}), "rule.participation.strict"),
        (lambda d: d.update(extra=[{"type": "veto", "households": ["101"]}]), "extra[0].type"),
        (lambda d: d.update(extra=[{"type": "all_approve", "households": ["999"]}]), "extra[0].households"),
        (lambda d: d.update(closed="no"), "closed"),
    ],
)
def test_invalid_input_exits_2_naming_the_field_and_prints_nothing(change, field):
    document = {"rule": "civil-code-278-major", "households": unit_of_twelve(6, 2)}
    change(document)
    code, out, err = run(document)
    assert (code, out) == (2, "")
    assert err.startswith(f"anju consent: {field}: ") and " / " in err


def test_conflicting_votes_of_one_owner_exit_2():
    households = unit_of_twelve(6, 2)
    households[1]["owner"] = households[0]["owner"]
    households[1]["vote"] = "no"
    code, out, err = run({"rule": "civil-code-278-major", "households": households})
    assert (code, out) == (2, "") and "households[1].vote" in err and "SPC interpretation art. 9" in err


def test_broken_json_and_a_missing_file_exit_2(tmp_path: Path):
    assert run("{not json")[0] == 2 and "invalid JSON at line 1" in run("{not json")[2]
    err = io.StringIO()
    assert main(["--input", str(tmp_path / "none.json")], stdout=io.StringIO(), stderr=err) == 2
    assert "cannot read" in err.getvalue()


def test_reads_a_file_and_runs_as_a_module(tmp_path: Path):
    path = tmp_path / "vote.json"
    path.write_text(json.dumps({"rule": "civil-code-278-major", "households": unit_of_twelve(9, 0)}), "utf-8")
    out = io.StringIO()
    assert main(["--input", str(path)], stdout=out) == 0 and json.loads(out.getvalue())["passed"] is True
    done = subprocess.run([sys.executable, "-m", "anju.domain.consent", "--input", str(path)],
                          capture_output=True, text=True, check=False, cwd=Path(__file__).parents[2])
    assert done.returncode == 0 and json.loads(done.stdout)["passed"] is True


def test_a_missing_input_option_is_a_usage_error():
    err = io.StringIO()
    assert main([], stderr=err) == 2
