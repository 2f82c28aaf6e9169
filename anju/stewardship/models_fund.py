"""专项维修资金: a compound's fund account, its ledgers per building (or unit), entries and use cases.

The ledger is append-only (住宅专项维修资金管理办法 art. 30: the accounts are checked against the
bank's and published): an entry is never changed or deleted; a mistake is undone by a reversal
entry that names it, at most once (a database constraint). Amounts are whole fen. The rules are
`anju.domain.stewardship.fund`'s; writes go through `services.fund`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anju.core.scoping import ScopedQuerySet, ScopePaths
from anju.roster.models import Building, Compound, Household, Unit

_C = "compound__"
_A = "ledger__account__compound__"


class FundAccount(models.Model):
    """The fund of one compound (one account per 物业管理区域, 办法 art. 10), held at a bank."""

    compound = models.OneToOneField(Compound, on_delete=models.PROTECT, related_name="fund_account",
                                    verbose_name=_("小区"))
    bank = models.CharField(_("专户银行"), max_length=80, blank=True)
    opened_on = models.DateField(_("建账日期"))
    created_at = models.DateTimeField(auto_now_add=True)

    scope_paths = ScopePaths(subdistrict=_C + "subdistrict_id", community=_C + "community_id", compound="compound_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("专项维修资金账户")
        verbose_name_plural = _("专项维修资金账户")

    def __str__(self) -> str:
        return f"{self.compound} · 专项维修资金"


class FundLedger(models.Model):
    """A sub-ledger: one building (上海 art. 66: 按幢立账), or one unit whose elevator costs stay with it."""

    account = models.ForeignKey(FundAccount, on_delete=models.PROTECT, related_name="ledgers", verbose_name=_("账户"))
    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="+", verbose_name=_("楼栋"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("单元"))

    scope_paths = ScopePaths(subdistrict="account__compound__subdistrict_id",
                             community="account__compound__community_id", compound="account__compound_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("分账")
        verbose_name_plural = _("分账")
        ordering = ["account_id", "building__number", "unit__number", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["account", "building"], condition=models.Q(unit__isnull=True),
                                    name="fund_ledger_one_per_building"),
            models.UniqueConstraint(fields=["account", "unit"], condition=models.Q(unit__isnull=False),
                                    name="fund_ledger_one_per_unit"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """"3栋" or "3栋1单元"."""
        return f"{self.building.number}栋" + (f"{self.unit.number}单元" if self.unit_id and self.unit else "")


class EntryKind(models.TextChoices):
    OPENING = "opening", _("首期交存")
    TOPUP = "topup", _("业主续交")
    INTEREST = "interest", _("利息")
    COMMON_INCOME = "common_income", _("共有部分收入转入")
    DRAW = "draw", _("使用支出")
    REVERSAL = "reversal", _("冲正")


class DocumentKind(models.TextChoices):
    BANK_SLIP = "bank_slip", _("银行回单")
    INVOICE = "invoice", _("发票")
    DECISION = "decision", _("决定或批复")
    CONTRACT = "contract", _("合同")
    STATEMENT = "statement", _("银行对账单")


class AppendOnly(Exception):
    """A fund entry was about to be changed or deleted."""


class FundEntry(models.Model):
    """One booked entry, never edited: `amount_fen` > 0; its sign comes from `kind` (a reversal: the
    opposite of the entry it reverses)."""

    ledger = models.ForeignKey(FundLedger, on_delete=models.PROTECT, related_name="entries", verbose_name=_("分账"))
    kind = models.CharField(_("类型"), max_length=20, choices=EntryKind.choices)
    amount_fen = models.PositiveBigIntegerField(_("金额（分）"))
    booked_on = models.DateField(_("记账日期"))
    document_kind = models.CharField(_("凭证类型"), max_length=20, choices=DocumentKind.choices)
    document_ref = models.CharField(_("凭证号"), max_length=80)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("交存户"))
    reverses = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="reversed_by", verbose_name=_("冲正的记账"))
    case = models.ForeignKey("FundCase", on_delete=models.PROTECT, null=True, blank=True, related_name="draws",
                             verbose_name=_("使用事项"))
    note = models.CharField(_("摘要"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("记账人"))
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    scope_paths = ScopePaths(subdistrict=_A + "subdistrict_id", community=_A + "community_id",
                             compound="ledger__account__compound_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("维修资金记账")
        verbose_name_plural = _("维修资金记账")
        ordering = ["booked_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_fen__gt=0), name="fund_entry_amount_positive"),
            models.CheckConstraint(condition=models.Q(kind="reversal", reverses__isnull=False)
                                   | (~models.Q(kind="reversal") & models.Q(reverses__isnull=True)),
                                   name="fund_entry_reversal_names_its_entry"),
            models.CheckConstraint(condition=~models.Q(document_ref=""), name="fund_entry_has_document"),
        ]
        indexes = [models.Index(fields=["ledger", "booked_on"], name="fund_entry_ledger_day")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount_fen / 100:.2f}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnly("维修资金记账不能修改，只能冲正。")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnly("维修资金记账不能删除，只能冲正。")


class CaseKind(models.TextChoices):
    ORDINARY = "ordinary", _("一般使用")
    EMERGENCY = "emergency", _("紧急使用")


class FundCase(models.Model):
    """One use of the fund: a repair with its scope, estimate and shares, then vote (ordinary use),
    approvals, instalments, acceptance and publication. Each step's date is recorded when it happens."""

    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="fund_cases", verbose_name=_("小区"))
    kind = models.CharField(_("类型"), max_length=10, choices=CaseKind.choices)
    title = models.CharField(_("维修事项"), max_length=120)
    location = models.CharField(_("维修部位"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    quotes = models.TextField(_("报价情况"), blank=True)
    # The repair is shared by the whole compound (both empty), one building, or one unit.
    building = models.ForeignKey(Building, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("分摊楼栋"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("分摊单元"))
    estimate_fen = models.PositiveBigIntegerField(_("预算金额（分）"))
    proposed_on = models.DateField(_("提出日期"))
    consultation = models.OneToOneField("consultations.Consultation", on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="fund_case", verbose_name=_("业主表决"))
    committee_approved_on = models.DateField(_("业主委员会同意日期"), null=True, blank=True)
    subdistrict_approved_on = models.DateField(_("街道审核日期"), null=True, blank=True)
    accepted_on = models.DateField(_("竣工验收日期"), null=True, blank=True)
    acceptance_note = models.CharField(_("验收情况"), max_length=300, blank=True)
    published_on = models.DateField(_("公示日期"), null=True, blank=True)
    # Emergency use (上海 art. 73): the category, its evidence, the report, and the district stepping in.
    category = models.CharField(_("紧急情况类别"), max_length=20, blank=True)
    evidence_ref = models.CharField(_("证明材料文号"), max_length=120, blank=True)
    escalated_on = models.DateField(_("区房屋管理部门组织代修日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_paths = ScopePaths(subdistrict=_C + "subdistrict_id", community=_C + "community_id", compound="compound_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("维修资金使用")
        verbose_name_plural = _("维修资金使用")
        ordering = ["compound_id", "-proposed_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(unit__isnull=True) | models.Q(building__isnull=False),
                                   name="fund_case_unit_needs_building"),
            models.CheckConstraint(condition=models.Q(kind="ordinary") | ~models.Q(category=""),
                                   name="fund_case_emergency_has_category"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def scope_label(self) -> str:
        if self.unit_id and self.building is not None and self.unit is not None:
            return f"{self.building.number}栋{self.unit.number}单元"
        if self.building_id and self.building is not None:
            return f"{self.building.number}栋"
        return "全小区"


class FundShare(models.Model):
    """A household's share of a case's estimate by exclusive area (Civil Code art. 283), in fen."""

    case = models.ForeignKey(FundCase, on_delete=models.CASCADE, related_name="shares", verbose_name=_("使用事项"))
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+", verbose_name=_("户"))
    area = models.DecimalField(_("专有部分面积（㎡）"), max_digits=8, decimal_places=2)
    amount_fen = models.PositiveBigIntegerField(_("分摊金额（分）"))

    class Meta:
        verbose_name = _("分摊")
        verbose_name_plural = _("分摊")
        ordering = ["case_id", "pk"]
        constraints = [models.UniqueConstraint(fields=["case", "household"], name="fund_share_unique")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.household_id}"
