"""Bad input and known failures become an answer with the message, never a 500.

`AnjuErrorMiddleware` turns an AnjuError raised anywhere in a page into a page (or JSON body) with
the message. A busy SQLite database (another connection holding the write lock longer than the
20 s busy timeout, as a very large roster import does) is said plainly too: 503 with Retry-After,
in the user's language, instead of a server error.

`BadInputMiddleware` refuses, before any view runs, what no view can store: a NUL character in the
path, a query or form parameter, a file name or the text of a JSON body (PostgreSQL cannot hold NUL
in text and fails the query), and a multipart body whose boundary is missing or broken.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import get_language

from anju.core.errors import AnjuError, Busy, Unavailable, ValidationFailed

logger = logging.getLogger(__name__)

BUSY = Busy(
    "系统正忙（可能正在导入大批台账数据），刚才的操作没有完成，请过一两分钟再试。",
    "The system is busy (perhaps importing a large roster); what you just did was not completed. "
    "Please try again in a minute or two.",
)
RETRY_AFTER_SECONDS = 60
# Fail closed: without the shared store a login or a letter code cannot be counted, so it is not tried.
STORE_DOWN = Unavailable(
    "系统暂时无法使用（共享服务未连接），刚才的操作没有完成，请稍后再试；如持续出现，请联系系统管理员。",
    "The system is temporarily unavailable (a shared service cannot be reached); what you just did was not "
    "completed. Please try again shortly, and tell the administrator if it persists.",
)
STORE_RETRY_AFTER_SECONDS = 30


def is_busy(exception: BaseException) -> bool:
    """SQLite's own words when the write lock stayed taken past the busy timeout."""
    return isinstance(exception, OperationalError) and "database is locked" in str(exception)


def is_store_down(exception: BaseException) -> bool:
    """Redis refused, timed out or dropped the connection (rate limits, the cache)."""
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return isinstance(exception, (RedisConnectionError, RedisTimeoutError))


def store_down_response(request: HttpRequest, exception: BaseException) -> HttpResponse:
    # The address only: the exception text is the store's, never a user's input or personal data.
    logger.error("shared store unreachable: %s", type(exception).__name__)
    response = error_response(request, STORE_DOWN)
    response["Retry-After"] = str(STORE_RETRY_AFTER_SECONDS)
    return response


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
        if is_store_down(exception):
            return store_down_response(request, exception)
        if not isinstance(exception, AnjuError):
            return None
        return error_response(request, exception)


def error_response(request: HttpRequest, error: AnjuError) -> HttpResponse:
    """The one mapping of an AnjuError to an answer: JSON for the API (or a JSON client), a page otherwise."""
    if request.path.startswith("/api/") or request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"detail": error.message(), "field": error.field}, status=error.status)
    return render(request, "core/error.html", {"error": error.message(), "field": error.field}, status=error.status)


NUL = "\x00"
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def nul_in(name: str) -> ValidationFailed:
    shown = name.replace(NUL, "") or "?"
    return ValidationFailed(f"“{shown}”含有空字符（NUL），无法保存，请删去后再提交。",
                            f"“{shown}” contains a NUL character, which cannot be stored; remove it and send again.",
                            field=shown)


def _strings(value: object, name: str = "") -> Iterator[tuple[str, str]]:
    """Every (field name, text) in a parsed JSON value, keys included."""
    if isinstance(value, str):
        yield name or "body", value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key, key
            yield from _strings(item, key)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, name)


def bad_input(request: HttpRequest) -> AnjuError | None:
    """What in this request no view should see, or None."""
    if NUL in request.path:
        return ValidationFailed("网址含有空字符（NUL），无法处理。", "The address contains a NUL character.", field="path")
    for key, values in request.GET.lists():
        if NUL in key or any(NUL in v for v in values):
            return nul_in(key)
    if request.method not in BODY_METHODS:
        return None
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded") and request.method == "POST":
        try:
            form, files = request.POST, request.FILES
        except MultiPartParserError:
            return ValidationFailed("表单数据无法读取：multipart/form-data 缺少或写错了分隔符（boundary）。",
                                    "The form data cannot be read: its multipart/form-data boundary is missing or malformed.",
                                    field="Content-Type")
        for key, values in form.lists():
            if NUL in key or any(NUL in v for v in values):
                return nul_in(key)
        for key, uploads in files.lists():
            if any(NUL in (f.name or "") for f in uploads):
                return nul_in(key)
    elif request.content_type == "application/json" or request.content_type.endswith("+json"):
        body = request.body
        if b"\x00" in body:
            return nul_in("body")
        if b"\\u0000" in body:  # an escaped NUL; parse to tell it from an escaped backslash before "u0000"
            try:
                parsed = json.loads(body)
            except ValueError:
                return None  # not JSON at all: the view says so
            for name, text in _strings(parsed):
                if NUL in text:
                    return nul_in(name)
    return None


class BadInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        error = bad_input(request)
        if error is not None:
            return error_response(request, error)
        return self.get_response(request)


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
