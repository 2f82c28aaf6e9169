"""What the edge accepts: ids, page windows and counts with bounds, defined once for the API and the pages.

SQLite stores integers up to 2**63 - 1 and its driver refuses anything wider with an OverflowError
(a server error, not an answer); PostgreSQL's bigint has the same range and its integer columns
half of it. So an id outside 1..2**63-1 names nothing, a count outside an int column's range is
bad input, and both are refused at the edge: the API says 422 from its schema, a page path 404.
"""

from __future__ import annotations

import datetime
from typing import Annotated

from pydantic import AfterValidator, Field

MAX_ID = 2**63 - 1  # the widest integer both SQLite and PostgreSQL (bigint) store
MAX_INT32 = 2**31 - 1  # PostgreSQL's integer columns (IntegerField, PositiveIntegerField)
MAX_OFFSET = 10**9  # past every row of the country's old compounds (about 48 million households)

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]
Count = Annotated[int, Field(ge=0, le=MAX_INT32)]
Int32 = Annotated[int, Field(ge=-MAX_INT32 - 1, le=MAX_INT32)]
Year = Annotated[int, Field(ge=1900, le=2200)]


def _in_utc(value: datetime.datetime) -> datetime.datetime:
    # PostgreSQL takes UTC offsets up to ±15:59 and fails the query on a wider one (ISO 8601 allows ±23:59).
    if value.tzinfo is None:
        return value
    try:
        return value.astimezone(datetime.UTC)
    except OverflowError:
        raise ValueError("date and time out of range") from None


Moment = Annotated[datetime.datetime, AfterValidator(_in_utc)]  # a point in time, stored the same on every database


# A cursor (`core.paging.page`) is a few signed key values: a few hundred characters at most.
Cursor = Annotated[str, Field(max_length=500, description="上一页响应头 X-Next-Cursor 给出的翻页游标 / the X-Next-Cursor of the previous page")]


def limit(maximum: int) -> object:
    """A page size from 1 to `maximum` rows."""
    return Annotated[int, Field(ge=1, le=maximum)]


def parse_id(value: object) -> int | None:
    """An id from a query string or form value: ASCII digits within 1..MAX_ID, else None.

    `str.isdigit()` alone lets through "²" (int() then fails) and 30-digit numbers (SQLite then fails).
    """
    text = str(value).strip() if value is not None else ""
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


class IdConverter:
    """`<id:pk>` in a URL: like `<id:pk>`, but a number past 2**63 - 1 (or 0) does not match, so it is a 404."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)  # Django then tries the next pattern, and in the end answers 404
        return number

    def to_url(self, value: object) -> str:
        return str(int(value))
