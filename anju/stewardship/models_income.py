"""Common income (公共收益) and the manager's yearly accounts (物业服务项目收支及预算).

* Civil Code art. 282: income from the owners' common parts (parking, advertising, venues), after
  reasonable costs, belongs to the owners. Each receipt is one row with its gross, its costs and the
  part credited to the maintenance fund first (Beijing's regulation puts part of it into the fund
  first: the article is 待核, not verified against the text); the rest is the owners' to decide on.
* Civil Code art. 943: the manager discloses its services, fees, the fund's use and common income;
  its yearly income and spending and next year's budget are lines here, one per item.

Rows are never edited: a wrong one is corrected by a reversing row (negative amounts, `reverses`).
Writes go through `services.income`; the quarterly and yearly statements read them
(`queries_disclosure`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anju.core.scoping import ScopedQuerySet, ScopePaths
from anju.roster.models import Compound

_SCOPE = dict(subdistrict="compound__subdistrict_id", community="compound__community_id", compound="compound_id")


class IncomeSource(models.TextChoices):
    PARKING = "parking", _("停车场地")
    ADVERTISING = "advertising", _("电梯、楼道广告")
    VENUE = "venue", _("场地出租")
    OTHER = "other", _("其他共有部分经营")


class CommonIncome(models.Model):
    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="common_incomes",
                                 verbose_name=_("小区"))
    source = models.CharField(_("收入来源"), max_length=20, choices=IncomeSource.choices)
    received_on = models.DateField(_("收入日期"))
    gross_fen = models.BigIntegerField(_("经营收入（分）"))
    cost_fen = models.BigIntegerField(_("合理成本（分）"), default=0)
    to_fund_fen = models.BigIntegerField(_("转入维修资金（分）"), default=0)
    document_ref = models.CharField(_("凭证编号"), max_length=80)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    reverses = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="reversed_by", verbose_name=_("冲正的记录"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_paths = ScopePaths(**_SCOPE)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("公共收益")
        verbose_name_plural = _("公共收益")
        ordering = ["compound_id", "received_on", "pk"]
        indexes = [models.Index(fields=["compound", "received_on"], name="common_income_compound_day")]
        constraints = [
            # A receipt: 0 ≤ cost ≤ gross and 0 ≤ to fund ≤ gross − cost; a reversal is its exact negative.
            models.CheckConstraint(
                condition=(models.Q(reverses__isnull=True, gross_fen__gt=0, cost_fen__gte=0, to_fund_fen__gte=0,
                                    cost_fen__lte=models.F("gross_fen"))
                           | models.Q(reverses__isnull=False, gross_fen__lt=0, cost_fen__lte=0, to_fund_fen__lte=0)),
                name="common_income_amounts_in_order"),
            models.CheckConstraint(condition=models.Q(to_fund_fen__lte=models.F("gross_fen") - models.F("cost_fen"))
                                   | models.Q(reverses__isnull=False), name="common_income_fund_share_of_net"),
        ]

    def __str__(self) -> str:
        return f"{self.compound} · {self.get_source_display()} · {self.received_on}"

    @property
    def net_fen(self) -> int:
        return self.gross_fen - self.cost_fen


class ManagerSection(models.TextChoices):
    INCOME = "income", _("收入")
    SPENDING = "spending", _("支出")
    BUDGET_INCOME = "budget_income", _("下年度预算收入")
    BUDGET_SPENDING = "budget_spending", _("下年度预算支出")


class ManagerLine(models.Model):
    """One item of the manager's accounts of `year` (actual income or spending) or of its budget for
    the year after (`budget_*`)."""

    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="manager_lines",
                                 verbose_name=_("小区"))
    year = models.PositiveSmallIntegerField(_("年度"))
    section = models.CharField(_("类别"), max_length=20, choices=ManagerSection.choices)
    item = models.CharField(_("项目"), max_length=60)
    amount_fen = models.BigIntegerField(_("金额（分）"))
    document_ref = models.CharField(_("凭证编号"), max_length=80)
    reverses = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="reversed_by", verbose_name=_("冲正的记录"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_paths = ScopePaths(**_SCOPE)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("物业服务项目收支")
        verbose_name_plural = _("物业服务项目收支")
        ordering = ["compound_id", "year", "section", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(reverses__isnull=True, amount_fen__gt=0)
                                   | models.Q(reverses__isnull=False, amount_fen__lt=0),
                                   name="manager_line_amount_sign"),
        ]

    def __str__(self) -> str:
        return f"{self.compound} · {self.year}年 · {self.item}"
