"""The maintenance fund's pages: a compound's fund (balances per ledger, the 30% line, the ledger,
contributions, use cases) and one use case from proposal to publication. Thin: forms are read
here, every rule is the services' and the domain's."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from anju.core.audit import Actor
from anju.core.bounds import parse_id
from anju.core.errors import NotFound, ValidationFailed
from anju.core.pages import attempt
from anju.core.scoping import scope_of
from anju.domain.stewardship.fund import EMERGENCIES
from anju.roster.models import Building, Compound, Household, Unit
from anju.stewardship import queries, queries_fund
from anju.stewardship.access import Action, access_compound, access_fund_case, access_fund_entry
from anju.stewardship.models_fund import CaseKind, DocumentKind, EntryKind, FundCase, FundLedger
from anju.stewardship.services import fund as services

BOOKABLE = [(k, label) for k, label in EntryKind.choices if k in services.BOOKABLE]


def share_text(value: Fraction | None) -> str:
    """A rule set's ratio as a page prints it: 3/10 → "30%"."""
    if value is None:
        return "—"
    percent = value * 100
    return f"{percent.numerator}%" if percent.denominator == 1 else f"{float(percent):.1f}%"


def _date(raw: str | None, field: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat((raw or "").strip())
    except ValueError:
        raise ValidationFailed("请填写日期（年-月-日）。", "Enter a date (year-month-day).", field=field) from None


def _ledger(compound: Compound, raw: str | None) -> FundLedger:
    pk = parse_id(raw)
    ledger = FundLedger.objects.filter(pk=pk, account__compound=compound).select_related(
        "account__compound", "building", "unit").first() if pk else None
    if ledger is None:
        raise ValidationFailed("请选择分账。", "Choose a ledger.", field="ledger")
    return ledger


def _scope_of(compound: Compound, raw: str | None) -> tuple[Building | None, Unit | None]:
    """"" → the whole compound; "b12" → building 12; "u34" → unit 34 (of this compound only)."""
    raw = (raw or "").strip()
    if not raw:
        return None, None
    pk = parse_id(raw[1:])
    if raw[0] == "b" and pk:
        building = Building.objects.filter(pk=pk, compound=compound).first()
        if building is not None:
            return building, None
    if raw[0] == "u" and pk:
        unit = Unit.objects.filter(pk=pk, building__compound=compound).select_related("building").first()
        if unit is not None:
            return unit.building, unit
    raise ValidationFailed("请选择分摊范围。", "Choose who shares the repair.", field="scope")


def _household(compound: Compound, raw: str | None) -> Household | None:
    if not (raw or "").strip():
        return None
    pk = parse_id(raw)
    found = Household.objects.filter(pk=pk, compound=compound).select_related("unit").first() if pk else None
    if found is None:
        raise ValidationFailed("找不到该户。", "No such household.", field="household")
    return found


@login_required
def fund(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the compound's fund; POST: open its account (one ledger per building)."""
    node = access_compound(request.user, pk, action=Action.EDIT if request.method == "POST" else Action.VIEW)
    actor = Actor.of(request.user)
    if request.method == "POST":
        attempt(request, lambda: services.fund_open(compound=node, opened_on=_date(request.POST.get("opened_on"),
                                                    "opened_on"), bank=request.POST.get("bank", ""), actor=actor),
                done=_("已建立专项维修资金账户。"))
        return redirect("stewardship:fund_account", pk)
    rules = queries.rules_for(node.subdistrict_id)
    account = queries_fund.fund_account_of(node)
    context: dict[str, Any] = {"compound": node, "account": account, "rules": rules,
                               "can_edit": scope_of(request.user).can_edit, "today": timezone.localdate()}
    if account is not None:
        view = queries_fund.fund_view(account, rules)
        ledger_id = parse_id(request.GET.get("ledger"))
        units = Unit.objects.filter(building__compound=node).select_related("building").order_by(
            "building__number", "number")
        context.update({
            "view": view, "entries": queries_fund.ledger_entries(account, ledger_id)[:200], "ledger_id": ledger_id,
            "contributions": [(queries_fund.room_label(h), fen) for h, fen in queries_fund.contributions(account)],
            "cases": queries_fund.cases_of(node), "kinds": BOOKABLE, "documents": DocumentKind.choices,
            "units": units, "buildings": Building.objects.filter(compound=node).order_by("number"),
            "households": Household.objects.filter(compound=node).select_related("unit__building").order_by(
                "unit__building__number", "unit__number", "floor", "room"),
            "emergencies": list(EMERGENCIES.values()),
            "line_figure": rules.figure("fund_topup_share"), "line_share": share_text(rules.value("fund_topup_share")),
        })
    return render(request, "stewardship/fund.html", context)


def _back(pk: int) -> HttpResponse:
    return redirect("stewardship:fund_account", pk)


@login_required
@require_POST
def fund_act(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    """Writes on a compound's fund: book a credit, book contributions by area, a unit's own ledger, a case."""
    node = access_compound(request.user, pk, action=Action.EDIT)
    account = queries_fund.fund_account_of(node)
    actor, post = Actor.of(request.user), request.POST
    if account is None:
        raise NotFound("该小区尚未建立专项维修资金账户", "The compound has no fund account")
    if what == "entry":
        attempt(request, lambda: services.entry_book(
            ledger=_ledger(node, post.get("ledger")), kind=post.get("kind", ""), amount_yuan=post.get("amount", ""),
            booked_on=_date(post.get("booked_on"), "booked_on"), document_kind=post.get("document_kind", ""),
            document_ref=post.get("document_ref", ""), household=_household(node, post.get("household")),
            note=post.get("note", ""), actor=actor), done=_("已入账。"))
    elif what == "contributions":
        attempt(request, lambda: services.contributions_book(
            ledger=_ledger(node, post.get("ledger")), kind=post.get("kind", ""), total_yuan=post.get("amount", ""),
            booked_on=_date(post.get("booked_on"), "booked_on"), document_kind=post.get("document_kind", ""),
            document_ref=post.get("document_ref", ""), actor=actor), done=_("已按专有部分面积分户入账。"))
    elif what == "unit":
        unit_pk = parse_id(post.get("unit"))
        unit = Unit.objects.filter(pk=unit_pk, building__compound=node).select_related("building").first() if unit_pk else None
        if unit is None:
            messages.error(request, _("请选择单元。"))
        else:
            attempt(request, lambda: services.unit_ledger_open(account=account, unit=unit, actor=actor),
                    done=_("已设立单元分账。"))
    elif what == "case":
        made = attempt(request, lambda: _case_from(node, post, actor))
        if made is not None:
            return redirect("stewardship:fund_case", made.pk)
    return _back(pk)


def _case_from(node: Compound, post: Any, actor: Actor) -> FundCase:
    building, unit = _scope_of(node, post.get("scope"))
    common = {"compound": node, "title": post.get("title", ""), "location": post.get("location", ""),
              "estimate_yuan": post.get("estimate", ""), "building": building, "unit": unit,
              "description": post.get("description", ""), "actor": actor}
    if post.get("kind") == CaseKind.EMERGENCY:
        return services.emergency_report(category=post.get("category", ""), evidence_ref=post.get("evidence_ref", ""),
                                         reported_on=_date(post.get("proposed_on"), "proposed_on"), **common)
    return services.case_open(proposed_on=_date(post.get("proposed_on"), "proposed_on"), quotes=post.get("quotes", ""),
                              **common)


@login_required
@require_POST
def entry_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    entry = access_fund_entry(request.user, pk, action=Action.EDIT)
    post = request.POST
    attempt(request, lambda: services.entry_reverse(
        entry=entry, booked_on=_date(post.get("booked_on"), "booked_on"), document_kind=post.get("document_kind", ""),
        document_ref=post.get("document_ref", ""), reason=post.get("reason", ""), actor=Actor.of(request.user)),
        done=_("已冲正。"))
    return _back(entry.ledger.account.compound_id)


@login_required
@require_GET
def case(request: HttpRequest, pk: int) -> HttpResponse:
    """One use of the fund, printable: scope, shares per household, vote, approvals, payments, publication."""
    found = access_fund_case(request.user, pk, action=Action.VIEW)
    rules = queries.rules_for(found.compound.subdistrict_id)
    today = timezone.localdate()
    view = queries_fund.case_view(found, rules, today)
    return render(request, "stewardship/fund_case.html", {
        "compound": found.compound, "case": found, "view": view, "rules": rules, "today": today,
        "shares": [(queries_fund.room_label(s.household), s) for s in view.shares],
        "can_edit": scope_of(request.user).can_edit, "documents": DocumentKind.choices,
        "may_pay": services.may_pay(found), "approval_figure": rules.figure("fund_emergency_approval_days"),
        "left": found.estimate_fen - view.paid,
    })


def _closes_at(raw: str | None) -> datetime.datetime:
    day = _date(raw, "closes_on")
    if day <= timezone.localdate():
        raise ValidationFailed("表决截止日期须晚于今天。", "The vote closes after today.", field="closes_on")
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(18, 0)))


@login_required
@require_POST
def case_act(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    found = access_fund_case(request.user, pk, action=Action.EDIT)
    actor, post = Actor.of(request.user), request.POST
    acts: dict[str, tuple[Callable[[], object], str]] = {
        "vote": (lambda: services.case_vote_open(case=found, closes_at=_closes_at(post.get("closes_on")), actor=actor),
                 _("已发起业主表决。")),
        "approve": (lambda: services.case_approve(case=found, by=post.get("by", ""), on=_date(post.get("on"), "on"),
                                                  actor=actor), _("已登记审核。")),
        "escalate": (lambda: services.emergency_escalate(case=found, on=_date(post.get("on"), "on"), actor=actor),
                     _("已登记报请代修。")),
        "pay": (lambda: services.case_pay(case=found, amount_yuan=post.get("amount", ""),
                                          paid_on=_date(post.get("paid_on"), "paid_on"),
                                          document_kind=post.get("document_kind", ""),
                                          document_ref=post.get("document_ref", ""), actor=actor), _("已支付并记账。")),
        "accept": (lambda: services.case_accept(case=found, on=_date(post.get("on"), "on"), note=post.get("note", ""),
                                                actor=actor), _("已登记验收。")),
        "publish": (lambda: services.case_publish(case=found, on=_date(post.get("on"), "on"), actor=actor),
                    _("已登记公示。")),
    }
    action, done = acts[what]
    attempt(request, action, done=done)
    account = queries_fund.fund_account_of(found.compound)
    if what == "pay" and account is not None:  # the 30% line, watched after every draw
        rules = queries.rules_for(found.compound.subdistrict_id)
        figure = rules.figure("fund_topup_share")
        for row in queries_fund.fund_view(account, rules).below:
            messages.warning(request, _("%(ledger)s 维修资金余额已低于首期交存额的 %(share)s（%(source)s），业主应及时续交。")
                             % {"ledger": row.ledger.label, "share": share_text(figure.value),
                                "source": figure.source.zh if figure.source else ""})
    return redirect("stewardship:fund_case", pk)
