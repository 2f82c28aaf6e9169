"""Every export says who made it and when, in the file and (for a user) in the audit log."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from anju.core.models import AuditEvent, Job
from anju.domain.sheets import ABOUT_SHEET
from tests.roster.test_import import write_roster
from tests.roster.test_import_pages import run_queued, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def about(data: bytes) -> tuple[dict[str, str], object]:
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[-1] == ABOUT_SHEET
    return {row[0]: row[1] for row in book[ABOUT_SHEET].iter_rows(values_only=True)}, book.properties


def download(client, job: Job) -> bytes:
    return b"".join(client.get(reverse("core:job_download", args=[job.pk])).streaming_content)


def test_a_roster_export_names_its_maker_in_the_file_and_the_audit_log(client, world, staff_a,
                                                                       django_capture_on_commit_callbacks):
    client.force_login(staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("roster:transfer_export", args=["community", world.community_a.pk]))
    run_queued()
    job = Job.objects.get(kind="roster.export")
    facts, properties = about(download(client, job))
    assert facts["导出人 Exported by"] == "staff_a" and facts["范围 Scope"] == "甲社区"
    assert facts["户数 Households"] == "1" and facts["导出时间 Exported at"].startswith("20")
    assert properties.creator == "staff_a" and properties.created is not None
    event = AuditEvent.objects.get(action="export")
    assert event.actor == staff_a and event.object_type == "roster.community"
    assert event.object_id == str(world.community_a.pk) and event.after["households"] == 1
    assert event.subdistrict_id == world.subdistrict.pk


def test_a_problem_report_names_whose_upload_it_describes(client, tmp_path, world, subdistrict_staff,
                                                          django_capture_on_commit_callbacks):
    client.force_login(subdistrict_staff)
    rows = [["甲社区", "甲小区", "3", "1", "", "201", "-1", "某", "", "", "", "", "", "", "", ""]]
    job = upload(client, write_roster(tmp_path / "bad.csv", rows), django_capture_on_commit_callbacks)
    facts, properties = about(download(client, job))
    assert facts["导出人 Exported by"] == "jiedao" and facts["文件 File"] == "bad.csv" and facts["问题 Problems"] == "1"
    assert properties.creator == "jiedao"
    event = AuditEvent.objects.get(action="export")
    assert event.actor == subdistrict_staff and event.object_type == "core.job" and event.object_id == str(job.pk)


def test_the_command_line_export_says_who_ran_it(tmp_path, world, staff_a):
    by_operator, by_user = tmp_path / "operator.xlsx", tmp_path / "user.xlsx"
    call_command("export_roster", "--scope", "compound", "--id", str(world.compound_a.pk), "--out", str(by_operator),
                 stdout=io.StringIO(), stderr=io.StringIO())
    facts, _ = about(by_operator.read_bytes())
    assert facts["导出人 Exported by"] == "anju command line"
    assert not AuditEvent.objects.filter(action="export").exists()  # no user: said in the file only
    call_command("export_roster", "--scope", "compound", "--id", str(world.compound_a.pk), "--out", str(by_user),
                 "--user", "staff_a", stdout=io.StringIO(), stderr=io.StringIO())
    facts, _ = about(by_user.read_bytes())
    assert facts["导出人 Exported by"] == "staff_a"
    assert AuditEvent.objects.get(action="export").actor == staff_a


def test_the_command_line_problem_report_says_who_ran_it(tmp_path, world, staff_a):
    rows = [["甲社区", "甲小区", "3", "1", "", "201", "-1", "某", "", "", "", "", "", "", "", ""]]
    report = tmp_path / "report.xlsx"
    with pytest.raises(SystemExit):
        call_command("import_roster", str(write_roster(tmp_path / "bad.csv", rows)), "--user", "staff_a",
                     "--report", str(report), stdout=io.StringIO(), stderr=io.StringIO())
    facts, _ = about(report.read_bytes())
    assert facts["导出人 Exported by"] == "staff_a" and facts["文件 File"] == "bad.csv"
    assert AuditEvent.objects.get(action="export").actor == staff_a
