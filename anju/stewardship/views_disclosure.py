"""公示 pages: a compound's disclosure calendar, one statement (generate, publish, correct, print), and
the residents' page of a published statement with a "这里不对" on every figure. Thin: every rule is the
services' and the domain's."""

from __future__ import annotations

import datetime
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anju.core import ratelimit
from anju.core.audit import Actor
from anju.core.errors import ValidationFailed
from anju.core.pages import attempt
from anju.core.pdf import issuing_unit, qr_svg, render_pdf
from anju.core.scoping import scope_of
from anju.domain.stewardship.disclosure import KINDS, grace_days
from anju.participation import services as participation
from anju.participation.access import public_compound
from anju.stewardship import queries, queries_disclosure
from anju.stewardship.access import Action, access_compound, access_disclosure, public_disclosure
from anju.stewardship.models_disclosure import Disclosure
from anju.stewardship.models_income import CommonIncome, IncomeSource, ManagerSection
from anju.stewardship.services import disclosure as services

CATEGORY = "property"  # participation's 物业服务: where a wrong figure of the accounts is triaged


def _date(raw: str | None, field: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat((raw or "").strip())
    except ValueError:
        raise ValidationFailed(
            "请填写日期（年-月-日）。", "Enter a date (year-month-day).", field=field
        ) from None


@login_required
@require_GET
def calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """The compound's disclosure calendar: every statement owed, its due day and state."""
    compound = access_compound(request.user, pk, action=Action.VIEW)
    rules = queries.rules_for(compound.subdistrict_id)
    rows = queries_disclosure.calendar_of(compound, rules, timezone.localdate())
    figures = [(info, rules.figure(info.figure)) for info in KINDS.values()]
    return render(
        request,
        "stewardship/disclosures.html",
        {
            "compound": compound,
            "rows": rows,
            "figures": figures,
            "can_edit": scope_of(request.user).can_edit,
            "overdue": sum(1 for r in rows if r.owed.overdue),
            "grace": grace_days(rules),
            "decisions": rules.figure("committee_decision_publicity_days"),
            "grace_set": rules.value("disclosure_grace_days") is not None,
            "incomes": CommonIncome.objects.filter(compound=compound).order_by("-received_on", "-pk")[:50],
            "income_sources": IncomeSource.choices,
            "manager_sections": ManagerSection.choices,
        },
    )


@login_required
@require_POST
def generate(request: HttpRequest, pk: int) -> HttpResponse:
    compound = access_compound(request.user, pk, action=Action.EDIT)
    made = attempt(
        request,
        lambda: services.disclosure_generate(
            compound=compound,
            kind=request.POST.get("kind", ""),
            period_start=_date(request.POST.get("period_start"), "period_start"),
            actor=Actor.of(request.user),
        ),
        done=_("已从账目生成公示草稿，请核对后发布。"),
    )
    return redirect("stewardship:disclosure", made.pk) if made else redirect("stewardship:disclosures", pk)


def _links(request: HttpRequest, d: Disclosure) -> dict[str, str]:
    return {"public_url": request.build_absolute_uri(reverse("stewardship:disclosure_public", args=[d.pk]))}


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    d = access_disclosure(request.user, pk, action=Action.VIEW)
    return render(
        request,
        "stewardship/disclosure.html",
        {
            "d": d,
            "compound": d.compound,
            "can_edit": scope_of(request.user).can_edit,
            "counts": queries_disclosure.suggestion_counts(d) if d.is_published else {},
            "changes": queries_disclosure.changes(d.supersedes.figures, d.figures) if d.supersedes else [],
            "newer": Disclosure.objects.filter(supersedes=d).first(),
            **_links(request, d),
        },
    )


@login_required
@require_POST
def act(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    d = access_disclosure(request.user, pk, action=Action.EDIT)
    actor = Actor.of(request.user)
    if what == "publish":
        attempt(
            request, lambda: services.disclosure_publish(disclosure=d, actor=actor), done=_("已发布公示。")
        )
        return redirect("stewardship:disclosure", pk)
    made = attempt(
        request,
        lambda: services.disclosure_correct(disclosure=d, note=request.POST.get("note", ""), actor=actor),
        done=_("已生成更正版本草稿，请核对后发布。"),
    )
    return redirect("stewardship:disclosure", made.pk if made else pk)


@login_required
@require_GET
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The statement as an A4 notice to post, with a QR code to its residents' page."""
    d = access_disclosure(request.user, pk, action=Action.VIEW)
    links = _links(request, d)
    data = render_pdf(
        "stewardship/print/disclosure.html",
        {
            "d": d,
            "compound": d.compound,
            "groups": _groups(d),
            "changes": queries_disclosure.changes(d.supersedes.figures, d.figures) if d.supersedes else [],
            **issuing_unit(d.compound, issued=d.published_on or timezone.localdate()),
            "qr": qr_svg(links["public_url"], size_mm=26),
            **links,
        },
    )
    response = HttpResponse(data, content_type="application/pdf")
    name = f"{d.compound.name}{d.get_kind_display()}公示.pdf"
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name)}"
    return response


def _groups(d: Disclosure) -> list[tuple[str, list[dict[str, object]]]]:
    out: list[tuple[str, list[dict[str, object]]]] = []
    for row in d.figures:
        if not out or out[-1][0] != row["group"]:
            out.append((row["group"], []))
        out[-1][1].append(row)
    return out


# --- residents ----------------------------------------------------------------------------------


@require_GET
def public(request: HttpRequest, pk: int) -> HttpResponse:
    """A published statement, as the QR code on the posted notice opens it."""
    d = public_disclosure(pk)
    newer = Disclosure.objects.filter(supersedes=d, published_on__isnull=False).first()
    return render(
        request,
        "stewardship/public/disclosure.html",
        {
            "d": d,
            "groups": _groups(d),
            "newer": newer,
            "changes": queries_disclosure.changes(d.supersedes.figures, d.figures) if d.supersedes else [],
        },
    )


@require_GET
def public_list(request: HttpRequest, pk: int) -> HttpResponse:
    """A compound's published accounts, for its residents (each statement's page links here)."""
    compound = public_compound(pk)
    return render(
        request,
        "stewardship/public/disclosures.html",
        {"compound": compound, "rows": queries_disclosure.published_of(compound)},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def wrong(request: HttpRequest, pk: int) -> HttpResponse:
    """ "这里不对": a suggestion about one figure of a published statement, filed with participation."""
    d = public_disclosure(pk)
    key = (request.POST.get("figure") if request.method == "POST" else request.GET.get("figure")) or ""
    row = next((r for r in d.figures if r["key"] == key), None)
    if row is None:  # no figure named (an old link, a typed address): back to the statement to pick one
        return redirect("stewardship:disclosure_public", d.pk)
    context = {
        "d": d,
        "row": row,
        "body": request.POST.get("body", ""),
        "contact_name": request.POST.get("contact_name", ""),
    }
    if request.method == "GET":
        return render(request, "stewardship/public/disclosure_wrong.html", context)
    ratelimit.per_address(request, "suggest", settings.ANJU_PARTICIPATION_RATE_LIMITS["suggest"])
    title = f"{d.period_label}{d.get_kind_display()}：{row['zh']}"[:80]
    try:
        suggestion = participation.suggestion_submit(
            compound=d.compound,
            building=None,
            category=CATEGORY,
            title=title,
            body=request.POST.get("body", ""),
            contact_name=request.POST.get("contact_name", ""),
            contact_phone=request.POST.get("contact_phone", ""),
            subject=queries_disclosure.subject_key(d, key),
            actor=Actor.system("resident"),
        )
    except ValidationFailed as error:
        return render(
            request,
            "stewardship/public/disclosure_wrong.html",
            {**context, "error": error.message()},
            status=400,
        )
    return redirect("participation:receipt", suggestion.receipt_code)
