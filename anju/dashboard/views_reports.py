"""统计报表: the month's figures on a page, the xlsx and signed-off PDF as background jobs, submitting
(freezing) a month, and an office's own xlsx layout read into a template."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from anju.core import jobs as jobs_core
from anju.core.access import Action
from anju.core.audit import Actor
from anju.core.bounds import parse_id
from anju.core.errors import ValidationFailed
from anju.core.exports import maker
from anju.dashboard import report_jobs, reports
from anju.dashboard.access import access_template, require_reports, templates_for
from anju.dashboard.models import ReportSubmission
from anju.dashboard.report_queries import REGISTRY
from anju.dashboard.report_sheets import layout_columns, read_layout


def _month(request: HttpRequest, source) -> tuple[int, int]:
    today = timezone.localdate()
    last = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return reports.check_month(source.get("year") or last[0], source.get("month") or last[1])


def _template(request: HttpRequest, source, action: Action):
    pk = parse_id(source.get("template"))
    if pk is None:
        return require_reports(request.user, action=action), reports.template_national()
    return access_template(request.user, pk, action=action)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The month's report as a table (the submitted copy if it was sent), with export and submit."""
    reports.template_national()  # created on first use, so it is in the list
    subdistrict, template = _template(request, request.GET, Action.VIEW)
    year, month = _month(request, request.GET)
    data = reports.figures(template=template, subdistrict=subdistrict, year=year, month=month)
    first_text = next((i for i, c in enumerate(data["columns"]) if not c["numeric"]), None)
    return render(request, "dashboard/reports.html", {
        "data": data, "template": template, "templates": templates_for(subdistrict),
        "year": year, "month": month, "months": range(1, 13),
        "formats": (("xlsx", _("导出 Excel（xlsx）")), ("pdf", _("导出签章 PDF"))),
        "totals": [("合计" if i == first_text else t, c) for i, (t, c) in enumerate(zip(data["totals"], data["columns"],
                                                                                        strict=True))],
        "rows": [list(zip(row, data["columns"], strict=True)) for row in data["rows"]],
        "compiled_by": subdistrict.issuer, "filled_by": maker(Actor.of(request.user)),
        "sent": ReportSubmission.objects.filter(subdistrict=subdistrict, template=template).order_by("-year", "-month")[:24],
    })


@login_required
@require_POST
def export(request: HttpRequest) -> HttpResponse:
    """The month as xlsx (the template's layout) or the signed-off PDF, made by a background job."""
    subdistrict, template = _template(request, request.POST, Action.EDIT)
    year, month = _month(request, request.POST)
    fmt = request.POST.get("format", "")
    if fmt not in report_jobs.FORMATS:
        raise ValidationFailed("请选择 xlsx 或 pdf", "Choose xlsx or pdf", field="format")
    job = jobs_core.job_start(kind=report_jobs.EXPORT, label=f"{year}年{month}月改造月报（{fmt}）", actor=Actor.of(request.user),
                              params={"subdistrict_id": subdistrict.pk, "template_id": template.pk, "year": year,
                                      "month": month, "format": fmt}, subdistrict_id=subdistrict.pk)
    return redirect("core:job", job.pk)


@login_required
@require_POST
def submit(request: HttpRequest) -> HttpResponse:
    """报送 the month: every figure frozen as of now; a month already sent is a 409 saying so."""
    subdistrict, template = _template(request, request.POST, Action.EDIT)
    year, month = _month(request, request.POST)
    reports.submit(template=template, subdistrict=subdistrict, year=year, month=month,
                   compiled_by=request.POST.get("compiled_by", "")[:120], filled_by=request.POST.get("filled_by", "")[:60],
                   reviewed_by=request.POST.get("reviewed_by", "")[:60], actor=Actor.of(request.user))
    messages.success(request, _("已报送，本月数据已冻结"))
    return redirect(f"{reverse('dashboard:reports')}?{urlencode({'template': template.pk, 'year': year, 'month': month})}")


@login_required
def template_upload(request: HttpRequest) -> HttpResponse:
    """An office's own layout from its xlsx: each heading matched to a registered query (or chosen)."""
    subdistrict = require_reports(request.user, action=Action.EDIT if request.method == "POST" else Action.VIEW)
    context: dict = {"queries": list(REGISTRY.values()), "columns": [], "error": ""}
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationFailed("请选择 xlsx 文件", "Choose an xlsx file", field="file")
            data = upload.read()
            mapping = {k[4:]: v for k, v in request.POST.items() if k.startswith("map_")}
            try:
                columns, header_rows = read_layout(data, mapping)
            except ValidationFailed:
                context["columns"] = layout_columns(data)
                raise
            template = reports.template_save(subdistrict=subdistrict, name=request.POST.get("name", ""), columns=columns,
                                             layout=data, header_rows=header_rows, actor=Actor.of(request.user))
        except ValidationFailed as exc:
            context["error"] = exc.message(get_language())
            context["name"] = request.POST.get("name", "")
            return render(request, "dashboard/report_template.html", context, status=400)
        messages.success(request, _("报表模板已保存"))
        return redirect(f"{reverse('dashboard:reports')}?{urlencode({'template': template.pk})}")
    return render(request, "dashboard/report_template.html", context)
