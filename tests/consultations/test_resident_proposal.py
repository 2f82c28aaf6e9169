"""A resident votes knowing what they vote on: the proposal staff wrote (sanitised), for an elevator vote
the household's own share under its unit's newest plan, the closing time and the community's phone, on
the vote page and on the printed letter."""

from __future__ import annotations

import datetime
import re
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from anju.consultations import services
from anju.core.errors import Conflict
from anju.core.formatting import long_datetime, money
from anju.core.models import AuditEvent
from anju.elevators import queries as elevator_queries
from anju.elevators import services as elevators
from tests.consultations.conftest import issue_letter, make_unit_vote
from tests.elevators.conftest import make_project
from tests.factories import PASSWORD, SYSTEM
from tests.printed import give_phone

pytestmark = pytest.mark.django_db

PROPOSAL = ('<h2>加装电梯方案</h2><p>在本单元北侧加装一部<strong>8 人电梯</strong>，平层入户。</p>'
            '<script>alert("x")</script><p onclick="steal()">工期约四个月。</p>')


def pdf_text(content: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


def open_as_owner(client, vote, floor: int):
    """The owner of the flat on `floor` scans the letter and confirms who they are."""
    code, elector = issue_letter(vote.consultation, f"3-2-{floor}01")
    client.get(reverse("consultations:vote_link", args=[code]))
    owner = vote.owners[min(floor, 5) - 1]
    r = client.post(reverse("consultations:vote"), {"step": "identity", "name": owner.name, "number": owner.id_number})
    assert r.status_code == 302
    return elector


def saved_plan(vote):
    project = make_project(vote.households[0].unit)
    return elevators.plan_save(project=project, method="table:guangzhou-2025", scenario=elevator_queries.Scenario(),
                               reason="第一稿", actor=SYSTEM)


@pytest.fixture
def vote(world):
    v = make_unit_vote(world, open_it=False)
    services.consultation_describe(consultation=v.consultation, description=PROPOSAL, actor=SYSTEM)
    services.consultation_open(consultation=v.consultation, actor=SYSTEM)
    return v


def test_the_vote_page_shows_the_description_without_what_runs(client, vote):
    open_as_owner(client, vote, 3)
    page = client.get(reverse("consultations:vote")).content.decode()
    assert "加装电梯方案" in page and "<strong>8 人电梯</strong>" in page and "工期约四个月" in page
    assert "alert(" not in page and "steal()" not in page and "onclick" not in page


def test_an_elevator_vote_shows_the_households_own_share_floor_method_running_cost_and_statement(client, vote):
    plan = saved_plan(vote)
    open_as_owner(client, vote, 5)
    page = client.get(reverse("consultations:vote")).content.decode()
    mine = next(s for s in plan.shares if s["floor"] == 5)
    others = {s["amount"] for s in plan.shares if s["floor"] != 5} - {mine["amount"]}
    share = re.search(r'data-testid="share">(.*?)</p>', page, re.S).group(1)
    assert "本户在 5 层" in share and money(mine["amount"]) in share and plan.method_label in share
    assert not any(money(a) in share for a in others)
    assert "每年分摊的运行费用" in page
    assert reverse("consultations:vote_statement", args=[plan.pk]) in page


def test_a_household_without_a_share_yet_is_told_so(client, vote):
    open_as_owner(client, vote, 4)
    page = client.get(reverse("consultations:vote")).content.decode()
    assert 'data-testid="no-share"' in page and "出资额还没有算出" in page
    assert "/consultations/v/statement/" not in page


def test_a_survey_without_an_elevator_question_shows_no_share_at_all(client, world):
    v = make_unit_vote(world, template="renovation_items")
    open_as_owner(client, v, 2)
    page = client.get(reverse("consultations:vote")).content.decode()
    assert "本户出资" not in page


def test_the_page_gives_the_closing_time_and_the_communitys_phone(client, vote):
    closes = timezone.now() + datetime.timedelta(days=7)
    type(vote.consultation).objects.filter(pk=vote.consultation.pk).update(closes_at=closes)
    phone = give_phone(vote.consultation.compound.community)
    open_as_owner(client, vote, 2)
    page = client.get(reverse("consultations:vote")).content.decode()
    assert "表决截止时间" in page and long_datetime(closes) in page
    assert f'href="tel:{phone}"' in page


def test_the_letter_prints_the_summary_and_the_households_share(client, vote, staff_a):
    plan = saved_plan(vote)
    assert client.login(username=staff_a.username, password=PASSWORD)
    e = vote.consultation.electors.get(key="3-2-601")
    r = client.post(reverse("consultations:letter_pdf", args=[vote.consultation.pk]), {"elector": e.pk})
    text = re.sub(r"\s+", "", pdf_text(r.content))
    mine = next(s for s in plan.shares if s["floor"] == 6)
    assert "加装电梯方案" in text and "8人电梯" in text and "alert" not in text
    assert "本户在6层" in text and money(mine["amount"]) in text


def test_the_letter_says_when_there_is_no_share_yet(client, vote, staff_a):
    assert client.login(username=staff_a.username, password=PASSWORD)
    e = vote.consultation.electors.get(key="3-2-301")
    r = client.post(reverse("consultations:letter_pdf", args=[vote.consultation.pk]), {"elector": e.pk})
    assert "出资额还没有算出" in re.sub(r"\s+", "", pdf_text(r.content))


def test_staff_change_the_description_on_the_consultation_page_audited(client, vote, staff_a):
    assert client.login(username=staff_a.username, password=PASSWORD)
    c = vote.consultation
    r = client.post(reverse("consultations:describe", args=[c.pk]),
                    {"description": "第一段\n\n第二段<img src=x onerror=alert(1)>"}, follow=True)
    assert r.status_code == 200
    c.refresh_from_db()
    assert "onerror" not in c.description and "第二段" in c.description
    event = AuditEvent.objects.filter(action="consultation.describe").latest("id")
    assert "8 人电梯" in str(event.before) and "第二段" in str(event.after)
    assert "第二段" in r.content.decode()


def test_plain_text_becomes_paragraphs(vote):
    c = services.consultation_describe(consultation=vote.consultation, description="第一段\n\n第二段 <3", actor=SYSTEM)
    assert c.description == "<p>第一段</p><p>第二段 &lt;3</p>"


def test_a_closed_consultation_keeps_the_description_it_was_decided_on(vote):
    services.consultation_close(consultation=vote.consultation, actor=SYSTEM)
    with pytest.raises(Conflict):
        services.consultation_describe(consultation=vote.consultation, description="改了", actor=SYSTEM)
    vote.consultation.refresh_from_db()
    assert "加装电梯方案" in vote.consultation.description


def test_the_api_writes_the_same_sanitised_description(client, vote, staff_a, volunteer_a):
    c = vote.consultation
    url = f"/api/consultations/consultations/{c.pk}/description"
    assert client.login(username=volunteer_a.username, password=PASSWORD)
    assert client.post(url, {"description": "改"}, content_type="application/json").status_code == 403
    client.logout()
    assert client.login(username=staff_a.username, password=PASSWORD)
    r = client.post(url, {"description": "<p>新方案</p><script>x()</script>"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["description"] == "<p>新方案</p>"
    services.consultation_close(consultation=c, actor=SYSTEM)
    assert client.post(url, {"description": "再改"}, content_type="application/json").status_code == 409


def test_a_letter_with_a_long_proposal_and_a_share_stays_one_page(client, world, staff_a):
    from anju.consultations.demo import ELEVATOR_PROPOSAL

    v = make_unit_vote(world, open_it=False)
    services.consultation_describe(consultation=v.consultation, description=ELEVATOR_PROPOSAL, actor=SYSTEM)
    services.consultation_open(consultation=v.consultation, actor=SYSTEM)
    saved_plan(v)
    give_phone(world.community_a)
    assert client.login(username=staff_a.username, password=PASSWORD)
    e = v.consultation.electors.get(key="3-2-501")
    text = pdf_text(client.post(reverse("consultations:letter_pdf", args=[v.consultation.pk]), {"elector": e.pk}).content)
    assert "第 1 页 共 1 页" in text or "第1页共1页" in re.sub(r"\s+", "", text)
    assert "（全文见表决页）" in text and "（盖章）" in text
