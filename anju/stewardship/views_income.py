"""公共收益 and the manager's yearly accounts: record a receipt or an item (the forms sit on the
compound's disclosure calendar, whose statements read them). Thin: the rules are `services.income`'s."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anju.core.audit import Actor
from anju.core.errors import ValidationFailed
from anju.core.pages import attempt
from anju.stewardship.access import Action, access_compound
from anju.stewardship.services import income as services


def _date(raw: str | None) -> datetime.date:
    try:
        return datetime.date.fromisoformat((raw or "").strip())
    except ValueError:
        raise ValidationFailed("请填写收入日期", "Enter the date received", field="received_on") from None


@login_required
@require_POST
def common_income(request: HttpRequest, pk: int) -> HttpResponse:
    compound = access_compound(request.user, pk, action=Action.EDIT)
    p = request.POST
    attempt(request, lambda: services.common_income_record(
        compound=compound, source=p.get("source", ""), received_on=_date(p.get("received_on")),
        gross_yuan=p.get("gross_yuan", ""), cost_yuan=p.get("cost_yuan", ""), to_fund_yuan=p.get("to_fund_yuan", ""),
        document_ref=p.get("document_ref", ""), note=p.get("note", ""), actor=Actor.of(request.user)),
        done=_("已登记公共收益。"))
    return redirect("stewardship:disclosures", pk)


@login_required
@require_POST
def manager_line(request: HttpRequest, pk: int) -> HttpResponse:
    compound = access_compound(request.user, pk, action=Action.EDIT)
    p = request.POST
    attempt(request, lambda: services.manager_line_record(
        compound=compound, year=p.get("year", ""), section=p.get("section", ""), item=p.get("item", ""),
        amount_yuan=p.get("amount_yuan", ""), document_ref=p.get("document_ref", ""), actor=Actor.of(request.user)),
        done=_("已登记物业服务项目收支。"))
    return redirect("stewardship:disclosures", pk)
