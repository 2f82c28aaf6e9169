"""The header's 我的待办 count on every staff page: computed only when a page shows it (a callable the
template calls), and cached per user by `queries_work.work_count`."""

from __future__ import annotations

from django.http import HttpRequest

from anju.dashboard import queries_work


def work(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {"work_count": lambda: queries_work.work_count(user)}
