"""People by name, each kind of match through an index, so a search costs what its answer costs.

`people` is always already limited to the caller's scope (one sub-district, or below it), so every path
below compares the names of that sub-district only, never the city's:

- exact and prefix matches (`王`, `王秀兰`): the (sub-district, name) index of `Person`, as a range;
- three characters or more inside a name (`秀兰芳`, `建国路`): the trigram index of migration 0004
  (PostgreSQL's pg_trgm GIN index serves `LIKE '%…%'` itself; on SQLite the FTS5 trigram table gives
  the candidate rows, which the same `LIKE` as before then confirms, so the answer is exactly the
  plain `LIKE`'s);
- two characters inside a name (`秀兰`: a Chinese given name is often two characters, so this is the
  common case): no trigram exists in two characters, so the bigram index of migration 0005 gives the
  candidates (PostgreSQL: a GIN index on `anju_bigrams(name)`; SQLite: the table of each name's pairs
  of characters by sub-district), which the same `LIKE` confirms. Without it, a `LIKE` over the
  sub-district's name index took 175 ms at 500,000 people, growing with them;
- one character matches at the start of a name only (a family name), as before: inside a name it would
  find most of the sub-district.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from anju.roster.models import Person

TRIGRAM = 3  # the shortest text a trigram index can look up
_FTS = "roster_person_name_fts"  # SQLite only: created with its triggers by migration 0004
_BIGRAMS = "roster_person_bigram"  # SQLite only: created with its triggers by migration 0005


def starting_with(text: str) -> Q:
    """Names that start with `text`, as the (sub-district, name) index reads them on this database."""
    if connection.vendor == "sqlite":
        # SQLite's LIKE ignores ASCII case and then cannot use a binary index; a range over the UTF-8
        # order (which is code point order) is the same prefix and uses it. U+10FFFF is the last code point.
        return Q(name__gte=text, name__lt=text + "\U0010ffff")
    return Q(name__startswith=text)  # LIKE '…%' on the varchar_pattern_ops index


def people_named(
    people: QuerySet[Person], text: str, *, inside: bool, subdistrict_id: int | None
) -> QuerySet[Person]:
    """The people of `people` (all in sub-district `subdistrict_id`, when given) whose name starts with
    `text`, or (with `inside`) holds it anywhere."""
    if not inside:
        return people.filter(starting_with(text))
    if len(text) < TRIGRAM:
        return people.filter(pk__in=_with_bigram(text, subdistrict_id), name__contains=text)
    if connection.vendor != "sqlite":
        return people.filter(name__contains=text)
    phrase = '"' + text.replace('"', '""') + '"'  # one FTS5 phrase: the text as typed, no query syntax
    candidates = RawSQL(f"SELECT rowid FROM {_FTS} WHERE {_FTS} MATCH %s", (phrase,))
    return people.filter(pk__in=candidates, name__contains=text)


def _with_bigram(text: str, subdistrict_id: int | None) -> RawSQL:
    """The ids of the people whose name holds the two characters `text` (in `subdistrict_id`, when given)."""
    if connection.vendor == "sqlite":
        if subdistrict_id is None:
            return RawSQL(f"SELECT person_id FROM {_BIGRAMS} WHERE bigram = lower(%s)", (text,))
        return RawSQL(
            f"SELECT person_id FROM {_BIGRAMS} WHERE bigram = lower(%s) AND subdistrict_id = %s",
            (text, subdistrict_id),
        )
    # The expression of the GIN index itself, or PostgreSQL would not use it.
    return RawSQL("SELECT id FROM roster_person WHERE anju_bigrams(name) @> ARRAY[%s]::text[]", (text,))
