"""The rows behind every dashboard figure, as plain tables for a page and an xlsx export.

Each figure gives its whole filtered list (`Table.source`) and how one entry reads as a row
(`Table.row`); the page shows one page of it (`anju.core.paging`), the export and the report all of it.
"""

from __future__ import annotations

import datetime
import functools
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, cast

from django.db.models import QuerySet
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from anju.consultations.queries import ApprovalRate
from anju.core.bounds import parse_id
from anju.core.formatting import wan
from anju.core.scoping import Scope
from anju.dashboard import queries
from anju.domain.progress import percent
from anju.domain.sheets import Provenance, stamp, text_cell, xlsx_row
from anju.programme import queries as programme
from anju.roster.models import Unit
from anju.stewardship import queries as stewardship
from anju.stewardship.queries import survey

Line = tuple[list[Any], str | None]  # a row's cells and the page it links to


@dataclass
class Table:
    title: str
    columns: list[str]
    source: QuerySet | Sequence[Any]  # every entry behind the figure, filtered, in order
    row: Callable[[Any], Line]

    def lines(self, entries: Sequence[Any] | QuerySet | None = None) -> list[Line]:
        """The rows of `entries` (one page), or of the whole list."""
        return [self.row(e) for e in (self.source if entries is None else entries)]


def scope_query(scope: Scope) -> str:
    """The query (ending in "&") that keeps a drill-down at the scope's level: the sub-district a user who
    sees several chose stays chosen on the next page."""
    for name, pk in (("compound", scope.compound_id), ("community", scope.community_id), ("subdistrict", scope.subdistrict_id)):
        if pk is not None:
            return f"{name}={pk}&"
    return ""


def _int(params: QueryDict, name: str) -> int | None:
    return parse_id(params.get(name))


def projects(scope: Scope, params: QueryDict) -> Table:
    # The community (like the compound) narrows the scope itself (`views.level_of`); filtering it again here
    # would empty the list when a compound of another community is chosen with it.
    done = {"0": False, "1": True}.get(params.get("done", ""))
    qs = programme.project_rows(scope, year=_int(params, "year"), done=done, stage=params.get("stage"),
                                kind=params.get("kind"))

    def row(p: Any) -> Line:
        stage = _("已完工") if p.completed else p.get_current_stage_display()
        return ([p.year, p.name, p.compound.community.name, p.compound.name, stage, p.buildings_count,
                 p.households, p.people, p.gross_area, wan(p.budget_fen), p.progress],
                reverse("programme:project", args=[p.pk]))

    return Table(_("项目"), [_("年度"), _("项目"), _("社区"), _("小区"), _("当前阶段"), _("楼栋"), _("户数"), _("居民"),
                            _("建筑面积（㎡）"), _("预算（万元）"), _("进度（%）")], qs, row)


def overdue(scope: Scope, params: QueryDict) -> Table:
    qs = programme.overdue_stages(scope)
    if kind := params.get("stage"):
        qs = qs.filter(kind=kind)
    today = queries.today()

    def row(s: Any) -> Line:
        return ([s.project.name, s.project.compound.community.name, s.get_kind_display(), s.planned_end,
                 (today - cast(datetime.date, s.planned_end)).days],  # overdue: it has a planned end
                reverse("programme:project", args=[s.project_id]))

    return Table(_("逾期阶段"), [_("项目"), _("社区"), _("阶段"), _("计划完成"), _("逾期天数")], qs, row)


def items(scope: Scope, params: QueryDict) -> Table:
    qs = programme.item_rows_within(scope, kind=params.get("kind"), category=params.get("category"),
                                    year=_int(params, "year"))

    def row(i: Any) -> Line:
        return ([i.project.year, i.project.name, i.get_category_display(), i.name, i.quantity, i.unit,
                 wan(i.budget_fen), i.progress], reverse("programme:project", args=[i.project_id]))

    return Table(_("改造内容"), [_("年度"), _("项目"), _("类别"), _("名称"), _("工程量"), _("单位"), _("预算（万元）"), _("进度（%）")],
                 qs, row)


def elevators(scope: Scope, params: QueryDict) -> Table:
    qs = Unit.objects.within(scope).filter(has_elevator=True).select_related("building__compound__community") \
        .order_by("building__compound_id", "building_id", "id")

    def row(u: Any) -> Line:
        return ([u.building.compound.community.name, u.building.compound.name, str(u), u.building.storeys],
                reverse("roster:building", args=[u.building_id]))

    return Table(_("已有电梯的单元"), [_("社区"), _("小区"), _("单元"), _("层数")], qs, row)


def stranded(scope: Scope, params: QueryDict) -> Table:
    born_by = queries.today().year

    def row(r: Any) -> Line:
        h = r.household
        return ([h.compound.name, h.room_label, h.floor, r.person.name,
                 born_by - r.person.birth_year if r.person.birth_year else "", _("是") if r.person.limited_mobility else ""],
                reverse("roster:household", args=[h.pk]))

    return Table(_("悬空老人"), [_("小区"), _("户"), _("楼层"), _("姓名"), _("年龄"), _("行动不便")], queries.stranded(scope), row)


APPROVAL_LABELS = {queries.PASSED: gettext_lazy("通过"), queries.FAILED: gettext_lazy("未通过"),
                   queries.OPEN: gettext_lazy("进行中"), queries.PENDING: gettext_lazy("待处理")}


def approvals(scope: Scope, params: QueryDict) -> Table:
    rates = queries.approval_rates(scope)
    title = _("意见征求同意率")
    if (status := params.get("status")) in APPROVAL_LABELS:
        rates = [r for r in rates if queries.approval_status(r) == status]
        title = f"{title}（{APPROVAL_LABELS[status]}）"

    def row(r: ApprovalRate) -> Line:
        rate = r.approval
        return ([r.title, r.compound_name, r.question, r.yes_households, r.participating_households,
                 r.eligible_households, percent(Fraction(rate)) if rate is not None else "—",
                 str(APPROVAL_LABELS[queries.approval_status(r)])], approval_link(r))

    return Table(title, [_("意见征求"), _("小区"), _("事项"), _("同意户数"), _("参与户数"), _("应参与户数"),
                         _("同意率（%）"), _("结果")], rates, row)


def approval_link(rate: ApprovalRate) -> str:
    """The consultation's page; for a pending question the page where staff settle the owners' conflicts."""
    if queries.approval_status(rate) == queries.PENDING:
        return reverse("consultations:owner_conflicts", args=[rate.consultation_id])
    return reverse("consultations:detail", args=[rate.consultation_id])


def years(scope: Scope, params: QueryDict) -> Table:
    def row(y: Any) -> Line:
        return ([y.year, y.compounds, y.buildings, y.households, y.gross_area, wan(y.budget_fen), y.done_compounds,
                 y.done_buildings, y.done_households, y.done_gross_area, wan(y.done_budget_fen), percent(y.progress)],
                reverse("dashboard:rows", args=["projects"]) + f"?{scope_query(scope)}year={y.year}")

    return Table(_("年度计划与完成"), [_("年度"), _("计划小区"), _("计划楼栋"), _("计划户数"), _("计划建筑面积（㎡）"),
                                       _("计划投资（万元）"), _("完成小区"), _("完成楼栋"), _("完成户数"), _("完成建筑面积（㎡）"),
                                       _("完成投资（万元）"), _("进度（%）")], list(programme.plan_vs_done(scope)), row)


def governance(scope: Scope, params: QueryDict) -> Table:
    """长效管理: the compounds on one of the stewardship work lists (?kind=committee, interim, emergency,
    overdue, ending, expired), the same list the stewardship index counts."""
    kind = params.get("kind") or "committee"
    if kind not in stewardship.LISTS:
        raise Http404
    today = timezone.localdate()
    rows = stewardship.stewardship_lists(scope, functools.cache(stewardship.rules_for), today)[kind]
    english = (get_language() or "").startswith("en")

    def row(r: Any) -> Line:
        if r.disclosures:
            late = r.disclosures[-1].owed  # the oldest overdue statement: its deadline
            what = ("; " if english else "；").join(
                f"{o.kind_zh} {o.owed.period.en if english else o.owed.period.zh}" for o in r.disclosures)
            return ([r.compound.name, r.compound.community.name, _("公示"), late.due.deadline, what],
                    reverse("stewardship:disclosures", args=[r.compound.pk]))
        if r.party is not None:
            return ([r.compound.name, r.compound.community.name, r.party.organisation.name, r.party.since,
                     r.party.company_branch or "—"], reverse("stewardship:committee", args=[r.compound.pk]))
        if r.committee is not None:
            c = r.committee.committee
            what = c.get_kind_display() if c.interim else _("第 %(n)s 届业主委员会") % {"n": c.number}
            state = ("; " if english else "；").join(d.en if english else d.zh for d in r.committee.overdue) \
                or r.committee.term_state
            state = {"in_office": _("在任"), "ending": _("90 日内届满"), "expired": _("任期已届满")}.get(state, state)
            return ([r.compound.name, r.compound.community.name, what, c.term_ends, state],
                    reverse("stewardship:committee", args=[r.compound.pk]))
        due = r.emergency_due
        return ([r.compound.name, r.compound.community.name, _("应急物业"), due.deadline if due else "—",
                 r.emergency.management.company.name], reverse("stewardship:compound", args=[r.compound.pk]))

    return Table(stewardship.LISTS[kind][1 if english else 0], [_("小区"), _("社区"), _("委员会"), _("期限"), _("情况")], rows, row)


def satisfaction(scope: Scope, params: QueryDict) -> Table:
    """满意度测评: each compound's latest survey (?line=grade1, grade3, below, none narrows to one line)."""
    line = params.get("line") or ""
    if line and line not in {key for key, *_ in survey.LINES}:
        raise Http404
    english = (get_language() or "").startswith("en")
    rows = sorted((r for r in survey.latest_in(scope).values() if not line or r.line == line),
                  key=lambda r: (r.rate is None, r.rate or 0, r.survey.compound.name))

    def row(r: survey.YearResult) -> Line:
        c = r.survey.compound
        return ([c.name, r.year, r.survey.sampled, r.answered, r.percent, r.verdict_en if english else r.verdict_zh],
                reverse("stewardship:compound", args=[c.pk]) + "#satisfaction")

    return Table(_("物业服务满意度"), [_("小区"), _("测评年度"), _("抽样户数"), _("答卷户数"), _("满意率"), _("对照标准")], rows, row)


FIGURES: dict[str, Callable[[Scope, QueryDict], Table]] = {
    "projects": projects, "overdue": overdue, "items": items, "elevators": elevators, "stranded": stranded,
    "approvals": approvals, "years": years, "stewardship": governance, "satisfaction": satisfaction,
}


def table_for(figure: str, scope: Scope, params: QueryDict) -> Table:
    """The whole filtered list behind `figure` (404 for a figure that does not exist)."""
    if figure not in FIGURES:
        raise Http404
    return FIGURES[figure](scope, params)


def to_xlsx(table: Table, lines: list[Line], *, provenance: Provenance) -> bytes:
    """The rows as an xlsx that says who made it and when."""
    book = Workbook()
    sheet = book.active
    sheet.title = table.title[:31]
    bold = Font(bold=True)
    sheet.append([text_cell(sheet, c, font=bold) for c in table.columns])
    for row, _link in lines:
        sheet.append(xlsx_row(sheet, [v if isinstance(v, (int, str, Decimal, datetime.date)) or v is None else str(v)
                                      for v in row]))
    stamp(book, provenance)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
