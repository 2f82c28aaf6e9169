"""Audit actions come from one registry: each declared once with a label, shown by its label.

The source scan finds every action a service, the import or the demo loader writes; a new
`audit.record(action="…")` without a declaration fails here, and fails the write in tests and debug.
"""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from anju.core import audit, audit_names
from anju.core.models import AuditEvent
from tests.factories import SYSTEM

ROOT = Path(__file__).resolve().parents[2] / "anju"
WRITERS = {"record", "AuditEvent", "_audit"}  # audit.record(action=…), AuditEvent(action=…) rows, a service's _audit(action=…)
IMPORT_EVENT = "_Event"  # the roster import's rows: _Event("import_update", …) written in bulk


def _strings(node: ast.AST) -> set[str]:
    """String constants in an expression: `"a"`, or both arms of `"a" if x else "b"`."""
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def written_actions() -> dict[str, str]:
    """Every action string the code writes, with one place that writes it."""
    found: dict[str, str] = {}
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            values: set[str] = set()
            if name in WRITERS:
                values = set().union(*(_strings(k.value) for k in node.keywords if k.arg == "action"))
            elif name == IMPORT_EVENT and node.args:
                values = _strings(node.args[0])
            for value in values:
                found.setdefault(value, f"{path.relative_to(ROOT.parent)}:{node.lineno}")
    return found


def test_every_action_the_code_writes_is_declared_and_every_declaration_is_written():
    written = written_actions()
    assert {"elevator.update", "import_create", "item_progress", "account_unlock", "export"} <= set(written)
    undeclared = {action: where for action, where in written.items() if action not in audit_names.registry()}
    assert undeclared == {}, "declare these in the app's audit_actions.py"
    assert set(audit_names.registry()) - set(written) == set(), "declared but never written"


def test_each_action_has_a_chinese_label_and_an_english_one():
    for action, label in audit_names.registry().items():
        with translation.override("zh-hans"):
            chinese = str(label)
        with translation.override("en"):
            english = str(label)
        assert chinese != action and any("\u4e00" <= ch <= "\u9fff" for ch in chinese), action
        assert english != chinese and english.isascii(), f"{action}: no English for {chinese}"


@pytest.mark.django_db
def test_an_undeclared_action_fails_at_write_time_in_tests(world, settings):
    settings.ANJU_AUDIT_STRICT = True
    with pytest.raises(audit_names.UnknownAuditAction, match="elevator.updte"):
        audit.record(actor=SYSTEM, action="elevator.updte", obj=world.compound_a, before=None, after=None,
                     subdistrict_id=world.subdistrict.pk)
    with pytest.raises(audit_names.UnknownAuditAction):
        audit.bulk_record([AuditEvent(action="roster.typo", object_type="x", object_id="1")])
    assert not AuditEvent.objects.filter(action__in=["elevator.updte", "roster.typo"]).exists()


@pytest.mark.django_db
def test_in_production_an_undeclared_action_is_written_and_logged(world, settings, caplog):
    settings.ANJU_AUDIT_STRICT = False
    with caplog.at_level(logging.WARNING, logger="anju.core.audit_names"):
        event = audit.record(actor=SYSTEM, action="elevator.updte", obj=world.compound_a, before=None, after=None,
                             subdistrict_id=world.subdistrict.pk)
    assert event.pk and "elevator.updte" in caplog.text
    assert event.action_label == "elevator.updte"  # an old or unknown key still shows, as itself


@pytest.mark.django_db
def test_a_households_history_shows_what_was_done_not_the_stored_key(client, world, staff_a):
    client.force_login(staff_a)
    page = client.get(reverse("roster:household", args=[world.household_a.pk])).content.decode()
    assert "新建台账记录" in page and "· create<" not in page
    english = client.get(reverse("roster:household", args=[world.household_a.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Roster record created" in english.content.decode()
