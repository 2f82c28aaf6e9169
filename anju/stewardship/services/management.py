"""Every write of 长效管理, audited in the same transaction; bad input is refused naming its field.

Records are never deleted (Civil Code art. 280): a management is closed by the next one, a
contract ends by its date or by a termination that respected the notice period (art. 946).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.utils import timezone

from anju.core import audit
from anju.core.audit import Actor
from anju.core.errors import AnjuError, Conflict, ValidationFailed
from anju.domain.costshare.money import to_fen
from anju.domain.errors import DomainError
from anju.domain.ids import normalize_credit_code
from anju.domain.stewardship import deadlines, rulesets
from anju.roster.models import Compound, Subdistrict
from anju.stewardship import queries
from anju.stewardship.models import (
    MODES_WITH_COMPANY,
    Contract,
    EmergencyCase,
    Management,
    Mode,
    PropertyCompany,
    RuleSetVersion,
)

MAX_FEE_FEN = 10_000  # 100 元/㎡·月: anything above is a typo for a yearly or a total figure
# Civil Code art. 949: what an outgoing manager hands back to the owners.
HANDOVER_ITEMS: dict[str, tuple[str, str]] = {
    "premises": ("物业服务用房", "the property service premises"),
    "facilities": ("相关设施设备", "the related facilities and equipment"),
    "records": ("物业服务所必需的相关资料", "the records needed to manage the property"),
    "status": ("如实告知物业的使用和管理状况", "a true account of the property's use and management"),
}


def _invalid(error: DomainError) -> AnjuError:
    return ValidationFailed.from_domain(error)


def as_json(value: object) -> Any:
    """A figure value as stored in JSON: ratios as "a/b", bar lists as lists."""
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, tuple):
        return list(value)
    return value


# --- the rule set ---------------------------------------------------------------------------------


@transaction.atomic
def rules_choose(*, subdistrict: Subdistrict, base: str, changes: Mapping[str, object], reason: str,
                 actor: Actor) -> RuleSetVersion:
    """Follow the shipped rule set `base` with `changes` from now on: a new version, audited."""
    try:
        shipped = rulesets.shipped(base)
        wanted = {k: v for k, v in changes.items() if rulesets.parse_value(k, v) != shipped.value(k)}
        rules = rulesets.adjust(shipped, wanted, reason=reason) if wanted else shipped
    except DomainError as error:
        raise _invalid(error) from None
    current = (RuleSetVersion.objects.select_for_update().filter(subdistrict=subdistrict)
               .order_by("-version").first())
    stored = {c.key: as_json(c.after) for c in rules.changes}
    if current is not None and current.base == base and current.changes == stored:
        raise ValidationFailed("与现行规则相同，没有新版本。", "Same as the rules in force; no new version.",
                               field="changes")
    version = RuleSetVersion.objects.create(
        subdistrict=subdistrict, base=base, version=(current.version + 1) if current else 1, changes=stored,
        reason=reason.strip(), chosen_by=actor.user)
    audit.record(actor=actor, action="stewardship_rules", obj=version,
                 before={"base": current.base, "version": current.version, "changes": current.changes} if current else None,
                 after={"base": base, "version": version.version, "changes": stored, "reason": version.reason},
                 subdistrict_id=subdistrict.pk)
    return version


# --- companies ------------------------------------------------------------------------------------


@transaction.atomic
def company_create(*, subdistrict: Subdistrict, name: str, credit_code: str, contact: str = "", phone: str = "",
                   actor: Actor) -> PropertyCompany:
    name = name.strip()
    if not name:
        raise ValidationFailed("请填写企业名称。", "Enter the company's name.", field="name")
    try:
        code = normalize_credit_code(credit_code)
    except DomainError as error:
        raise _invalid(error) from None
    if PropertyCompany.objects.filter(subdistrict=subdistrict, credit_code=code).exists():
        raise ValidationFailed(f"统一社会信用代码 {code} 的企业已登记。", f"A company with credit code {code} is already listed.",
                               field="credit_code")
    company = PropertyCompany.objects.create(subdistrict=subdistrict, name=name[:120], credit_code=code,
                                             contact=contact.strip()[:60], phone=phone.strip()[:30])
    audit.record(actor=actor, action="property_company_create", obj=company, before=None,
                 after={"name": company.name, "credit_code": code}, subdistrict_id=subdistrict.pk)
    return company


# --- management -----------------------------------------------------------------------------------


def _lock(compound: Compound) -> Compound:
    return Compound.objects.select_for_update().get(pk=compound.pk)


def _today() -> datetime.date:
    return timezone.localdate()


@transaction.atomic
def management_set(*, compound: Compound, mode: str, company: PropertyCompany | None, since: datetime.date,
                   note: str = "", decided_on: datetime.date | None = None, actor: Actor) -> Management:
    """From `since`, `compound` is managed this way; the management before it ends the day before.

    An 应急物业 opens its case (the 街道's decision of `decided_on`, by default `since`); the next
    management closes it, so the case links the emergency to the manager the owners hired."""
    if mode not in Mode.values:
        raise ValidationFailed("请选择管理方式。", "Choose how the compound is managed.", field="mode")
    if mode in MODES_WITH_COMPANY and company is None:
        raise ValidationFailed(f"「{Mode(mode).label}」须选择物业服务企业。", "Choose the company that manages it.",
                               field="company")
    if mode not in MODES_WITH_COMPANY and company is not None:
        raise ValidationFailed(f"「{Mode(mode).label}」不填写物业服务企业。", "This mode has no company.", field="company")
    if company is not None and company.subdistrict_id != compound.subdistrict_id:
        raise ValidationFailed("该企业不在本街道登记。", "The company is not listed in this sub-district.", field="company")
    if since > _today() + datetime.timedelta(days=366):
        raise ValidationFailed("起始日期太远，请核对。", "The start is more than a year ahead; check it.", field="since")
    _lock(compound)
    current = Management.objects.filter(compound=compound, until__isnull=True).first()
    if current is not None:
        if since <= current.since:
            raise ValidationFailed(
                f"起始日期须晚于现行管理方式的起始日期（{current.since:%Y年%-m月%-d日}）。",
                f"The start must be after the current management's start ({current.since:%Y-%m-%d}).", field="since")
        current.until = since - datetime.timedelta(days=1)
        current.save(update_fields=["until"])
    if decided_on is not None and decided_on > since:
        raise ValidationFailed("街道确定应急物业的日期不能晚于服务起始日期。", "The decision cannot come after the start.",
                               field="decided_on")
    management = Management.objects.create(compound=compound, mode=mode, company=company, since=since,
                                           note=note.strip()[:200])
    if current is not None:
        EmergencyCase.objects.filter(management=current, successor__isnull=True).update(successor=management)
    if mode == Mode.EMERGENCY:
        EmergencyCase.objects.create(compound=compound, management=management, decided_on=decided_on or since,
                                     reason=note.strip()[:300])
    audit.record(actor=actor, action="management_set", obj=management,
                 before={"mode": current.mode, "company": current.company_id, "since": str(current.since)} if current else None,
                 after={"mode": mode, "company": company.pk if company else None, "since": str(since)},
                 subdistrict_id=compound.subdistrict_id)
    return management


def emergency_ends(management: Management) -> datetime.date | None:
    """The last day an 应急物业 may serve under the sub-district's rule set (北京 art. 77, 上海 art. 52)."""
    rules = queries.rules_for(management.compound.subdistrict_id)
    if management.mode != Mode.EMERGENCY or rules.value("emergency_service_months_max") is None:
        return None
    return deadlines.deadline_after(rules, "emergency_service_months_max", management.since)


# --- contracts ------------------------------------------------------------------------------------


def _overlapping(compound: Compound, starts: datetime.date, last: datetime.date | None) -> Contract | None:
    for other in Contract.objects.filter(compound=compound).select_related("company"):
        other_last = other.last_day
        if (other_last is None or other_last >= starts) and (last is None or other.starts_on <= last):
            return other
    return None


@transaction.atomic
def contract_create(*, compound: Compound, company: PropertyCompany, signed_on: datetime.date,
                    starts_on: datetime.date, ends_on: datetime.date | None, fee_yuan: str, services: str = "",
                    notice_days: int | None = None, actor: Actor) -> Contract:
    if company.subdistrict_id != compound.subdistrict_id:
        raise ValidationFailed("该企业不在本街道登记。", "The company is not listed in this sub-district.", field="company")
    if signed_on > _today():
        raise ValidationFailed("签订日期不能晚于今天。", "The signing date cannot be in the future.", field="signed_on")
    if ends_on is not None and ends_on < starts_on:
        raise ValidationFailed("服务截止日期不能早于起始日期。", "The end cannot be before the start.", field="ends_on")
    try:
        fee = to_fen(fee_yuan, field="fee")
    except DomainError as error:
        raise _invalid(error) from None
    if not 0 < fee <= MAX_FEE_FEN:
        raise ValidationFailed("物业费应在 0.01 至 100 元/㎡·月之间，请核对是否填成了年费或总额。",
                               "The fee is 0.01 to 100 yuan per ㎡ per month; check it is not a yearly or total figure.",
                               field="fee")
    if notice_days is not None and not 0 <= notice_days <= 365:
        raise ValidationFailed("解聘通知天数应在 0 至 365 之间。", "Notice is 0 to 365 days.", field="notice_days")
    _lock(compound)
    clash = _overlapping(compound, starts_on, ends_on)
    if clash is not None:
        end = f"{clash.last_day:%Y年%-m月%-d日}" if clash.last_day else "不定期"
        raise ValidationFailed(
            f"与{clash.company.name}的合同（{clash.starts_on:%Y年%-m月%-d日}至{end}）服务期重叠；一个小区同一时间只能有一份物业服务合同。",
            f"Overlaps the contract with {clash.company.name} from {clash.starts_on:%Y-%m-%d}; "
            "a compound has one property service contract at a time.", field="starts_on")
    contract = Contract.objects.create(compound=compound, company=company, signed_on=signed_on, starts_on=starts_on,
                                       ends_on=ends_on, fee_fen=fee, services=services.strip()[:4000],
                                       notice_days=notice_days, handover=dict.fromkeys(HANDOVER_ITEMS, False))
    audit.record(actor=actor, action="contract_create", obj=contract, before=None,
                 after={"company": company.pk, "starts_on": str(starts_on), "ends_on": str(ends_on) if ends_on else None,
                        "fee_fen": fee}, subdistrict_id=compound.subdistrict_id)
    return contract


@transaction.atomic
def contract_file(*, contract: Contract, filed_on: datetime.date, late_reason: str = "", actor: Actor) -> Contract:
    """Record the filing (备案); after the rule set's deadline only with the reason for the delay."""
    if contract.filed_on is not None:
        raise Conflict("该合同已备案。", "The contract is already filed.")
    if filed_on < contract.signed_on or filed_on > _today():
        raise ValidationFailed("备案日期应在签订日期与今天之间。", "The filing date is between the signing and today.",
                               field="filed_on")
    rules = queries.rules_for(contract.compound.subdistrict_id)
    due = queries.filing_due(rules, contract, filed_on)
    if due is not None and filed_on > due.deadline and not late_reason.strip():
        source = rules.figure("contract_filing_days").source
        raise ValidationFailed(
            f"备案期限为签订后 {rules.value('contract_filing_days')} 日（{source.zh if source else ''}），"
            f"即 {due.deadline:%Y年%-m月%-d日}；逾期备案请写明原因。",
            f"Filing was due by {due.deadline:%Y-%m-%d}; give the reason for the delay.", field="late_reason")
    contract.filed_on = filed_on
    contract.save(update_fields=["filed_on"])
    audit.record(actor=actor, action="contract_file", obj=contract, before={"filed_on": None},
                 after={"filed_on": str(filed_on), "late_reason": late_reason.strip()[:500] or None},
                 subdistrict_id=contract.compound.subdistrict_id)
    return contract


@transaction.atomic
def contract_terminate(*, contract: Contract, on: datetime.date, notified_on: datetime.date, actor: Actor) -> Contract:
    """End a contract early after the owners decided to dismiss the manager, with the notice kept (art. 946)."""
    if contract.terminated_on is not None:
        raise Conflict("该合同已终止。", "The contract has already ended.")
    if on < contract.starts_on or (contract.ends_on is not None and on > contract.ends_on):
        raise ValidationFailed("终止日期应在服务期内。", "The end falls within the service period.", field="on")
    if notified_on > on:
        raise ValidationFailed("书面通知日期不能晚于终止日期。", "The notice cannot come after the end.", field="notified_on")
    rules = queries.rules_for(contract.compound.subdistrict_id)
    key = "open_contract_notice_days" if contract.ends_on is None else "manager_dismissal_notice_days"
    days = contract.notice_days if contract.notice_days is not None else rules.value(key)
    if (on - notified_on).days < days:
        source = rules.figure(key).source
        cite = "合同约定" if contract.notice_days is not None else (source.zh if source else "")
        raise ValidationFailed(
            f"须提前 {days} 日书面通知物业服务人（{cite}），现为 {(on - notified_on).days} 日。",
            f"Written notice of {days} days is required; it was {(on - notified_on).days}.", field="notified_on")
    contract.terminated_on = on
    contract.save(update_fields=["terminated_on"])
    audit.record(actor=actor, action="contract_terminate", obj=contract, before={"terminated_on": None},
                 after={"terminated_on": str(on), "notified_on": str(notified_on)},
                 subdistrict_id=contract.compound.subdistrict_id)
    return contract


@transaction.atomic
def handover_tick(*, contract: Contract, item: str, done: bool, actor: Actor) -> Contract:
    if item not in HANDOVER_ITEMS:
        raise ValidationFailed("没有这一交接事项。", "No such hand-over item.", field="item")
    before = dict(contract.handover)
    contract.handover = {**dict.fromkeys(HANDOVER_ITEMS, False), **before, item: bool(done)}
    contract.save(update_fields=["handover"])
    audit.record(actor=actor, action="contract_handover", obj=contract, before=before, after=contract.handover,
                 subdistrict_id=contract.compound.subdistrict_id)
    return contract
