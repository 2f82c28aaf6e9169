"""Reads of 公示: each compound's disclosure calendar, the figures a statement is generated from, and
the overdue ones for the work lists and the dashboard.

The figures come from the ledgers as the fund's pages compute them: the maintenance fund's entries
(a reversal counts against the kind of the entry it reverses), and the property-fee bills. The
calendar is the domain's (`anju.domain.stewardship.disclosure`), started on the day the compound's
fund account opened (fund and common income) or its first contract began (the manager's accounts).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Min, QuerySet, Sum

from anju.core.scoping import Scope
from anju.domain.stewardship import disclosure
from anju.domain.stewardship.disclosure import KINDS, Owed, Period
from anju.domain.stewardship.rulesets import RuleSet
from anju.participation import queries as participation
from anju.roster.models import Compound
from anju.stewardship.models import Contract
from anju.stewardship.models_disclosure import Disclosure, DisclosureKind
from anju.stewardship.models_fees import Bill
from anju.stewardship.models_fund import FundAccount, FundEntry
from anju.stewardship.models_income import CommonIncome, IncomeSource, ManagerLine, ManagerSection


def subject_key(d: Disclosure, figure_key: str) -> str:
    """What a "这里不对" suggestion is about: one figure of one published statement."""
    return f"disclosure:{d.pk}:{figure_key}"


def basis_of(rules: RuleSet, kind: str) -> str:
    """The article the calendar of `kind` follows, as printed ("《…》第六十六条"), or the adjustment."""
    figure = rules.figure(KINDS[kind].figure)
    source = figure.source
    where = f"{source.zh}{source.pending_zh}" if source else ""
    if figure.adjusted:
        return f"本街道调整（原依据{where}）" if where else "本街道调整"
    return where


def starts_of(compound: Compound) -> dict[str, datetime.date | None]:
    """When each kind's calendar starts for `compound` (None: nothing to disclose yet)."""
    account = FundAccount.objects.filter(compound=compound).values_list("opened_on", flat=True).first()
    contract = Contract.objects.filter(compound=compound).aggregate(d=Min("starts_on"))["d"]
    return {"fund": account, "common_income": account, "manager": contract}


# --- the figures of one statement ---------------------------------------------------------------


def _row(key: str, zh: str, en: str, fen: int, group: str = "") -> dict[str, Any]:
    return {"key": key, "zh": zh, "en": en, "fen": fen, "group": group}


def _fund_rows(compound: Compound, period: Period, *, common_income_only: bool) -> list[dict[str, Any]]:
    entries = (
        FundEntry.objects.filter(ledger__account__compound=compound, booked_on__lte=period.end)
        .select_related("ledger__building", "ledger__unit", "case", "reverses__case")
        .order_by("booked_on", "pk")
    )
    titles: dict[str, str] = {}
    movements = []
    for e in entries:
        case = e.case or (e.reverses.case if e.reverses else None)
        if case is not None:
            titles[str(case.pk)] = f"{case.title}（{case.scope_label}）"
        movements.append(
            disclosure.Movement(
                e.kind,
                e.amount_fen,
                e.booked_on,
                e.ledger.label,
                e.reverses.kind if e.reverses else None,
                str(case.pk) if case is not None else None,
            )
        )
    s = disclosure.fund_statement(movements, period)
    if common_income_only:
        return [
            _row(
                "common_income",
                "共有部分经营收入转入维修资金",
                "Common income credited to the fund",
                s.common_income,
            )
        ] + _common_income_rows(compound, period)
    rows = [
        _row("opening", "期初余额", "Opening balance", s.opening),
        _row("deposits", "业主交存（首期及续交）", "Owners' deposits and top-ups", s.deposits),
        _row("interest", "利息收入", "Interest", s.interest),
        _row("common_income", "共有部分经营收入转入", "Common income credited", s.common_income),
        _row("draws", "使用支出", "Spent on repairs", s.draws),
        _row("closing", "期末余额", "Closing balance", s.closing),
    ]
    rows += [
        _row(f"case:{pk}", titles[pk], titles[pk], fen, "使用支出明细")
        for pk, fen in sorted(s.cases.items(), key=lambda c: int(c[0]))
    ]
    rows += [
        _row(f"ledger:{label}", f"{label}分账余额", f"Ledger {label}", fen, "分账余额")
        for label, fen in s.ledgers.items()
    ]
    return rows


def _common_income_rows(compound: Compound, period: Period) -> list[dict[str, Any]]:
    """The receipts of common income in `period` (Civil Code art. 282): by source, then the totals."""
    rows = list(
        CommonIncome.objects.filter(compound=compound, received_on__gte=period.start, received_on__lte=period.end)
        .values("source")
        .annotate(gross=Sum("gross_fen"), cost=Sum("cost_fen"), fund=Sum("to_fund_fen"))
        .order_by("source")
    )
    labels = dict(IncomeSource.choices)
    out = [
        _row(f"income:{r['source']}", f"{labels[r['source']]}收入", f"Income: {r['source']}", r["gross"], "公共收益明细")
        for r in rows
    ]
    gross, cost, fund = (sum(r[k] for r in rows) for k in ("gross", "cost", "fund"))
    return out + [
        _row("income_gross", "公共收益合计", "Common income, gross", gross, "公共收益合计"),
        _row("income_cost", "扣除合理成本", "Reasonable costs deducted", cost, "公共收益合计"),
        _row("income_net", "扣除成本后的收益（归业主共有）", "Net income (the owners')", gross - cost, "公共收益合计"),
        _row("income_to_fund", "其中转入维修资金", "Of which credited to the fund", fund, "公共收益合计"),
        _row("income_left", "其中由业主共同决定使用", "Of which left for the owners to decide", gross - cost - fund,
             "公共收益合计"),
    ]


def _manager_lines(compound: Compound, period: Period) -> list[dict[str, Any]]:
    """The manager's accounts of the years `period` covers and its budget for the year after (art. 943)."""
    years = range(period.start.year, period.end.year + 1)
    sums = (
        ManagerLine.objects.filter(compound=compound, year__in=list(years))
        .values("section", "item")
        .annotate(fen=Sum("amount_fen"))
        .order_by("section", "item")
    )
    labels = dict(ManagerSection.choices)
    out: list[dict[str, Any]] = []
    for section in ManagerSection.values:
        items = [r for r in sums if r["section"] == section and r["fen"]]
        if not items:
            continue
        group = str(labels[section])
        out += [_row(f"{section}:{r['item']}", r["item"], r["item"], r["fen"], group) for r in items]
        out.append(_row(f"{section}:total", f"{group}合计", f"Total: {section}", sum(r["fen"] for r in items), group))
    return out


def _manager_rows(compound: Compound, period: Period) -> list[dict[str, Any]]:
    totals = Bill.objects.filter(
        compound=compound, period__gte=period.start, period__lte=period.end
    ).aggregate(billed=Sum("amount_fen"), paid=Sum("paid_fen"))
    billed, paid = totals["billed"] or 0, totals["paid"] or 0
    return [
        _row("billed", "物业费应收", "Property fees billed", billed),
        _row("paid", "物业费实收", "Property fees collected", paid),
        _row("arrears", "物业费欠收", "Property fees outstanding", billed - paid),
    ] + _manager_lines(compound, period)


def statement_rows(compound: Compound, kind: str, period: Period) -> list[dict[str, Any]]:
    """The figures of `kind` for `period`, in fen, as they stand in the ledgers now."""
    if kind == DisclosureKind.MANAGER:
        return _manager_rows(compound, period)
    return _fund_rows(compound, period, common_income_only=kind == DisclosureKind.COMMON_INCOME)


def changes(
    before: list[dict[str, Any]], after: list[dict[str, Any]]
) -> list[tuple[str, int | None, int | None]]:
    """What a correction changes: (figure, before, after) for every figure that differs."""
    old, new = {r["key"]: r for r in before}, {r["key"]: r for r in after}
    keys = [r["key"] for r in after] + [k for k in old if k not in new]
    return [
        (
            (new.get(k) or old[k])["zh"],
            old[k]["fen"] if k in old else None,
            new[k]["fen"] if k in new else None,
        )
        for k in keys
        if (old.get(k) or {}).get("fen") != (new.get(k) or {}).get("fen")
    ]


# --- the calendar -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarRow:
    owed: Owed
    current: Disclosure | None  # the newest version, draft or published
    published: Disclosure | None  # the newest published version

    @property
    def kind_zh(self) -> str:
        return KINDS[self.owed.kind].zh


def _versions(compounds: list[int]) -> dict[tuple[int, str, datetime.date], list[Disclosure]]:
    out: dict[tuple[int, str, datetime.date], list[Disclosure]] = defaultdict(list)
    for d in Disclosure.objects.filter(compound_id__in=compounds).order_by("version"):
        out[(d.compound_id, d.kind, d.period_start)].append(d)
    return out


def _calendar(
    compound: Compound,
    rules: RuleSet,
    today: datetime.date,
    starts: dict[str, datetime.date | None],
    versions: dict[tuple[int, str, datetime.date], list[Disclosure]],
) -> list[CalendarRow]:
    rows = []
    for kind in KINDS:
        since = starts[kind]
        if since is None:
            continue
        months = disclosure.months_of(rules, kind)
        if months is None:
            continue
        found = {
            p: versions.get((compound.pk, kind, p.start), [])
            for p in disclosure.ended_periods(months, since, today)
        }
        first = {
            p: min((v.published_on for v in vs if v.published_on), default=None) for p, vs in found.items()
        }
        for owed in disclosure.calendar(rules, kind, since, today, {p: d for p, d in first.items() if d}):
            vs = found[owed.period]
            published = [v for v in vs if v.published_on]
            rows.append(CalendarRow(owed, vs[-1] if vs else None, published[-1] if published else None))
    return sorted(rows, key=lambda r: (r.owed.due.deadline, r.owed.kind), reverse=True)


def calendar_of(compound: Compound, rules: RuleSet, today: datetime.date) -> list[CalendarRow]:
    """Every statement the compound owes by `today`, newest due first, with its versions."""
    return _calendar(compound, rules, today, starts_of(compound), _versions([compound.pk]))


def overdue_in(scope: Scope, rules_of_subdistrict: Any, today: datetime.date) -> dict[int, list[CalendarRow]]:
    """compound id → its overdue statements, for every compound in scope that has a fund or a contract."""
    accounts = dict(FundAccount.objects.within(scope).values_list("compound_id", "opened_on"))
    contracts = dict(
        Contract.objects.within(scope)
        .values("compound_id")
        .annotate(d=Min("starts_on"))
        .values_list("compound_id", "d")
    )
    ids = sorted(set(accounts) | set(contracts))
    versions = _versions(ids)
    out: dict[int, list[CalendarRow]] = {}
    for compound in Compound.objects.filter(pk__in=ids).select_related("community"):
        starts = {
            "fund": accounts.get(compound.pk),
            "common_income": accounts.get(compound.pk),
            "manager": contracts.get(compound.pk),
        }
        late = [
            r
            for r in _calendar(
                compound, rules_of_subdistrict(compound.subdistrict_id), today, starts, versions
            )
            if r.owed.overdue
        ]
        if late:
            out[compound.pk] = late
    return out


def published_of(compound: Compound) -> QuerySet[Disclosure]:
    """The compound's published statements that no published correction replaces, newest period first."""
    return (
        Disclosure.objects.filter(compound=compound, published_on__isnull=False)
        .exclude(superseded_by__published_on__isnull=False)
        .order_by("-period_start", "kind")
    )


def suggestion_counts(d: Disclosure) -> dict[str, int]:
    """figure key → how many residents said "这里不对" about it."""
    prefix = f"disclosure:{d.pk}:"
    return {k[len(prefix) :]: n for k, n in participation.subject_counts(d.compound, prefix).items()}
