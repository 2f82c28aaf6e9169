"""我的待办: the page staff land on after login, and giving an item to a colleague."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from anju.core.access import require_edit
from anju.core.audit import Actor
from anju.core.bounds import parse_id
from anju.core.errors import NotFound, ValidationFailed
from anju.core.pages import attempt
from anju.core.scoping import scope_of
from anju.dashboard import queries_start, queries_work, services, views_outbox


@login_required
def work(request: HttpRequest) -> HttpResponse:
    english = (get_language() or "zh").startswith("en")
    return render(
        request,
        "dashboard/work.html",
        {
            "work": queries_work.work_of(request.user),
            "first_steps": queries_start.first_steps(request.user),
            "english": english,
            "can_assign": scope_of(request.user).can_edit,
            "sees_outbox": views_outbox.may_see_outbox(request.user),
        },
    )


@login_required
@require_GET
def count(request: HttpRequest) -> HttpResponse:
    """The header's badge: how many open items the user has (cached per user a short time), loaded by
    htmx after each staff page so that no page's own queries grow with it; nothing when there are none."""
    n = queries_work.work_count(request.user)
    return render(request, "dashboard/_work_count.html", {"n": n})


@login_required
@require_POST
def assign(request: HttpRequest) -> HttpResponse:
    """Assign the item named by `item` ("kind:id") to `assignee` (a user id; empty takes it back)."""
    require_edit(request.user)
    key = request.POST.get("item", "")
    if not key:
        raise ValidationFailed("请选择待办事项", "Choose an item of work", field="item")
    item = queries_work.find_item(request.user, key)
    if item is None:
        raise NotFound("找不到该待办事项，可能已经办结", "No such open item; it may be done already")
    assignee = parse_id(request.POST.get("assignee"))
    attempt(
        request,
        lambda: services.work_assign(item=item, assignee_id=assignee, actor=Actor.of(request.user)),
        done=_("已指派") if assignee else _("已取消指派"),
    )
    return redirect("dashboard:work")


@login_required
@require_POST
def first_steps_dismiss(request: HttpRequest) -> HttpResponse:
    """Close the 开始使用 checklist of the user's sub-district (refused, saying what is left, until all is done)."""
    require_edit(request.user)
    attempt(request, lambda: services.first_steps_dismiss(actor=Actor.of(request.user)), done=_("已关闭开始使用清单"))
    return redirect("dashboard:work")
