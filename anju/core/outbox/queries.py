"""Reads of the outbox: a sub-district's messages, newest first, and how many are in each state."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, QuerySet

from anju.core.outbox.models import Message, MessageStatus, OptOut
from anju.core.scoping import Scope


def _within(queryset: QuerySet, scope: Scope) -> QuerySet:
    if scope.everything:
        return queryset
    if scope.subdistrict_id is None:
        return queryset.none()
    return queryset.filter(subdistrict_id=scope.subdistrict_id)


def messages(scope: Scope, *, status: str = "") -> QuerySet[Message]:
    """The scope's messages, newest first (`status` one of MessageStatus, or every one)."""
    found = _within(Message.objects.all(), scope)
    if status in MessageStatus.values:
        found = found.filter(status=status)
    return found.order_by("-created", "-id")


def status_counts(scope: Scope) -> dict[str, int]:
    rows = _within(Message.objects.all(), scope).values("status").annotate(n=Count("id"))
    counts = {value: 0 for value in MessageStatus.values}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def opt_outs(scope: Scope) -> QuerySet[OptOut]:
    return _within(OptOut.objects.all(), scope).order_by("-created", "-id")


def recorded(keys: Iterable[str]) -> set[str]:
    """Which of these dedupe keys already have a message (so a repeated run composes nothing twice)."""
    wanted = list(keys)
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        found |= set(
            Message.objects.filter(dedupe_key__in=wanted[start : start + 500]).values_list(
                "dedupe_key", flat=True
            )
        )
    return found
