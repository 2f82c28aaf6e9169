"""操作手册 pages: the list of topics, and one topic (a template of its own, Chinese with English by gettext)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from anju.core.errors import NotFound
from anju.core.help import TOPICS


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "core/help/index.html", {"topics": TOPICS})


@login_required
@require_GET
def topic(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in TOPICS:
        raise NotFound("没有这一篇操作手册", "No such help page")
    return render(request, f"core/help/{slug}.html", {"topics": TOPICS, "current": slug, "title": TOPICS[slug]})
