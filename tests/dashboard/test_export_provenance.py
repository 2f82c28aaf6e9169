"""The dashboard's and the progress sheet's xlsx say who made them, and the audit log keeps it."""

from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import load_workbook

from anju.core.models import AuditEvent
from anju.domain.sheets import ABOUT_SHEET


def about(data: bytes) -> tuple[dict[str, str], object]:
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[-1] == ABOUT_SHEET
    return {row[0]: row[1] for row in book[ABOUT_SHEET].iter_rows(values_only=True)}, book.properties


def test_a_dashboard_export_names_its_maker(client, subdistrict_staff, project_a, project_b):
    client.force_login(subdistrict_staff)
    response = client.get(reverse("dashboard:rows", args=["projects"]) + "?year=2021&format=xlsx")
    facts, properties = about(response.content)
    assert facts["导出人 Exported by"] == "jiedao" and facts["行数 Rows"] == "2" and "year=2021" in facts["筛选 Filter"]
    assert properties.creator == "jiedao"
    event = AuditEvent.objects.get(action="export")
    assert event.actor == subdistrict_staff and event.object_type == "roster.subdistrict"
    assert event.after["figure"] == "projects" and event.after["rows"] == 2


def test_the_progress_sheet_names_its_maker(client, subdistrict_staff, project_a):
    client.force_login(subdistrict_staff)
    response = client.get(reverse("programme:progress_template"))
    facts, properties = about(response.content)
    assert facts["导出人 Exported by"] == "jiedao" and properties.creator == "jiedao"
    assert AuditEvent.objects.get(action="export").actor == subdistrict_staff
