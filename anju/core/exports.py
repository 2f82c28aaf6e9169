"""Who made an export: written into the file (anju.domain.sheets.stamp) and, for a user, into the audit log."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from anju.core import audit
from anju.core.audit import Actor
from anju.domain.sheets import Provenance

__all__ = ["export_made", "maker", "provenance_for"]


def maker(actor: Actor) -> str:
    """How a file names its maker: the username, with the display name where the user has one."""
    user = actor.user
    if user is None:
        return actor.label
    profile = getattr(user, "anju_profile", None)
    display = getattr(profile, "display_name", "") if profile is not None else ""
    username = user.get_username()
    return f"{display}（{username}）" if display and display != username else username


def provenance_for(*, actor: Actor, title: str, details: dict[str, Any] | None = None) -> Provenance:
    """Who and when, for the file itself; now, in the server's time zone."""
    rows = tuple((label, str(value)) for label, value in (details or {}).items())
    return Provenance(made_by=maker(actor), made_at=timezone.localtime(), title=title, details=rows)


def export_made(*, actor: Actor, provenance: Provenance, obj: models.Model | None, subdistrict_id: int | None,
                facts: dict[str, Any] | None = None) -> None:
    """Audit that a user exported `obj` (without one, such as everything a superuser sees: the user).

    A script's or the operator's export (no user) is said in the file only."""
    if actor.user is None:
        return
    audit.record(actor=actor, action="export", obj=obj or actor.user, before=None, subdistrict_id=subdistrict_id, after={
        "file": provenance.title, "at": provenance.made_at.isoformat(timespec="seconds"), **(facts or {}),
    })
