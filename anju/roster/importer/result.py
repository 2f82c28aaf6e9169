"""What a roster import reports: counts, problems, the compounds it touched, and the pause it causes."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from anju.core.events import Delivery
from anju.domain.rostersheet import Problem

ProgressCallback = Callable[[int], None]


@dataclass
class ImportResult:
    """What an import did (or, for a dry run or a file with problems, would have done)."""

    rows: int = 0
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    not_in_file: int = 0
    people_added: int = 0
    people_changed: int = 0
    masked_cells: int = 0
    problems: list[Problem] = field(default_factory=list)
    dry_run: bool = False
    seconds: float = 0.0
    compound_ids: set[int] = field(default_factory=set)  # compounds the file's rows are in
    announced: Delivery | None = None  # the roster.imported announcement of an applied import
    created: dict[str, Any] | None = None  # compounds, buildings, units made (or planned) from the rows

    @property
    def followers_failed(self) -> bool:
        """True when the import committed but a subscriber to its announcement failed (figures derived
        from the roster elsewhere are stale until refreshed by hand)."""
        return self.announced is not None and self.announced.failed

    @property
    def applied(self) -> bool:
        return not self.dry_run and not self.problems

    def summary(self) -> dict[str, Any]:
        """The counts, JSON-able, without personal data (problem values stay out)."""
        return {
            "rows": self.rows,
            "added": self.added,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "not_in_file": self.not_in_file,
            "people_added": self.people_added,
            "people_changed": self.people_changed,
            "masked_cells": self.masked_cells,
            "problems": len(self.problems),
            "dry_run": self.dry_run,
            "applied": self.applied,
            "seconds": round(self.seconds, 2),
            **({"created": self.created} if self.created else {}),
        }


def pause_minutes(result: dict) -> int:
    """Minutes other writers will wait while a file this big is written, on SQLite (0: not worth saying).

    SQLite has one writer at a time and an import is one transaction, so edits by others pause
    until it ends (past the 20 s busy timeout they are refused with "system busy"). The benchmark
    writes about 16,000 rows/s at 1,000,000 rows (bench/roster_import_bench.py); 12,000 is used so
    that the estimate errs long.
    """
    rows = int(result.get("added", 0)) + int(result.get("changed", 0))
    if connection.vendor != "sqlite" or rows < PAUSE_NOTICE_ROWS:
        return 0
    return max(1, math.ceil(rows / IMPORT_ROWS_PER_SECOND / 60))


PAUSE_NOTICE_ROWS = 100_000  # about six seconds of writing: below that nobody notices
IMPORT_ROWS_PER_SECOND = 12_000
