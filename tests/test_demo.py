"""The whole demo as `anju demo` loads it: an office's state today, the same on every run."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import transaction

from anju.consultations.models import Consultation, Status
from anju.core.models import AuditEvent
from anju.participation.models import Notice
from anju.programme.models import Stage

pytestmark = pytest.mark.django_db


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", "--no-assets", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    # Loaded once for the module inside a transaction that is rolled back at the end, so nothing leaks.
    with django_db_blocker.unblock(), transaction.atomic():
        yield run_demo()
        transaction.set_rollback(True)


def test_jindunyuan_closed_vote_has_its_result_notice_published(demo_db):
    c = Consultation.objects.get(compound__name="金盾苑")
    assert c.status == Status.CLOSED
    notice = Notice.objects.get(compound=c.compound, title__contains="表决结果公示")
    assert notice.is_published and notice.building_id == c.building_id
    # Posted the morning after the vote closed, naming the figures and where to check them.
    assert c.closed_at < notice.published_at and (notice.published_at - c.closed_at).days < 2
    assert "表决通过" in notice.body_html and f"/consultations/public/{c.pk}/" in notice.body_html


def test_running_the_demo_twice_changes_nothing(demo_db):
    assert "demo data loaded" in demo_db
    before = [m.objects.count() for m in (Consultation, Notice, Stage, AuditEvent)]
    again = run_demo()
    assert "already loaded" in again
    assert [m.objects.count() for m in (Consultation, Notice, Stage, AuditEvent)] == before
