"""The district's monthly report (统计报表) of the demo: the article's 2021 figures (10 compounds, 28
buildings, 1,010 households, 14.91 万㎡) in the xlsx and the signed-off PDF, frozen once submitted."""

from __future__ import annotations

import json
import subprocess
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from anju.core import jobs
from anju.core.audit import Actor
from anju.core.models import Job, JobStatus
from anju.dashboard import demo, reports
from anju.dashboard.models import ReportSubmission
from anju.programme import demo as programme_demo
from anju.programme import services as programme_services
from anju.programme.models import Item, ItemKind
from anju.roster import demo as roster_demo

pytestmark = pytest.mark.django_db
ARTICLE = {"compounds": "10", "buildings": "28", "households": "1010", "gross_area_wan": "14.91"}


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        sd = roster_demo.load_demo()
        programme_demo.load_demo(sd)
        demo.load_demo(sd)
        yield sd
        transaction.set_rollback(True)


@pytest.fixture
def office(client, demo_db):
    client.force_login(get_user_model().objects.get(username="jiedao"))  # the demo's sub-district staff
    return client


def _export(client, settings, tmp_path, capture, fmt: str, **params) -> bytes:
    """Export through the page, run the job as the worker does, download the file."""
    settings.MEDIA_ROOT = tmp_path
    with capture(execute=True):
        response = client.post(reverse("dashboard:reports_export"), {"format": fmt, **params})
    job = Job.objects.latest("pk")
    assert response.status_code == 302 and response.url == reverse("core:job", args=[job.pk])
    jobs.run_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    return b"".join(client.get(reverse("core:job_download", args=[job.pk])).streaming_content)


def _rows(content: bytes) -> list[list]:
    return [list(r) for r in load_workbook(BytesIO(content)).worksheets[0].iter_rows(values_only=True)]


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_december_2021_xlsx_opens_with_the_articles_figures(office, settings, tmp_path,
                                                                django_capture_on_commit_callbacks):
    content = _export(office, settings, tmp_path, django_capture_on_commit_callbacks, "xlsx", year=2021, month=12)
    book = load_workbook(BytesIO(content))
    sheet = book.worksheets[0]
    rows = _rows(content)
    assert rows[0][0] == "南庄坪街道2021年12月老旧小区改造统计月报表"
    headings = list(rows[3])
    for merged in ("C3:E3", "H3:M3", "N3:S3", "T3:V3", "W3:AC3", "A3:A4"):  # group headings over their columns
        assert merged in {str(r) for r in sheet.merged_cells.ranges}, merged
    assert (rows[2][2], rows[2][7], rows[2][13], rows[2][19]) == ("基本情况", "基础类", "完善类", "提升类")
    total = next(r for r in rows if r[0] == "合计")
    data_rows = rows[4:rows.index(total)]
    assert len(data_rows) == 10
    assert total[headings.index("楼栋数（栋）")] == 28
    assert total[headings.index("户数（户）")] == 1010
    assert Decimal(str(total[headings.index("建筑面积（万㎡）")])) == Decimal("14.91")
    assert sum(r[headings.index("户数（户）")] for r in data_rows) == 1010
    sign = next(r[0] for r in rows if r[0] and str(r[0]).startswith("编制单位"))
    assert "填报人：陈敏（演示）" in sign and "审核人：周立新（演示）" in sign and "报送日期：2022-01-05" in sign


def test_the_signed_off_pdf_carries_the_figures_the_names_and_the_seal(office, settings, tmp_path,
                                                                       django_capture_on_commit_callbacks):
    content = _export(office, settings, tmp_path, django_capture_on_commit_callbacks, "pdf", year=2021, month=12)
    assert content.startswith(b"%PDF")
    text = _pdf_text(content, tmp_path)
    for expected in ("计划改造老旧小区 10 个", "28 栋楼", "1,010 户", "14.91 万㎡", "完工率 100.0%（按小区）",
                     "编制单位：南庄坪街道办事处", "填报人：陈敏（演示）", "审核人：周立新（演示）", "报送日期：2022-01-05",
                     "（盖章）", "2022年1月5日"):
        assert expected in text, expected
    assert "较2021年11月（已报送）变化" in text  # December shows its change against the frozen November


def test_next_month_shows_the_change_against_the_frozen_one(office):
    response = office.get(reverse("api:month_figures", kwargs={"year": 2021, "month": 12}))
    data = response.json()
    assert {k: data["summary"][k] for k in ARTICLE} == ARTICLE
    changes = {c["key"]: (c["before"], c["now"], c["change"]) for c in data["changes"]}
    assert changes["completed_compounds"] == ("0", "10", "+10")
    assert changes["complete_rate_households"] == ("0.0", "100.0", "+100.0")
    assert changes["households"] == ("1010", "1010", "0")
    november = office.get(reverse("api:month_figures", kwargs={"year": 2021, "month": 11})).json()
    assert november["summary"]["start_rate_compounds"] == "100.0" and november["summary"]["completed_compounds"] == "0"


def test_a_submitted_month_stays_as_it_was_sent(office, demo_db):
    before = office.get(reverse("api:month_figures", kwargs={"year": 2021, "month": 12})).json()
    item = Item.objects.filter(project__year=2021, kind=ItemKind.GAS).order_by("id").first()
    programme_services.item_results_set(item=item, values={"gas_pipe_km": "99.000"}, actor=Actor.system("test"))
    after = office.get(reverse("api:month_figures", kwargs={"year": 2021, "month": 12})).json()
    assert after == before  # frozen: the re-download reproduces what was sent
    draft = reports.build(template=reports.template_national(), subdistrict=demo_db, year=2021, month=12)
    assert draft["totals"] != before["totals"]  # while the live figures moved


def test_submitting_a_month_twice_is_refused_in_words(office):
    body = {"compiled_by": "南庄坪街道办事处", "filled_by": "甲", "reviewed_by": "乙"}
    response = office.post(reverse("api:month_submit", kwargs={"year": 2021, "month": 12}), json.dumps(body),
                           content_type="application/json")
    assert response.status_code == 409
    assert "2021年12月的报表已经报送" in response.json()["detail"]
    page = office.post(reverse("dashboard:reports_submit"), {"year": 2021, "month": 12, **body})
    assert page.status_code == 409 and "已经报送" in page.content.decode()
    assert ReportSubmission.objects.filter(year=2021, month=12).count() == 1


def test_submitting_freezes_a_new_month_once(office):
    body = {"compiled_by": "南庄坪街道办事处", "filled_by": "甲", "reviewed_by": ""}
    missing = office.post(reverse("dashboard:reports_submit"), {"year": 2022, "month": 1, **body})
    assert missing.status_code == 400 and "请填写审核人" in missing.content.decode()
    body["reviewed_by"] = "乙"
    assert office.post(reverse("dashboard:reports_submit"), {"year": 2022, "month": 1, **body}).status_code == 302
    sent = ReportSubmission.objects.get(year=2022, month=1)
    assert (sent.filled_by, sent.reviewed_by) == ("甲", "乙")
    page = office.get(reverse("dashboard:reports"), {"year": 2022, "month": 1}).content.decode()
    assert "已于" in page and "报送" in page


def test_a_template_naming_an_unknown_query_is_a_400(office):
    body = {"name": "区里的表", "columns": [{"heading": "户数", "query": "households"},
                                           {"heading": "随便", "query": "__import__('os')"}]}
    response = office.post(reverse("api:template_save"), json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert "第 2 列“随便”的数据项“__import__('os')”不在可用数据项之列" in response.json()["detail"]
    body["columns"].pop()
    saved = office.post(reverse("api:template_save"), json.dumps(body), content_type="application/json")
    assert saved.status_code == 201 and saved.json()["columns"][0]["unit"] == "户"


def _office_layout(extra: str | None = None) -> bytes:
    """A district's blank form: title, merged group headings, headings with units in brackets."""
    book = Workbook()
    sheet = book.active
    sheet["A1"] = "十堰市张湾区老旧小区改造月报表"
    sheet.merge_cells("A1:F1")
    sheet["A2"], sheet["B2"], sheet["C2"], sheet["E2"] = "序号", "小区", "规模", "投资（万元）"
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("B2:B3")
    sheet.merge_cells("C2:D2")
    sheet.merge_cells("E2:F2")
    sheet["C3"], sheet["D3"], sheet["E3"], sheet["F3"] = "户数（户）", "建筑面积（万㎡）", "中央补助资金", "投资合计"
    if extra:  # a heading in the group row, not merged down: still the column's heading
        sheet["G2"] = extra
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_offices_layout_is_read_and_exported_in_its_own_shape(office, settings, tmp_path,
                                                                 django_capture_on_commit_callbacks):
    refused = office.post(reverse("dashboard:reports_template_upload"),
                          {"name": "张湾区月报", "file": _named(_office_layout("燃气表数（只）"))})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "以下列对应不到数据项" in page and "G 列“燃气表数（只）”" in page and 'name="map_G"' in page
    saved = office.post(reverse("dashboard:reports_template_upload"),
                        {"name": "张湾区月报", "file": _named(_office_layout("燃气表数（只）")), "map_G": "gas_pipe_km"})
    assert saved.status_code == 302, saved.content.decode()[-3000:]
    template = reports.ReportTemplate.objects.get(name="张湾区月报")
    assert [c["query"] for c in template.columns] == ["seq", "compound", "households", "gross_area_wan",
                                                      "invest_central", "invest_total", "gas_pipe_km"]
    assert template.header_rows == 3
    content = _export(office, settings, tmp_path, django_capture_on_commit_callbacks, "xlsx",
                      template=template.pk, year=2021, month=12)
    sheet = load_workbook(BytesIO(content)).worksheets[0]
    assert sheet["A1"].value == "十堰市张湾区老旧小区改造月报表" and sheet["C3"].value == "户数（户）"
    assert {"A1:F1", "C2:D2", "E2:F2"} <= {str(r) for r in sheet.merged_cells.ranges}
    assert (sheet["A4"].value, sheet["A13"].value) == ("1", "10")
    assert sheet["A14"].value == "合计" and sheet["C14"].value == 1010 and Decimal(str(sheet["D14"].value)) == Decimal("14.91")


def test_a_file_that_is_not_xlsx_is_a_400(office):
    response = office.post(reverse("dashboard:reports_template_upload"), {"name": "x", "file": _named(b"not a sheet")})
    assert response.status_code == 400 and "无法读取该文件" in response.content.decode()


def test_community_staff_are_told_reports_are_the_subdistricts(client, demo_db):
    client.force_login(get_user_model().objects.filter(anju_profile__community__isnull=False).order_by("id").first())
    response = client.get(reverse("dashboard:reports"))
    assert response.status_code == 403 and "统计报表由街道工作人员编制和报送" in response.content.decode()


def _named(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("layout.xlsx", data)
