"""Roster import: a sheet checked against the database, then applied all or nothing.

`import_roster(source, actor=, scope=)` reads the file with `anju.domain.rostersheet.read_roster`,
checks every location against the database (a resolver limited to what the user may reach), and
writes the rows in ONE transaction, in batches of a few thousand with a handful of queries per
batch (never one per row). Any problem, or a dry run, rolls the whole transaction back, so the
database is unchanged; a process killed half-way leaves nothing either, the database's own
journal drops the open transaction.

Matching and what is written:
- a household is the row's (community, compound, building, unit, room); a known one is updated
  only where a value differs (floor, area, occupancy, note), a new one is created;
- its owner (户主) is matched by the ID number's keyed hash anywhere in the sub-district, or, when
  the row has no ID number, by name among the household's owners; a new person is created (and
  owns, and lives in an owner-occupied household) otherwise;
- blank cells for occupancy, party member, limited mobility, ID number or phone leave the stored
  value alone, and so do masked cells (`4203**********1234`, `138****5678`) from a masked export:
  an import never erases or overwrites personal data with stars;
- households in the database that the file does not list (in the compounds the file names) are
  left alone and counted as "not in file": a roster sheet is often one building's or one
  community's, so absence is no reason to delete;
- co-owners and residents the file does not name are left alone.

Every added or changed household gets an audit record (bulk-written, personal data masked)
naming the importing user, plus one summary record for the whole import.

Modules: `orchestration` (reading and the one transaction), `resolver` (locations against the
database, within the user's scope), `writer` (batches of rows in bulk, with audit records),
`snapshots` (what the audit records hold, personal data masked), `masked` (a masked export read
back), `result` (what an import reports).
"""

from anju.roster.importer.masked import is_masked
from anju.roster.importer.orchestration import IMPORT_CACHE_KIB, count_rows, import_roster
from anju.roster.importer.resolver import DatabaseResolver
from anju.roster.importer.result import ImportResult, ProgressCallback, pause_minutes

__all__ = [
    "IMPORT_CACHE_KIB", "DatabaseResolver", "ImportResult", "ProgressCallback", "count_rows", "import_roster",
    "is_masked", "pause_minutes",
]
