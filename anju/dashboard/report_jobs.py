"""The monthly report's files, made in the background (like every export): xlsx and signed-off PDF."""

from __future__ import annotations

import datetime
from typing import Any

from anju.core import jobs
from anju.core.audit import Actor
from anju.core.exports import export_made, provenance_for
from anju.core.models import Job
from anju.core.pdf import issuing_unit, render_pdf
from anju.dashboard import reports
from anju.dashboard.models import ReportTemplate
from anju.dashboard.report_sheets import heading_text, report_xlsx
from anju.roster.models import Subdistrict

EXPORT = "dashboard.monthly_report"
FORMATS = ("xlsx", "pdf")


def file_name(data: dict[str, Any], fmt: str) -> str:
    state = "" if data.get("submitted") else "（草稿）"
    return f"{data['subdistrict']}{data['year']}年{data['month']:02d}月改造月报{state}.{fmt}"


def report_pdf(data: dict[str, Any], subdistrict: Subdistrict) -> bytes:
    """The month as an A4 landscape PDF with 编制单位, 填报人, 审核人, the date and the seal."""
    columns = data["columns"]
    groups: list[dict[str, Any]] = []
    for column in columns:
        if groups and column["group"] and groups[-1]["name"] == column["group"]:
            groups[-1]["span"] += 1
        else:
            groups.append({"name": column["group"], "span": 1, "heading": heading_text(column)})
    first_text = next((i for i, c in enumerate(columns) if not c["numeric"]), None)
    totals = ["合计" if i == first_text else t for i, t in enumerate(data["totals"])]
    signed = data.get("submitted")
    return render_pdf("dashboard/print/monthly.html", {
        "data": data, "groups": groups, "two_rows": any(c["group"] for c in columns),
        "columns": [{**c, "text": heading_text(c)} for c in columns], "totals": list(zip(totals, columns, strict=True)),
        "signed": signed, "as_of": _long_date(data["as_of"]),
        "cells": [list(zip(row, columns, strict=True)) for row in data["rows"]],
        **issuing_unit(subdistrict, issued=None if signed is None else datetime.date.fromisoformat(signed["date"])),
    })


def _long_date(iso: str) -> str:
    day = datetime.date.fromisoformat(iso)
    return f"{day.year}年{day.month}月{day.day}日"


@jobs.handler(EXPORT)
def monthly_report(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    params = job.params
    subdistrict = Subdistrict.objects.get(pk=params["subdistrict_id"])
    template = ReportTemplate.objects.get(pk=params["template_id"])
    progress(0, 1, "正在汇总数据", force=True)
    data = reports.figures(template=template, subdistrict=subdistrict, year=params["year"], month=params["month"])
    actor = Actor.of(job.actor) if job.actor else Actor.system("report")
    name = file_name(data, params["format"])
    provenance = provenance_for(actor=actor, title=name, details={
        "报表 Template": template.name, "月份 Month": f"{data['year']}-{data['month']:02d}",
        "状态 State": "已报送 submitted" if data.get("submitted") else "草稿 draft"})
    content = report_xlsx(template, data, provenance=provenance) if params["format"] == "xlsx" else report_pdf(data, subdistrict)
    progress.output_path(name).write_bytes(content)
    export_made(actor=actor, provenance=provenance, obj=template, subdistrict_id=subdistrict.pk,
                facts={"month": f"{data['year']}-{data['month']:02d}", "submitted": bool(data.get("submitted"))})
    progress(1, 1, "已完成", force=True)
    s = data["summary"]
    return {"summary": f"{s['compounds']} 个小区，{s['households']} 户 / {s['compounds']} compounds, {s['households']} households"}
