"""The reading half of a roster import, in a second process for big files.

An import spends about half its time reading, checking and hashing rows (pure Python) and half in
SQLite writing them; the two halves cannot overlap in one process (the writer gives up the GIL for
each row it steps, so a reading thread would make it wait at every row). For a big file a forked
child reads and checks the rows and seals the personal data while the parent writes the previous
batch: the pipe holds one batch ahead, so memory stays bounded and the reader never runs far ahead.

The child gets everything it needs by fork (the source, the resolver with the scope's locations
loaded beforehand, the data key); it never touches the parent's database connection, and the
resolver refuses to query once it runs there. Rows travel as plain tuples (pickling dataclasses
costs three times as much). An error in the child arrives in the parent as RuntimeError.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Any

from anju.core import crypto
from anju.domain.rostersheet import Problem, RosterRow
from anju.domain.rostersheet.source import Source

__all__ = ["PROCESS_BYTES", "Chunk", "chunks"]

# Files smaller than this are read in-process: a fork costs more than it saves on a few thousand rows.
PROCESS_BYTES = 4 << 20

_FIELDS = RosterRow.__slots__
_row_values = attrgetter(*_FIELDS)


@dataclass(slots=True)
class Chunk:
    """Up to `size` rows and problems, with the hashes and sealed tokens of the rows' personal data.

    The tokens are made ahead only in the child (where they cost the writer nothing); in-process the
    writer computes what it needs when it needs it.
    """

    items: list[RosterRow | Problem]
    id_hashes: dict[str, str] = field(default_factory=dict)
    phone_hashes: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    notes: list[Any] | None = None  # annotate(row) for each row of items, in order (child only)


def chunks(
    read: Callable[[], Iterator[RosterRow | Problem]], sources: list[Source], *, size: int,
    before_fork: Callable[[], None] | None = None, on_fork: Callable[[], None] | None = None,
    annotate: Callable[[RosterRow], Any] | None = None,
) -> Iterator[Chunk]:
    """The items `read()` yields, `size` at a time: from a child process when the files are big.

    `before_fork` runs in this process before the child starts (load what the child will need),
    `on_fork` first thing in the child; `annotate` computes in the child, for each row, something the
    writer may need (Chunk.notes).
    """
    if _worth_a_process(sources):
        if before_fork is not None:
            before_fork()
        yield from _from_child(read, size, on_fork, annotate)
        return
    batch: list[RosterRow | Problem] = []
    for item in read():
        batch.append(item)
        if len(batch) >= size:
            yield Chunk(batch)
            batch = []
    if batch:
        yield Chunk(batch)


def _worth_a_process(sources: list[Source]) -> bool:
    if _cores() < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return False
    total = 0
    for source in sources:
        if not isinstance(source, str | os.PathLike):
            return False
        try:
            total += Path(source).stat().st_size
        except OSError:
            return False  # the reader reports the unreadable file in-process
    return total >= PROCESS_BYTES


def _cores() -> int:
    """The cores this process may run on (not the machine's: a container may have fewer)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _from_child(
    read: Callable[[], Iterator[RosterRow | Problem]], size: int, on_fork: Callable[[], None] | None,
    annotate: Callable[[RosterRow], Any] | None,
) -> Iterator[Chunk]:
    # The child flushes the standard streams when it ends: empty them now, or a half-drawn
    # progress bar would be printed twice.
    sys.stdout.flush()
    sys.stderr.flush()
    receiving, sending = multiprocessing.Pipe(duplex=False)
    child = multiprocessing.get_context("fork").Process(
        target=_produce, args=(read, sending, receiving, size, on_fork, annotate), name="anju-roster-reader",
        daemon=True,
    )
    child.start()
    sending.close()
    try:
        while True:
            try:
                message = receiving.recv()
            except EOFError:
                raise RuntimeError("the roster reader process stopped unexpectedly") from None
            if message is None:
                break
            if isinstance(message, str):
                raise RuntimeError(f"the roster reader process failed:\n{message}")
            rows, problems, id_hashes, phone_hashes, tokens, notes = message
            items: list[RosterRow | Problem] = [RosterRow(*values) for values in rows]
            if problems:  # keep the file's order: problems go back where they were found
                for position, problem in problems:
                    items.insert(position, problem)
            yield Chunk(items, id_hashes, phone_hashes, tokens, notes)
    finally:
        receiving.close()
        if child.is_alive():
            child.terminate()
        child.join()


def _produce(read: Callable[[], Iterator[RosterRow | Problem]], pipe: Any, parents_end: Any, size: int,
             on_fork: Callable[[], None] | None, annotate: Callable[[RosterRow], Any] | None) -> None:
    """The child: read, check and seal, a batch at a time, then None (or a traceback as text)."""
    # The fork gave the child the parent's end of the pipe too: close it, or a parent killed outright
    # would leave the pipe open and this process blocked on its next send for ever.
    parents_end.close()
    try:
        if on_fork is not None:
            on_fork()
        rows: list[tuple] = []
        notes: list[Any] | None = [] if annotate is not None else None
        problems: list[tuple[int, Problem]] = []
        for item in read():
            if isinstance(item, Problem):
                problems.append((len(rows) + len(problems), item))
            else:
                rows.append(_row_values(item))
                if annotate is not None:
                    notes.append(annotate(item))
            if len(rows) + len(problems) >= size:
                pipe.send(_sealed(rows, problems, notes))
                rows, problems, notes = [], [], ([] if annotate is not None else None)
        if rows or problems:
            pipe.send(_sealed(rows, problems, notes))
        pipe.send(None)
    except BaseException:
        with contextlib.suppress(OSError):  # the parent may be gone (a broken pipe): then just end
            pipe.send(traceback.format_exc())
    finally:
        pipe.close()


_ID, _PHONE = _FIELDS.index("id_number"), _FIELDS.index("phone")


def _sealed(rows: list[tuple], problems: list[tuple[int, Problem]], notes: list[Any] | None) -> tuple:
    ids = {values[_ID] for values in rows if values[_ID]}
    phones = {values[_PHONE] for values in rows if values[_PHONE]}
    values = [*ids, *phones]
    tokens = dict(zip(values, crypto.encrypt_many(values), strict=True))
    return (
        rows, problems,
        {v: crypto.search_hash("id", v) for v in ids},
        {v: crypto.search_hash("phone", v) for v in phones},
        tokens, notes,
    )
