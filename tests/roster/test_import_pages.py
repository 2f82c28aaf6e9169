"""The upload page: dry run as a job with every problem, then 确认导入; template and export downloads."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from anju.core import jobs
from anju.core.models import Job, JobStatus
from anju.domain.rostersheet import TEMPLATE
from anju.roster.models import Household
from tests.roster.test_import import roster_rows, snapshot, write_roster

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def run_queued() -> None:
    """Run queued jobs here; `run_queued()` (db_worker) closes the PostgreSQL test connection."""
    for pk in Job.objects.filter(status=JobStatus.QUEUED).order_by("pk").values_list("pk", flat=True):
        jobs.run_job.call(pk)


def upload(client, path, capture) -> Job:
    with capture(execute=True), path.open("rb") as handle:
        response = client.post(reverse("roster:transfer_upload"), {"file": handle})
    assert response.status_code == 302
    run_queued()
    job = Job.objects.filter(kind="roster.import").latest("created")
    assert response["Location"] == reverse("roster:transfer_job", args=[job.pk])
    return job


def test_a_clean_file_is_dry_run_then_confirmed(client, tmp_path, world, subdistrict_staff, settings,
                                                 django_capture_on_commit_callbacks):
    client.force_login(subdistrict_staff)
    assert "下载模板" in client.get(reverse("roster:transfer_upload")).content.decode()
    before = snapshot()
    dry = upload(client, write_roster(tmp_path / "r.csv", roster_rows(), encoding="gbk"),
                 django_capture_on_commit_callbacks)
    assert snapshot() == before
    dry.refresh_from_db()
    assert dry.status == JobStatus.DONE and dry.result["added"] == 3 and dry.result["applied"] is False
    page = client.get(reverse("roster:transfer_job", args=[dry.pk])).content.decode()
    assert "确认导入" in page and 'data-figure="added">3<' in page and 'hx-trigger="every' not in page  # no polling (the header badge loads once)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("roster:transfer_confirm", args=[dry.pk]))
    run_queued()
    applied = Job.objects.filter(kind="roster.import").latest("created")
    assert response["Location"] == reverse("roster:transfer_job", args=[applied.pk])
    applied.refresh_from_db()
    assert applied.result["applied"] is True
    assert not list((settings.MEDIA_ROOT / "roster-imports").iterdir())  # the upload is gone
    assert Household.objects.filter(compound=world.compound_a).count() == 3
    page = client.get(reverse("roster:transfer_job", args=[applied.pk])).content.decode()
    assert "导入完成" in page and "确认导入" not in page


def test_problems_are_listed_paged_and_downloadable_and_cannot_be_confirmed(
    client, tmp_path, world, subdistrict_staff, django_capture_on_commit_callbacks
):
    client.force_login(subdistrict_staff)
    rows = [["甲社区", "甲小区", "3", "1", "", f"{f}{r:02d}", "-1", "某", "", "", "", "", "", "", "", ""]
            for f in range(1, 7) for r in range(2, 14)]  # 72 rows, each with a bad area
    job = upload(client, write_roster(tmp_path / "bad.xlsx", rows), django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.result["problems"] == 72
    page = client.get(reverse("roster:transfer_job", args=[job.pk])).content.decode()
    assert "1 / 2" in page and "面积必须大于0" in page and "确认导入" not in page
    assert "面积必须大于0" in client.get(reverse("roster:transfer_job", args=[job.pk]) + "?page=2").content.decode()
    report = client.get(reverse("core:job_download", args=[job.pk]))
    book = load_workbook(io.BytesIO(b"".join(report.streaming_content)))
    assert book.sheetnames[0] == "问题清单"
    response = client.post(reverse("roster:transfer_confirm", args=[job.pk]))
    assert response.status_code >= 400


def test_community_staff_see_rows_of_other_communities_as_problems(
    client, tmp_path, world, staff_a, django_capture_on_commit_callbacks
):
    client.force_login(staff_a)
    job = upload(client, write_roster(tmp_path / "r.csv", roster_rows()), django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.result["problems"] == 1
    assert "本社区" in client.get(reverse("roster:transfer_job", args=[job.pk])).content.decode()


def test_other_users_cannot_see_an_import(client, tmp_path, world, staff_a, staff_b,
                                          django_capture_on_commit_callbacks):
    client.force_login(staff_a)
    job = upload(client, write_roster(tmp_path / "r.csv", roster_rows()[:1]), django_capture_on_commit_callbacks)
    client.force_login(staff_b)
    assert client.get(reverse("roster:transfer_job", args=[job.pk])).status_code == 404


def test_a_volunteer_cannot_upload(client, world, volunteer_a):
    client.force_login(volunteer_a)
    assert client.get(reverse("roster:transfer_upload")).status_code >= 400


def test_the_template_downloads(client, world, staff_a):
    client.force_login(staff_a)
    response = client.get(reverse("roster:transfer_template"))
    book = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book.worksheets[0][1]] == [c.header for c in TEMPLATE]
    assert len(book.sheetnames) == 2


def test_export_runs_as_a_job_and_offers_the_file(client, world, staff_a, django_capture_on_commit_callbacks):
    client.force_login(staff_a)
    page = client.get(reverse("roster:community", args=[world.community_a.pk])).content.decode()
    assert reverse("roster:transfer_export", args=["community", world.community_a.pk]) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("roster:transfer_export", args=["community", world.community_a.pk]))
    run_queued()
    job = Job.objects.get(kind="roster.export")
    assert response["Location"] == reverse("core:job", args=[job.pk])
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.result["households"] == 1
    download = client.get(reverse("core:job_download", args=[job.pk]))
    rows = list(load_workbook(io.BytesIO(b"".join(download.streaming_content))).worksheets[0].values)
    assert rows[1][:2] == ("甲社区", "甲小区")
    assert client.post(reverse("roster:transfer_export", args=["community", world.community_b.pk])).status_code == 404


def test_the_import_button_shows_for_staff_only(client, world, staff_a, volunteer_a):
    url = reverse("roster:compound", args=[world.compound_a.pk])
    client.force_login(staff_a)
    link = f'href="{reverse("roster:transfer_upload")}"'
    assert link in client.get(url).content.decode()
    client.force_login(volunteer_a)
    page = client.get(url).content.decode()
    assert link not in page
    assert reverse("roster:transfer_export", args=["compound", world.compound_a.pk]) in page


def test_a_dry_run_of_a_huge_file_warns_that_other_edits_will_pause(client, tmp_path, world, subdistrict_staff,
                                                                      django_capture_on_commit_callbacks):
    from django.db import connection

    from anju.roster.views_transfer import pause_minutes

    client.force_login(subdistrict_staff)
    dry = upload(client, write_roster(tmp_path / "r.csv", roster_rows()), django_capture_on_commit_callbacks)
    page = client.get(reverse("roster:transfer_job", args=[dry.pk])).content.decode()
    assert "确认导入" in page and 'data-testid="pause-notice"' not in page  # three rows: nothing to say
    dry.refresh_from_db()
    dry.result = dry.result | {"added": 990_000, "changed": 10_000}  # as a million-row file's dry run reads
    dry.save(update_fields=["result"])
    page = client.get(reverse("roster:transfer_job", args=[dry.pk])).content.decode()
    if connection.vendor == "sqlite":
        assert pause_minutes(dry.result) == 2  # 1,000,000 rows at 12,000 rows/s: 83 s, said as 2 minutes
        assert 'data-testid="pause-notice"' in page and "2 分钟" in page and "系统正忙" in page
    else:  # PostgreSQL writers do not wait for an import
        assert pause_minutes(dry.result) == 0 and 'data-testid="pause-notice"' not in page


@pytest.mark.django_db(transaction=True)  # the import really commits, then its announcement is heard
def test_a_failed_beneficiary_refresh_does_not_make_a_committed_import_look_failed(
        client, tmp_path, world, subdistrict_staff, failing_follower, django_capture_on_commit_callbacks):
    client.force_login(subdistrict_staff)
    dry = upload(client, write_roster(tmp_path / "r.csv", roster_rows()), django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("roster:transfer_confirm", args=[dry.pk]))
    run_queued()
    applied = Job.objects.filter(kind="roster.import").latest("created")
    assert applied.status == JobStatus.DONE and applied.result["applied"] is True
    assert applied.result["beneficiaries_stale"] is True
    assert Household.objects.filter(compound=world.compound_a).count() == 3
    page = client.get(reverse("roster:transfer_job", args=[applied.pk])).content.decode()
    assert "导入完成" in page and 'data-testid="beneficiaries-stale"' in page
