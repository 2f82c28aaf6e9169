"""The 业主大会筹备 pages: one compound's case as a timeline, with its applicants, group and candidates."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anju.consultations import queries as consultation_queries
from anju.core.audit import Actor
from anju.core.bounds import parse_id
from anju.core.errors import AnjuError, ValidationFailed, user_message
from anju.core.pages import attempt
from anju.core.scoping import scope_of
from anju.domain.stewardship.rulesets import BARS
from anju.roster.models import Household, Person
from anju.stewardship import queries, services
from anju.stewardship.access import Action, access_case, access_compound
from anju.stewardship.models import FormationCase
from anju.stewardship.services.formation import PLANNED


def _date(raw: str | None, field: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat((raw or "").strip())
    except ValueError:
        raise ValidationFailed("请填写日期（年-月-日）。", "Enter a date (year-month-day).", field=field) from None


@login_required
def formation(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the compound's open (or latest) case; POST: open a case from an application."""
    node = access_compound(request.user, pk, action=Action.EDIT if request.method == "POST" else Action.VIEW)
    if request.method == "POST":
        attempt(request, lambda: services.case_open(compound=node, applied_on=_date(request.POST.get("applied_on"),
                                                    "applied_on"), note=request.POST.get("note", ""),
                                                    actor=Actor.of(request.user)), done=_("已登记申请。"))
        return redirect("stewardship:formation", pk)
    case = FormationCase.objects.filter(compound=node).order_by("closed", "-applied_on").first()
    context: dict[str, object] = {"compound": node, "case": case, "can_edit": scope_of(request.user).can_edit}
    if case is not None:
        rules = queries.rules_for(node.subdistrict_id)
        share = queries.application_share(case)
        needed_owners, needed_area = rules.value("application_owner_share"), rules.value("application_area_share")
        context.update({
            "rules": rules, "share": share,
            "share_met": (needed_owners is not None and share.owner_ratio >= needed_owners)
            or (needed_area is not None and share.area_ratio >= needed_area),
            "steps": queries.case_timeline(case, rules, timezone.localdate()), "planned": PLANNED,
            "applicants": case.applicants.select_related("household__unit__building"),
            "members": case.members.all(), "candidates": services.numbered_candidates(case),
            "households": Household.objects.filter(compound=node).select_related("unit__building")
            .order_by("unit__building__number", "unit__number", "floor", "room"),
            "owners": Person.objects.filter(ownerships__household__compound=node).distinct().order_by("name"),
            "bars": [(k, BARS[k][0]) for k in rules.value("candidate_bars")],
            "owner_share_needed": rules.value("application_owner_share"),
            "area_share_needed": rules.value("application_area_share"),
            "election": _election(case),
        })
    return render(request, "stewardship/formation.html", context)


def _election(case: FormationCase) -> object:
    """The first assembly vote's election as counted so far, or the reason it cannot be counted yet."""
    if case.assembly is None:
        return None
    try:
        return consultation_queries.election_result(case.assembly)
    except AnjuError as error:
        return user_message(error)


def _back(case: FormationCase) -> HttpResponse:
    return redirect("stewardship:formation", case.compound_id)


@login_required
@require_POST
def formation_act(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    case = access_case(request.user, pk, action=Action.EDIT)
    actor, post = Actor.of(request.user), request.POST
    if what == "applicant":
        household = Household.objects.filter(compound=case.compound, pk=parse_id(post.get("household"))).first()
        if household is None:
            messages.error(request, _("请选择本小区的户。"))
            return _back(case)
        attempt(request, lambda: services.applicant_add(case=case, household=household, actor=actor))
    elif what == "member":
        pid = parse_id(post.get("person"))
        person = Person.objects.filter(subdistrict_id=case.compound.subdistrict_id, pk=pid).first() if pid else None
        attempt(request, lambda: services.group_member_add(case=case, person=person, name=post.get("name", ""),
                                                           role=post.get("role", ""), leader=post.get("leader") == "1",
                                                           actor=actor))
    elif what == "candidate":
        person = Person.objects.filter(subdistrict_id=case.compound.subdistrict_id,
                                       pk=parse_id(post.get("person"))).first()
        if person is None:
            messages.error(request, _("请选择候选人。"))
            return _back(case)
        attempt(request, lambda: services.candidate_add(
            case=case, person=person, facts=post.getlist("facts"), interests=post.get("interests", ""),
            pledge_on=_date(post.get("pledge_on"), "pledge_on") if post.get("pledge_on") else None, actor=actor),
            done=_("已登记候选人。"))
    elif what == "seats":
        seats = parse_id(post.get("seats"))
        if seats is None:
            messages.error(request, _("请填写应选委员人数。"))
            return _back(case)
        attempt(request, lambda: services.seats_set(case=case, seats=seats, actor=actor))
    elif what == "assembly":
        attempt(request, lambda: services.assembly_vote_open(case=case, title=post.get("title", ""), actor=actor),
                done=_("已发起首次业主大会会议表决，请打印告知书并组织投票。"))
    elif what == "elected":
        years = parse_id(post.get("term_years"))
        if years is None:
            messages.error(request, _("请填写任期（年）。"))
            return _back(case)
        attempt(request, lambda: services.committee_from_election(case=case, term_years=years, actor=actor),
                done=_("已按选举结果产生业主委员会。"))
    elif what == "candidates_notice":
        attempt(request, lambda: services.candidates_publish(case=case, on=_date(post.get("on"), "on"), actor=actor),
                done=_("已发布候选人名单公示，请打印张贴。"))
    elif what == "result_notice":
        attempt(request, lambda: services.result_publish(case=case, on=_date(post.get("on"), "on"), actor=actor),
                done=_("已发布选举结果公告，请打印张贴。"))
    elif what == "step":
        step = post.get("step", "")
        attempt(request, lambda: services.step_record(case=case, step=step, on=_date(post.get("on"), step), actor=actor),
                done=_("已记录。"))
    return _back(case)


