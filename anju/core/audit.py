"""Audit records, written in the same transaction as the change they describe."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models

from anju.core import audit_names, scopecache
from anju.core.models import AuditEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class Actor:
    """Who does a write: a logged-in user, or a described outsider (a resident by token, a script)."""

    user: User | None  # the project's user model; typed as django's so foreign keys accept it
    label: str

    @classmethod
    def of(cls, user: AbstractBaseUser | AnonymousUser | None) -> Actor:
        if user is None or not getattr(user, "is_authenticated", False):
            return cls(None, "anonymous")
        return cls(cast("User", user), user.get_username())

    @classmethod
    def system(cls, label: str) -> Actor:
        return cls(None, label)


def record(*, actor: Actor, action: str, obj: models.Model, before: dict[str, Any] | None,
           after: dict[str, Any] | None, subdistrict_id: int | None) -> AuditEvent:
    """Write one audit row; callers pass snapshots whose personal data is already masked.

    `action` is a key some app declares in its `audit_actions.py` (see `core.audit_names`). The write's
    sub-district counts as changed: its cached figures are read afresh (`core.scopecache`).
    """
    audit_names.check(action)
    scopecache.changed([subdistrict_id])
    return AuditEvent.objects.create(
        actor=actor.user, actor_label=actor.label[:120], action=action,
        object_type=obj._meta.label_lower, object_id=str(obj.pk), object_label=str(obj)[:200],
        subdistrict_id=subdistrict_id, before=before, after=after,
    )


def bulk_record(events: list[AuditEvent]) -> None:
    for action in {e.action for e in events}:
        audit_names.check(action)
    scopecache.changed({e.subdistrict_id for e in events})
    AuditEvent.objects.bulk_create(events, batch_size=1000)
