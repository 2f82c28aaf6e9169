"""统计报表: report templates as data, the month's figures, submitting (freezing) a month.

A month's figures are built from `programme.queries.report_rows` through the columns of a template,
each naming a query of `report_queries.REGISTRY` (nothing else can run). `report_submit` stores every
figure as text (`ReportSubmission.figures`); from then on that month is read from the stored copy only,
so a file made again is the one that was sent, and the next month's report shows its change against it.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from anju.core import audit
from anju.core.audit import Actor
from anju.core.errors import Conflict, ValidationFailed
from anju.dashboard.models import ReportSubmission, ReportTemplate
from anju.dashboard.report_queries import REGISTRY, cell, total
from anju.programme import queries as programme
from anju.roster.models import Subdistrict

NATIONAL = "national"
MAX_COLUMNS = 60
# The built-in layout follows the national categories of 国办发〔2020〕23号 (基础类 / 完善类 / 提升类;
# the section that defines them: 待核) and the result indicators of the national statistics.
NATIONAL_COLUMNS: tuple[tuple[str, str], ...] = (
    ("", "community"), ("", "compound"),
    ("基本情况", "buildings"), ("基本情况", "households"), ("基本情况", "gross_area_wan"),
    ("进度", "started"), ("进度", "completed"),
    ("基础类", "gas_pipe_km"), ("基础类", "water_pipe_km"), ("基础类", "drainage_pipe_km"), ("基础类", "power_line_km"),
    ("基础类", "energy_saving_area"), ("基础类", "items_basic"),
    ("完善类", "elevators_added"), ("完善类", "parking_spaces"), ("完善类", "charging_points"),
    ("完善类", "barrier_free_count"), ("完善类", "barrier_free_area"), ("完善类", "items_improve"),
    ("提升类", "service_count"), ("提升类", "service_area"), ("提升类", "items_upgrade"),
    ("投资（万元）", "invest_central"), ("投资（万元）", "invest_local"), ("投资（万元）", "invest_social"),
    ("投资（万元）", "invest_utilities"), ("投资（万元）", "invest_residents"), ("投资（万元）", "invest_fund"),
    ("投资（万元）", "invest_total"),
)
# Always on the report, whatever the office's columns: the plan's size and the month's progress.
SUMMARY = ("compounds", "buildings", "households", "gross_area_wan", "started_compounds", "completed_compounds",
           "started_households", "completed_households", "start_rate_compounds", "complete_rate_compounds",
           "start_rate_households", "complete_rate_households", "invest_total")


class AlreadySubmitted(Conflict):
    """The month was submitted: it stays as it was sent."""


def template_national() -> ReportTemplate:
    """The built-in national template (one for every sub-district), created on first use."""
    columns = [{"group": g, "heading": REGISTRY[q].zh, "unit": REGISTRY[q].unit, "query": q} for g, q in NATIONAL_COLUMNS]
    found, _ = ReportTemplate.objects.get_or_create(subdistrict=None, key=NATIONAL, defaults={
        "name": "全国城镇老旧小区改造月报表（内置）", "columns": columns})
    return found


def check_columns(columns: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Columns as stored: each names a registered query; anything else is refused, naming the column."""
    if not columns:
        raise ValidationFailed("报表至少要有一列", "A report needs at least one column", field="columns")
    if len(columns) > MAX_COLUMNS:
        raise ValidationFailed(f"报表最多 {MAX_COLUMNS} 列", f"A report has at most {MAX_COLUMNS} columns", field="columns")
    clean = []
    for n, column in enumerate(columns, start=1):
        key = str(column.get("query", "")).strip()
        query = REGISTRY.get(key)
        if query is None:
            raise ValidationFailed(
                f"第 {n} 列“{column.get('heading', '')}”的数据项“{key}”不在可用数据项之列",
                f"Column {n} “{column.get('heading', '')}”: “{key}” is not a registered query", field="columns")
        heading = str(column.get("heading") or query.zh).strip()[:60]
        clean.append({"group": str(column.get("group") or "").strip()[:60], "heading": heading,
                      "unit": str(column.get("unit") if column.get("unit") is not None else query.unit).strip()[:12],
                      "query": key, **({"column": letter} if (letter := _letter(column.get("column"))) else {})})
    return clean


def _letter(value: object) -> str:
    """An xlsx column letter (A…ZZ) or ""."""
    text = str(value or "").strip().upper()
    return text if text.isascii() and text.isalpha() and len(text) <= 2 else ""


@transaction.atomic
def template_save(*, subdistrict: Subdistrict, name: str, columns: Sequence[Mapping[str, Any]], actor: Actor,
                  layout: bytes | None = None, header_rows: int = 0) -> ReportTemplate:
    """An office's own template (a new one, or the one of that name replaced), audited."""
    name = name.strip()[:120]
    if not name:
        raise ValidationFailed("请填写报表名称", "Give the report a name", field="name")
    clean = check_columns(columns)
    found = ReportTemplate.objects.filter(subdistrict=subdistrict, name=name).first()
    before = {"columns": found.columns} if found else None
    template = found or ReportTemplate(subdistrict=subdistrict, name=name)
    template.columns, template.layout, template.header_rows = clean, layout, header_rows
    template.created_by = actor.user
    template.save()
    audit.record(actor=actor, action="report_template_save", obj=template, before=before,
                 after={"name": name, "columns": clean, "from_xlsx": layout is not None}, subdistrict_id=subdistrict.pk)
    return template


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def check_month(year: object, month: object) -> tuple[int, int]:
    try:
        y, m = int(str(year)), int(str(month))
    except ValueError:
        y = m = 0
    if not (2000 <= y <= 2100 and 1 <= m <= 12):
        raise ValidationFailed(f"“{year}年{month}月”不是有效的月份", f"“{year}-{month}” is not a valid month", field="month")
    return y, m


def build(*, template: ReportTemplate, subdistrict: Subdistrict, year: int, month: int) -> dict[str, Any]:
    """The month's figures from today's data, as text, in the shape `ReportSubmission.figures` keeps."""
    as_of = month_end(year, month)
    rows = programme.report_rows(subdistrict_id=subdistrict.pk, year=year, as_of=as_of)
    columns = [{**c, "numeric": REGISTRY[c["query"]].numeric, "places": REGISTRY[c["query"]].places}
               for c in template.columns]
    queries = [REGISTRY[c["query"]] for c in template.columns]
    return {
        "title": f"{subdistrict.name}{year}年{month}月老旧小区改造统计月报表",
        "subdistrict": subdistrict.name, "template": template.name, "year": year, "month": month,
        "as_of": as_of.isoformat(), "columns": columns,
        "rows": [[str(n) if q.key == "seq" else cell(q, r) for q in queries] for n, r in enumerate(rows, start=1)],
        "totals": [total(q, rows) for q in queries],  # the 合计 label goes in the first text column on output
        "summary": {key: total(REGISTRY[key], rows) for key in SUMMARY},
    }


def submission_of(*, template: ReportTemplate, subdistrict: Subdistrict, year: int, month: int) -> ReportSubmission | None:
    return ReportSubmission.objects.filter(template=template, subdistrict=subdistrict, year=year, month=month).first()


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year, month - 1) if month > 1 else (year - 1, 12)


def figures(*, template: ReportTemplate, subdistrict: Subdistrict, year: int, month: int) -> dict[str, Any]:
    """The month as it was sent if it was submitted, else as of now (a draft); with its change against
    the previous month's submission (only a submitted month is compared against: what the district has)."""
    sent = submission_of(template=template, subdistrict=subdistrict, year=year, month=month)
    data = dict(sent.figures) if sent else build(template=template, subdistrict=subdistrict, year=year, month=month)
    data["submitted"] = _signed(sent) if sent else None
    before = submission_of(template=template, subdistrict=subdistrict, year=year, month=month - 1) if month > 1 else None
    data["previous"] = {"year": before.year, "month": before.month} if before else None
    data["changes"] = changes(data, before.figures) if before else []
    return data


def _signed(sent: ReportSubmission) -> dict[str, str]:
    return {"compiled_by": sent.compiled_by, "filled_by": sent.filled_by, "reviewed_by": sent.reviewed_by,
            "date": timezone.localtime(sent.submitted_at).date().isoformat()}


def changes(now: Mapping[str, Any], before: Mapping[str, Any]) -> list[dict[str, str]]:
    """Each summary figure now, in the frozen previous month, and the change (exact: both are decimal text)."""
    out = []
    for key in SUMMARY:
        a, b = now["summary"].get(key, ""), before.get("summary", {}).get(key, "")
        if a == "" or b == "":
            continue
        query = REGISTRY[key]
        delta = Decimal(a) - Decimal(b)
        out.append({"key": key, "heading": query.zh, "unit": query.unit, "places": query.places, "now": a, "before": b,
                    "change": f"{'+' if delta > 0 else ''}{delta}"})
    return out


@transaction.atomic
def submit(*, template: ReportTemplate, subdistrict: Subdistrict, year: int, month: int, compiled_by: str,
           filled_by: str, reviewed_by: str, actor: Actor, at: datetime.datetime | None = None) -> ReportSubmission:
    """报送 a month: freeze every figure as of now. A month is submitted once; the names are required.

    `at`: when it was sent (the demo's months were sent in 2021–2022); now by default."""
    year, month = check_month(year, month)
    names = {"compiled_by": (compiled_by, "编制单位", "compiling unit"), "filled_by": (filled_by, "填报人", "filled in by"),
             "reviewed_by": (reviewed_by, "审核人", "reviewed by")}
    for field, (value, zh, en) in names.items():
        if not str(value or "").strip():
            raise ValidationFailed(f"请填写{zh}", f"Give the {en}", field=field)
    if submission_of(template=template, subdistrict=subdistrict, year=year, month=month):
        raise AlreadySubmitted(f"{year}年{month}月的报表已经报送，不能再次报送或修改",
                               f"{year}-{month:02d} has been submitted already and cannot be submitted or changed again",
                               field="month")
    data = build(template=template, subdistrict=subdistrict, year=year, month=month)
    try:
        with transaction.atomic():
            sent = ReportSubmission.objects.create(
                subdistrict=subdistrict, template=template, year=year, month=month, figures=data,
                compiled_by=compiled_by.strip()[:120], filled_by=filled_by.strip()[:60],
                reviewed_by=reviewed_by.strip()[:60], submitted_by=actor.user, submitted_at=at or timezone.now())
    except IntegrityError as exc:  # a second submit of the same month racing this one
        raise AlreadySubmitted(f"{year}年{month}月的报表已经报送", f"{year}-{month:02d} has been submitted already",
                               field="month") from exc
    audit.record(actor=actor, action="report_submit", obj=sent, before=None,
                 after={"template": template.name, "month": f"{year}-{month:02d}", "summary": data["summary"]},
                 subdistrict_id=subdistrict.pk)
    return sent
