"""满意度测评 pages: start a compound's yearly survey (the results and the trend are on the compound's
长效管理 page). Thin: the sample and the rate are the services' and the domain's."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anju.core.audit import Actor
from anju.core.pages import attempt
from anju.stewardship.access import Action, access_compound
from anju.stewardship.services import survey as services


@login_required
@require_POST
def start(request: HttpRequest, pk: int) -> HttpResponse:
    compound = access_compound(request.user, pk, action=Action.EDIT)
    made = attempt(
        request,
        lambda: services.survey_start(compound=compound, year=request.POST.get("year"),
                                      per_building=request.POST.get("per_building"), actor=Actor.of(request.user)),
        done=lambda s: _("已发起满意度测评，抽样 %(n)s 户；请打印告知书或上门收集答卷。") % {"n": s.sampled},
    )
    if made is not None:
        return redirect("consultations:detail", made.consultation_id)
    return redirect("stewardship:compound", pk)
