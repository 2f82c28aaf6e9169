"""Turns an AnjuError raised anywhere in a page into a page with the message, never a 500.

A busy SQLite database (another connection holding the write lock longer than the 20 s busy
timeout, as a very large roster import does) is said plainly too: 503 with Retry-After, in the
user's language, instead of a server error.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from anju.core.errors import AnjuError, Busy

BUSY = Busy(
    "系统正忙（可能正在导入大批台账数据），刚才的操作没有完成，请过一两分钟再试。",
    "The system is busy (perhaps importing a large roster); what you just did was not completed. "
    "Please try again in a minute or two.",
)
RETRY_AFTER_SECONDS = 60


def is_busy(exception: BaseException) -> bool:
    """SQLite's own words when the write lock stayed taken past the busy timeout."""
    return isinstance(exception, OperationalError) and "database is locked" in str(exception)


class AnjuErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_busy(exception):
            response = self.process_exception(request, BUSY)
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        if not isinstance(exception, AnjuError):
            return None
        if request.path.startswith("/api/") or request.headers.get("Accept", "").startswith("application/json"):
            return JsonResponse({"detail": exception.message(), "field": exception.field}, status=exception.status)
        return render(request, "core/error.html", {"error": exception.message(), "field": exception.field}, status=exception.status)
