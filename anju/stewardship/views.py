"""Pages of 长效管理: coverage and work lists, one compound's management and contracts, the rule set."""

from __future__ import annotations

import functools
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anju.core.access import require_edit
from anju.core.audit import Actor
from anju.core.pages import attempt
from anju.core.scoping import scope_of
from anju.domain.stewardship.rulesets import BARS, CATALOGUE, Figure, RuleSet
from anju.roster.models import Compound, Subdistrict
from anju.stewardship import forms, queries, queries_survey, services
from anju.stewardship.access import (
    Action,
    access_company,
    access_compound,
    access_contract,
    require_rules_editor,
    require_subdistrict,
)
from anju.stewardship.models import Mode, PropertyCompany, RuleSetVersion

_UNITS = {"calendar_days": "{} 日", "working_days": "{} 个工作日", "months": "{} 个月", "years": "{} 年",
          "persons": "{} 人", "households": "{} 户", "area": "{} ㎡"}
_UNITS_EN = {"calendar_days": "{} days", "working_days": "{} working days", "months": "{} months",
             "years": "{} years", "persons": "{}", "households": "{} households", "area": "{} ㎡"}


def figure_text(figure: Figure, zh: bool = True) -> str:
    """A figure as a page prints it: "30 日", "≥ 1/2", "是", "欠交物业服务费、…", "未规定"."""
    value, unit = figure.value, figure.meaning.unit
    if value is None or value == ():
        return "未规定" if zh else "not set"
    if unit == "flag":
        return ("是" if value else "否") if zh else ("yes" if value else "no")
    if unit == "bars":
        return "、".join(BARS[b][0] if zh else BARS[b][1] for b in value)
    if unit in ("ratio", "strict_ratio"):
        return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    return (_UNITS if zh else _UNITS_EN)[unit].format(f"{value:,}")


# Where each group of figures starts on the rules page (the catalogue is in this order).
SECTIONS = {
    "turnout_share": ("业主共同决定事项的表决", "Owners' decisions"),
    "application_owner_share": ("成立业主大会", "Forming the owners' assembly"),
    "committee_members_min": ("业主委员会", "The owners' committee"),
    "interim_committee_members_min": ("物业管理委员会与应急物业", "Interim committee and emergency management"),
    "contract_filing_days": ("物业服务合同", "Property service contracts"),
    "vacant_fee_share": ("物业费", "Property fees"),
    "fund_topup_share": ("专项维修资金", "The maintenance fund"),
}


def _rows(rules: RuleSet) -> list[dict[str, Any]]:
    zh = (get_language() or "zh-hans").startswith("zh")
    return [{"key": key, "meaning": meaning, "figure": rules.figures[key], "text": figure_text(rules.figures[key], zh),
             "source": rules.figures[key].source, "section": SECTIONS.get(key)}
            for key, meaning in CATALOGUE.items()]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    today = timezone.localdate()
    rules = queries.rules_for(scope.subdistrict_id)
    total, communities = queries.coverage(scope)
    lists = queries.stewardship_lists(scope, functools.cache(queries.rules_for), today)
    return render(request, "stewardship/index.html", {
        "lists": [(key, zh, en, len(lists[key])) for key, (zh, en) in queries.LISTS.items()],
        "total": total, "communities": communities, "modes": Mode.choices, "rules": rules,
        "unmanaged": queries.unmanaged(scope), "ending": queries.contracts_ending(scope, today),
        "unfiled": queries.unfiled_contracts(scope, rules, today), "ending_days": queries.ENDING_WITHIN_DAYS,
    })


@login_required
def compound(request: HttpRequest, pk: int) -> HttpResponse:
    node = access_compound(request.user, pk, action=Action.VIEW)
    scope = scope_of(request.user)
    today = timezone.localdate()
    rules = queries.rules_for(node.subdistrict_id)
    managements = list(queries.managements_of(node))
    current = next((m for m in managements if m.until is None), None)
    contracts = [(c, queries.filing_due(rules, c, today) if c.filed_on is None else None,
                  (c.ends_on - today).days if c.ends_on and not c.terminated_on
                  and 0 <= (c.ends_on - today).days <= queries.ENDING_WITHIN_DAYS else None)
                 for c in queries.contracts_of(node)]
    in_office = queries.committee_in_office(node)
    emergency = queries.open_emergency(node)
    return render(request, "stewardship/compound.html", {
        "committee": queries.committee_view(in_office, rules, today) if in_office else None,
        "emergency": emergency, "emergency_due": queries.emergency_deadline(rules, emergency, today) if emergency else None,
        "compound": node, "current": current, "managements": managements, "contracts": contracts,
        "emergency_ends": services.emergency_ends(current) if current else None, "rules": rules,
        "companies": PropertyCompany.objects.filter(subdistrict_id=node.subdistrict_id),
        "modes": Mode.choices, "handover_items": services.HANDOVER_ITEMS, "can_edit": scope.can_edit,
        "households": queries.households_in(node), "today": today,
        **_satisfaction(node),
    })


def _satisfaction(node: Compound) -> dict[str, object]:
    results = queries_survey.results_of(node)
    return {"satisfaction": results, "vote_prefill_url": queries_survey.vote_prefill_url(node, results)}


def _back(pk: int) -> HttpResponse:
    return redirect("stewardship:compound", pk)


def _company(request: HttpRequest, raw: int | None) -> PropertyCompany | None:
    return access_company(request.user, raw, action=Action.VIEW) if raw else None


@login_required
@require_POST
def management_set(request: HttpRequest, pk: int) -> HttpResponse:
    node = access_compound(request.user, pk, action=Action.EDIT)
    form = forms.ManagementForm(request.POST)
    if not form.is_valid():
        messages.error(request, forms.first_error(form))
        return _back(pk)
    data = form.cleaned_data
    attempt(request, lambda: services.management_set(
        compound=node, mode=data["mode"], company=_company(request, data["company"]), since=data["since"],
        note=data["note"], actor=Actor.of(request.user)), done=_("已更新管理方式。"))
    return _back(pk)


@login_required
@require_POST
def contract_create(request: HttpRequest, pk: int) -> HttpResponse:
    node = access_compound(request.user, pk, action=Action.EDIT)
    form = forms.ContractForm(request.POST)
    if not form.is_valid():
        messages.error(request, forms.first_error(form))
        return _back(pk)
    data = form.cleaned_data
    attempt(request, lambda: services.contract_create(
        compound=node, company=access_company(request.user, data["company"], action=Action.VIEW),
        signed_on=data["signed_on"], starts_on=data["starts_on"], ends_on=data["ends_on"], fee_yuan=data["fee"],
        services=data["services"], notice_days=data["notice_days"], actor=Actor.of(request.user)),
        done=_("已登记物业服务合同。"))
    return _back(pk)


@login_required
@require_POST
def contract_file(request: HttpRequest, pk: int) -> HttpResponse:
    contract = access_contract(request.user, pk, action=Action.EDIT)
    form = forms.FilingForm(request.POST)
    if not form.is_valid():
        messages.error(request, forms.first_error(form))
    else:
        attempt(request, lambda: services.contract_file(contract=contract, filed_on=form.cleaned_data["filed_on"],
                                                        late_reason=form.cleaned_data["late_reason"],
                                                        actor=Actor.of(request.user)), done=_("已登记备案。"))
    return _back(contract.compound_id)


@login_required
@require_POST
def contract_terminate(request: HttpRequest, pk: int) -> HttpResponse:
    contract = access_contract(request.user, pk, action=Action.EDIT)
    form = forms.TerminateForm(request.POST)
    if not form.is_valid():
        messages.error(request, forms.first_error(form))
    else:
        attempt(request, lambda: services.contract_terminate(
            contract=contract, on=form.cleaned_data["on"], notified_on=form.cleaned_data["notified_on"],
            actor=Actor.of(request.user)), done=_("合同已终止，请完成交接清单。"))
    return _back(contract.compound_id)


@login_required
@require_POST
def handover(request: HttpRequest, pk: int) -> HttpResponse:
    contract = access_contract(request.user, pk, action=Action.EDIT)
    form = forms.HandoverForm(request.POST)
    if not form.is_valid():
        messages.error(request, forms.first_error(form))
    else:
        attempt(request, lambda: services.handover_tick(contract=contract, item=form.cleaned_data["item"],
                                                        done=form.cleaned_data["done"], actor=Actor.of(request.user)))
    return _back(contract.compound_id)


@login_required
def companies(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    if request.method == "POST":
        scope = require_edit(request.user)
        require_subdistrict(request.user)
        form = forms.CompanyForm(request.POST)
        if not form.is_valid():
            messages.error(request, forms.first_error(form))
        else:
            subdistrict = Subdistrict.objects.get(pk=scope.subdistrict_id)
            attempt(request, lambda: services.company_create(subdistrict=subdistrict, actor=Actor.of(request.user),
                                                             **form.cleaned_data), done=_("已登记物业服务企业。"))
        return redirect("stewardship:companies")
    return render(request, "stewardship/companies.html", {
        "companies": PropertyCompany.objects.within(scope).order_by("name"), "can_edit": scope.can_edit})


def _posted_changes(request: HttpRequest) -> dict[str, object]:
    changes: dict[str, object] = {}
    for key, meaning in CATALOGUE.items():
        if meaning.fixed:
            continue
        name = f"f_{key}"
        if meaning.unit == "flag":
            if f"{name}_shown" in request.POST:
                raw = request.POST.get(name, "")
                changes[key] = None if raw == "" else raw == "1"
        elif meaning.unit == "bars":
            if f"{name}_shown" in request.POST:
                changes[key] = request.POST.getlist(name)
        elif name in request.POST:
            raw = request.POST[name].strip()
            if meaning.unit in ("ratio", "strict_ratio"):
                changes[key] = raw or None
            else:
                changes[key] = int(raw) if raw.isdigit() else (None if raw == "" else raw)
    return changes


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    scope = require_subdistrict(request.user)
    if request.method == "POST":
        scope = require_rules_editor(request.user)
        form = forms.BaseForm(request.POST)
        if not form.is_valid():
            messages.error(request, forms.first_error(form))
        else:
            subdistrict = Subdistrict.objects.get(pk=scope.subdistrict_id)
            changes = _posted_changes(request) if request.POST.get("keep") == "1" else {}
            attempt(request, lambda: services.rules_choose(
                subdistrict=subdistrict, base=form.cleaned_data["base"], changes=changes,
                reason=form.cleaned_data["reason"], actor=Actor.of(request.user)), done=_("已保存新版本的规则。"))
        return redirect("stewardship:rules")
    current = queries.rules_for(scope.subdistrict_id)
    return render(request, "stewardship/rules.html", {
        "rules": current, "rows": _rows(current), "bases": RuleSetVersion.Base.choices, "bars": BARS,
        "versions": RuleSetVersion.objects.filter(subdistrict_id=scope.subdistrict_id).select_related("chosen_by"),
        "current_base": current.base or current.key,
        "can_edit": scope.can_edit and scope.community_id is None and scope.compound_id is None,
    })
