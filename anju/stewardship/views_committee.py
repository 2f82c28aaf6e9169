"""The committee pages: a compound's committee over its term, its filing pack (PDF), the work lists."""

from __future__ import annotations

import datetime
import functools
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anju.core.audit import Actor
from anju.core.bounds import parse_id
from anju.core.errors import ValidationFailed
from anju.core.pages import attempt
from anju.core.pdf import issuing_unit, render_pdf
from anju.core.scoping import scope_of
from anju.participation import queries as party
from anju.roster.models import Compound, Person
from anju.stewardship import queries, services
from anju.stewardship.access import (
    Action,
    access_change,
    access_committee,
    access_committee_meeting,
    access_compound,
    access_member,
)
from anju.stewardship.models import Committee, FormationCase
from anju.stewardship.services import LEAVE_REASONS, NewMember


def _date(raw: str | None, field: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat((raw or "").strip())
    except ValueError:
        raise ValidationFailed("请填写日期（年-月-日）。", "Enter a date (year-month-day).", field=field) from None


def _years(raw: str | None) -> int:
    years = parse_id(raw)
    if years is None:
        raise ValidationFailed("请填写任期（年）。", "Enter the term in years.", field="term_years")
    return years


def _people(compound: Compound, ids: list[str]) -> list[Person]:
    wanted = [parse_id(i) for i in ids]
    found = {p.pk: p for p in Person.objects.filter(subdistrict_id=compound.subdistrict_id,
                                                      pk__in=[i for i in wanted if i])}
    return [found[i] for i in wanted if i in found]


def _representatives(text: str) -> list[NewMember]:
    """One representative a line: "姓名，身份" (a comma of either width, or a space)."""
    out = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.replace("，", ",").replace(" ", ",", 1).split(",", 1)]
        if parts and parts[0]:
            out.append(NewMember(name=parts[0][:40], affiliation=(parts[1] if len(parts) > 1 else "")[:40]))
    return out


@login_required
def committee(request: HttpRequest, pk: int) -> HttpResponse:
    node = access_compound(request.user, pk, action=Action.VIEW)
    scope = scope_of(request.user)
    today = timezone.localdate()
    rules = queries.rules_for(node.subdistrict_id)
    current = queries.committee_in_office(node)
    case = (FormationCase.objects.filter(compound=node, elected_on__isnull=False, committee__isnull=True)
            .prefetch_related("candidates__person").order_by("-elected_on").first())
    return render(request, "stewardship/committee.html", {
        "compound": node, "rules": rules, "today": today, "can_edit": scope.can_edit,
        "view": queries.committee_view(current, rules, today) if current else None,
        "history": [c for c in queries.committees_of(node) if current is None or c.pk != current.pk],
        "case": case, "owners": Person.objects.filter(ownerships__household__compound=node).distinct().order_by("name"),
        "leave_reasons": [(k, v[0]) for k, v in LEAVE_REASONS.items()],
        "interim_allowed": rules.value("interim_committee_members_min") is not None,
        "interim_source": rules.figure("interim_committee_members_min").source,
        "term_source": rules.figure("committee_term_years_max").source,
        "size_source": rules.figure("committee_members_min").source,
        "emergency": queries.open_emergency(node),
        "party_link": queries.party_link_of(node), "organisations": party.organisations_leading(node),
    })


def _back(pk: int) -> HttpResponse:
    return redirect("stewardship:committee", pk)


@login_required
@require_POST
def compound_act(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    """Elect a committee, form an interim one, or set the party link of compound `pk`."""
    node = access_compound(request.user, pk, action=Action.EDIT)
    actor, post = Actor.of(request.user), request.POST
    if what == "elect":
        case = None
        if post.get("case"):
            case = FormationCase.objects.filter(compound=node, pk=parse_id(post.get("case"))).first()
        attempt(request, lambda: services.committee_elect(
            compound=node, case=case, elected_on=None if case else _date(post.get("elected_on"), "elected_on"),
            term_years=_years(post.get("term_years")), election_ref=post.get("election_ref", "")[:120],
            members=[NewMember(p) for p in _people(node, post.getlist("members"))], actor=actor),
            done=_("已登记业主委员会。"))
    elif what == "interim":
        members = [NewMember(p) for p in _people(node, post.getlist("members"))]
        members += _representatives(post.get("representatives", "")[:2000])
        attempt(request, lambda: services.interim_form(
            compound=node, formed_on=_date(post.get("formed_on"), "formed_on"), term_years=_years(post.get("term_years")),
            members=members, led_by=post.get("led_by", "")[:60], actor=actor), done=_("已登记物业管理委员会。"))
    elif what == "party":
        organisation = parse_id(post.get("organisation"))
        if organisation is None:
            messages.error(request, _("请选择党组织。"))
            return _back(pk)
        attempt(request, lambda: services.party_link_set(
            compound=node, organisation_id=organisation, since=_date(post.get("since"), "since"),
            company_branch=post.get("company_branch", "")[:80], note=post.get("note", "")[:200], actor=actor),
            done=_("已保存党建引领。"))
    return _back(pk)


@login_required
@require_POST
def committee_act(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    """Officers, filing, the end-of-term report and a by-election of committee `pk`."""
    body = access_committee(request.user, pk, action=Action.EDIT)
    actor, post = Actor.of(request.user), request.POST
    if what == "officers":
        serving = {m.pk: m for m in body.members.filter(left_on__isnull=True)}
        chair = serving.get(parse_id(post.get("chair")) or 0)
        if chair is None:
            messages.error(request, _("请选择主任。"))
            return _back(body.compound_id)
        vices = [serving[i] for i in (parse_id(v) for v in post.getlist("vices")) if i in serving and i != chair.pk]
        attempt(request, lambda: services.officers_set(committee=body, on=_date(post.get("on"), "on"), chair=chair,
                                                       vices=vices, actor=actor), done=_("已记录。"))
    elif what == "file":
        attempt(request, lambda: services.committee_file(committee=body, filed_on=_date(post.get("filed_on"), "filed_on"),
                                                         late_reason=post.get("late_reason", "")[:300], actor=actor),
                done=_("已登记备案。"))
    elif what == "report":
        attempt(request, lambda: services.report_record(committee=body, on=_date(post.get("on"), "on"), actor=actor),
                done=_("已记录。"))
    elif what == "add":
        people = _people(body.compound, [post.get("person", "")])
        new = NewMember(people[0]) if people else NewMember(name=post.get("name", "")[:40],
                                                            affiliation=post.get("affiliation", "")[:40])
        attempt(request, lambda: services.member_add(committee=body, new=new, on=_date(post.get("on"), "on"), actor=actor),
                done=_("已记录，请在 30 日内办理变更备案。"))
    elif what == "meeting":
        attempt(request, lambda: services.committee_meeting_record(
            committee=body, starts_at=_when(post.get("starts_at")), place=post.get("place", ""),
            topic=post.get("topic", ""), minutes=post.get("minutes", ""),
            decisions=post.get("decisions", "").splitlines(), actor=actor), done=_("已登记会议。"))
    return _back(body.compound_id)


def _when(raw: str | None) -> datetime.datetime:
    try:
        naive = datetime.datetime.fromisoformat((raw or "").strip())
    except ValueError:
        raise ValidationFailed("请填写会议时间（年-月-日 时:分）。", "Enter the meeting's date and time.",
                               field="starts_at") from None
    return timezone.make_aware(naive) if timezone.is_naive(naive) else naive


@login_required
@require_POST
def decisions_publish(request: HttpRequest, pk: int) -> HttpResponse:
    row = access_committee_meeting(request.user, pk, action=Action.EDIT)
    post = request.POST
    attempt(request, lambda: services.decisions_publish(meeting=row, on=_date(post.get("on"), "on"),
                                                        late_reason=post.get("late_reason", "")[:300],
                                                        actor=Actor.of(request.user)),
            done=_("已发布会议决定公告，请打印张贴。"))
    return _back(row.committee.compound_id)


@login_required
@require_POST
def member_leave(request: HttpRequest, pk: int) -> HttpResponse:
    member = access_member(request.user, pk, action=Action.EDIT)
    post = request.POST
    people = _people(member.committee.compound, [post.get("replacement", "")]) if post.get("replacement") else []
    attempt(request, lambda: services.member_leave(
        member=member, on=_date(post.get("on"), "on"), reason=post.get("reason", ""),
        replacement=NewMember(people[0]) if people else None, actor=Actor.of(request.user)),
        done=_("已记录，请在 30 日内办理变更备案。"))
    return _back(member.committee.compound_id)


@login_required
@require_POST
def change_file(request: HttpRequest, pk: int) -> HttpResponse:
    change = access_change(request.user, pk, action=Action.EDIT)
    attempt(request, lambda: services.change_file(change=change, filed_on=_date(request.POST.get("filed_on"), "filed_on"),
                                                  late_reason=request.POST.get("late_reason", "")[:300],
                                                  actor=Actor.of(request.user)), done=_("已登记备案。"))
    return _back(change.committee.compound_id)


# The rule set figures a filing pack cites, in the order it prints them.
PACK_FIGURES = ("committee_members_min", "committee_members_max", "committee_members_odd", "committee_term_years_max",
                "committee_term_years_min", "committee_first_meeting_days", "committee_filing_days",
                "committee_change_filing_days", "term_end_report_months")
INTERIM_FIGURES = ("interim_committee_members_min", "interim_committee_owner_share_min",
                   "interim_committee_term_years_max", "interim_committee_filing_days")


@login_required
def pack(request: HttpRequest, pk: int) -> HttpResponse:
    """备案材料 as an A4 PDF: members, term, election result, the articles, signature and stamp boxes.
    Printed by the roles that may file (a volunteer reads the page, but does not file)."""
    from anju.stewardship.views import figure_text

    body: Committee = access_committee(request.user, pk, action=Action.EDIT)
    today = timezone.localdate()
    rules = queries.rules_for(body.compound.subdistrict_id)
    view = queries.committee_view(body, rules, today)
    keys = INTERIM_FIGURES if body.interim else PACK_FIGURES
    figures = [(rules.figures[k].meaning.zh, figure_text(rules.figures[k]), rules.figures[k].source)
               for k in keys if rules.figures[k].value not in (None, ())]
    pdf = render_pdf("stewardship/print/pack.html", {
        "c": body, "view": view, "rules": rules, "figures": figures, "deadlines": view.deadlines,
        "owners": sum(m.owner for m in view.serving),
        **issuing_unit(body.compound, issued=today),
    })
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{body.compound.name}{body.get_kind_display()}备案材料.pdf"
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name)}"
    return response


@login_required
def work_list(request: HttpRequest, kind: str) -> HttpResponse:
    """One of the index's rows as its list of compounds (the count is this list's length)."""
    if kind not in queries.LISTS:
        raise Http404
    scope = scope_of(request.user)
    rows = queries.stewardship_lists(scope, functools.cache(queries.rules_for), timezone.localdate())[kind]
    zh, en = queries.LISTS[kind]
    context: dict[str, Any] = {"kind": kind, "title": zh, "title_en": en, "rows": rows}
    return render(request, "stewardship/list.html", context)
