"""Audit action names, each declared once with the label people read.

An app declares the actions its services write in `anju/<app>/audit_actions.py`:

    AUDIT_ACTIONS = {"elevator.update": gettext_lazy("修改电梯项目"), ...}

The registry gathers these from every installed app the first time it is asked (core names no app).
Pages show `label(action)` (also `AuditEvent.action_label`), never the key. Writing an action no app
declared is a bug: `check` raises in tests and debug (`ANJU_AUDIT_STRICT`), and logs a warning in
production rather than losing the change it describes.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import cache
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.utils.functional import Promise
from django.utils.module_loading import module_has_submodule

MODULE = "audit_actions"
log = logging.getLogger(__name__)


class UnknownAuditAction(LookupError):
    """An audit action that no app's `audit_actions.AUDIT_ACTIONS` declares."""


@cache
def registry() -> Mapping[str, str | Promise]:
    """Every declared action and its label; an action declared by two apps is an error."""
    found: dict[str, str | Promise] = {}
    owner: dict[str, str] = {}
    for config in apps.get_app_configs():
        if not module_has_submodule(config.module, MODULE):
            continue
        declared: Mapping[str, str | Promise] = import_module(f"{config.name}.{MODULE}").AUDIT_ACTIONS
        for action, label in declared.items():
            if action in found:
                raise ImproperlyDeclared(f"audit action {action!r} is declared by {owner[action]} and {config.name}")
            found[action], owner[action] = label, config.name
    return found


class ImproperlyDeclared(ValueError):
    """Two apps declare the same audit action."""


def label(action: str) -> str:
    """The label of `action` in the active language; an undeclared one (an old row) shows its key."""
    return str(registry().get(action, action))


def check(action: str) -> None:
    """Refuse (strict) or log (production) an action no app declares."""
    if action in registry():
        return
    if settings.ANJU_AUDIT_STRICT:
        raise UnknownAuditAction(f"audit action {action!r} is not declared in any app's {MODULE}.AUDIT_ACTIONS")
    log.warning("undeclared audit action %r", action)
