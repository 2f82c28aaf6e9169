"""The district's monthly report (统计报表) of the demo: the article's 2021 figures in the xlsx and the PDF."""

from __future__ import annotations

import subprocess
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from anju.core.audit import Actor
from anju.dashboard import demo, report_jobs, reports
from anju.dashboard.report_sheets import report_xlsx
from anju.core.exports import provenance_for
from anju.programme import demo as programme_demo
from anju.programme import services as programme_services
from anju.programme.models import Item, Project
from anju.roster import demo as roster_demo

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        sd = roster_demo.load_demo()
        programme_demo.load_demo(sd)
        demo.load_demo(sd)
        yield sd
        transaction.set_rollback(True)


def _xlsx(data) -> bytes:
    template = reports.template_national()
    return report_xlsx(template, data, provenance=provenance_for(actor=Actor.system("test"), title="t.xlsx"))


def _sheet_values(content: bytes) -> list[list]:
    sheet = load_workbook(BytesIO(content)).worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_december_2021_shows_the_articles_figures(demo_db):
    data = reports.figures(template=reports.template_national(), subdistrict=demo_db, year=2021, month=12)
    s = data["summary"]
    assert (s["compounds"], s["buildings"], s["households"], s["gross_area_wan"]) == ("10", "28", "1010", "14.91")
    assert (s["start_rate_compounds"], s["complete_rate_households"]) == ("100.0", "100.0")
    rows = _sheet_values(_xlsx(data))
    total = next(r for r in rows if r[0] == "合计")
    headings = rows[3]
    assert "户数（户）" in headings and "建筑面积（万㎡）" in headings
    assert total[headings.index("户数（户）")] == 1010
    assert total[headings.index("楼栋数（栋）")] == 28
    assert total[headings.index("建筑面积（万㎡）")] == Decimal("14.91") or float(total[headings.index("建筑面积（万㎡）")]) == 14.91


def test_the_pdf_carries_the_figures_and_the_sign_off(demo_db, tmp_path):
    data = reports.figures(template=reports.template_national(), subdistrict=demo_db, year=2021, month=12)
    pdf = report_jobs.report_pdf(data, demo_db)
    (tmp_path / "r.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    for expected in ("10 个", "28 栋楼", "1,010 户", "14.91 万㎡", "编制单位", "填报人：陈敏（演示）", "审核人：周立新（演示）",
                     "（盖章）"):
        assert expected in text, expected


def test_dump_for_eyes(demo_db):
    import os
    if not os.environ.get("DUMP"):
        return
    data = reports.figures(template=reports.template_national(), subdistrict=demo_db, year=2021, month=12)
    open("/tmp/rep/r.pdf", "wb").write(report_jobs.report_pdf(data, demo_db))
    open("/tmp/rep/r.xlsx", "wb").write(_xlsx(data))
    import json
    open("/tmp/rep/d.json", "w").write(json.dumps(data, ensure_ascii=False, indent=1))
