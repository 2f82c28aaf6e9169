"""Reads of the maintenance fund: balances per ledger with the 30% line, the ledger, contributions
per household, and use cases with their shares, vote, payments and deadlines.

Balances are computed from the entries by the domain's rules (`fund.balance`, `fund.topup_line`),
the same function the services check draws with, so a page never shows a figure the rules would
not produce.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import Count, QuerySet, Sum

from anju.consultations.queries import question_result
from anju.domain.consent import Result
from anju.domain.costshare.money import format_yuan
from anju.domain.stewardship import fund
from anju.domain.stewardship.fund import EmergencyDue, Line
from anju.domain.stewardship.rulesets import RuleSet
from anju.roster.models import Compound, Household
from anju.stewardship import queries
from anju.stewardship.models_fund import (
    CaseKind,
    EntryKind,
    FundAccount,
    FundCase,
    FundEntry,
    FundLedger,
    FundShare,
)


def fund_account_of(compound: Compound) -> FundAccount | None:
    return FundAccount.objects.filter(compound=compound).first()


def _entries(ledger_ids: list[int]) -> dict[int, list[fund.Entry]]:
    out: dict[int, list[fund.Entry]] = defaultdict(list)
    for pk, ledger_id, kind, amount, rev in (FundEntry.objects.filter(ledger_id__in=ledger_ids).order_by("pk")
                                             .values_list("pk", "ledger_id", "kind", "amount_fen", "reverses_id")):
        out[ledger_id].append(fund.Entry(str(pk), cast(fund.Kind, kind), amount, str(rev) if rev else None))
    return out


def fund_line(ledger: FundLedger, rules: RuleSet | None = None) -> Line:
    """The ledger's balance and its top-up line under the sub-district's rule set."""
    rules = rules or queries.rules_for(ledger.account.compound.subdistrict_id)
    return fund.topup_line(rules, _entries([ledger.pk])[ledger.pk])


@dataclass(frozen=True)
class LedgerRow:
    ledger: FundLedger
    line: Line
    households: int
    area: Any  # Decimal m²

    @property
    def percent(self) -> str | None:
        """Balance as a share of the first contribution, "27.3%" (display only)."""
        ratio = self.line.ratio
        return None if ratio is None else f"{float(ratio) * 100:.1f}%"


@dataclass(frozen=True)
class FundView:
    account: FundAccount
    rows: list[LedgerRow]
    balance: int
    first: int
    below: list[LedgerRow]


def fund_view(account: FundAccount, rules: RuleSet) -> FundView:
    """Every ledger with its balance and 30% line, and the account's totals (three queries)."""
    ledgers = list(FundLedger.objects.filter(account=account).select_related("building", "unit")
                   .order_by("building__number", "unit__number", "pk"))
    entries = _entries([ledger.pk for ledger in ledgers])
    counts = {(r["unit__building_id"], r["unit_id"]): (r["n"], r["area"]) for r in
              Household.objects.filter(compound_id=account.compound_id).values("unit__building_id", "unit_id")
              .annotate(n=Count("pk"), area=Sum("exclusive_area"))}
    own_units = {ledger.unit_id for ledger in ledgers if ledger.unit_id}
    rows = []
    for ledger in ledgers:
        if ledger.unit_id:
            n, area = counts.get((ledger.building_id, ledger.unit_id), (0, 0))
        else:  # a building's ledger covers its units that have no ledger of their own
            picked = [v for (b, u), v in counts.items() if b == ledger.building_id and u not in own_units]
            n, area = sum(p[0] for p in picked), sum((p[1] for p in picked), 0)
        rows.append(LedgerRow(ledger, fund.topup_line(rules, entries[ledger.pk]), n, area))
    return FundView(account, rows, sum(r.line.balance for r in rows), sum(r.line.first for r in rows),
                    [r for r in rows if r.line.below])


def ledger_entries(account: FundAccount, ledger_id: int | None = None) -> QuerySet[FundEntry]:
    qs = (FundEntry.objects.filter(ledger__account=account)
          .select_related("ledger__building", "ledger__unit", "household__unit__building", "reverses", "case",
                          "reversed_by")
          .order_by("-booked_on", "-pk"))
    return qs.filter(ledger_id=ledger_id) if ledger_id else qs


def ledger_households(ledger: FundLedger) -> QuerySet[Household]:
    """The households a ledger covers: its unit, or its building without units that have their own."""
    qs = Household.objects.filter(unit__building_id=ledger.building_id)
    if ledger.unit_id:
        return qs.filter(unit_id=ledger.unit_id).select_related("unit__building").order_by("unit__number", "floor", "room")
    own = FundLedger.objects.filter(account_id=ledger.account_id, building_id=ledger.building_id,
                                    unit__isnull=False).values_list("unit_id", flat=True)
    return qs.exclude(unit_id__in=list(own)).select_related("unit__building").order_by("unit__number", "floor", "room")


def contributions(account: FundAccount) -> list[tuple[Household, int]]:
    """Each household's deposits and top-ups (net of reversals), by room."""
    totals: dict[int, int] = defaultdict(int)
    for hid, kind, amount, rev_kind in (FundEntry.objects.filter(ledger__account=account, household__isnull=False)
                                        .values_list("household_id", "kind", "amount_fen", "reverses__kind")):
        if kind in (EntryKind.OPENING, EntryKind.TOPUP):
            totals[hid] += amount
        elif kind == EntryKind.REVERSAL and rev_kind in (EntryKind.OPENING, EntryKind.TOPUP):
            totals[hid] -= amount
    households = Household.objects.filter(pk__in=totals).select_related("unit__building").order_by(
        "unit__building__number", "unit__number", "floor", "room")
    return [(h, totals[h.pk]) for h in households]


def room_label(household: Household) -> str:
    """"1栋1单元201室"."""
    return f"{household.unit.building.number}栋{household.unit.number}单元{household.room}室"


# --- use cases ------------------------------------------------------------------------------------


def cases_of(compound: Compound) -> QuerySet[FundCase]:
    return (FundCase.objects.filter(compound=compound).select_related("building", "unit", "consultation")
            .annotate(paid=Sum("draws__amount_fen")).order_by("-proposed_on", "-pk"))


def case_paid(case: FundCase) -> int:
    """Net paid for a case: draws less their reversals."""
    draws = FundEntry.objects.filter(case=case, kind=EntryKind.DRAW).aggregate(s=Sum("amount_fen"))["s"] or 0
    back = FundEntry.objects.filter(case=case, kind=EntryKind.REVERSAL, reverses__kind=EntryKind.DRAW).aggregate(
        s=Sum("amount_fen"))["s"] or 0
    return draws - back


def case_instalments(case: FundCase) -> int:
    """Instalments paid so far (draw documents, not reversed)."""
    return (FundEntry.objects.filter(case=case, kind=EntryKind.DRAW, reversed_by__isnull=True)
            .values("document_ref", "booked_on").distinct().count())


@dataclass(frozen=True)
class Step:
    zh: str
    done_on: datetime.date | None
    note: str = ""


@dataclass(frozen=True)
class CaseView:
    case: FundCase
    shares: list[FundShare]
    payments: list[FundEntry]
    paid: int
    vote: Result | None
    consultation: Any  # the consultations app's Consultation, or None
    steps: list[Step]
    emergency: fund.Emergency | None
    due: EmergencyDue | None


def case_view(case: FundCase, rules: RuleSet, today: datetime.date) -> CaseView:
    shares = list(case.shares.select_related("household__unit__building").order_by(
        "household__unit__building__number", "household__unit__number", "household__floor", "household__room"))
    payments = list(FundEntry.objects.filter(case=case).select_related("ledger__building", "ledger__unit", "reverses")
                    .order_by("booked_on", "pk"))
    consultation = case.consultation
    vote = None
    if consultation is not None:
        question = consultation.questions.order_by("order").first()
        vote = question_result(consultation, question) if question is not None else None
    paid = case_paid(case)
    emergency = fund.EMERGENCIES.get(case.category) if case.kind == CaseKind.EMERGENCY else None
    due = (fund.emergency_due(rules, case.proposed_on, today, case.committee_approved_on)
           if case.kind == CaseKind.EMERGENCY else None)
    if case.kind == CaseKind.ORDINARY:
        steps = [Step("提出使用建议", case.proposed_on),
                 Step("业主表决（民法典第二百七十八条）", consultation.closed_at.date() if consultation and consultation.closed_at
                      else None, "表决中" if consultation and not consultation.closed_at else ""),
                 Step("业主委员会同意", case.committee_approved_on),
                 Step("街道审核", case.subdistrict_approved_on)]
    else:
        steps = [Step("报告紧急情况", case.proposed_on),
                 Step("业主委员会审核同意", case.committee_approved_on),
                 Step("区房屋管理部门组织代修", case.escalated_on)]
    last = payments[-1].booked_on if payments else None
    steps += [Step("支付", last if paid else None, f"已付 {format_yuan(paid)} 元" if paid else ""),
              Step("竣工验收", case.accepted_on, case.acceptance_note),
              Step("使用情况公示" if case.kind == CaseKind.ORDINARY else "事后公示", case.published_on)]
    return CaseView(case, shares, payments, paid, vote, consultation, steps, emergency, due)
