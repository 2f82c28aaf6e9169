"""How an import runs: the file read (in a reader process when worth it), checked row by row against
the database, and written in batches inside ONE transaction that a problem or a dry run rolls back."""

from __future__ import annotations

import gc
import os
import re
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import closing, contextmanager, nullcontext
from dataclasses import replace
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from anju.core import events
from anju.core.audit import Actor
from anju.core.errors import AnjuError
from anju.core.scoping import Scope
from anju.domain.rostersheet import Problem, RosterRow, read_roster
from anju.domain.rostersheet.source import Source
from anju.domain.rostersheet.storeys import stated_storeys
from anju.roster import summary
from anju.roster.import_reader import chunks
from anju.roster.importer.creator import Creator
from anju.roster.importer.masked import masked_problem, unmasked_copies
from anju.roster.importer.resolver import DatabaseResolver
from anju.roster.importer.result import ImportResult, ProgressCallback
from anju.roster.importer.snapshots import created_json
from anju.roster.importer.writer import Writer

BATCH = 2000  # rows per chunk from the reader, and per round of bulk writes
IMPORT_CACHE_KIB = -65536  # SQLite page cache during an import: negative means KiB (64 MB)

_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"')


class _Rollback(Exception):
    """Raised inside the transaction to undo a dry run or a file with problems."""


def count_rows(source: Source) -> int | None:
    """Roughly the rows of the file, cheaply, for a progress bar's total; None if unknown.

    CSV: its line breaks; xlsx: the dimension each worksheet declares. Neither parses the cells.
    """
    if not isinstance(source, str | os.PathLike):
        return None
    try:
        if zipfile.is_zipfile(source):
            total = 0
            with zipfile.ZipFile(source) as archive:
                for name in archive.namelist():
                    if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                        with archive.open(name) as sheet:
                            found = _DIMENSION.search(sheet.read(4096))
                        total += int(found.group(1)) if found else 0
            return total or None
        with open(source, "rb") as handle:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    except (OSError, zipfile.BadZipFile):
        return None


def import_roster(
    source: Source,
    *,
    actor: Actor,
    scope: Scope,
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
    label: str = "",
    create_missing: bool = False,
) -> ImportResult:
    """Check `source` completely and, if it has no problem and this is not a dry run, apply it.

    Returns the result in either case; `result.problems` lists every problem (the database is then
    unchanged). Raises AnjuError when the user may not edit the roster at all. With
    `create_missing`, compounds, buildings and units the rows name but the database lacks are
    created (see `importer.creator`); `result.created` lists them.
    """
    if not scope.can_edit or not (scope.everything or scope.subdistrict_id is not None):
        raise AnjuError("您没有导入台账的权限。", "You may not import rosters.")
    started = time.monotonic()
    result = _run(source, actor=actor, scope=scope, dry_run=dry_run, progress=progress, label=label,
                  create_missing=create_missing)
    masked = [p for p in result.problems if masked_problem(p)]
    if masked and len(masked) < len(result.problems):
        # Stars are not a mistake: report only the real problems (the file is not imported anyway).
        result.problems = [p for p in result.problems if not masked_problem(p)]
        result.masked_cells = len(masked)
    elif masked:
        # A masked export: read it again with the starred cells blank ("leave the stored value").
        with tempfile.TemporaryDirectory(prefix="anju-import-") as tmp:
            sheets = unmasked_copies(source, Path(tmp))
            masked_cells = sum(count for _, _, _, count in sheets)
            result = _run_many(
                [s[:3] for s in sheets], actor=actor, scope=scope, dry_run=dry_run, progress=progress, label=label,
                create_missing=create_missing,
            )
            result.masked_cells = masked_cells
    result.seconds = time.monotonic() - started
    return result


def _run(source: Source, **kwargs: Any) -> ImportResult:
    return _run_many([(None, source, None)], **kwargs)


def _run_many(
    sources: list[tuple[str | None, Source, list[int] | None]],
    *,
    actor: Actor,
    scope: Scope,
    dry_run: bool,
    progress: ProgressCallback | None,
    label: str,
    create_missing: bool = False,
) -> ImportResult:
    """Read each (sheet name, file, original row numbers) and apply them in one transaction."""
    result = ImportResult(dry_run=dry_run)
    creator = None
    if create_missing:
        stated: dict[tuple[str, str, str], int] = {}
        for sheet_name, source, numbers in sources:
            found = _stated(source)
            stated.update(found.storeys)
            result.problems.extend(_renumbered(iter(found.problems), sheet_name, numbers))
        creator = Creator(actor=actor, write=not dry_run, stated=stated)
    resolver = DatabaseResolver(scope, creator=creator)
    thresholds = gc.get_threshold()
    # A million-row import keeps many long-lived objects; the default thresholds would scan them
    # over and over. Rarer collections save ~8% and leave memory as it was (few cycles here).
    gc.set_threshold(max(thresholds[0], 50_000), max(thresholds[1], 50), max(thresholds[2], 100))
    try:
        # A dry run writes nothing, so it takes no transaction (on SQLite: no write lock held
        # while a big file is read).
        with nullcontext() if dry_run else transaction.atomic(), _page_cache(not dry_run):
            writer = Writer(resolver, actor=actor, result=result, write=not dry_run and not result.problems)

            def read() -> Iterator[RosterRow | Problem]:
                for sheet_name, source, numbers in sources:
                    yield from _renumbered(read_roster(source, resolver=resolver), sheet_name, numbers)

            # On SQLite the audit column takes JSON text, which the reader process can write ahead.
            annotate = created_json if connection.vendor == "sqlite" else None
            stream = chunks(read, [s for _, s, _ in sources], size=BATCH,
                            before_fork=resolver.preload, on_fork=resolver.go_offline, annotate=annotate)
            # closing(): a failed write stops the reader process at once, not when garbage is collected.
            with closing(stream):
                for chunk in stream:
                    rows: list[RosterRow] = []
                    for item in chunk.items:
                        if isinstance(item, Problem):
                            result.problems.append(item)
                            writer.write = False  # keep reading to report every problem, but stop writing
                        else:
                            rows.append(item)
                    result.rows += len(rows)
                    writer.apply(rows, chunk)
                    if progress is not None:
                        progress(result.rows)
            result.not_in_file = writer.not_in_file()
            result.compound_ids = {pk for pk in set(writer.matched_by_compound) | set(writer.added_by_compound) if pk > 0}
            if creator is not None:
                result.created = creator.listing()
            if result.problems or dry_run:
                raise _Rollback
            if creator is not None:
                creator.finish()  # new buildings get their storeys and gross area only now
                summary.refresh_buildings(pk for pk in creator.buildings if pk > 0)
            writer.summary_event(label)
            # Whoever keeps figures derived from the roster (the programme's beneficiaries) hears of it
            # once this transaction commits; the roster does not know who listens.
            result.announced = events.publish(events.ROSTER_IMPORTED, compound_ids=frozenset(result.compound_ids))
    except _Rollback:
        pass
    finally:
        gc.set_threshold(*thresholds)
    return result


def _stated(source: Source) -> Any:
    """The 总层数 the file states per building; a file object is rewound for the reader."""
    position = source.tell() if hasattr(source, "tell") else None
    try:
        return stated_storeys(source)
    finally:
        if position is not None:
            source.seek(position)


@contextmanager
def _page_cache(big: bool) -> Iterator[None]:
    """On SQLite, a 64 MB page cache while the import writes (the default is 2 MB).

    Search hashes are random, so each new person lands on a random page of the hash indexes; with
    the default cache those pages spill and are read back again and again (~15% of a 100,000-row
    import). The setting is the connection's, so it is put back afterwards.
    """
    if not big or connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _renumbered(
    items: Iterator[RosterRow | Problem], sheet: str | None, numbers: list[int] | None
) -> Iterator[RosterRow | Problem]:
    """Rows of an unmasked copy carry the sheet name and row numbers of the original file."""
    if numbers is None:
        yield from items
        return
    for item in items:
        yield replace(item, row=numbers[item.row - 1] if item.row else item.row, sheet=sheet)
