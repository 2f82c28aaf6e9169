"""Pages of 物业费: collection rates at every level and month by month, one compound's bills and payments,
demand letters (A4 PDF), the list for court or arbitration, the half-yearly members' payment list.

Civil Code art. 944: the pages offer a demand and then the legal step, and say that cutting water,
power, heating or gas to collect fees is forbidden; no page offers it.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from anju.core import jobs
from anju.core.audit import Actor
from anju.core.errors import ValidationFailed
from anju.core.models import Job
from anju.core.pages import attempt
from anju.core.pdf import Issuer, issuing_unit, render_pdf
from anju.core.scoping import Scope, scope_of
from anju.domain.errors import DomainError
from anju.domain.stewardship import fees
from anju.domain.stewardship.fees import Period
from anju.roster.access import access_community, access_household
from anju.roster.models import Community, Compound, Household
from anju.stewardship import forms_fees as forms
from anju.stewardship import jobs_fees
from anju.stewardship import queries_fees as queries
from anju.stewardship.access_fees import Action, access_compound, access_fee_compound, access_letter
from anju.stewardship.models import Management
from anju.stewardship.models_fees import Channel, DemandLetter
from anju.stewardship.queries import rules_for
from anju.stewardship.services import fees as services

MAX_UPLOAD = 20 * 1024 * 1024
_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".csv", ".txt"}


def _period(request: HttpRequest, bills: Any) -> Period | None:
    raw = request.GET.get("period", "")
    if raw:
        try:
            return Period.parse(raw)
        except DomainError as error:
            raise ValidationFailed.from_domain(error) from None
    return queries.latest_period(bills)


def _ban() -> dict[str, str]:
    return {"ban_zh": fees.FORBIDDEN_NOTICE_ZH, "ban_en": fees.FORBIDDEN_NOTICE_EN}


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """收缴率 in the caller's scope: one row per community (or compound, or building), and the trend."""
    scope = scope_of(request.user)
    community_id = request.GET.get("community", "")
    node: Community | None = None
    if community_id.isdigit() and scope.compound_id is None:  # a compound's volunteer stays in the compound
        node = access_community(request.user, int(community_id), action=Action.VIEW)
        scope = Scope(everything=False, subdistrict_id=node.subdistrict_id, community_id=node.pk)
    level = "building" if scope.compound_id else ("compound" if scope.community_id else "community")
    bills = queries.bills_in(scope)
    period = _period(request, bills)
    context: dict[str, Any] = {"period": period, "level": level, "node": node, **_ban()}
    if period is not None:
        context |= {**queries.summary(bills, period), "rows": queries.breakdown(bills, period, level),
                    "trend": queries.trend(bills, period), "periods": queries.billed_periods(bills)[:36]}
    return render(request, "stewardship/fees.html", context)


def _compound_context(request: HttpRequest, node: Compound) -> dict[str, Any]:
    today = timezone.localdate()
    bills = queries.bills_in(scope_of(request.user)).filter(compound=node)
    period = _period(request, bills)
    totals, debtors = queries.arrears(node, today)
    rules = rules_for(node.subdistrict_id)
    context: dict[str, Any] = {
        "compound": node, "period": period, "today": today, "standards": queries.standards_of(node),
        "standard": queries.standard_on(node, today), "ageing": [(b, totals[b[0]]) for b in fees.BUCKETS],
        "debtors": debtors[:200], "debtors_total": len(debtors), "payments": queries.payments_of(node)[:20],
        "channels": Channel.choices, "next_period": _next_period(bills, today), "can_edit": scope_of(request.user).can_edit,
        "vacant_share": rules.figure("vacant_fee_share"), "demand_days": rules.figure("fee_demand_days"),
        "default_demand_days": services.DEFAULT_DEMAND_DAYS,
        "households": Household.objects.filter(compound=node).select_related("unit__building"), **_ban(),
    }
    if period is not None:
        context |= {**queries.summary(bills, period), "rows": queries.breakdown(bills, period, "building"),
                    "trend": queries.trend(bills, period)}
    job_id = request.GET.get("job", "")
    if job_id.isdigit():
        context["job"] = Job.objects.filter(pk=int(job_id), actor_id=request.user.pk, kind=jobs_fees.IMPORT).first()
    return context


def _next_period(bills: Any, today: Any) -> str:
    latest = queries.latest_period(bills)
    wanted = latest + 1 if latest else Period.of(today)
    return str(min(wanted, Period.of(today)))


@login_required
def compound(request: HttpRequest, pk: int) -> HttpResponse:
    node = access_fee_compound(request.user, pk, action=Action.VIEW)
    return render(request, "stewardship/fees_compound.html", _compound_context(request, node))


def _back(pk: int) -> HttpResponse:
    return redirect("stewardship:fees_compound", pk)


@login_required
@require_POST
def standard_set(request: HttpRequest, pk: int) -> HttpResponse:
    node = access_fee_compound(request.user, pk, action=Action.EDIT)
    form = forms.StandardForm(request.POST)
    if not form.is_valid():
        messages.error(request, forms.first_error(form))
        return _back(pk)
    data = form.cleaned_data
    attempt(request, lambda: services.standard_set(
        compound=node, since=data["since"], rate_yuan=data["rate"], parking_yuan=data["parking"] or "0",
        vacant_percent=data["vacant_percent"], basis=data["basis"], actor=Actor.of(request.user)),
        done=_("已登记物业费标准。"))
    return _back(pk)


@login_required
@require_POST
def bill(request: HttpRequest, pk: int) -> HttpResponse:
    node = access_fee_compound(request.user, pk, action=Action.EDIT)
    form = forms.BillForm(request.POST)
    if not form.is_valid():
        messages.error(request, forms.first_error(form))
        return _back(pk)

    def run() -> services.BillRun:
        return services.bill_month(compound=node, period=Period.parse(form.cleaned_data["period"]),
                                   actor=Actor.of(request.user))

    attempt(request, run, done=lambda r: _("已出账：%(period)s，%(n)s 户，应收 %(total)s 元。") % {
        "period": r.period.zh, "n": r.bills, "total": f"{r.total_fen / 100:,.2f}"})
    return _back(pk)


@login_required
@require_POST
def payment(request: HttpRequest, pk: int) -> HttpResponse:
    node = access_fee_compound(request.user, pk, action=Action.EDIT)
    form = forms.PaymentForm(request.POST)
    if not form.is_valid():
        messages.error(request, forms.first_error(form))
        return _back(pk)
    data = form.cleaned_data
    household = access_household(request.user, data["household"], action=Action.EDIT)
    if household.compound_id != node.pk:
        messages.error(request, _("该户不在本小区。"))
        return _back(pk)
    attempt(request, lambda: services.payment_record(
        household=household, paid_on=data["paid_on"], amount_yuan=data["amount"], receipt=data["receipt"],
        channel=data["channel"], actor=Actor.of(request.user)), done=_("已登记缴费，并按账期先后冲抵欠费。"))
    return _back(pk)


@login_required
@require_POST
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    """The manager's payments file: stored, then imported all or nothing by a background job."""
    node = access_fee_compound(request.user, pk, action=Action.EDIT)
    upload = request.FILES.get("file")
    if upload is None or Path(upload.name or "").suffix.lower() not in _SUFFIXES:
        messages.error(request, _("请选择一个 xlsx 或 CSV 文件。"))
        return _back(pk)
    if upload.size and upload.size > MAX_UPLOAD:
        messages.error(request, _("文件太大（不超过 20 MB）。"))
        return _back(pk)
    relative = Path("fee-imports") / secrets.token_hex(12) / f"upload{Path(upload.name or '').suffix.lower()}"
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    job = jobs.job_start(kind=jobs_fees.IMPORT, label=f"导入缴费记录 {upload.name}", actor=Actor.of(request.user),
                         params={"path": str(relative), "name": (upload.name or "")[:120], "compound": node.pk},
                         subdistrict_id=node.subdistrict_id)
    messages.info(request, _("文件已收到，正在检查并导入；有任何问题将整份不导入，并逐行列出。"))
    return redirect(f"{redirect('stewardship:fees_compound', pk).url}?job={job.pk}#import")


def _letter_issuer(node: Compound) -> dict[str, Issuer]:
    """Civil Code art. 944 ¶2: the demand is the manager's (物业服务人), so its company signs when there is one."""
    unit = issuing_unit(node)
    current = Management.objects.filter(compound=node, until__isnull=True).select_related("company").first()
    if current is None or current.company is None:
        return unit
    return {"issuer": Issuer(name=current.company.name, issued=unit["issuer"].issued,
                             phone=current.company.phone or unit["issuer"].phone)}


def _letters_pdf(letters: list[DemandLetter], node: Compound) -> HttpResponse:
    context = {"letters": letters, "compound": node, **_letter_issuer(node), **_ban()}
    pdf = render_pdf("stewardship/print/fees_letters.html", context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="demand-letters-{node.pk}.pdf"'
    return response


@login_required
@require_POST
def letters(request: HttpRequest, pk: int) -> HttpResponse:
    """催缴通知: one A4 page per household in arrears (the ticked ones, or all owing N months or more)."""
    node = access_fee_compound(request.user, pk, action=Action.EDIT)
    form = forms.LettersForm(request.POST)
    if not form.is_valid():
        messages.error(request, forms.first_error(form))
        return _back(pk)
    data = form.cleaned_data
    chosen = [int(x) for x in request.POST.getlist("household") if x.isdigit()] or None
    made = attempt(request, lambda: services.letters_issue(
        compound=node, household_ids=chosen, min_months=data["min_months"] or 1, pay_by=data["pay_by"],
        actor=Actor.of(request.user)))
    if not made:
        return _back(pk)
    return _letters_pdf(made, node)


@login_required
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    """One demand letter again, as issued."""
    item = access_letter(request.user, pk)
    return _letters_pdf([item], item.compound)


@login_required
def legal(request: HttpRequest, pk: int) -> HttpResponse:
    node = access_fee_compound(request.user, pk, action=Action.VIEW)
    today = timezone.localdate()
    return render(request, "stewardship/fees_legal.html", {
        "compound": node, "cases": queries.legal_list(node, today), "today": today, **_ban()})


def _half(request: HttpRequest) -> tuple[int, int]:
    raw = request.GET.get("half", "")
    if raw:
        year, _sep, half = raw.partition("-")
        if not (year.isdigit() and half in ("1", "2") and 2000 <= int(year) <= 2100):
            raise ValidationFailed("半年应写成 2025-1（上半年）或 2025-2（下半年）。", "Write the half as 2025-1 or 2025-2.",
                                   field="half")
        return int(year), int(half)
    return queries.halves_to_publish(timezone.localdate())


def _pledge_context(node: Compound, year: int, half: int) -> dict[str, Any]:
    first, last = fees.half_year(year, half)
    rules = rules_for(node.subdistrict_id)
    return {"compound": node, "year": year, "half": half, "first": first, "last": last,
            "rows": queries.pledge_rows(node, year, half), "months": rules.figure("committee_fee_publication_months"),
            "half_label": f"{year}年{'上' if half == 1 else '下'}半年"}


@login_required
def pledge(request: HttpRequest, pk: int) -> HttpResponse:
    """党员、业委会委员带头缴费: their own payments for a half-year, as posted in the compound."""
    node = access_compound(request.user, pk, action=Action.VIEW)
    year, half = _half(request)
    return render(request, "stewardship/fees_pledge.html", _pledge_context(node, year, half))


@login_required
@require_GET
def pledge_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    node = access_compound(request.user, pk, action=Action.VIEW)
    year, half = _half(request)
    pdf = render_pdf("stewardship/print/fees_pledge.html", {**_pledge_context(node, year, half), **issuing_unit(node)})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="pledge-{node.pk}-{year}-{half}.pdf"'
    return response
