"""The resident's side of the outbox: the SMS's own link to stop reminders (退订), no login."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from anju.core.outbox import services


@require_http_methods(["GET", "POST"])
def opt_out(request: HttpRequest, code: str) -> HttpResponse:
    """GET asks to confirm (a link preview must not opt anyone out); POST records it."""
    message = services.message_by_opt_out_code(code[:16])
    done = False
    if request.method == "POST":
        services.opt_out_by_link(code=message.opt_out_code)
        done = True
    return render(request, "core/opt_out.html", {"masked": message.address_masked, "done": done})
