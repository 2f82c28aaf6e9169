"""The field app's pages: the app shell a phone installs, its service worker and its manifest.

Everything else happens in the browser (`static/field/app.js`) against `field.api`; the service
worker is served from /field/ so that its scope is the app and nothing else."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie

from anju.field import access

SW_SOURCE = Path(__file__).resolve().parent / "static" / "field" / "sw.js"
# What the service worker keeps for a start with no connection (the app shell and its files).
SHELL_FILES = ("field/app.js", "field/field.css", "field/icon-192.png", "vendor/bootstrap/bootstrap.min.css")


@never_cache
@ensure_csrf_cookie
@login_required
def app(request: HttpRequest) -> HttpResponse:
    """The app shell; its data comes from the API and, offline, from the phone's encrypted store."""
    access.require_field(request.user)
    return render(request, "field/app.html", {"user_name": request.user.get_full_name() or request.user.get_username()})


def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, from /field/ so that it controls the app's pages only; lists the files to keep."""
    files = [reverse("field:app"), *(static(f) for f in SHELL_FILES)]
    source = SW_SOURCE.read_text(encoding="utf-8").replace("__SHELL__", ",".join(f'"{f}"' for f in files))
    response = HttpResponse(source, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: installable, starts at the app, portrait, in Chinese."""
    return JsonResponse({
        "name": "安居 · 入户采集", "short_name": "入户采集", "lang": "zh-CN", "start_url": reverse("field:app"),
        "scope": reverse("field:app"), "display": "standalone", "orientation": "portrait",
        "background_color": "#ffffff", "theme_color": "#0d6efd",
        "icons": [{"src": static("field/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                  {"src": static("field/icon-512.png"), "sizes": "512x512", "type": "image/png"}],
    }, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})
