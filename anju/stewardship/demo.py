"""The demo's 长效管理, as the article describes the work after the works (物业管理全覆盖 under way).

The 2020 compounds are managed, all but one (茂隆新村, still without a manager, the first line of
the work list); most by a market-rate company, the smallest by the district's fallback manager. One
contract ends within the next 90 days and one is not filed yet, so the work lists have something
to act on whatever day `anju demo` runs. 旺角家园 is under emergency management since its
manager left six weeks ago, and the 街道 formed an interim 物业管理委员会 there three weeks ago (its
filing due in days); its owners applied for their own assembly 25 days ago (the review due in days). The sub-district follows the national rules, adjusted to provide the interim
committee and the emergency manager as its practice follows Beijing's text.

世纪花园's owners elected their first committee in December 2021 through the app: the formation case,
the candidate list posted as a notice, the assembly's vote with its election question (ballots on
phones and on paper, one two-channel conflict settled), the result posted, the committee seated from
the count, its first meeting and filing; it meets regularly and posts its decisions; one member resigned in 2024 and another was elected
in her place, filed on time; two members are party members of the compound's branch, which leads
(红色物业). 金盾苑 elected its committee six weeks ago and has not filed it: the overdue list.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from anju.core.audit import Actor
from anju.domain.ids import credit_check_char
from anju.participation import queries as party
from anju.roster.demo import PROGRAMME_2020
from anju.roster.models import Compound, Household, Person, Subdistrict
from anju.stewardship import services
from anju.stewardship.models import Committee, FormationCase, Mode, PropertyCompany
from anju.stewardship.services import NewMember

D = datetime.date
# Made-up companies registered in 茅箭区 (region code 420302); the check characters are computed.
COMPANIES = (
    ("十堰安居物业服务有限公司", "91420302" + "MA4ANJU01", "陈经理", "0719-8123456"),
    ("茅箭区城市综合服务有限公司", "91420302" + "MA4CFW002", "刘主任", "0719-8234567"),
    ("鑫诚物业管理有限公司", "91420302" + "MA4XCWY03", "张经理", "0719-8345678"),
)
UNMANAGED_2020 = "茂隆新村"
FALLBACK_2020 = "安民小区"


def _code(first17: str) -> str:
    return first17 + credit_check_char(first17)


# The sub-district's adjustment (versioned, audited): Beijing's figures for the interim bodies.
INTERIM_RULES = {"interim_committee_members_min": 7, "interim_committee_owner_share_min": "1/2",
                 "interim_committee_chair_residents": True, "interim_committee_term_years_max": 3,
                 "interim_committee_filing_days": 30, "emergency_service_months_max": 6,
                 "application_owner_share": "1/20", "application_area_share": "1/20", "application_review_days": 30,
                 "prep_group_formation_days": 30, "prep_group_publicity_days": 7, "first_assembly_within_days": 60,
                 "committee_decision_publicity_days": 3}
INTERIM_REASON = ("本街道不具备成立业主大会条件的小区，参照《北京市物业管理条例》第五十四条、第五十五条、第五十八条"
                  "组建物业管理委员会；应急物业参照第七十七条，不超过六个月。业主大会筹备的申请比例和各步期限参照第三十条至"
                  "第三十二条，业主委员会会议决定三日内公示参照第四十五条。")


def _owners(compound: Compound) -> list[Person]:
    return list(Person.objects.filter(ownerships__household__compound=compound).distinct().order_by("id"))


def _shiji(compound: Compound, actor: Actor) -> None:
    """世纪花园: the formation case of 2021 run through the app, the assembly's election counted from the
    households' ballots, its result published, the committee it elected, its meetings and one change."""
    owners = _owners(compound)
    in_party = party.party_member_ids([p.pk for p in owners])
    members = [p for p in owners if p.pk in in_party][:2]
    members += [p for p in owners if p not in members][: 7 - len(members)]
    spare = [p for p in owners if p not in members][:2]
    case = services.case_open(compound=compound, applied_on=D(2021, 9, 6), note="业主联名申请成立业主大会", actor=actor)
    households = list(Household.objects.filter(compound=compound).order_by("pk"))
    for household in households[: max(1, len(households) // 10)]:  # one in ten signed: over the 5% asked for
        services.applicant_add(case=case, household=household, actor=actor)
    services.step_record(case=case, step="reviewed_on", on=D(2021, 9, 27), actor=actor)
    for person in owners[:3]:
        services.group_member_add(case=case, person=person, role="业主代表", leader=person == owners[0], actor=actor)
    services.group_member_add(case=case, person=None, name="刘芳", role="居民委员会代表", actor=actor)
    services.group_member_add(case=case, person=None, name="陈刚", role="街道办事处代表", actor=actor)
    for person in [*members, *spare]:
        services.candidate_add(case=case, person=person, pledge_on=D(2021, 11, 20), actor=actor)
    services.seats_set(case=case, seats=7, actor=actor)
    for step, on in (("group_formed_on", D(2021, 10, 20)), ("group_published_on", D(2021, 10, 22)),
                     ("assembly_planned_on", D(2021, 12, 18))):
        services.step_record(case=case, step=step, on=on, actor=actor)
    services.candidates_publish(case=case, on=D(2021, 11, 30), actor=actor)
    case = services.assembly_vote_open(case=case, title="世纪花园首次业主大会会议", actor=actor)
    _elect(case, actor)
    services.result_publish(case=case, on=D(2021, 12, 19), actor=actor)
    committee = services.committee_from_election(case=case, term_years=5, actor=actor)
    seated = list(committee.members.order_by("id"))
    services.officers_set(committee=committee, on=D(2021, 12, 22), chair=seated[0], vices=[seated[1]], actor=actor)
    services.committee_file(committee=committee, filed_on=D(2022, 1, 10), actor=actor)
    change = services.member_leave(member=seated[-1], on=D(2024, 5, 10), reason="resigned",
                                   replacement=NewMember(spare[0]), actor=actor)
    services.change_file(change=change, filed_on=D(2024, 5, 28), actor=actor)
    _meetings(committee, actor)
    branch = party.organisations_leading(compound).filter(compound=compound).first()
    if branch is not None:
        services.party_link_set(compound=compound, organisation_id=branch.pk, since=D(2021, 7, 1),
                                company_branch="十堰安居物业服务有限公司党支部", actor=actor)


def _elect(case: FormationCase, actor: Actor) -> None:
    """The households vote (nine in ten, on their phones or on paper): candidates 1–7 carry it, 8 and 9
    fall short of half; one household answered online and on paper, which staff settled before the
    close. The vote is dated as it was held, 1–18 December 2021."""
    from anju.consultations import queries as consultation_queries
    from anju.consultations import services as consultation_services

    consultation = case.assembly
    assert consultation is not None
    question = str(consultation.questions.get().pk)
    labels = [label for label, _ in services.numbered_candidates(case)]
    electors = list(consultation.electors.order_by("key"))
    for n, elector in enumerate(electors):
        if n % 10 == 9:
            continue
        picked = labels[:7] if n % 5 != 2 else [*labels[:6], labels[7]]
        if n % 11 == 5:
            picked = [*labels[:5], labels[7], labels[8]]
        channel = "online" if n % 3 == 0 else "paper"
        consultation_services.ballot_cast(consultation=consultation, household=elector, answers={question: picked},
                                          channel=channel, actor=actor, signer="")
        if n == 4:  # the same household's paper form, entered after it had voted online
            consultation_services.ballot_cast(consultation=consultation, household=elector,
                                              answers={question: picked}, channel="online", actor=actor, signer="")
    for ballot in consultation_queries.conflicts(consultation).filter(online=False)[:1]:
        consultation_services.conflict_resolve(ballot=ballot, actor=actor, reason="业主到社区确认以纸质选票为准")
    consultation_services.consultation_close(consultation=consultation, actor=actor)
    beijing_time = datetime.timezone(datetime.timedelta(hours=8))
    consultation_services.consultation_held(
        consultation=consultation, opened_at=datetime.datetime(2021, 12, 1, 9, 0, tzinfo=beijing_time),
        closed_at=datetime.datetime(2021, 12, 18, 17, 0, tzinfo=beijing_time), actor=actor)


def _meetings(committee: Committee, actor: Actor) -> None:
    """Regular meetings with minutes; the decisions published on time, the last meeting's still to post."""
    today = timezone.localdate()
    for held, topic, decisions, published in (
        (D(2025, 3, 15), "2025 年度物业服务考评", ["对十堰安居物业服务有限公司 2024 年度服务进行满意度测评",
                                               "增设电动自行车集中充电点 2 处"], D(2025, 3, 17)),
        (D(2025, 9, 20), "维修资金使用情况通报", ["通报上半年维修资金收支情况"], D(2025, 9, 22)),
        (today - datetime.timedelta(days=2), "换届准备工作", ["向街道办事处书面报告任期届满，申请组建换届小组"], None),
    ):
        at = timezone.make_aware(datetime.datetime.combine(held, datetime.time(19, 0)))
        row = services.committee_meeting_record(
            committee=committee, starts_at=at, place="世纪花园业主委员会活动室", topic=topic,
            minutes=f"应到委员 7 人，实到 6 人。会议就“{topic}”进行讨论，形成决定如下。", decisions=decisions,
            actor=actor)
        if published is not None:
            services.decisions_publish(meeting=row, on=published, actor=actor)


def _jindun(compound: Compound, today: datetime.date, actor: Actor) -> None:
    """金盾苑: elected six weeks ago, first meeting held, not yet filed (条例 art. 16: 30 days)."""
    members = _owners(compound)[:5]
    committee = services.committee_elect(compound=compound, elected_on=today - datetime.timedelta(days=45),
                                         term_years=5, members=[NewMember(p) for p in members],
                                         election_ref="金盾苑业主大会公告第1号", actor=actor)
    seated = list(committee.members.order_by("id"))
    services.officers_set(committee=committee, on=today - datetime.timedelta(days=41), chair=seated[0],
                          vices=[seated[1]], actor=actor)


def _wangjiao_interim(compound: Compound, today: datetime.date, actor: Actor) -> None:
    """旺角家园: an interim committee of seven led by the residents' committee, four of them owners."""
    representatives = [NewMember(name="黄丽", affiliation="居民委员会代表"), NewMember(name="周强", affiliation="居民委员会代表"),
                       NewMember(name="吴敏", affiliation="街道办事处代表")]
    formed = today - datetime.timedelta(days=21)
    committee = services.interim_form(compound=compound, formed_on=formed, term_years=3,
                                      members=[*representatives, *(NewMember(p) for p in _owners(compound)[:4])],
                                      led_by=f"{compound.community.name}居民委员会", actor=actor)
    seated = list(committee.members.order_by("id"))
    services.officers_set(committee=committee, on=formed, chair=seated[0], vices=[seated[3]], actor=actor)
    # The interim committee pushes for the owners' own assembly (北京 art. 56): owners applied 25 days
    # ago, so the 街道's review is due within days (30 days, art. 31).
    case = services.case_open(compound=compound, applied_on=today - datetime.timedelta(days=25),
                              note="物业管理委员会组织业主联名申请成立业主大会", actor=actor)
    households = list(Household.objects.filter(compound=compound).order_by("pk"))
    for household in households[: max(1, len(households) // 15)]:
        services.applicant_add(case=case, household=household, actor=actor)


def load_demo(subdistrict: Subdistrict) -> None:
    """Companies, managements and contracts of the demo sub-district; nothing if companies exist already."""
    load_fund_demo(subdistrict)
    if PropertyCompany.objects.filter(subdistrict=subdistrict).exists():
        return
    actor = Actor.system("demo")
    today = timezone.localdate()
    with transaction.atomic():
        companies = [services.company_create(subdistrict=subdistrict, name=name, credit_code=_code(code),
                                             contact=contact, phone=phone, actor=actor)
                     for name, code, contact, phone in COMPANIES]
        market, fallback, other = companies
        compounds = {c.name: c for c in Compound.objects.filter(subdistrict=subdistrict)}
        for i, name in enumerate(PROGRAMME_2020):
            compound = compounds.get(name)
            if compound is None or name == UNMANAGED_2020:
                continue
            company = fallback if name == FALLBACK_2020 else (market if i % 2 == 0 else other)
            mode = Mode.PUBLIC if company is fallback else Mode.MARKET
            services.management_set(compound=compound, mode=mode, company=company, since=D(2021, 2, 1), actor=actor)
            # Five-year contracts from the hand-over after the works; the first one signed ends soon.
            ends = today + datetime.timedelta(days=60) if i == 0 else D(2028, 1 + i % 12, 28)
            contract = services.contract_create(
                compound=compound, company=company, signed_on=D(2021, 1, 10 + i), starts_on=D(2021, 2, 1),
                ends_on=ends, fee_yuan="0.45" if company is fallback else "0.80",
                services="保洁、绿化养护、秩序维护、共用设施设备日常维修养护", actor=actor)
            if i != 1:  # one contract not filed yet
                services.contract_file(contract=contract, filed_on=D(2021, 1, 25 + i % 4), actor=actor)
        services.rules_choose(subdistrict=subdistrict, base="national", changes=INTERIM_RULES, reason=INTERIM_REASON,
                              actor=actor)
        wangjiao = compounds.get("旺角家园")
        if wangjiao is not None:
            services.management_set(compound=wangjiao, mode=Mode.EMERGENCY, company=fallback,
                                    since=today - datetime.timedelta(days=42), note="原物业服务企业退出，街道确定应急物业",
                                    decided_on=today - datetime.timedelta(days=44), actor=actor)
            _wangjiao_interim(wangjiao, today, actor)
        if "世纪花园" in compounds:
            _shiji(compounds["世纪花园"], actor)
        if "金盾苑" in compounds:
            _jindun(compounds["金盾苑"], today, actor)
        services.rules_choose(subdistrict=subdistrict, base="national", changes={**INTERIM_RULES, **HALF_YEARLY},
                              reason=INTERIM_REASON + HALF_YEARLY_REASON, actor=actor)
        if FUND_COMPOUND in compounds:
            _disclosures(compounds[FUND_COMPOUND], today, actor)


# --- accounts in public (公示, issue 14 point 4) ------------------------------------------------------

HALF_YEARLY = {"fund_publication_months": 6}
HALF_YEARLY_REASON = "维修资金收支情况参照《上海市住宅物业管理规定》第六十六条，每半年公布一次。"
LAPSED = (D(2025, 7, 1), D(2025, 12, 31))  # the half-year whose statement was never posted


def _disclosures(compound: Compound, today: datetime.date, actor: Actor) -> None:
    """世纪花园 posted its fund statement every half-year, on time, except 2025's second half: overdue."""
    from anju.domain.stewardship import disclosure as calendar
    from anju.stewardship.services import disclosure

    for period in calendar.ended_periods(6, D(2021, 2, 1), today):
        if (period.start, period.end) == LAPSED:
            continue
        d = disclosure.disclosure_generate(compound=compound, kind="fund", period_start=period.start, actor=actor,
                                           today=today)
        disclosure.disclosure_publish(disclosure=d, on=min(period.end + datetime.timedelta(days=12), today),
                                      actor=actor)


# --- the maintenance fund (issue 14) ---------------------------------------------------------------

FUND_COMPOUND = "世纪花园"  # 金盾苑 keeps its one consultation (the elevator vote) for the demo's tests
DEPOSIT_YUAN_PER_M2 = 50  # 首期: 5%–8% of the construction cost per ㎡ (办法 art. 7), about 50 元/㎡ here


def load_fund_demo(subdistrict: Subdistrict) -> None:
    """世纪花园's fund: opening deposits per household by area, interest, common income credited, one
    roof repair put to its building's vote (passed, approved, first instalment paid) and one burst
    main repaired as an emergency and published afterwards. Nothing if the fund exists already."""
    from decimal import Decimal

    from anju.consultations import services as consultation_services
    from anju.stewardship import queries_fund
    from anju.stewardship.models_fund import FundAccount
    from anju.stewardship.services import fund

    compound = Compound.objects.filter(subdistrict=subdistrict, name=FUND_COMPOUND).first()
    if compound is None or FundAccount.objects.filter(compound=compound).exists():
        return
    actor = Actor.system("demo")
    today = timezone.localdate()
    with transaction.atomic():
        account = fund.fund_open(compound=compound, opened_on=D(2021, 2, 1), bank="中国建设银行十堰分行", actor=actor)
        ledgers = list(account.ledgers.select_related("building").order_by("building__number"))
        for i, ledger in enumerate(ledgers):
            area = sum((h.exclusive_area for h in queries_fund.ledger_households(ledger)), Decimal(0))
            if not area:
                continue
            fund.contributions_book(ledger=ledger, kind="opening", total_yuan=str(area * DEPOSIT_YUAN_PER_M2),
                                    booked_on=D(2021, 2, 5), document_kind="bank_slip",
                                    document_ref=f"JH2021020500{i + 1}", actor=actor)
            for year in (2021, 2022, 2023, 2024, 2025):
                interest = (area * DEPOSIT_YUAN_PER_M2 * Decimal("0.015")).quantize(Decimal("0.01"))
                fund.entry_book(ledger=ledger, kind="interest", amount_yuan=str(interest), booked_on=D(year, 12, 21),
                                document_kind="statement", document_ref=f"JH{year}1221-{i + 1}",
                                note=f"{year}年度利息", actor=actor)
        fund.entry_book(ledger=ledgers[0], kind="common_income", amount_yuan="6000.00", booked_on=D(2025, 1, 15),
                        document_kind="decision", document_ref="业委会决定〔2025〕1号",
                        note="电梯广告位收入（扣除合理成本后）转入", actor=actor)
        building = ledgers[0].building
        roof = fund.case_open(compound=compound, title=f"{building.number}栋屋面防水翻新", location=f"{building.number}栋屋面",
                              estimate_yuan="48600.00", proposed_on=today - datetime.timedelta(days=40),
                              building=building, quotes="三家报价：4.86 万元、5.12 万元、5.35 万元，取最低价",
                              description="屋面防水层老化，顶层多户渗漏。", actor=actor)
        roof = fund.case_vote_open(case=roof, closes_at=None, actor=actor)
        consultation = roof.consultation
        assert consultation is not None
        question = str(consultation.questions.get().pk)
        electors = list(consultation.electors.order_by("key"))
        for n, elector in enumerate(electors):
            if n % 10 == 9:
                continue  # one household in ten does not take part
            answer = "no" if n % 10 == 4 else "yes"
            consultation_services.ballot_cast(consultation=consultation, household=elector, answers={question: answer},
                                              channel="paper", actor=actor, signer="")
        consultation_services.consultation_close(consultation=consultation, actor=actor)
        roof.refresh_from_db()
        fund.case_approve(case=roof, by="committee", on=today, actor=actor)
        fund.case_approve(case=roof, by="subdistrict", on=today, actor=actor)
        fund.case_pay(case=roof, amount_yuan="14580.00", paid_on=today, document_kind="invoice",
                      document_ref="预付款发票 No.04521", actor=actor)
        if len(ledgers) > 1:
            other = ledgers[1].building
            main = fund.emergency_report(compound=compound, category="burst_main",
                                         evidence_ref="物业现场查勘记录〔2025〕07号", title="供水主管爆裂抢修",
                                         location=f"{other.number}栋地下供水主管", estimate_yuan="3860.00",
                                         reported_on=D(2025, 7, 3), building=other,
                                         description="主管爆裂，全楼停水，物业当即关阀抢修。", actor=actor)
            fund.case_approve(case=main, by="committee", on=D(2025, 7, 4), actor=actor)
            fund.case_pay(case=main, amount_yuan="3860.00", paid_on=D(2025, 7, 8), document_kind="invoice",
                          document_ref="发票 No.03318", actor=actor)
            fund.case_accept(case=main, on=D(2025, 7, 6), note="业委会、物业共同验收，恢复供水；现场照片 4 张", actor=actor)
            fund.case_publish(case=main, on=D(2025, 7, 10), actor=actor)
