"""公示: the calendar from the rule set, statements generated from the ledger, published (immutable),
corrected as new versions, printed with a QR, shown to residents with "这里不对" on every figure."""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess

import pytest
from django.urls import reverse

from anju.core.errors import Conflict, ValidationFailed
from anju.core.models import AuditEvent
from anju.core.scoping import scope_of
from anju.participation.models import Suggestion
from anju.stewardship import queries, queries_disclosure
from anju.stewardship import services as stewardship
from anju.stewardship.models_disclosure import Disclosure, Immutable
from anju.stewardship.services import disclosure as services
from anju.stewardship.services import fund
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 3, 1)


@pytest.fixture
def ledger(world):
    """甲小区's fund, opened 2024-03-01: 2024 deposits 100,000.00 and interest 1,000.00, a 2025 draw of 20,000.00."""
    account = fund.fund_open(compound=world.compound_a, opened_on=D(2024, 3, 1), actor=SYSTEM)
    ledger = account.ledgers.get()
    book = dict(ledger=ledger, document_kind="bank_slip", actor=SYSTEM)
    fund.entry_book(
        kind="opening", amount_yuan="100000.00", booked_on=D(2024, 3, 2), document_ref="YH-1", **book
    )
    fund.entry_book(
        kind="interest", amount_yuan="1000.00", booked_on=D(2024, 12, 21), document_ref="YH-2", **book
    )
    fund.entry_book(
        kind="common_income", amount_yuan="600.00", booked_on=D(2025, 8, 1), document_ref="YH-3", **book
    )
    return ledger


def half_yearly(world):
    stewardship.rules_choose(
        subdistrict=world.subdistrict, base="shanghai", changes={}, reason="参照上海", actor=SYSTEM
    )


def test_the_calendar_follows_the_rule_set(client, world, ledger, subdistrict_staff):
    rows = queries_disclosure.calendar_of(world.compound_a, queries.rules_for(world.subdistrict.pk), TODAY)
    # National: yearly, 2024 and 2025 ended; 2025's is due 30 January 2026 + … and unpublished: overdue.
    assert [(r.owed.kind, r.owed.period.zh, r.owed.overdue) for r in rows] == [
        ("fund", "2025年度", True),
        ("fund", "2024年度", True),
    ]
    half_yearly(world)
    client.force_login(subdistrict_staff)
    page = client.get(reverse("stewardship:disclosures", args=[world.compound_a.pk])).content.decode()
    assert "会议结束后 3 日内公示（《上海市住宅物业管理规定》第二十六条）" in page
    rows = queries_disclosure.calendar_of(world.compound_a, queries.rules_for(world.subdistrict.pk), TODAY)
    assert {r.owed.period.zh for r in rows if r.owed.kind == "fund"} == {
        "2024年上半年",
        "2024年下半年",
        "2025年上半年",
        "2025年下半年",
    }
    assert len([r for r in rows if r.owed.kind == "common_income"]) == 8  # quarters (上海 art. 66)


def test_a_statement_is_the_ledger_to_the_fen(world, ledger):
    d = services.disclosure_generate(
        compound=world.compound_a, kind="fund", period_start=D(2024, 1, 1), actor=SYSTEM, today=TODAY
    )
    figures = {r["key"]: r["fen"] for r in d.figures}
    assert figures["opening"] == 0 and figures["deposits"] == 10_000_000 and figures["interest"] == 100_000
    assert figures["closing"] == 10_100_000 and d.due_on == D(2025, 2, 5) and not d.is_published
    assert "第三十六条（条款待核）" in d.basis
    case = fund.emergency_report(
        compound=world.compound_a,
        category="burst_main",
        evidence_ref="抢修单 2025-7",
        title="供水主管爆裂",
        location="3栋",
        estimate_yuan="20000.00",
        reported_on=D(2025, 3, 1),
        actor=SYSTEM,
    )
    fund.case_approve(case=case, by="committee", on=D(2025, 3, 2), actor=SYSTEM)
    fund.case_pay(
        case=case,
        amount_yuan="20000.00",
        paid_on=D(2025, 3, 5),
        document_kind="invoice",
        document_ref="FP-9",
        actor=SYSTEM,
    )
    d = services.disclosure_generate(
        compound=world.compound_a, kind="fund", period_start=D(2025, 1, 1), actor=SYSTEM, today=TODAY
    )
    figures = {r["key"]: r["fen"] for r in d.figures}
    # 101,000.00 + 600.00 common income − 20,000.00 = 81,600.00.
    assert (
        figures["opening"] == 10_100_000
        and figures["draws"] == 2_000_000
        and figures["common_income"] == 60_000
    )
    assert figures["closing"] == 8_160_000 and figures[f"case:{case.pk}"] == 2_000_000


def test_only_an_owed_period_can_be_generated(world, ledger):
    with pytest.raises(ValidationFailed) as error:  # 2026 has not ended
        services.disclosure_generate(
            compound=world.compound_a, kind="fund", period_start=D(2026, 1, 1), actor=SYSTEM, today=TODAY
        )
    assert error.value.field == "period_start"
    with pytest.raises(ValidationFailed):  # the national rules set no period for common income
        services.disclosure_generate(
            compound=world.compound_a,
            kind="common_income",
            period_start=D(2025, 1, 1),
            actor=SYSTEM,
            today=TODAY,
        )
    assert not Disclosure.objects.exists()


def test_published_is_immutable_and_a_correction_says_what_changed(world, ledger, staff_a):
    d = services.disclosure_generate(
        compound=world.compound_a, kind="fund", period_start=D(2024, 1, 1), actor=SYSTEM, today=TODAY
    )
    d = services.disclosure_publish(disclosure=d, actor=SYSTEM)
    assert AuditEvent.objects.filter(action="disclosure_publish").count() == 1
    d.figures = []
    with pytest.raises(Immutable):
        d.save()
    with pytest.raises(Immutable):
        Disclosure.objects.get(pk=d.pk).delete()
    with pytest.raises(Conflict):
        services.disclosure_generate(
            compound=world.compound_a, kind="fund", period_start=D(2024, 1, 1), actor=SYSTEM, today=TODAY
        )
    d.refresh_from_db()
    with pytest.raises(ValidationFailed):
        services.disclosure_correct(disclosure=d, note=" ", actor=SYSTEM)
    # The interest was booked twice by the bank's mistake: reversed in the ledger, then corrected in public.
    wrong = fund.entry_book(
        ledger=ledger,
        kind="interest",
        amount_yuan="50.00",
        booked_on=D(2024, 12, 22),
        document_kind="bank_slip",
        document_ref="YH-2b",
        actor=SYSTEM,
    )
    new = services.disclosure_correct(disclosure=d, note="补记 12 月 22 日利息", actor=SYSTEM)
    assert new.version == 2 and new.supersedes == d and not new.is_published
    assert queries_disclosure.changes(d.figures, new.figures) == [
        ("利息收入", 100_000, 105_000),
        ("期末余额", 10_100_000, 10_105_000),
        ("3栋分账余额", 10_100_000, 10_105_000),
    ]
    event = AuditEvent.objects.get(action="disclosure_correct")
    assert event.after["note"] == "补记 12 月 22 日利息" and len(event.after["changed"]) == 3
    with pytest.raises(Conflict):
        services.disclosure_correct(disclosure=d, note="again", actor=SYSTEM)
    assert wrong.pk


def test_staff_generate_and_publish_on_the_page_and_print_it_with_a_qr(
    client, world, ledger, staff_a, volunteer_a, tmp_path
):
    client.force_login(staff_a)
    url = reverse("stewardship:disclosures", args=[world.compound_a.pk])
    page = client.get(url).content.decode()
    assert (
        "2024年度" in page
        and "已逾期" in page
        and "（条款待核）" in page
        and "周期结束后 30 日内公示" in page
    )
    response = client.post(
        reverse("stewardship:disclosure_generate", args=[world.compound_a.pk]),
        {"kind": "fund", "period_start": "2024-01-01"},
        follow=True,
    )
    d = Disclosure.objects.get()
    assert "¥101,000.00" in response.content.decode() and "草稿" in response.content.decode()
    client.post(reverse("stewardship:disclosure_publish", args=[d.pk]))
    d.refresh_from_db()
    assert d.is_published and d.published_by == staff_a
    client.force_login(volunteer_a)  # a volunteer reads but does not publish
    assert (
        client.post(reverse("stewardship:disclosure_correct", args=[d.pk]), {"note": "x"}).status_code == 403
    )
    client.force_login(staff_a)
    response = client.get(reverse("stewardship:disclosure_pdf", args=[d.pk]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
        ).stdout.decode()
        assert "101,000.00" in text and "100,000.00" in text and "专项维修资金收支情况" in text
        assert f"/stewardship/d/{d.pk}/" in re.sub(r"\s", "", text)
    assert b"<svg" not in response.content  # the QR is drawn into the PDF, not left as markup
    (tmp_path / "notice.pdf").write_bytes(response.content)
    if shutil.which("pdffonts"):  # the complete TTF core.pdf embeds, not a chunked web font
        fonts = subprocess.run(
            ["pdffonts", str(tmp_path / "notice.pdf")], capture_output=True, check=True
        ).stdout
        assert b"Anju-Print-SC" in fonts and b"CID TrueType" in fonts


def test_residents_see_a_published_statement_and_say_a_figure_is_wrong(client, world, ledger):
    d = services.disclosure_generate(
        compound=world.compound_a, kind="fund", period_start=D(2024, 1, 1), actor=SYSTEM, today=TODAY
    )
    public = reverse("stewardship:disclosure_public", args=[d.pk])
    assert client.get(public).status_code == 404  # a draft is not shown
    services.disclosure_publish(disclosure=d, actor=SYSTEM)
    page = client.get(public).content.decode()
    assert "¥101,000.00" in page and page.count("这里不对") >= len(d.figures)
    wrong = reverse("stewardship:disclosure_wrong", args=[d.pk]) + "?figure=interest"
    assert "¥1,000.00" in client.get(wrong).content.decode()
    assert (
        client.post(
            reverse("stewardship:disclosure_wrong", args=[d.pk]), {"figure": "interest", "body": ""}
        ).status_code
        == 400
    )
    assert not Suggestion.objects.exists()
    response = client.post(
        reverse("stewardship:disclosure_wrong", args=[d.pk]),
        {"figure": "interest", "body": "银行说利息是 1,050 元"},
    )
    suggestion = Suggestion.objects.get()
    assert response.status_code == 302 and suggestion.receipt_code in response["Location"]
    assert suggestion.subject == f"disclosure:{d.pk}:interest" and suggestion.compound == world.compound_a
    assert "利息收入" in suggestion.title
    assert queries_disclosure.suggestion_counts(d) == {"interest": 1}
    assert (
        client.post(reverse("stewardship:disclosure_wrong", args=[d.pk]), {"figure": "nosuch", "body": "x"})[
            "Location"
        ]
        == public
    )
    assert Suggestion.objects.count() == 1


def test_overdue_statements_are_a_work_list_and_a_dashboard_figure(client, world, ledger, staff_a, staff_b):
    lists = queries.stewardship_lists(scope_of(staff_a), queries.rules_for, datetime.date.today())
    assert [r.compound for r in lists["disclosure"]] == [world.compound_a]
    client.force_login(staff_a)
    page = client.get(reverse("stewardship:list", args=["disclosure"])).content.decode()
    assert world.compound_a.name in page and "2024年度" in page
    client.force_login(staff_b)
    assert (
        world.compound_a.name
        not in client.get(reverse("stewardship:list", args=["disclosure"])).content.decode()
    )


def test_the_dashboard_counts_overdue_statements_and_its_rows_are_them(
    client, world, ledger, subdistrict_staff
):
    client.force_login(subdistrict_staff)
    page = client.get(reverse("dashboard:index")).content.decode()
    figure = re.search(r'data-figure="stewardship-disclosure"[^>]*>(\d+)<', page)
    assert figure is not None and figure.group(1) == "1"
    rows = client.get(reverse("dashboard:rows", args=["stewardship"]) + "?kind=disclosure").content.decode()
    assert reverse("stewardship:disclosures", args=[world.compound_a.pk]) in rows and "2024年度" in rows
    assert reverse("stewardship:disclosures", args=[world.compound_b.pk]) not in rows and "全部 1 行" in rows


def test_the_api_generates_publishes_and_corrects_like_the_pages(client, world, ledger, staff_a, staff_b):
    client.force_login(staff_a)
    base = f"/api/stewardship/compounds/{world.compound_a.pk}/disclosures"
    owed = client.get(base).json()
    assert [(o["period_zh"], o["state"]) for o in owed] == [("2025年度", "overdue"), ("2024年度", "overdue")]
    made = client.post(base, {"kind": "fund", "period_start": "2024-01-01"}, content_type="application/json")
    assert (
        made.status_code == 201
        and {f["key"]: f["fen"] for f in made.json()["figures"]}["closing"] == 10_100_000
    )
    pk = made.json()["id"]
    refused = client.post(
        base, {"kind": "fund", "period_start": "2026-01-01"}, content_type="application/json"
    )
    assert refused.status_code == 400 and refused.json()["field"] == "period_start"
    done = client.post(
        f"/api/stewardship/disclosures/{pk}/publish", {"on": "2025-01-20"}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["published_on"] == "2025-01-20"
    again = client.post(
        f"/api/stewardship/disclosures/{pk}/publish", {"on": "2025-01-21"}, content_type="application/json"
    )
    assert again.status_code == 409
    fixed = client.post(
        f"/api/stewardship/disclosures/{pk}/correct",
        {"note": "核对银行对账单"},
        content_type="application/json",
    )
    assert fixed.status_code == 201 and fixed.json()["version"] == 2 and fixed.json()["supersedes_id"] == pk
    client.force_login(staff_b)
    assert client.get(f"/api/stewardship/disclosures/{pk}").status_code == 404


def test_residents_find_every_published_statement_and_only_the_newest_correction(client, world, ledger):
    d = services.disclosure_generate(
        compound=world.compound_a, kind="fund", period_start=D(2024, 1, 1), actor=SYSTEM, today=TODAY
    )
    url = reverse("stewardship:disclosures_public", args=[world.compound_a.pk])
    assert "还没有发布账目公示" in client.get(url).content.decode()  # a draft is not listed
    services.disclosure_publish(disclosure=d, actor=SYSTEM)
    assert reverse("stewardship:disclosure_public", args=[d.pk]) in client.get(url).content.decode()
    new = services.disclosure_correct(disclosure=d, note="补记利息", actor=SYSTEM)
    assert reverse("stewardship:disclosure_public", args=[d.pk]) in client.get(url).content.decode()
    services.disclosure_publish(disclosure=new, actor=SYSTEM)
    page = client.get(url).content.decode()
    assert reverse("stewardship:disclosure_public", args=[new.pk]) in page and "已更正" in page
    assert reverse("stewardship:disclosure_public", args=[d.pk]) not in page
    old = client.get(reverse("stewardship:disclosure_public", args=[d.pk])).content.decode()
    assert (
        reverse("stewardship:disclosure_public", args=[new.pk]) in old
    )  # the old one points to its correction
