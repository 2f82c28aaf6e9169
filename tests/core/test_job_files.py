"""Job files hold personal data: only the job's owner downloads them, and they are deleted after the retention period."""

from __future__ import annotations

import os
import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from anju.core import jobs, limits
from anju.core.audit import Actor
from anju.core.models import Job, JobStatus
from tests.core.test_jobs import count  # noqa: F401 - registers the tests.count job kind

pytestmark = pytest.mark.django_db
LETTERS = "consultations.letters"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ANJU_JOB_FILE_DAYS = 7


def finished_job(user, settings, *, kind: str = "tests.count", days_ago: float = 0, name: str = "count.txt") -> Job:
    """A done job of `user` with a file, as if it had finished `days_ago` days ago."""
    job = Job.objects.create(kind=kind, label=name, actor=user, status=JobStatus.DONE,
                             finished=timezone.now() - timedelta(days=days_ago))
    path = settings.MEDIA_ROOT / "jobs" / str(job.pk) / name
    path.parent.mkdir(parents=True)
    path.write_bytes(b"%PDF personal data")
    (path.parent / "problems.json").write_text("[]")
    Job.objects.filter(pk=job.pk).update(output=f"jobs/{job.pk}/{name}", output_name=name)
    job.refresh_from_db()
    return job


def age(path, days: float) -> None:
    then = time.time() - days * 86400
    os.utime(path, (then, then))


def test_a_file_older_than_the_retention_period_is_deleted_and_the_page_says_it_expired(client, world, staff_a, settings):
    old = finished_job(staff_a, settings, days_ago=8)
    recent = finished_job(staff_a, settings, days_ago=6)
    call_command("purge_files", stdout=open(os.devnull, "w"))
    assert not (settings.MEDIA_ROOT / "jobs" / str(old.pk)).exists()  # the file and its side files
    assert (settings.MEDIA_ROOT / recent.output).exists()
    client.force_login(staff_a)
    page = client.get(reverse("core:job", args=[old.pk])).content.decode()
    assert 'data-testid="output-expired"' in page and "7 天" in page and "core:job_download" not in page
    gone = client.get(reverse("core:job_download", args=[old.pk]))
    assert gone.status_code == 410 and "保留期满后删除" in gone.content.decode()
    page = client.get(reverse("core:job", args=[recent.pk])).content.decode()
    assert 'data-testid="output-expires"' in page and reverse("core:job_download", args=[recent.pk]) in page


def test_the_retention_period_is_a_setting(world, staff_a, settings):
    settings.ANJU_JOB_FILE_DAYS = 1
    job = finished_job(staff_a, settings, days_ago=2)
    call_command("purge_files", stdout=open(os.devnull, "w"))
    job.refresh_from_db()
    assert job.output == "" and job.output_expired


def test_folders_without_a_finished_job_and_waiting_uploads_go_by_their_age(world, staff_a, settings):
    orphan = settings.MEDIA_ROOT / "jobs" / "999999"  # a job deleted, or killed before it finished
    orphan.mkdir(parents=True)
    (orphan / "partial.xlsx").write_bytes(b"x")
    upload = settings.MEDIA_ROOT / "roster-imports" / "abc123"
    upload.mkdir(parents=True)
    (upload / "upload.csv").write_text("姓名,身份证号\n")
    fresh_upload = settings.MEDIA_ROOT / "roster-imports" / "def456"
    fresh_upload.mkdir(parents=True)
    age(orphan, 8)
    age(upload, 8)
    call_command("purge_files", stdout=open(os.devnull, "w"))
    assert not orphan.exists() and not upload.exists() and fresh_upload.exists()


@pytest.mark.parametrize("kind", ["tests.count", LETTERS])
def test_only_the_user_who_started_the_job_may_download_its_file(client, world, staff_a, staff_b, subdistrict_staff, kind, settings):
    job = finished_job(staff_a, settings, kind=kind, name="表决告知书.pdf")
    url = reverse("core:job_download", args=[job.pk])
    admin = get_user_model().objects.create_superuser("root", password="x" * 16)
    for other in (admin, subdistrict_staff, staff_b):
        client.force_login(other)
        assert client.get(url).status_code == 404, other.username
    client.force_login(admin)  # a superuser still sees that the job exists, without the link
    page = client.get(reverse("core:job", args=[job.pk])).content.decode()
    assert page.count(url) == 0
    client.force_login(staff_a)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF personal data"


def test_a_job_left_running_by_a_killed_worker_reads_as_interrupted(client, world, staff_a, settings):
    settings.ANJU_JOB_TIME_LIMIT = 60
    stuck = Job.objects.create(kind="tests.count", label="数数", actor=staff_a, status=JobStatus.RUNNING,
                               started=timezone.now() - timedelta(minutes=5))
    running = Job.objects.create(kind="tests.count", label="数数", actor=staff_a, status=JobStatus.RUNNING,
                                 started=timezone.now())
    client.force_login(staff_a)
    page = client.get(reverse("core:job", args=[stuck.pk])).content.decode()
    assert "任务被中断" in page and "interrupted" in page and 'hx-trigger="every' not in page
    assert Job.objects.get(pk=running.pk).status == JobStatus.RUNNING
    assert Job.objects.get(pk=stuck.pk).error == limits.INTERRUPTED


def test_a_job_run_in_process_has_its_file_until_it_expires(client, world, staff_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_start(kind="tests.count", label="数数", actor=Actor.of(staff_a), params={"n": 2})
    jobs.run_pending()
    client.force_login(staff_a)
    page = client.get(reverse("core:job", args=[job.pk])).content.decode()
    assert "只有您能下载" in page
