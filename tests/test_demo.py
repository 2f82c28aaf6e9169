"""The whole demo as `anju demo` loads it: an office's state today, the same on every run."""

from __future__ import annotations

import datetime
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
    c = Consultation.objects.get(compound__name="金盾苑", kind="vote")
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


def test_property_fees_rise_from_not_paying_to_paying(demo_db):
    """世纪花园: a year of bills; the on-time rate climbs from about 60% to above 90% (由不交物业费到主动交物业费)."""
    from django.db.models import F, Sum
    from django.utils import timezone

    from anju.core.scoping import Scope
    from anju.roster.models import Compound
    from anju.stewardship import queries_fees
    from anju.stewardship.models_fees import Allocation, Bill, FeePayment

    compound = Compound.objects.get(name="世纪花园")
    scope = Scope(everything=False, subdistrict_id=compound.subdistrict_id, sees_personal_data=True)
    bills = queries_fees.bills_in(scope).filter(compound=compound)
    last = queries_fees.latest_period(bills)
    points = queries_fees.trend(bills, last)
    assert len(points) == 12
    first_rate, last_rate = points[0].current.by_household, points[-1].current.by_household
    assert 0.55 <= first_rate <= 0.7 and last_rate > 0.9
    assert points[-1].current.by_amount > 0.9
    # The ledgers balance: every bill's paid is its allocations, every payment is allocated or credit.
    assert Bill.objects.filter(compound=compound).aggregate(s=Sum("paid_fen"))["s"] == \
        Allocation.objects.filter(bill__compound=compound).aggregate(s=Sum("amount_fen"))["s"]
    assert not FeePayment.objects.filter(compound=compound).exclude(credit_fen=0).exclude(
        credit_fen__lte=F("amount_fen")).exists()
    # Letters went out forty days ago with thirty days to pay: who has not paid since is on the list for court.
    assert queries_fees.legal_list(compound, timezone.localdate()) != []


def test_the_demo_fund_has_its_ledgers_a_voted_roof_repair_and_a_published_emergency(demo_db):
    from anju.stewardship import queries, queries_fund
    from anju.stewardship.models_fund import FundCase
    from anju.stewardship.services import fund

    roof = FundCase.objects.get(compound__name="世纪花园", kind="ordinary")
    assert fund.vote_passed(roof) and roof.subdistrict_approved_on and queries_fund.case_paid(roof) == 1_458_000
    assert sum(s.amount_fen for s in roof.shares.all()) == roof.estimate_fen
    assert set(roof.consultation.electors.values_list("household_id", flat=True)) == set(
        roof.shares.values_list("household_id", flat=True))
    emergency = FundCase.objects.get(compound__name="世纪花园", kind="emergency")
    assert emergency.category == "burst_main" and emergency.published_on and emergency.consultation_id is None
    view = queries_fund.fund_view(roof.compound.fund_account, queries.rules_for(roof.compound.subdistrict_id))
    assert view.balance > 0 and not view.below and all(r.line.first for r in view.rows)


def test_shiji_posted_its_fund_statements_but_2025s_second_half_is_overdue(demo_db):
    from django.utils import timezone

    from anju.core.scoping import Scope
    from anju.roster.models import Compound
    from anju.stewardship import queries, queries_disclosure

    compound = Compound.objects.get(name="世纪花园")
    today = timezone.localdate()
    rows = queries_disclosure.calendar_of(compound, queries.rules_for(compound.subdistrict_id), today)
    published = {r.owed.period.zh for r in rows if r.published}
    assert {"2023年上半年", "2023年下半年", "2024年上半年", "2024年下半年", "2025年上半年"} <= published
    assert [r.owed.period.zh for r in rows if r.owed.overdue] == ["2025年下半年"]
    late = queries_disclosure.overdue_in(Scope(everything=False, subdistrict_id=compound.subdistrict_id), queries.rules_for, today)
    assert [r.owed.period.zh for r in late[compound.pk]] == ["2025年下半年"]
    # The statement is the ledger's: the closing balance of one half-year opens the next.
    statements = [r.published for r in sorted(rows, key=lambda r: r.owed.period.start) if r.published]
    for earlier, later in zip(statements, statements[1:], strict=False):
        if later.period_start == earlier.period_end + datetime.timedelta(days=1):
            figures = [{f["key"]: f["fen"] for f in d.figures} for d in (earlier, later)]
            assert figures[0]["closing"] == figures[1]["opening"]


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


def test_each_demo_account_has_the_open_work_of_its_scope(demo_db, client):
    """我的待办 of the demo: each item once, inside the account's community (or compound), every community
    staff member's items on the sub-district's list too, and the page and the header agree."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from anju.dashboard import queries_work
    from anju.roster.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

    users = {u.username: u for u in get_user_model().objects.filter(username__in=[a[0] for a in DEMO_ACCOUNTS])}
    lists = {name: queries_work.open_work(user) for name, user in users.items()}
    everything = {i.key for i in lists["jiedao"]}
    assert everything, "the demo has open work for the sub-district"
    for username, _role, community, compound, _display in DEMO_ACCOUNTS:
        items = lists[username]
        assert len({i.key for i in items}) == len(items)
        profile = users[username].anju_profile
        if community:
            assert {i.community_id for i in items} <= {profile.community_id}
            assert {i.key for i in items} <= everything | {i.key for i in items if i.kind == "failed_import"}
        if compound:
            assert {i.kind for i in items} <= {"visits", "inspection"}
            assert {i.compound_id for i in items} <= {profile.compound_id}
        assert client.login(username=username, password=DEMO_PASSWORD)
        page = client.get(reverse("dashboard:work")).content.decode()
        assert f'data-testid="work-total">{len(items)}<' in page
        assert page.count('data-testid="work-item"') == len(items)


def test_shiji_elected_its_committee_through_the_apps_election(demo_db):
    """世纪花园 2021: the candidate list and the result posted as notices, the committee seated from the
    count of the households' ballots (phones and paper), meeting since and posting its decisions."""
    from django.utils import timezone

    from anju.consultations import queries as consultation_queries
    from anju.roster.models import Subdistrict
    from anju.stewardship import queries
    from anju.stewardship.models import Committee, FormationCase

    case = FormationCase.objects.get(compound__name="世纪花园")
    assert case.candidates_notice.published_at.year == 2021 and case.publicity_on == datetime.date(2021, 11, 30)
    result = consultation_queries.election_result(case.assembly)
    assert result.final and result.turnout_met and len(result.elected) == 7 and not result.tied
    assert [c.status for c in result.candidates][-2:] == ["below_threshold", "below_threshold"]
    channels = set(case.assembly.ballots.values_list("channel", flat=True))
    assert {"online", "paper"} <= channels and case.assembly.ballots.filter(state="set_aside").count() == 1
    assert case.elected_on == datetime.date(2021, 12, 18) and case.result_published_on == datetime.date(2021, 12, 19)
    committee = Committee.objects.get(case=case)
    elected = {label.split(" ", 1)[1] for label in result.elected}
    assert {m.name for m in committee.members.filter(since=case.elected_on)} == elected
    assert committee.election_ref == case.result_notice.title and committee.meetings.count() == 3
    rules = queries.rules_for(Subdistrict.objects.get(name="南庄坪街道").pk)
    posts = [d.due.state for d in queries.committee_deadlines(committee, rules, timezone.localdate())
             if d.key.startswith("decisions")]
    assert sorted(posts) == ["done", "done", "due_soon"]  # the last meeting's decisions are still to post
    steps = {s.key: s for s in queries.case_timeline(case, rules, timezone.localdate())}
    assert all(s.due is None or s.due.state == "done" for s in steps.values())  # every step on time
    wangjiao = FormationCase.objects.get(compound__name="旺角家园", closed=False)
    review = next(s for s in queries.case_timeline(wangjiao, rules, timezone.localdate()) if s.key == "reviewed_on")
    assert review.due.state == "due_soon"


def test_satisfaction_rises_after_the_works_past_the_standards_lines(demo_db):
    from django.utils import timezone

    from anju.roster.demo import PROGRAMME_2020
    from anju.roster.models import Compound
    from anju.stewardship import queries_survey

    this_year = timezone.localdate().year
    for compound in Compound.objects.filter(name__in=PROGRAMME_2020):
        results = queries_survey.results_of(compound)
        assert [r.year for r in results] == [2020, 2022, 2024, this_year]
        rates = [r.rate for r in results]
        assert all(a < b for a, b in zip(rates, rates[1:], strict=False)), (compound.name, rates)
        assert results[0].line == "below" and results[-1].line == "grade1"  # under 70% during the works, 80%+ now
        assert all(r.survey.per_building == 6 and r.answered < r.survey.sampled for r in results)
        assert [r.final for r in results] == [True, True, True, False]
