"""Turns an AnjuError raised anywhere in a page into a page with the message, never a 500.

A busy SQLite database (another connection holding the write lock longer than the 20 s busy
timeout, as a very large roster import does) is said plainly too: 503 with Retry-After, in the
user's language, instead of a server error.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import get_language

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


IDLE_SIGNED_OUT = ("长时间未操作，已自动退出，请重新登录。", "Signed out after a period of inactivity.")
LAST_ACTIVITY = "anju_last_activity"  # seconds since the epoch, in the session
ACTIVITY_RESOLUTION_SECONDS = 60      # write the session at most once a minute, not on every request


class IdleTimeoutMiddleware:
    """Logs a signed-in user out after ANJU_SESSION_IDLE_MINUTES without a request.

    Only sessions with a logged-in user are timed: residents voting from a letter link have none,
    and an idle staff session on a shared office computer is the risk this closes.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        idle_seconds = settings.ANJU_SESSION_IDLE_MINUTES * 60
        if idle_seconds <= 0 or not request.user.is_authenticated:
            return self.get_response(request)
        now = time.time()
        last = request.session.get(LAST_ACTIVITY)
        if isinstance(last, (int, float)) and now - last > idle_seconds:
            return self._signed_out(request)
        if not isinstance(last, (int, float)) or now - last >= ACTIVITY_RESOLUTION_SECONDS:
            request.session[LAST_ACTIVITY] = now
        return self.get_response(request)

    @staticmethod
    def _signed_out(request: HttpRequest) -> HttpResponse:
        logout(request)
        zh, en = IDLE_SIGNED_OUT
        text = zh if (get_language() or "zh-hans").lower().startswith("zh") else en
        if request.path.startswith("/api/") or request.headers.get("Accept", "").startswith("application/json"):
            return JsonResponse({"detail": text}, status=401)
        messages.info(request, text)
        login = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})}"
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = login  # a polling fragment takes the whole page to the login form
            return response
        return redirect(login)
