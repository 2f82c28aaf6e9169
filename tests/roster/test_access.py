"""The roster's one access module: a role that may only read is refused the import (403), and an
import job is its owner's alone (404 for anyone else, as for anything outside a scope)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from anju.core.models import Job
from anju.roster.jobs import IMPORT

pytestmark = pytest.mark.django_db


def test_a_volunteer_is_refused_the_import_page_as_forbidden_with_the_reason(client, volunteer_a):
    client.force_login(volunteer_a)
    response = client.get(reverse("roster:transfer_upload"))
    assert response.status_code == 403
    assert "只有街道和社区工作人员可以导入台账" in response.content.decode()


def test_another_users_import_job_is_not_found(client, staff_a, staff_b):
    job = Job.objects.create(kind=IMPORT, label="试导入 a.xlsx", actor=staff_a, params={"dry_run": True})
    client.force_login(staff_b)
    assert client.get(reverse("roster:transfer_job", args=[job.pk])).status_code == 404
    assert client.post(reverse("roster:transfer_confirm", args=[job.pk])).status_code == 404
