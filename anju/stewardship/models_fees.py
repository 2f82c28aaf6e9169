"""物业费: the standard per compound, parking spaces, monthly bills, payments and what each paid, demand letters.

Money in fen. Bills are made once per household and month (a constraint); a payment is never
edited, and what it settled is kept as allocations (oldest bill first), so a bill's `paid_fen` is
always the sum of its allocations (checked in tests). Civil Code art. 944: the only collection
steps recorded are the written demand (DemandLetter) and, after it, the list for court or
arbitration; there is no record of, and no way to order, a cut of water, power, heating or gas.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anju.core.scoping import ScopedQuerySet, ScopePaths
from anju.roster.models import Compound, Household

_C = "compound__"
_PATHS = {"subdistrict": _C + "subdistrict_id", "community": _C + "community_id", "compound": "compound_id"}


class FeeStandard(models.Model):
    """The fee of a compound from `since` on: 分/㎡·月 for homes, 分/个·月 for a parking space."""

    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="fee_standards", verbose_name=_("小区"))
    since = models.DateField(_("执行起始日期"))
    rate_fen = models.PositiveIntegerField(_("物业费（分/㎡·月）"))
    parking_fen = models.PositiveIntegerField(_("停车费（分/个·月）"), default=0)
    # The contract's share for vacant homes, in percent; None: the rule set's (Civil Code art. 944: full).
    vacant_percent = models.PositiveSmallIntegerField(_("空置房收费比例（%）"), null=True, blank=True)
    basis = models.CharField(_("依据"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("操作人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_paths = ScopePaths(**_PATHS)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("物业费标准")
        verbose_name_plural = _("物业费标准")
        ordering = ["compound_id", "-since", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["compound", "since"], name="fee_standard_since_unique"),
            models.CheckConstraint(condition=models.Q(vacant_percent__isnull=True) | models.Q(vacant_percent__lte=100),
                                   name="fee_standard_vacant_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.compound} · {self.since}"


class ParkingSpace(models.Model):
    """A parking space a household rents from the manager (停车费 billed with the property fee)."""

    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="parking_spaces", verbose_name=_("小区"))
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="parking_spaces", verbose_name=_("户"))
    code = models.CharField(_("车位编号"), max_length=20)
    since = models.DateField(_("起租日期"))
    until = models.DateField(_("退租日期"), null=True, blank=True)

    scope_paths = ScopePaths(**_PATHS)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("车位")
        verbose_name_plural = _("车位")
        ordering = ["compound_id", "code"]
        constraints = [models.UniqueConstraint(fields=["compound", "code"], condition=models.Q(until__isnull=True),
                                               name="parking_space_one_open")]

    def __str__(self) -> str:
        return self.code


class Bill(models.Model):
    """One household's fee for one month (the first day of the month in `period`)."""

    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="bills", verbose_name=_("小区"))
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="bills", verbose_name=_("户"))
    period = models.DateField(_("账期"))
    area = models.DecimalField(_("计费面积（㎡）"), max_digits=8, decimal_places=2)
    rate_fen = models.PositiveIntegerField(_("物业费（分/㎡·月）"))
    vacant = models.BooleanField(_("空置"), default=False)
    property_fen = models.PositiveIntegerField(_("物业费（分）"))
    parking_fen = models.PositiveIntegerField(_("停车费（分）"), default=0)
    amount_fen = models.PositiveIntegerField(_("应缴（分）"))
    paid_fen = models.PositiveIntegerField(_("已缴（分）"), default=0)  # the sum of its allocations
    settled_on = models.DateField(_("缴清日期"), null=True, blank=True)

    scope_paths = ScopePaths(**_PATHS)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("物业费账单")
        verbose_name_plural = _("物业费账单")
        ordering = ["household_id", "period"]
        constraints = [
            models.UniqueConstraint(fields=["household", "period"], name="bill_household_period_unique"),
            models.CheckConstraint(condition=models.Q(paid_fen__lte=models.F("amount_fen")), name="bill_paid_within"),
            models.CheckConstraint(condition=models.Q(amount_fen=models.F("property_fen") + models.F("parking_fen")),
                                   name="bill_amount_sum"),
        ]
        indexes = [models.Index(fields=["compound", "period"], name="bill_compound_period")]

    def __str__(self) -> str:
        return f"{self.household_id} · {self.period:%Y-%m}"

    @property
    def owed_fen(self) -> int:
        return self.amount_fen - self.paid_fen


class Channel(models.TextChoices):
    CASH = "cash", _("现金")
    WECHAT = "wechat", _("微信")
    ALIPAY = "alipay", _("支付宝")
    BANK = "bank", _("银行转账")
    OTHER = "other", _("其他")


class FeePayment(models.Model):
    """Money a household paid (recorded by staff or imported from the manager's file); never edited."""

    class Source(models.TextChoices):
        STAFF = "staff", _("工作人员登记")
        IMPORT = "import", _("物业台账导入")
        DEMO = "demo", _("演示数据")

    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="fee_payments", verbose_name=_("小区"))
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="fee_payments", verbose_name=_("户"))
    paid_on = models.DateField(_("缴费日期"))
    amount_fen = models.PositiveIntegerField(_("金额（分）"))
    channel = models.CharField(_("缴费方式"), max_length=10, choices=Channel.choices, default=Channel.OTHER)
    receipt = models.CharField(_("收据号或流水号"), max_length=40)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.STAFF)
    credit_fen = models.PositiveIntegerField(_("未冲抵余额（分）"), default=0)  # prepaid, settles later bills
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("登记人"))
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_paths = ScopePaths(**_PATHS)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("物业费缴费")
        verbose_name_plural = _("物业费缴费")
        ordering = ["-paid_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["compound", "receipt"], name="fee_payment_receipt_unique"),
            models.CheckConstraint(condition=models.Q(amount_fen__gt=0), name="fee_payment_positive"),
            models.CheckConstraint(condition=models.Q(credit_fen__lte=models.F("amount_fen")), name="fee_payment_credit"),
        ]
        indexes = [models.Index(fields=["compound", "paid_on"], name="fee_payment_compound_day"),
                   models.Index(fields=["household", "credit_fen"], name="fee_payment_credit_idx")]

    def __str__(self) -> str:
        return self.receipt


class Allocation(models.Model):
    """What part of a payment settled what part of a bill (dated by the payment)."""

    payment = models.ForeignKey(FeePayment, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("缴费"))
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("账单"))
    amount_fen = models.PositiveIntegerField(_("金额（分）"))
    paid_on = models.DateField(_("缴费日期"))  # the payment's, here so rates need no join
    period = models.DateField(_("账期"))  # the bill's
    in_period = models.BooleanField(_("当期缴纳"))  # paid by the end of the bill's month (当期收缴)

    class Meta:
        verbose_name = _("缴费冲抵")
        verbose_name_plural = _("缴费冲抵")
        constraints = [models.CheckConstraint(condition=models.Q(amount_fen__gt=0), name="allocation_positive")]
        indexes = [models.Index(fields=["bill", "paid_on"], name="allocation_bill_day"),
                   models.Index(fields=["period", "paid_on"], name="allocation_period_day")]

    def __str__(self) -> str:
        return f"{self.payment_id}→{self.bill_id}"


class DemandLetter(models.Model):
    """A written demand (催缴通知, Civil Code art. 944 ¶2) to pay what is owed by a date."""

    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="demand_letters", verbose_name=_("小区"))
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="demand_letters", verbose_name=_("户"))
    number = models.CharField(_("编号"), max_length=30)
    issued_on = models.DateField(_("发出日期"))
    pay_by = models.DateField(_("支付期限"))
    owed_fen = models.PositiveIntegerField(_("欠缴金额（分）"))
    first_period = models.DateField(_("最早欠费月份"))
    last_period = models.DateField(_("最近欠费月份"))
    months = models.PositiveSmallIntegerField(_("欠费月数"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("发出人"))

    scope_paths = ScopePaths(**_PATHS)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("催缴通知")
        verbose_name_plural = _("催缴通知")
        ordering = ["-issued_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["compound", "number"], name="demand_letter_number_unique"),
                       models.CheckConstraint(condition=models.Q(pay_by__gt=models.F("issued_on")),
                                              name="demand_letter_pay_by_after")]

    def __str__(self) -> str:
        return self.number
