"""The `anju` console command: the pure tools answer without a database; bad input exits 2."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.servers import CHILD_TIMEOUT

QUOTE = {
    "storeys": 3,
    "households": [{"id": "101", "floor": 1, "area": "60"}, {"id": "201", "floor": 2, "area": "60"},
                   {"id": "301", "floor": 3, "area": "60"}],
    "costs": [{"name": "construction", "amount": "300000"}],
    "subsidies": [{"name": "city", "amount": "100000"}],
    "method": {"kind": "coefficients", "by_floor": {"2": "0.5", "3": "1.0"}},
}


def anju(*args: str, stdin: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "anju.cli", *args], input=stdin, capture_output=True, text=True, timeout=CHILD_TIMEOUT)


def test_costshare_splits_the_net_by_coefficient():
    result = anju("costshare", "--input", "-", stdin=json.dumps(QUOTE))
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["net"] == "200000.00"
    assert [s["amount"] for s in out["shares"]] == ["0.00", "66666.67", "133333.33"]


def test_costshare_bad_input_exits_2_naming_the_field():
    bad = {**QUOTE, "subsidies": [{"name": "city", "amount": "400000"}]}
    result = anju("costshare", "--input", "-", stdin=json.dumps(bad))
    assert result.returncode == 2 and result.stdout == ""
    assert "subsid" in result.stderr


def test_consent_reports_the_art_278_result():
    doc = {"rule": "civil-code-278-major", "households": [
        {"id": str(i), "area": "60", "owner": f"p{i}", "vote": "yes" if i < 9 else None} for i in range(12)]}
    result = anju("consent", "--input", "-", stdin=json.dumps(doc))
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["passed"] is True
    assert {c["name"]: c["value"] for c in out["conditions"]}["participation_count"] == "9/12"


def test_consent_without_households_exits_2():
    result = anju("consent", "--input", "-", stdin="{}")
    assert result.returncode == 2 and result.stdout == "" and "households" in result.stderr
