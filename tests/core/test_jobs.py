"""Long work runs in the task worker and reports progress; a failure says why and keeps the page alive."""

from __future__ import annotations

import pytest
from django.urls import reverse

from anju.core import jobs
from anju.core.audit import Actor
from anju.core.errors import ValidationFailed
from anju.core.models import Job, JobStatus

pytestmark = pytest.mark.django_db


@jobs.handler("tests.count")
def count(job: Job, progress: jobs.Progress) -> dict:
    total = job.params["n"]
    for i in range(total):
        progress(i + 1, total, f"第 {i + 1} 项")
    progress.output_path("count.txt").write_text(str(total), encoding="utf-8")
    return {"summary": f"数了 {total} 项"}


@jobs.handler("tests.refuse")
def refuse(job: Job, progress: jobs.Progress) -> dict:
    raise ValidationFailed("第 3 行楼层不存在", "Row 3: no such floor", field="floor")


def test_a_job_runs_in_the_worker_and_its_file_can_be_downloaded(client, world, staff_a, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_start(kind="tests.count", label="数数", actor=Actor.of(staff_a), params={"n": 5})
    assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED
    jobs.run_pending()
    job.refresh_from_db()
    assert (job.status, job.percent, job.result["summary"]) == (JobStatus.DONE, 100, "数了 5 项")
    client.force_login(staff_a)
    page = client.get(reverse("core:job", args=[job.pk])).content.decode()
    assert "数了 5 项" in page and 'hx-trigger="every' not in page  # finished: no more polling (the badge loads once)
    download = client.get(reverse("core:job_download", args=[job.pk]))
    assert b"".join(download.streaming_content) == b"5"


def test_a_failed_job_tells_the_user_why(world, staff_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_start(kind="tests.refuse", label="拒绝", actor=Actor.of(staff_a), params={})
    jobs.run_pending()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "第 3 行楼层不存在" in job.error and "Row 3" in job.error


def test_a_running_job_page_polls_for_progress(client, world, staff_a):
    job = Job.objects.create(kind="tests.count", label="数数", actor=staff_a, status=JobStatus.RUNNING, done=2, total=8)
    client.force_login(staff_a)
    page = client.get(reverse("core:job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and "25%" in page


def test_other_users_cannot_see_a_job(client, world, staff_a, staff_b):
    job = Job.objects.create(kind="tests.count", label="数数", actor=staff_a)
    client.force_login(staff_b)
    assert client.get(reverse("core:job", args=[job.pk])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_runs_a_queued_job(world, staff_a):
    from django.core.management import call_command

    job = jobs.job_start(kind="tests.count", label="数数", actor=Actor.of(staff_a), params={"n": 3})  # autocommit: queued now
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.result["summary"] == "数了 3 项"
