"""The pages (and API answers) Django gives when no view answered: 400, 403, 404 and 500.

Wired in `anju/urls.py` (`handler404` …). A mistyped address or a record outside the user's area
is 404 with the same words (existence is never revealed); `/api/` paths answer JSON in the shape
of `anju_error`. The 500 page renders without the request context (no user, no database query),
since whatever broke may be the database itself.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader

from anju.core.errors import AnjuError, Forbidden, NotFound, ValidationFailed

NOT_FOUND = NotFound("该页面不存在或不在您的管辖范围内。", "This page does not exist or is outside your area.")
FORBIDDEN = Forbidden("您的角色不能进行这项操作；如需办理，请联系社区或街道工作人员。",
                      "Your role may not do this; please ask the community or sub-district staff.")
BAD_REQUEST = ValidationFailed("请求无法处理，请检查网址后重试。", "The request cannot be handled; check the address and try again.")


class ServerError(AnjuError):
    status = 500


SERVER_ERROR = ServerError("系统出错，刚才的操作没有完成。我们已记录这个问题，请稍后再试。",
                           "Something went wrong and what you just did was not completed. "
                           "The problem has been logged; please try again later.")


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or request.headers.get("Accept", "").startswith("application/json")


def _json(error: AnjuError) -> JsonResponse:
    return JsonResponse({"detail": error.message(), "field": None}, status=error.status)


def _page(request: HttpRequest, error: AnjuError) -> HttpResponse:
    if _is_api(request):
        return _json(error)
    return render(request, "core/http_error.html", {"status": error.status, "error": error.message()},
                  status=error.status)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, NOT_FOUND)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, FORBIDDEN)


def _plain(request: HttpRequest, error: AnjuError) -> HttpResponse:
    """Rendered from the template alone: no context processor runs, so no user or database is read."""
    if _is_api(request):
        return _json(error)
    body = loader.get_template("core/plain_error.html").render({"status": error.status, "error": error.message()})
    return HttpResponse(body, status=error.status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Plain too: a refused Host header (DisallowedHost) must not be read again while rendering.
    return _plain(request, BAD_REQUEST)


def server_error(request: HttpRequest) -> HttpResponse:
    return _plain(request, SERVER_ERROR)
