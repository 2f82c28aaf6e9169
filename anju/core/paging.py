"""One way to page a long list: `?page=` picks the page, a fixed number of rows each, with the total.

    page = paging.page_of(queryset, request.GET)
    {% include "core/_pager.html" %}                    第 2 / 39 页 · 共 1,907 条   ‹ 上一页  下一页 ›

The links keep every other parameter of the query string (the list's filters), so the second page of
a filtered list is the second page of the same filter. A `?page=` that is not a page number is never a
server error: text, zero or a negative number opens the first page, a number past the end the last.
A queryset is ordered with its primary key last, so no row is shown twice or skipped between pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from django.http import HttpResponse, QueryDict

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


def stable(rows: QuerySet) -> QuerySet:
    """The queryset in its own order with the primary key as the last tie-breaker, so pages neither
    repeat nor skip a row (two residents of one flat sort alike on every other column)."""
    ordering = list(rows.query.order_by) if rows.query.order_by else \
        (list(rows.model._meta.ordering) if rows.query.default_ordering else [])
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


def window(rows: QuerySet, *, limit: int, offset: int, response: HttpResponse) -> list[Any]:
    """For an API list: `limit` rows from `offset` in a stable order, and the whole list's length in the
    X-Total-Count header, so a client knows how many pages to fetch."""
    rows = stable(rows)
    response[TOTAL_HEADER] = str(rows.count())
    return list(rows[offset:offset + limit])
