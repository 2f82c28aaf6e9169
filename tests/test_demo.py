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


def test_stewardship_after_the_works_reads_as_the_article_says(demo_db):
    from django.utils import timezone

    from anju.core.scoping import Scope
    from anju.roster.demo import PROGRAMME_2020
    from anju.roster.models import Subdistrict
    from anju.stewardship import queries
    from anju.stewardship.models import Management, Mode

    sd = Subdistrict.objects.get(name="南庄坪街道")
    scope = Scope(everything=False, subdistrict_id=sd.pk, can_edit=True, sees_personal_data=True)
    open_2020 = Management.objects.filter(compound__name__in=PROGRAMME_2020, until__isnull=True).exclude(mode=Mode.NONE)
    assert open_2020.count() == len(PROGRAMME_2020) - 1  # 物业管理全覆盖 under way: most, not all
    assert "茂隆新村" in [r.compound.name for r in queries.unmanaged(scope)]
    assert Management.objects.get(compound__name="旺角家园", until__isnull=True).mode == Mode.EMERGENCY
    today = timezone.localdate()
    assert queries.contracts_ending(scope, today).count() == 1
    assert len(queries.unfiled_contracts(scope, queries.rules_for(sd.pk), today)) == 1
    total, rows = queries.coverage(scope)
    assert total.managed_compounds == len(PROGRAMME_2020)  # eight 2020 compounds and 旺角家园
    assert sum(r.managed_households for _, _, r in rows) == total.managed_households


def test_the_committees_of_the_demo_read_as_the_issue_says(demo_db):
    from django.utils import timezone

    from anju.core.scoping import Scope
    from anju.roster.models import Subdistrict
    from anju.stewardship import queries
    from anju.stewardship.models import Committee, EmergencyCase

    sd = Subdistrict.objects.get(name="南庄坪街道")
    scope = Scope(everything=False, subdistrict_id=sd.pk, can_edit=True, sees_personal_data=True)
    today = timezone.localdate()
    shiji = Committee.objects.get(compound__name="世纪花园", ended_on__isnull=True)
    # Elected in 2021 at the end of its formation case, which reads to the filing.
    assert shiji.elected_on.year == 2021 and shiji.case is not None and shiji.case.closed
    assert shiji.case.filed_on == shiji.filed_on and shiji.filed_on is not None
    view = queries.committee_view(shiji, queries.rules_for(sd.pk), today)
    assert len(view.serving) == 7 and view.party_members >= 1 and shiji.changes.get().filed_on
    assert queries.party_link_of(shiji.compound).organisation.name == "世纪花园小区党支部"
    lists = queries.stewardship_lists(scope, queries.rules_for, today)
    assert [r.compound.name for r in lists["interim"]] == ["旺角家园"]
    assert [r.compound.name for r in lists["emergency"]] == ["旺角家园"]
    assert "金盾苑" in [r.compound.name for r in lists["overdue"]]
    assert EmergencyCase.objects.get(compound__name="旺角家园").successor is None
