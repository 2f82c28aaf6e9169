"""Every shipped reference table says where its figures come from, and whether they were checked."""

import json
from importlib import resources

import pytest

from anju.domain.costshare.tables import reference_tables

RAW = json.loads(
    resources.files("anju.domain.costshare").joinpath("reference_tables.json").read_text(encoding="utf-8")
)["tables"]
NAMES = [item["name"] for item in RAW]


def test_all_five_tables_ship():
    assert set(NAMES) == {"guangzhou-2025", "nanjing-gulou", "hangzhou-6", "shanghai-6", "beijing-2022"}
    assert set(reference_tables()) == set(NAMES)


@pytest.mark.parametrize("item", RAW, ids=NAMES)
def test_each_table_has_source_date_or_note_and_boolean_verified(item):
    assert isinstance(item["source"], str) and item["source"].strip()
    assert "as summarised in Anju issue #4" not in item["source"]
    assert isinstance(item["verified"], bool)
    assert item.get("date", "").strip() or item.get("issued", "").strip() or item.get("note", "").strip()
    if not item["verified"]:
        # an unchecked table must say why, so nobody quotes it as an official figure
        assert item["note"].strip()
    else:
        assert item["url"].startswith(("http://", "https://")) and item["issued"] and item["issuer"]


@pytest.mark.parametrize("name", NAMES)
def test_loaded_tables_expose_verified_and_note(name):
    table = reference_tables()[name]
    raw = next(item for item in RAW if item["name"] == name)
    assert table.verified is raw["verified"]
    assert table.note == raw["note"]
    assert table.source == raw["source"]
