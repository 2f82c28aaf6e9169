"""Household statements (明白账): one household as a direct download, the whole unit as a background job."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from fontTools.ttLib import TTFont

from anju.core import jobs
from anju.core.models import Job, JobStatus
from anju.core.pdf import font_path
from anju.elevators import queries, services
from tests.factories import SYSTEM
from tests.printed import assert_official, give_phone

pytestmark = pytest.mark.django_db
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


@pytest.fixture
def plan_a(project_a):
    return services.plan_save(project=project_a, method="table:guangzhou-2025", scenario=queries.Scenario(),
                              reason="第一轮意见征求", actor=SYSTEM)


def text_of(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "s.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pages_of(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / "p.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


@needs_poppler
def test_one_households_statement_is_a_chinese_pdf_with_its_room_and_amount(client, plan_a, world, staff_a, tmp_path):
    give_phone(world.community_a)
    client.force_login(staff_a)
    share = next(s for s in plan_a.shares if s["room"] == "501")
    response = client.get(reverse("elevators:statement", args=[plan_a.pk, share["household"]]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    text = text_of(pdf, tmp_path)
    assert "3栋1单元501室" in text
    assert_official(text, issuer="甲社区居民委员会")
    from anju.domain.costshare import format_yuan

    assert format_yuan(share["amount"]) in text
    assert "加装电梯费用分摊明白账" in text and "业主签字" in text and "v1" in text
    assert "138****5678" in text and "13812345678" not in text  # the owner's phone, masked
    assert "系数" in text and "年" in text
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True).stdout.decode()
    embedded = [line.split()[0] for line in fonts.splitlines()[2:]]
    assert embedded and all("Anju-Print-SC" in name for name in embedded)  # the bundled CJK font, no fallback
    cmap = TTFont(str(font_path(400))).getBestCmap()
    assert not sorted({c for c in text if ord(c) > 32 and ord(c) not in cmap})  # no missing glyphs


def test_a_statement_of_another_community_is_a_404(client, plan_a, staff_b):
    client.force_login(staff_b)
    household = plan_a.shares[0]["household"]
    assert client.get(reverse("elevators:statement", args=[plan_a.pk, household])).status_code == 404


@needs_poppler
def test_the_whole_unit_is_one_pdf_with_a_page_per_household(client, plan_a, staff_a, settings, tmp_path,
                                                            django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("elevators:statements_job", args=[plan_a.pk]))
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("core:job", args=[job.pk])
    jobs.run_job.call(job.pk)  # what the worker does; db_worker --batch would close the PostgreSQL test connection
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert (job.done, job.total, job.result["pages"]) == (12, 12, 12)
    page = client.get(reverse("core:job", args=[job.pk])).content.decode()
    assert reverse("core:job_download", args=[job.pk]) in page
    pdf = b"".join(client.get(reverse("core:job_download", args=[job.pk])).streaming_content)
    assert pages_of(pdf, tmp_path) == len(plan_a.shares) == 12
    text = text_of(pdf, tmp_path)
    assert "3栋1单元101" in text and "3栋1单元602" in text
