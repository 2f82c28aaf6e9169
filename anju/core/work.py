"""One open item of someone's work (我的待办), as every app's `open_work` returns it.

Each capability lists its own open items from its own data (`anju/<app>/queries_work.py`); the
dashboard gathers them, orders them and adds who they are assigned to. Nothing here is stored: an
item exists while the data says the work is open, and is gone when the work is done.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

# Urgency, most urgent first: past its deadline, due within the next days, open without a near deadline.
OVERDUE, DUE_SOON, OPEN = 0, 1, 2


@dataclass(frozen=True)
class WorkItem:
    """An open item: what (kind and object), where it is done (url), by when, and how urgent.

    `kind` + `object_id` name the item for an assignment; `group` is the list it shows in
    (several kinds may share one, e.g. ballot and owner conflicts). `since` is when the work began
    (the oldest first among equals); `community_id`/`compound_id` place it for choosing a colleague."""

    kind: str
    object_id: int
    group: str
    title_zh: str
    title_en: str
    url: str
    due: datetime.date | None
    urgency: int
    since: datetime.date | None = None
    detail_zh: str = ""
    detail_en: str = ""
    subdistrict_id: int | None = None
    community_id: int | None = None
    compound_id: int | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.object_id}"

    def title(self, english: bool) -> str:
        return self.title_en if english else self.title_zh

    def detail(self, english: bool) -> str:
        return self.detail_en if english else self.detail_zh


def urgency_of(due: datetime.date | None, today: datetime.date, *, soon_days: int) -> int:
    """OVERDUE after the due date, DUE_SOON within `soon_days` of it (the due day included), else OPEN."""
    if due is None:
        return OPEN
    if due < today:
        return OVERDUE
    return DUE_SOON if (due - today).days <= soon_days else OPEN


def sort_key(item: WorkItem) -> tuple:
    """Most urgent first, then the earliest deadline, then the oldest."""
    return (
        item.urgency,
        item.due or datetime.date.max,
        item.since or datetime.date.max,
        item.kind,
        item.object_id,
    )
