"""消息记录: every reminder of the sub-district (masked addresses, delivered or failed, why), and
recording a resident's request for no more reminders (退订)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from anju.core import paging
from anju.core.audit import Actor
from anju.core.errors import Forbidden, ValidationFailed
from anju.core.outbox import queries, services
from anju.core.outbox.models import MessageStatus
from anju.core.pages import attempt
from anju.core.scoping import Scope, scope_of


def may_see_outbox(user) -> bool:
    """Sub-district staff (their sub-district's messages) and superusers (all)."""
    scope = scope_of(user)
    whole_subdistrict = (
        scope.subdistrict_id is not None and scope.community_id is None and scope.compound_id is None
    )
    return scope.everything or (whole_subdistrict and scope.can_edit)


def require_outbox(user) -> Scope:
    """The scope of a user who may see the message record; `Forbidden` for anyone else."""
    if not may_see_outbox(user):
        raise Forbidden("消息记录只有街道工作人员可以查看", "Only sub-district staff see the message record")
    return scope_of(user)


@login_required
@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    scope = require_outbox(request.user)
    status = request.GET.get("status", "")
    page = paging.page_of(queries.messages(scope, status=status), request.GET)
    return render(
        request,
        "dashboard/outbox.html",
        {
            "page": page,
            "status": status if status in MessageStatus.values else "",
            "statuses": MessageStatus.choices,
            "counts": queries.status_counts(scope),
            "opt_outs": list(queries.opt_outs(scope)[:20]),
        },
    )


@login_required
@require_POST
def opt_out(request: HttpRequest) -> HttpResponse:
    """Record that a phone asks for no more reminders (the resident called, or replied TD)."""
    scope = require_outbox(request.user)
    if scope.subdistrict_id is None:
        raise ValidationFailed(
            "请以街道工作人员的账号登记退订",
            "Record an opt-out from a sub-district staff account",
            field="phone",
        )
    phone = request.POST.get("phone", "")[:40]
    attempt(
        request,
        lambda: services.opt_out_record(
            subdistrict_id=scope.subdistrict_id, phone=phone, actor=Actor.of(request.user)
        ),
        done=_("已登记退订，此号码不再收到提醒"),
    )
    return redirect("dashboard:outbox")
