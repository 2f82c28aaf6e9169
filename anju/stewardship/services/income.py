"""公共收益 and the manager's yearly accounts: record a receipt of common income (Civil Code art. 282)
or one line of the manager's income, spending or budget (art. 943); reverse a wrong row. Every row
carries its document and is never edited; each write is audited in its transaction."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from anju.core import audit
from anju.core.audit import Actor
from anju.core.errors import Conflict, ValidationFailed
from anju.domain.costshare.money import to_fen
from anju.domain.errors import DomainError
from anju.roster.models import Compound
from anju.stewardship.models_income import CommonIncome, IncomeSource, ManagerLine, ManagerSection

MAX_FEN = 10**12  # 100 亿元: far above any compound's year; keeps sums inside 64 bits


def _fen(raw: Any, field: str, *, zero: bool = False) -> int:
    if (raw is None or str(raw).strip() == "") and zero:
        return 0
    try:
        fen = to_fen(str(raw).strip(), field=field)
    except DomainError as error:
        raise ValidationFailed.from_domain(error) from None
    if fen > MAX_FEN or (fen == 0 and not zero):
        raise ValidationFailed("金额须大于 0 且不超过 100 亿元", "The amount must be above 0 and at most 10 billion yuan",
                               field=field)
    return fen


def _document(ref: str) -> str:
    ref = (ref or "").strip()
    if not ref:
        raise ValidationFailed("请填写凭证编号（发票、收据或业主委员会决定的编号）：没有凭证的账目不能登记",
                               "Enter the document number (invoice, receipt or committee decision): "
                               "an entry without a document cannot be recorded", field="document_ref")
    return ref[:80]


def _audit(obj: CommonIncome | ManagerLine, compound: Compound, actor: Actor, *, action: str,
           after: dict[str, object]) -> None:
    audit.record(actor=actor, action=action, obj=obj, before=None, after=after, subdistrict_id=compound.subdistrict_id)


@transaction.atomic
def common_income_record(*, compound: Compound, source: str, received_on: datetime.date, gross_yuan: Any,
                         cost_yuan: Any = "", to_fund_yuan: Any = "", document_ref: str, note: str = "",
                         actor: Actor) -> CommonIncome:
    """One receipt: gross income, the reasonable costs deducted (art. 282) and the part credited to the
    maintenance fund first; what is left (net − to fund) is the owners' to decide on."""
    if source not in IncomeSource.values:
        raise ValidationFailed(f"未知的收入来源：{source}", f"Unknown source: {source}", field="source")
    if received_on > timezone.localdate():
        raise ValidationFailed("收入日期不能晚于今天", "The date cannot be in the future", field="received_on")
    gross = _fen(gross_yuan, "gross_yuan")
    cost = _fen(cost_yuan, "cost_yuan", zero=True)
    to_fund = _fen(to_fund_yuan, "to_fund_yuan", zero=True)
    if cost > gross:
        raise ValidationFailed("合理成本不能超过经营收入", "The costs cannot exceed the gross income", field="cost_yuan")
    if to_fund > gross - cost:
        raise ValidationFailed("转入维修资金的部分不能超过扣除成本后的收益", "The part to the fund cannot exceed the net income",
                               field="to_fund_yuan")
    row = CommonIncome.objects.create(compound=compound, source=source, received_on=received_on, gross_fen=gross,
                                      cost_fen=cost, to_fund_fen=to_fund, document_ref=_document(document_ref),
                                      note=note.strip()[:200], created_by=actor.user)
    _audit(row, compound, actor, action="common_income_record",
           after={"source": source, "received_on": str(received_on), "gross_fen": gross, "cost_fen": cost,
                  "to_fund_fen": to_fund, "document_ref": row.document_ref})
    return row


@transaction.atomic
def common_income_reverse(*, row: CommonIncome, document_ref: str, actor: Actor) -> CommonIncome:
    """Cancel a wrong receipt by its exact negative, dated today; the original stays on record."""
    row = CommonIncome.objects.select_for_update().get(pk=row.pk)
    if row.reverses_id or CommonIncome.objects.filter(reverses=row).exists():
        raise Conflict("这笔公共收益已经冲正过或本身就是冲正记录", "This receipt is a reversal or was reversed already")
    back = CommonIncome.objects.create(compound=row.compound, source=row.source, received_on=timezone.localdate(),
                                       gross_fen=-row.gross_fen, cost_fen=-row.cost_fen, to_fund_fen=-row.to_fund_fen,
                                       document_ref=_document(document_ref), note=f"冲正 {row.received_on} 的记录",
                                       reverses=row, created_by=actor.user)
    _audit(back, row.compound, actor, action="common_income_reverse", after={"reverses": row.pk, "document_ref": back.document_ref})
    return back


@transaction.atomic
def manager_line_record(*, compound: Compound, year: Any, section: str, item: str, amount_yuan: Any,
                        document_ref: str, actor: Actor) -> ManagerLine:
    """One item of the manager's accounts of `year` (art. 943), or of its budget for the year after."""
    try:
        y = int(str(year).strip())
    except (TypeError, ValueError):
        y = 0
    today = timezone.localdate()
    if not 2000 <= y <= today.year:
        raise ValidationFailed(f"年度须在 2000 年到 {today.year} 年之间", f"The year must be 2000 to {today.year}",
                               field="year")
    if section not in ManagerSection.values:
        raise ValidationFailed(f"未知的类别：{section}", f"Unknown section: {section}", field="section")
    if not (item or "").strip():
        raise ValidationFailed("请填写项目名称（如物业费收入、保洁支出）", "Enter the item (e.g. fees collected, cleaning)",
                               field="item")
    line = ManagerLine.objects.create(compound=compound, year=y, section=section, item=item.strip()[:60],
                                      amount_fen=_fen(amount_yuan, "amount_yuan"),
                                      document_ref=_document(document_ref), created_by=actor.user)
    _audit(line, compound, actor, action="manager_line_record",
           after={"year": y, "section": section, "item": line.item, "amount_fen": line.amount_fen,
                  "document_ref": line.document_ref})
    return line
