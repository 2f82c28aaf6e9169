"""Roster sheets (摸底台账) as offices keep them: read, validate, report problems. Pure Python, no Django.

CSV streams; xlsx is read by calamine (fast, whole sheet in memory) up to source.STREAM_ABOVE_BYTES
on disk and parsed row by row above it (xlsxstream), so a million-row sheet stays in bounded memory.

for item in read_roster(path, resolver=db_resolver):
    if isinstance(item, Problem): ...
    else: ...  # a RosterRow
"""

from anju.domain.rostersheet.reader import (
    MAX_AREA,
    MAX_FLOOR,
    Location,
    Problem,
    Resolver,
    RosterRow,
    RowIssue,
    read_roster,
)
from anju.domain.rostersheet.report import write_problem_report
from anju.domain.rostersheet.source import FileProblem, detect_encoding
from anju.domain.rostersheet.template import TEMPLATE, Column, column_for_header

__all__ = [
    "MAX_AREA",
    "MAX_FLOOR",
    "TEMPLATE",
    "Column",
    "FileProblem",
    "Location",
    "Problem",
    "Resolver",
    "RosterRow",
    "RowIssue",
    "column_for_header",
    "detect_encoding",
    "read_roster",
    "write_problem_report",
]
