"""Every write of 物业费: the standard, a month's bills, payments (by staff or a manager's file), demand letters.

Each runs in one transaction with its audit record; bad input is refused naming its field or row,
and nothing is saved. A payment settles the oldest open bills first (`fees.allocate`); a bill's
`paid_fen` is kept equal to its allocations. Civil Code art. 944: after a demand letter comes
court or arbitration; no function here stops water, power, heating or gas, and none may be added.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from anju.core import audit
from anju.core.audit import Actor
from anju.core.errors import AnjuError, Conflict, ValidationFailed
from anju.core.models import AuditEvent
from anju.domain.costshare.money import to_fen
from anju.domain.errors import DomainError
from anju.domain.rostersheet.source import FileProblem, Source, open_sheets
from anju.domain.stewardship import fees
from anju.domain.stewardship.fees import Period
from anju.roster.models import Compound, Household, Occupancy
from anju.stewardship import queries
from anju.stewardship.models_fees import (
    Allocation,
    Bill,
    Channel,
    DemandLetter,
    FeePayment,
    FeeStandard,
    ParkingSpace,
)

DEFAULT_DEMAND_DAYS = 30  # when the rule set names no period: Civil Code art. 944 says only "合理期限"
MAX_IMPORT_ROWS = 200_000  # one compound's payments file: far above a year of any compound's


def _invalid(error: DomainError) -> AnjuError:
    return ValidationFailed.from_domain(error)


def _today() -> datetime.date:
    return timezone.localdate()


def _lock(compound: Compound) -> Compound:
    return Compound.objects.select_for_update().get(pk=compound.pk)


# --- the standard -------------------------------------------------------------------------------------


@transaction.atomic
def standard_set(*, compound: Compound, since: datetime.date, rate_yuan: object, parking_yuan: object = "0",
                 vacant_percent: int | None = None, basis: str = "", actor: Actor) -> FeeStandard:
    """The fee from `since` on (a contract's figure, or the owners' decision); months billed keep theirs."""
    _lock(compound)
    try:
        rate = to_fen(rate_yuan, field="rate")
        parking = to_fen(parking_yuan or "0", field="parking")
    except DomainError as error:
        raise _invalid(error) from None
    if rate == 0 or rate > fees.MAX_RATE_FEN:
        raise ValidationFailed(f"物业费标准应在 0.01 到 {fees.MAX_RATE_FEN // 100} 元/㎡·月之间。",
                               f"The rate is 0.01 to {fees.MAX_RATE_FEN // 100} yuan/㎡/month.", field="rate")
    if parking > 100_000:
        raise ValidationFailed("停车费标准过高（超过 1000 元/个·月），请检查。", "The parking fee looks too high.",
                               field="parking")
    if vacant_percent is not None and not 0 <= vacant_percent <= 100:
        raise ValidationFailed("空置房收费比例应在 0 到 100 之间。", "The vacant share is 0 to 100 percent.",
                               field="vacant_percent")
    if Bill.objects.filter(compound=compound, period__gte=since.replace(day=1)).exists():
        raise ValidationFailed(f"{since:%Y年%-m月}及以后已出账，新标准请从未出账的月份起执行。",
                               "Months from that date are billed; start the new standard in a month not billed yet.",
                               field="since")
    if FeeStandard.objects.filter(compound=compound, since=since).exists():
        raise ValidationFailed("该日期已有物业费标准。", "A standard starts on that day already.", field="since")
    standard = FeeStandard.objects.create(compound=compound, since=since, rate_fen=rate, parking_fen=parking,
                                          vacant_percent=vacant_percent, basis=basis.strip()[:200], created_by=actor.user)
    audit.record(actor=actor, action="fee_standard_set", obj=standard, before=None,
                 after={"since": str(since), "rate_fen": rate, "parking_fen": parking, "vacant_percent": vacant_percent,
                        "basis": standard.basis}, subdistrict_id=compound.subdistrict_id)
    return standard


@transaction.atomic
def parking_add(*, household: Household, code: str, since: datetime.date, actor: Actor) -> ParkingSpace:
    code = code.strip()
    if not code:
        raise ValidationFailed("请填写车位编号。", "Enter the space's number.", field="code")
    if ParkingSpace.objects.filter(compound_id=household.compound_id, code=code, until__isnull=True).exists():
        raise ValidationFailed(f"车位 {code} 正在出租中。", f"Space {code} is let already.", field="code")
    space = ParkingSpace.objects.create(compound_id=household.compound_id, household=household, code=code[:20],
                                        since=since)
    audit.record(actor=actor, action="fee_parking_add", obj=space, before=None,
                 after={"household": household.pk, "code": space.code, "since": str(since)},
                 subdistrict_id=household.compound.subdistrict_id)
    return space


# --- bills --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BillRun:
    period: Period
    bills: int
    total_fen: int
    vacant: int
    credited_fen: int  # settled at once from earlier prepayments


def _vacant_share(compound: Compound, standard: FeeStandard) -> Fraction:
    if standard.vacant_percent is not None:
        return Fraction(standard.vacant_percent, 100)
    share = queries.rules_for(compound.subdistrict_id).value("vacant_fee_share")
    return Fraction(1) if share is None else Fraction(share)


@transaction.atomic
def bill_month(*, compound: Compound, period: Period, actor: Actor, today: datetime.date | None = None) -> BillRun:
    """Bill every household of the compound for `period` under the standard in force; once per month."""
    compound = _lock(compound)
    today = today or _today()
    if period > Period.of(today):
        raise ValidationFailed(f"{period.zh}尚未开始，不能出账。", f"{period} has not begun.", field="period")
    if Bill.objects.filter(compound=compound, period=period.first).exists():
        raise ValidationFailed(f"{compound.name}{period.zh}已出账，同一月份不能重复出账。",
                               f"{period} is billed already for this compound.", field="period")
    standards = list(FeeStandard.objects.filter(compound=compound, since__lte=period.last).order_by("-since"))
    if not standards:
        raise ValidationFailed(f"{period.zh}没有适用的物业费标准，请先登记标准。",
                               f"No fee standard applies in {period}; set one first.", field="period")
    standard = standards[0]
    # The standards in force within the month, each for its days (a new one may start mid-month).
    segments = fees.segments_of(period, [(s.since, s.rate_fen) for s in standards])
    share = _vacant_share(compound, standard)
    spaces: dict[int, list[int]] = defaultdict(list)
    for space in ParkingSpace.objects.filter(compound=compound, since__lte=period.last).filter(
            Q(until__isnull=True) | Q(until__gte=period.first)):
        spaces[space.household_id].append(fees.days_served(period, space.since, space.until))
    rows = []
    try:
        for pk, area, occupancy in Household.objects.filter(compound=compound).values_list("pk", "exclusive_area",
                                                                                          "occupancy"):
            vacant = occupancy == Occupancy.VACANT
            amount = fees.bill_amount(area=area, rate_fen=standard.rate_fen, period=period, vacant=vacant,
                                      vacant_share=share, segments=segments, parking_fen=standard.parking_fen,
                                      parking_days=spaces.get(pk, ()))
            if amount.total == 0:
                continue
            rows.append(Bill(compound=compound, household_id=pk, period=period.first, area=area,
                             rate_fen=standard.rate_fen, vacant=vacant, property_fen=amount.property_fen,
                             parking_fen=amount.parking_fen, amount_fen=amount.total))
    except DomainError as error:
        raise _invalid(error) from None
    Bill.objects.bulk_create(rows, batch_size=2000)
    credited = _apply_credits(compound)
    run = BillRun(period, len(rows), sum(b.amount_fen for b in rows), sum(b.vacant for b in rows), credited)
    audit.record(actor=actor, action="fee_bill_month", obj=compound, before=None,
                 after={"period": str(period), "bills": run.bills, "total_fen": run.total_fen, "vacant": run.vacant,
                        "rate_fen": standard.rate_fen, "vacant_share": f"{share.numerator}/{share.denominator}",
                        "credited_fen": credited}, subdistrict_id=compound.subdistrict_id)
    return run


def _open_bills(household_ids: Iterable[int]) -> dict[int, list[Bill]]:
    out: dict[int, list[Bill]] = defaultdict(list)
    for bill in Bill.objects.filter(household_id__in=list(household_ids), paid_fen__lt=F("amount_fen")).order_by(
            "period", "pk"):
        out[bill.household_id].append(bill)
    return out


def _settle(payments: list[FeePayment], open_bills: dict[int, list[Bill]]) -> tuple[list[Allocation], set[int]]:
    """Allocate each payment (in order) to its household's open bills; updates bills and credits in memory."""
    allocations: list[Allocation] = []
    touched: set[int] = set()
    for payment in payments:
        bills = open_bills.get(payment.household_id, [])
        by_key = {b.pk: b for b in bills}
        made, left = fees.allocate(payment.credit_fen, [fees.Open(b.pk, Period.of(b.period), b.owed_fen) for b in bills])
        for key, fen in made:
            bill = by_key[key]
            bill.paid_fen += fen
            if bill.paid_fen == bill.amount_fen:
                bill.settled_on = max(payment.paid_on, bill.period)
            allocations.append(Allocation(payment=payment, bill=bill, amount_fen=fen, paid_on=payment.paid_on,
                                          period=bill.period, in_period=payment.paid_on <= Period.of(bill.period).last))
            touched.add(bill.pk)
        payment.credit_fen = left
        open_bills[payment.household_id] = [b for b in bills if b.paid_fen < b.amount_fen]
    return allocations, touched


def _write_settlement(allocations: list[Allocation], bills: Iterable[Bill]) -> None:
    Allocation.objects.bulk_create(allocations, batch_size=2000)
    Bill.objects.bulk_update(list(bills), ["paid_fen", "settled_on"], batch_size=2000)


def _apply_credits(compound: Compound) -> int:
    """Prepayments waiting as credit settle the bills just made (oldest payment first)."""
    payments = list(FeePayment.objects.filter(compound=compound, credit_fen__gt=0).order_by("paid_on", "pk"))
    if not payments:
        return 0
    before = sum(p.credit_fen for p in payments)
    open_bills = _open_bills({p.household_id for p in payments})
    allocations, touched = _settle(payments, open_bills)
    all_bills = {b.pk: b for a in allocations for b in [a.bill]}
    _write_settlement(allocations, (all_bills[k] for k in touched))
    FeePayment.objects.bulk_update(payments, ["credit_fen"], batch_size=2000)
    return before - sum(p.credit_fen for p in payments)


# --- payments -----------------------------------------------------------------------------------------


def _receipt_taken(compound: Compound, receipt: str) -> FeePayment | None:
    return FeePayment.objects.filter(compound=compound, receipt=receipt).select_related("household__unit__building").first()


def _check_day(paid_on: datetime.date, today: datetime.date, field_name: str = "paid_on") -> None:
    if paid_on > today:
        raise ValidationFailed("缴费日期不能晚于今天。", "The payment date cannot be in the future.", field=field_name)
    if paid_on.year < 2000:
        raise ValidationFailed("缴费日期有误。", "The payment date is wrong.", field=field_name)


@transaction.atomic
def payment_record(*, household: Household, paid_on: datetime.date, amount_yuan: object, receipt: str,
                   channel: str = Channel.OTHER, actor: Actor, source: str = FeePayment.Source.STAFF,
                   today: datetime.date | None = None) -> FeePayment:
    """A payment a household made; it settles the oldest open bills, any rest waits as credit."""
    compound = _lock(household.compound)
    try:
        amount = to_fen(amount_yuan, field="amount")
    except DomainError as error:
        raise _invalid(error) from None
    if amount <= 0 or amount > fees.MAX_PAYMENT_FEN:
        raise ValidationFailed("缴费金额应大于 0 且不超过 100 万元。", "The amount is above 0 and at most 1,000,000 yuan.",
                               field="amount")
    _check_day(paid_on, today or _today())
    receipt = receipt.strip()
    if not receipt:
        raise ValidationFailed("请填写收据号或支付流水号，用于核对和防止重复登记。",
                               "Enter the receipt or transaction number (it prevents double entry).", field="receipt")
    if channel not in Channel.values:
        raise ValidationFailed("缴费方式无效。", "Unknown payment channel.", field="channel")
    taken = _receipt_taken(compound, receipt)
    if taken is not None:
        raise Conflict(f"收据号 {receipt} 已于 {taken.paid_on:%Y年%-m月%-d日} 登记（{taken.household.room_label}），不能重复登记。",
                       f"Receipt {receipt} is recorded already ({taken.paid_on}); not recorded twice.")
    payment = FeePayment(compound=compound, household=household, paid_on=paid_on, amount_fen=amount, credit_fen=amount,
                         channel=channel, receipt=receipt[:40], source=source, recorded_by=actor.user)
    payment.save()
    allocations, touched = _settle([payment], _open_bills([household.pk]))
    _write_settlement(allocations, {a.bill.pk: a.bill for a in allocations}.values())
    payment.save(update_fields=["credit_fen"])
    audit.record(actor=actor, action="fee_payment", obj=payment, before=None,
                 after={"household": household.pk, "paid_on": str(paid_on), "amount_fen": amount, "receipt": payment.receipt,
                        "settled_bills": len(touched), "credit_fen": payment.credit_fen},
                 subdistrict_id=compound.subdistrict_id)
    return payment


# --- the manager's payments file ----------------------------------------------------------------------

# Column headers a manager's ledger uses, each mapped to what it holds (the first that matches wins).
HEADERS: dict[str, tuple[str, ...]] = {
    "room": ("房号", "房屋", "房间", "户号", "楼栋单元房号"),
    "amount": ("金额（元）", "金额(元)", "金额", "实收金额", "缴费金额"),
    "paid_on": ("缴费日期", "收款日期", "日期"),
    "receipt": ("收据号", "票据号", "流水号", "收据号或流水号", "单据号"),
    "channel": ("缴费方式", "支付方式", "方式"),
}
HEADER_NAMES = {"room": "房号", "amount": "金额（元）", "paid_on": "缴费日期", "receipt": "收据号", "channel": "缴费方式"}
CHANNELS = {label: value for value, label in Channel.choices} | {"微信支付": "wechat", "转账": "bank", "银行": "bank",
                                                                  "刷卡": "bank"}


@dataclass
class FeeProblem:
    row: int | None
    column: str | None
    value: str | None
    zh: str
    en: str


@dataclass
class PaymentImport:
    rows: int = 0
    total_fen: int = 0
    households: int = 0
    problems: list[FeeProblem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def applied(self) -> bool:
        return not self.dry_run and not self.problems and self.rows > 0

    def summary(self) -> dict[str, Any]:
        return {"rows": self.rows, "total_fen": self.total_fen, "households": self.households,
                "problems": len(self.problems), "applied": self.applied, "dry_run": self.dry_run}


class _Rollback(Exception):
    pass


def _columns(header: list[str]) -> dict[str, int]:
    cleaned = [h.strip().replace(" ", "") for h in header]
    found: dict[str, int] = {}
    for key, names in HEADERS.items():
        for name in names:
            if name in cleaned:
                found[key] = cleaned.index(name)
                break
    return found


def _parse_day(text: str) -> datetime.date | None:
    text = text.strip().replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-").rstrip("日").rstrip("-")
    try:
        return datetime.date.fromisoformat("-".join(p.zfill(2) for p in text.split(" ")[0].split("-")))
    except ValueError:
        return None


def payments_import(*, compound: Compound, source: Source, actor: Actor, dry_run: bool = False,
                    label: str = "", today: datetime.date | None = None) -> PaymentImport:
    """A manager's payments ledger (xlsx or CSV: 房号, 金额（元）, 缴费日期, 收据号[, 缴费方式]) for one compound.

    All or nothing: every problem is named with its row, and a file with any problem (or a dry run)
    saves nothing. Each payment settles its household's oldest bills, in the order of the file's dates.
    """
    result = PaymentImport(dry_run=dry_run)
    today = today or _today()
    try:
        sheet = next(iter(open_sheets(source)))
    except FileProblem as error:
        result.problems.append(FeeProblem(None, None, None, error.zh, error.en))
        return result
    except StopIteration:
        result.problems.append(FeeProblem(None, None, None, "文件中没有工作表。", "The file has no sheet."))
        return result
    rooms = {(h.unit.building.number, h.unit.number, h.room): h.pk
             for h in Household.objects.filter(compound=compound).select_related("unit__building")}
    known = set(FeePayment.objects.filter(compound=compound).values_list("receipt", flat=True))
    parsed: list[tuple[int, int, datetime.date, int, str, str]] = []  # row, household, day, fen, receipt, channel
    seen: dict[str, int] = {}
    columns: dict[str, int] | None = None
    try:
        for number, cells in sheet.rows:
            if columns is None:
                if not any(c.strip() for c in cells):
                    continue
                columns = _columns(cells)
                missing = [HEADER_NAMES[k] for k in ("room", "amount", "paid_on", "receipt") if k not in columns]
                if missing:
                    result.problems.append(FeeProblem(number, None, None, f"缺少列：{'、'.join(missing)}。第一行应为表头：房号、"
                                                      "金额（元）、缴费日期、收据号（缴费方式可选）。",
                                                      f"Missing columns: {', '.join(missing)}."))
                    return result
                continue
            if not any(c.strip() for c in cells):
                continue
            result.rows += 1
            if result.rows > MAX_IMPORT_ROWS:
                result.problems.append(FeeProblem(number, None, None, f"文件超过 {MAX_IMPORT_ROWS:,} 行，请按月份分开导入。",
                                                  f"More than {MAX_IMPORT_ROWS:,} rows; split the file by month."))
                return result
            parsed_row = _check_row(number, cells, columns, rooms, known, seen, today, compound, result.problems)
            if parsed_row is not None:
                parsed.append(parsed_row)
    except FileProblem as error:
        result.problems.append(FeeProblem(None, None, None, error.zh, error.en))
        return result
    if columns is None:
        result.problems.append(FeeProblem(None, None, None, "文件是空的。", "The file is empty."))
        return result
    if result.rows == 0:
        result.problems.append(FeeProblem(None, None, None, "文件中没有缴费记录。", "The file has no payments."))
        return result
    result.total_fen = sum(p[3] for p in parsed)
    result.households = len({p[1] for p in parsed})
    if result.problems or dry_run:
        return result
    try:
        with transaction.atomic():
            _lock(compound)
            if FeePayment.objects.filter(compound=compound, receipt__in=[p[4] for p in parsed]).exists():
                raise _Rollback  # another import got there first: check again from the start
            payments_write(compound=compound, rows=[p[1:] for p in parsed], actor=actor, label=label)
    except _Rollback:
        result.problems.append(FeeProblem(None, None, None, "导入期间有人登记了同一收据号，请重新导入。",
                                          "A receipt was recorded meanwhile; import again."))
    return result


def _check_row(number: int, cells: list[str], columns: dict[str, int], rooms: dict[tuple[str, str, str], int],
               known: set[str], seen: dict[str, int], today: datetime.date, compound: Compound,
               problems: list[FeeProblem]) -> tuple[int, int, datetime.date, int, str, str] | None:
    def cell(key: str) -> str:
        index = columns.get(key)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    before = len(problems)

    def bad(key: str, value: str, zh: str, en: str) -> None:
        problems.append(FeeProblem(number, HEADER_NAMES[key], value, f"第 {number} 行「{HEADER_NAMES[key]}」：{zh}",
                                   f"Row {number}, {HEADER_NAMES[key]}: {en}"))

    room_text = cell("room")
    parts = fees.parse_room(room_text)
    household = rooms.get(parts) if parts else None
    if parts is None:
        bad("room", room_text, f"“{room_text}”不是房号，应写成 3栋2单元501。", f"{room_text!r} is not a room code (3栋2单元501).")
    elif household is None:
        bad("room", room_text, f"{compound.name}没有 {room_text} 这一户。", f"No household {room_text} in this compound.")
    amount_text = cell("amount")
    fen = 0
    try:
        fen = to_fen(amount_text.replace("元", "").replace("¥", ""), field="amount")
        if fen <= 0 or fen > fees.MAX_PAYMENT_FEN:
            bad("amount", amount_text, "金额应大于 0 且不超过 100 万元。", "above 0 and at most 1,000,000 yuan.")
    except DomainError:
        bad("amount", amount_text, f"“{amount_text}”不是金额（元，最多两位小数）。", f"{amount_text!r} is not an amount in yuan.")
    day_text = cell("paid_on")
    day = _parse_day(day_text)
    if day is None:
        bad("paid_on", day_text, f"“{day_text}”不是日期，应写成 2024-03-15。", f"{day_text!r} is not a date (2024-03-15).")
    elif day > today or day.year < 2000:
        bad("paid_on", day_text, "缴费日期不能晚于今天。", "the date cannot be in the future.")
    receipt = cell("receipt")[:40]
    if not receipt:
        bad("receipt", "", "缺少收据号或流水号（用于防止重复登记）。", "missing (it prevents double entry).")
    elif receipt in known:
        bad("receipt", receipt, f"收据号 {receipt} 已经登记过，这一笔不能重复登记。", f"receipt {receipt} is recorded already.")
    elif receipt in seen:
        bad("receipt", receipt, f"与第 {seen[receipt]} 行的收据号重复。", f"same receipt as row {seen[receipt]}.")
    else:
        seen[receipt] = number
    channel_text = cell("channel")
    channel = CHANNELS.get(channel_text, Channel.OTHER) if channel_text else Channel.OTHER
    if len(problems) > before or household is None or day is None:
        return None
    return number, household, day, fen, receipt, channel


def payments_write(*, compound: Compound, rows: Sequence[tuple[int, datetime.date, int, str, str]], actor: Actor,
                   label: str = "", source: str = FeePayment.Source.IMPORT) -> list[FeePayment]:
    """Write checked payments (household id, day, fen, receipt, channel) in bulk, each settling its
    household's oldest bills in the order of the days; audited per payment and once for the whole.
    The caller holds the transaction and has checked every row (payments_import does)."""
    payments = [FeePayment(compound=compound, household_id=h, paid_on=day, amount_fen=fen, credit_fen=fen,
                           channel=channel, receipt=receipt, source=source, recorded_by=actor.user)
                for h, day, fen, receipt, channel in sorted(rows, key=lambda p: p[1])]
    FeePayment.objects.bulk_create(payments, batch_size=2000)
    if any(p.pk is None for p in payments):  # a backend that does not return ids from bulk inserts
        ids = dict(FeePayment.objects.filter(compound=compound, receipt__in=[p.receipt for p in payments])
                   .values_list("receipt", "pk"))
        for p in payments:
            p.pk = ids[p.receipt]
    allocations, touched = _settle(payments, _open_bills({p.household_id for p in payments}))
    _write_settlement(allocations, {a.bill.pk: a.bill for a in allocations}.values())
    FeePayment.objects.bulk_update([p for p in payments if p.credit_fen != p.amount_fen], ["credit_fen"],
                                   batch_size=2000)
    audit.bulk_record([AuditEvent(actor=actor.user, actor_label=actor.label[:120], action="fee_payment",
                                  object_type=FeePayment._meta.label_lower, object_id=str(p.pk), object_label=p.receipt,
                                  subdistrict_id=compound.subdistrict_id, before=None,
                                  after={"household": p.household_id, "paid_on": str(p.paid_on), "amount_fen": p.amount_fen,
                                         "receipt": p.receipt, "source": source})
                       for p in payments])
    audit.record(actor=actor, action="fee_payments_import", obj=compound, before=None,
                 after={"file": label[:200], "payments": len(payments), "total_fen": sum(p.amount_fen for p in payments),
                        "settled_bills": len(touched)}, subdistrict_id=compound.subdistrict_id)
    return payments


# --- demand letters (Civil Code art. 944 ¶2) ------------------------------------------------------------


@transaction.atomic
def letters_issue(*, compound: Compound, household_ids: Iterable[int] | None = None, min_months: int = 1,
                  issued_on: datetime.date | None = None, pay_by: datetime.date | None = None,
                  actor: Actor) -> list[DemandLetter]:
    """A written demand to each household in arrears (bills before this month unpaid), naming what and by when.

    `household_ids` limits it to those households (each must be in arrears); otherwise every household
    owing at least `min_months` months' bills gets one. The period to pay is the rule set's, else 30 days.
    """
    compound = _lock(compound)
    issued_on = issued_on or _today()
    if issued_on > _today():
        raise ValidationFailed("发出日期不能晚于今天。", "The issue date cannot be in the future.", field="issued_on")
    days = queries.rules_for(compound.subdistrict_id).value("fee_demand_days") or DEFAULT_DEMAND_DAYS
    pay_by = pay_by or issued_on + datetime.timedelta(days=days)
    if pay_by <= issued_on:
        raise ValidationFailed("支付期限应晚于发出日期。", "The date to pay by comes after the issue date.", field="pay_by")
    if not 1 <= min_months <= 120:
        raise ValidationFailed("欠费月数应在 1 到 120 之间。", "Months in arrears: 1 to 120.", field="min_months")
    current = Period.of(issued_on).first
    arrears: dict[int, list[Bill]] = defaultdict(list)
    for bill in Bill.objects.filter(compound=compound, period__lt=current, paid_fen__lt=F("amount_fen")).order_by("period"):
        arrears[bill.household_id].append(bill)
    if household_ids is not None:
        wanted = list(dict.fromkeys(household_ids))
        rooms = dict(Household.objects.filter(pk__in=wanted, compound=compound).values_list("pk", "room"))
        for pk in wanted:
            if pk not in rooms:
                raise ValidationFailed("所选户不在本小区。", "A chosen household is not in this compound.", field="households")
            if pk not in arrears:
                household = Household.objects.select_related("unit__building").get(pk=pk)
                raise ValidationFailed(f"{household.room_label}没有欠费，不发催缴通知。",
                                       f"{household.room_code} owes nothing.", field="households")
        chosen = wanted
    else:
        chosen = [pk for pk, bills in arrears.items() if len(bills) >= min_months]
    if not chosen:
        raise ValidationFailed("没有符合条件的欠费户。", "No household in arrears matches.", field="min_months")
    year = issued_on.year
    count = DemandLetter.objects.filter(compound=compound, number__startswith=f"催{year}-").count()
    letters = []
    for i, pk in enumerate(sorted(chosen), start=count + 1):
        bills = arrears[pk]
        letters.append(DemandLetter(
            compound=compound, household_id=pk, number=f"催{year}-{compound.pk}-{i:04d}", issued_on=issued_on,
            pay_by=pay_by, owed_fen=sum(b.owed_fen for b in bills), first_period=bills[0].period,
            last_period=bills[-1].period, months=len(bills), issued_by=actor.user))
    DemandLetter.objects.bulk_create(letters)
    audit.record(actor=actor, action="fee_demand_letters", obj=compound, before=None,
                 after={"letters": len(letters), "issued_on": str(issued_on), "pay_by": str(pay_by),
                        "owed_fen": sum(x.owed_fen for x in letters)}, subdistrict_id=compound.subdistrict_id)
    return list(DemandLetter.objects.filter(compound=compound, issued_on=issued_on,
                                            number__in=[x.number for x in letters]).select_related(
        "household__unit__building").order_by("number"))
