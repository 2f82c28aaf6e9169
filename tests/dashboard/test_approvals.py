"""A question blocked by an owner whose flats voted differently is pending on the dashboard, not failed:
it links to the page where staff settle it, and it counts neither as passed nor as failed. An open vote
is 进行中 with its live figures: only a closed (or past its closing time) vote has passed or failed."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from anju.consultations import services
from anju.consultations.models import Channel
from anju.consultations.queries import ApprovalRate
from anju.core.audit import Actor
from anju.dashboard import queries
from tests.consultations.conftest import Vote6, make_unit_vote

pytestmark = pytest.mark.django_db

RESIDENT = Actor.system("resident")


def figures(html: str) -> dict[str, str]:
    return {k: v.strip() for k, v in re.findall(r'data-figure="([^"]+)"[^>]*>([^<]*)<', html)}


def cast(v: Vote6, floor: int, value: str) -> None:
    q = str(v.consultation.questions.get(order=1).pk)
    services.ballot_cast(consultation=v.consultation, household=v.households[floor - 1], answers={q: value},
                         channel=Channel.ONLINE, actor=RESIDENT)


@pytest.fixture
def disputed(world) -> Vote6:
    """Floors 5 and 6 belong to one owner, who said yes for one flat and no for the other."""
    v = make_unit_vote(world)
    cast(v, 5, "yes")
    cast(v, 6, "no")
    return v


def statuses(html: str) -> list[str]:
    return re.findall(r'data-status="(\w+)"', html)


def test_a_question_blocked_by_an_owner_conflict_is_pending(client, subdistrict_staff, disputed):
    client.force_login(subdistrict_staff)
    html = client.get(reverse("dashboard:index")).content.decode()
    assert statuses(html) == ["pending"]
    assert "待处理" in html and "✘" not in html
    assert reverse("consultations:owner_conflicts", args=[disputed.consultation.pk]) in html
    f = figures(html)
    assert (f["approvals-passed"], f["approvals-failed"], f["approvals-pending"]) == ("0", "0", "1")


def test_the_rows_and_the_export_say_pending_and_link_to_the_owners_page(client, subdistrict_staff, disputed):
    client.force_login(subdistrict_staff)
    url = reverse("dashboard:rows", args=["approvals"])
    rows = client.get(url).content.decode()
    assert "<td>待处理</td>" in rows and "<td>未通过</td>" not in rows
    assert reverse("consultations:owner_conflicts", args=[disputed.consultation.pk]) in rows
    for status, expected in (("pending", 1), ("failed", 0), ("passed", 0)):
        page = client.get(f"{url}?status={status}").content.decode()
        assert int(re.search(r'data-testid="row-count">(\d+)<', page).group(1)) == expected, status
    sheet = load_workbook(io.BytesIO(client.get(f"{url}?format=xlsx").content)).active
    assert sheet.cell(2, 8).value == "待处理"


def test_once_settled_the_question_has_a_result_again(client, subdistrict_staff, staff_a, disputed):
    c = disputed.consultation
    key = c.electors.get(key="3-2-501").owner_key
    services.owner_conflict_settle(consultation=c, question=c.questions.get(order=1), owner_key=key, vote="yes",
                                   reason="电话向业主本人核实，同意", actor=Actor.of(staff_a))
    client.force_login(subdistrict_staff)
    html = client.get(reverse("dashboard:index")).content.decode()
    assert statuses(html) == ["open"]  # settled, and still open for ballots: 进行中, not 未通过
    services.consultation_close(consultation=c, actor=Actor.of(staff_a))
    html = client.get(reverse("dashboard:index")).content.decode()
    assert statuses(html) == ["failed"]  # 2 of 6 households: far from the thresholds, so 未通过
    assert reverse("consultations:detail", args=[c.pk]) in html
    assert reverse("consultations:owner_conflicts", args=[c.pk]) not in html
    f = figures(html)
    assert (f["approvals-passed"], f["approvals-failed"], f["approvals-pending"]) == ("0", "1", "0")


def test_an_ordinary_failure_stays_failed(client, subdistrict_staff, staff_a, world):
    v = make_unit_vote(world)
    cast(v, 1, "no")
    services.consultation_close(consultation=v.consultation, actor=Actor.of(staff_a))
    client.force_login(subdistrict_staff)
    assert statuses(client.get(reverse("dashboard:index")).content.decode()) == ["failed"]


def test_an_open_vote_is_in_progress_with_its_live_figures_never_failed(client, subdistrict_staff, world):
    """Before: one "no" in an open vote of six households showed ✘ 未通过 and counted as failed."""
    v = make_unit_vote(world)
    cast(v, 1, "no")
    cast(v, 2, "yes")
    client.force_login(subdistrict_staff)
    html = client.get(reverse("dashboard:index")).content.decode()
    assert statuses(html) == ["open"]
    assert "进行中" in html and "✘" not in html
    assert ">1/2/6<" in html  # yes / answered / eligible households, live
    f = figures(html)
    assert (f["approvals-passed"], f["approvals-failed"], f["approvals-open"], f["approvals-pending"]) == ("0", "0", "1", "0")
    url = reverse("dashboard:rows", args=["approvals"])
    assert int(re.search(r'data-testid="row-count">(\d+)<', client.get(f"{url}?status=open").content.decode()).group(1)) == 1
    assert int(re.search(r'data-testid="row-count">(\d+)<', client.get(f"{url}?status=failed").content.decode()).group(1)) == 0
    body = client.get("/api/dashboard/figures").json()
    assert body["approvals"] == {"passed": 0, "failed": 0, "open": 1, "pending": 0}


def _rate(passed: bool, pending: bool, final: bool = True) -> ApprovalRate:
    return ApprovalRate(1, "表决", "甲小区", "加装电梯", 1, 2, 6, 0, passed and not pending, pending, final)


@given(st.lists(st.tuples(st.booleans(), st.booleans(), st.booleans()), max_size=30))
def test_every_question_is_counted_once_as_passed_failed_open_or_pending(flags):
    rates = [_rate(passed, pending, final) for passed, pending, final in flags]
    counts = queries.approval_counts(rates)
    assert sum(counts.values()) == len(rates)
    assert counts["pending"] == sum(pending for _passed, pending, _final in flags)
    assert counts["open"] == sum(not pending and not final for _passed, pending, final in flags)
    assert counts["passed"] == sum(passed and not pending and final for passed, pending, final in flags)
    assert counts["failed"] == sum(not passed and not pending and final for passed, pending, final in flags)


def test_the_api_counts_the_pending_question(client, subdistrict_staff, disputed):
    client.force_login(subdistrict_staff)
    body = client.get("/api/dashboard/figures").json()
    assert body["approvals"] == {"passed": 0, "failed": 0, "open": 0, "pending": 1}
