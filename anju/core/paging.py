"""One way to page a long list: `?page=` picks the page, a fixed number of rows each, with the total.

    page = paging.page_of(queryset, request.GET)
    {% include "core/_pager.html" %}                    第 2 / 39 页 · 共 1,907 条   ‹ 上一页  下一页 ›

The links keep every other parameter of the query string (the list's filters), so the second page of
a filtered list is the second page of the same filter. A `?page=` that is not a page number is never a
server error: text, zero or a negative number opens the first page, a number past the end the last.
A queryset is ordered with its primary key last, so no row is shown twice or skipped between pages.

An API list pages by key instead (`page`): `?limit=` rows after `?cursor=`, the cursor of the next page
in the X-Next-Cursor and Link headers, so a page deep in a million rows costs what the first one does.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.core import signing
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict

from anju.core.errors import ValidationFailed

PAGE_SIZE = 50  # rows on one page of every list; an export has them all
PARAM = "page"
_UNIQUE = {"pk", "-pk", "id", "-id"}

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its rows, which page of how many, and the total number of rows."""

    rows: list[T]
    number: int  # 1-based
    pages: int  # at least 1, even for an empty list
    total: int
    size: int
    params: QueryDict  # the request's query string, the page left out
    param: str = PARAM

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def has_other_pages(self) -> bool:
        return self.pages > 1

    @property
    def start(self) -> int:
        """The 0-based position of the first row on this page in the whole list."""
        return (self.number - 1) * self.size

    def query_for(self, number: int) -> str:
        """The query string (without "?") of page `number` of the same list, with the same filters."""
        params = self.params.copy()
        if number > 1:
            params[self.param] = str(number)
        return params.urlencode()

    @property
    def previous_query(self) -> str:
        return self.query_for(self.number - 1)

    @property
    def next_query(self) -> str:
        return self.query_for(self.number + 1)

    @property
    def filters_query(self) -> str:
        """The filters alone (page 1): for an export link, which takes the whole filtered list."""
        return self.query_for(1)


def page_number(value: object, pages: int) -> int:
    """The page a `?page=` value asks for, within 1..pages: text, 0 or less → 1; past the end → `pages`."""
    text = str(value).strip() if value is not None else ""
    if text == "last":
        return pages
    if not (text.isascii() and text.isdigit()):
        return 1  # "", "abc", "-3", "1.5", "²"
    if len(text) > 12:
        return pages  # a number of 13 digits or more is past the end of any list
    return min(max(int(text), 1), pages)


def _ordering(rows: QuerySet) -> list[Any]:
    if rows.query.order_by:
        return list(rows.query.order_by)
    return list(rows.model._meta.ordering) if rows.query.default_ordering else []


def stable(rows: QuerySet) -> QuerySet:
    """The queryset in its own order with the primary key as the last tie-breaker, so pages neither
    repeat nor skip a row (two residents of one flat sort alike on every other column)."""
    ordering = _ordering(rows)
    if any(isinstance(o, str) and o in _UNIQUE for o in ordering):
        return rows
    return rows.order_by(*ordering, "pk")


def page_of(rows: QuerySet | Sequence[T], params: QueryDict, *, size: int = PAGE_SIZE, param: str = PARAM) -> Page[Any]:
    """The page of `rows` that `params[param]` asks for, `size` rows a page: two queries for a queryset
    (the count and the page), whatever the length of the list."""
    if isinstance(rows, QuerySet):
        rows = stable(rows)
        total = rows.count()
    else:
        total = len(rows)
    pages = max(1, -(-total // size))
    number = page_number(params.get(param), pages)
    start = (number - 1) * size
    others = params.copy()
    others.pop(param, None)
    return Page(rows=list(rows[start:start + size]), number=number, pages=pages, total=total, size=size,
                params=others, param=param)


TOTAL_HEADER = "X-Total-Count"
NEXT_HEADER = "X-Next-Cursor"
CURSOR_PARAM = "cursor"
_SALT = "anju.core.paging.cursor"


def keyset(rows: QuerySet) -> list[tuple[str, bool]]:
    """The key a stable queryset is ordered by, as (field, descending) pairs ending at the first unique one.

    Only plain field names (`"-created"`, `"compound__name"`) make a key: an expression would have to be
    recomputed from the row, so a list ordered by one is a programming error here, not a client's."""
    key = []
    for item in _ordering(rows):
        if not isinstance(item, str) or item == "?":
            raise TypeError(f"keyset paging needs field names in order_by, not {item!r}")
        key.append((item.lstrip("-"), item.startswith("-")))
        if item in _UNIQUE:
            return key
    raise TypeError("keyset paging needs a stable queryset (see `stable`)")


def _plain(value: object) -> object:
    if isinstance(value, datetime.datetime):
        return {"t": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"n": str(value)}
    if isinstance(value, (int, str)) and not isinstance(value, bool):
        return value
    # NULL sorts differently on SQLite and PostgreSQL, so a key column is NOT NULL (and never a float).
    raise TypeError(f"a keyset value must be an int, str, date, datetime or Decimal, not {value!r}")


def _value(plain: object) -> object:
    if isinstance(plain, dict) and len(plain) == 1:
        ((tag, text),) = plain.items()
        if isinstance(text, str):
            if tag == "t":
                return datetime.datetime.fromisoformat(text)
            if tag == "d":
                return datetime.date.fromisoformat(text)
            if tag == "n":
                return Decimal(text)
    if isinstance(plain, (int, str)) and not isinstance(plain, bool):
        return plain
    raise ValueError(plain)


BAD_CURSOR = ("翻页游标（cursor）无效或已被改动：请去掉 cursor 参数，从第一页重新翻起。",
              "The cursor is invalid or was altered: leave out the cursor parameter and start again from the first page.")
OTHER_LIST = ("这个翻页游标（cursor）属于另一个列表或另一种排序：请去掉 cursor 参数，从这个列表的第一页翻起。",
              "This cursor belongs to another list or another order: leave out the cursor parameter and start "
              "from this list's first page.")


def encode_cursor(values: Sequence[object], *, name: str, key: Sequence[tuple[str, bool]]) -> str:
    """An opaque, signed, URL-safe cursor for the position after a row whose key `key` has `values`, in list `name`."""
    payload = {"l": name, "o": [("-" if descending else "") + field for field, descending in key],
               "v": [_plain(v) for v in values]}
    return signing.dumps(payload, salt=_SALT)


def decode_cursor(cursor: str, *, name: str, key: Sequence[tuple[str, bool]]) -> list[object]:
    """The key values a cursor of `encode_cursor` carries; ValidationFailed (field `cursor`) if it was altered,
    made for another list or another order of this one."""
    try:
        payload = signing.loads(cursor, salt=_SALT)
    except (signing.BadSignature, ValueError, UnicodeError):
        raise ValidationFailed(*BAD_CURSOR, field=CURSOR_PARAM) from None
    order = [("-" if descending else "") + field for field, descending in key]
    if not isinstance(payload, dict) or payload.get("l") != name or payload.get("o") != order:
        raise ValidationFailed(*OTHER_LIST, field=CURSOR_PARAM)
    plain = payload.get("v")
    try:
        if not isinstance(plain, list) or len(plain) != len(key):
            raise ValueError(plain)
        return [_value(v) for v in plain]
    except ValueError:  # signed by this server, so only an older format could get here
        raise ValidationFailed(*BAD_CURSOR, field=CURSOR_PARAM) from None


def _after(key: Sequence[tuple[str, bool]], values: Sequence[object]) -> Q:
    """The rows after the one with key `values`: (a, b) > (x, y) spelt as a > x OR (a = x AND b > y), each
    comparison turned round for a descending column, so an index on the key serves it on every database."""
    condition, equal = Q(), {}
    for (field, descending), value in zip(key, values, strict=True):
        condition |= Q(**equal, **{f"{field}__{'lt' if descending else 'gt'}": value})
        equal[field] = value
    return condition


def _read(row: object, field: str) -> object:
    for part in field.split("__"):
        row = row[part] if isinstance(row, dict) else getattr(row, part)  # a model, or a row of .values()
    return row


def page(rows: QuerySet, *, limit: int, cursor: str | None, offset: int, request: HttpRequest,
         response: HttpResponse) -> list[Any]:
    """For an API list: `limit` rows after `cursor` (or from `offset`) in the list's stable order.

    The cursor is the signed key of the last row shown (its sort columns and id), so the next page reads
    on from there instead of skipping every row before it (an index on the list's filter and order makes
    that a range read), and a row added or removed in between neither repeats nor skips another. It comes in the X-Next-Cursor header and a `Link: <…>; rel="next"` header (RFC 8288)
    while there are more rows, so the response body stays the plain array existing clients read.
    `offset` still works (and is bounded by `bounds.Offset`), but costs what it skips.

    X-Total-Count is sent on the first page (no cursor) only: COUNT(*) reads the whole filtered list, as
    slow at a million rows as the offset it replaces, and a client walking by cursor needs it once.
    The list's name is its path, so a cursor of one list (or one consultation's ballots) is refused on another."""
    rows = stable(rows)
    key = keyset(rows)
    name = request.path
    if cursor:
        if offset:
            raise ValidationFailed("cursor 与 offset 不能同时使用：翻页时只带 cursor。",
                                   "Use cursor or offset, not both: the next page needs only the cursor.",
                                   field="offset")
        found = list(rows.filter(_after(key, decode_cursor(cursor, name=name, key=key)))[:limit + 1])
    else:
        response[TOTAL_HEADER] = str(rows.count())
        found = list(rows[offset:offset + limit + 1])
    if len(found) > limit:
        found = found[:limit]
        after = encode_cursor([_read(found[-1], field) for field, _ in key], name=name, key=key)
        params = request.GET.copy()
        params.pop("offset", None)
        params[CURSOR_PARAM] = after
        response[NEXT_HEADER] = after
        response["Link"] = f'<{request.path}?{params.urlencode(safe=":")}>; rel="next"'
    return found
