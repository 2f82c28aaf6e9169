"""Tables of the 加装电梯 capability: a project per unit, its costs, and the saved cost plans (算明账).

Money is integer fen (分). Every write goes through `elevators.services`; every scoped read through
`<Model>.objects.visible_to(user)` (scope paths run unit → building → compound, like the roster).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anju.core.scoping import ScopedQuerySet, ScopePaths
from anju.roster.models import Household, Subdistrict, Unit

_UNIT = "unit__building__compound__"
_PROJECT = "project__unit__building__compound__"


class Status(models.TextChoices):
    PREPARING = "preparing", _("筹备")
    CONSULTING = "consulting", _("意见征求")
    DESIGN = "design", _("设计审批")
    CONSTRUCTION = "construction", _("施工")
    BUILT = "built", _("已建成")
    OPERATING = "operating", _("运行")


class SubsidyMode(models.TextChoices):
    PROPORTIONAL = "proportional", _("按比例抵减")
    COMMON_FIRST = "common_first", _("先抵共同部分")


class RunningBasis(models.TextChoices):
    COEFFICIENTS = "coefficients", _("按楼层系数")
    EQUAL = "equal", _("每户均摊")
    RIDES = "rides", _("按刷卡次数")


class ElevatorProject(models.Model):
    """One elevator retrofit of one unit (单元). A unit has at most one active project."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="elevator_projects", verbose_name=_("单元"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PREPARING)
    active = models.BooleanField(_("有效"), default=True)
    planned_completion = models.DateField(_("计划建成日期"), null=True, blank=True)
    actual_completion = models.DateField(_("实际建成日期"), null=True, blank=True)
    # The chosen method in the JSON contract of `anju costshare` (validated through the engine on save).
    method = models.JSONField(_("分摊方法"), default=dict)
    subsidy_mode = models.CharField(_("补贴抵减方式"), max_length=20, choices=SubsidyMode.choices,
                                    default=SubsidyMode.PROPORTIONAL)
    # Gross cost (fen) of an elevator reaching each floor, {"2": fen, ...}; empty: a default profile.
    reach_costs = models.JSONField(_("到达各层的费用"), default=dict, blank=True)
    # Yearly running costs, [{"name": "电费", "amount": fen}, ...]
    running_costs = models.JSONField(_("年度运行费用"), default=list, blank=True)
    running_basis = models.CharField(_("运行费用分摊方式"), max_length=20, choices=RunningBasis.choices,
                                     default=RunningBasis.COEFFICIENTS)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    scope_paths = ScopePaths(subdistrict=_UNIT + "subdistrict_id", community=_UNIT + "community_id",
                             compound=_UNIT + "id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("加装电梯项目")
        verbose_name_plural = _("加装电梯项目")
        ordering = ["unit_id", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["unit"], condition=models.Q(active=True), name="elevator_one_active_per_unit"),
        ]

    def __str__(self) -> str:
        unit = self.unit
        return f"{unit.building.compound.name} {unit}"

    @property
    def storeys(self) -> int:
        return self.unit.building.storeys


class CostKind(models.TextChoices):
    CONSTRUCTION = "construction", _("施工费")
    DESIGN = "design", _("设计费")
    SUPERVISION = "supervision", _("监理费")
    PIPELINE = "pipeline", _("管线迁移费")
    OTHER = "other", _("其他费用")


class CostLine(models.Model):
    project = models.ForeignKey(ElevatorProject, on_delete=models.CASCADE, related_name="costs", verbose_name=_("项目"))
    kind = models.CharField(_("费用类别"), max_length=20, choices=CostKind.choices)
    name = models.CharField(_("名称"), max_length=80, blank=True)
    amount = models.PositiveBigIntegerField(_("金额（分）"))

    scope_paths = ScopePaths(subdistrict=_PROJECT + "subdistrict_id", community=_PROJECT + "community_id",
                             compound=_PROJECT + "id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("一次性费用")
        verbose_name_plural = _("一次性费用")
        ordering = ["project_id", "id"]

    def __str__(self) -> str:
        return self.name or self.get_kind_display()


class SubsidyKind(models.TextChoices):
    MUNICIPAL = "municipal", _("市级补贴")
    DISTRICT = "district", _("区级补贴")
    HOUSING_FUND = "housing_fund", _("住房公积金")
    OTHER = "other", _("其他资金")


class Subsidy(models.Model):
    project = models.ForeignKey(ElevatorProject, on_delete=models.CASCADE, related_name="subsidies",
                                verbose_name=_("项目"))
    kind = models.CharField(_("补贴类别"), max_length=20, choices=SubsidyKind.choices)
    name = models.CharField(_("名称"), max_length=80, blank=True)
    amount = models.PositiveBigIntegerField(_("金额（分）"))

    scope_paths = CostLine.scope_paths
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("补贴与资金")
        verbose_name_plural = _("补贴与资金")
        ordering = ["project_id", "id"]

    def __str__(self) -> str:
        return self.name or self.get_kind_display()


class ProjectHousehold(models.Model):
    """A household of the unit as the project sees it: does it take part, is it exempt (免缴)."""

    project = models.ForeignKey(ElevatorProject, on_delete=models.CASCADE, related_name="households",
                                verbose_name=_("项目"))
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="elevator_rows", verbose_name=_("户"))
    participates = models.BooleanField(_("参与加装"), default=True)
    exempt = models.BooleanField(_("免缴"), default=False)
    # Metered rides (IC-card count) over the metering period, for running costs shared by rides; None: not read.
    rides = models.PositiveIntegerField(_("刷卡次数"), null=True, blank=True)

    scope_paths = CostLine.scope_paths
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("项目住户")
        verbose_name_plural = _("项目住户")
        ordering = ["project_id", "household__floor", "household__room"]
        constraints = [models.UniqueConstraint(fields=["project", "household"], name="elevator_household_once")]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.household_id}"


class Compensation(models.Model):
    """An amount paid to an affected household (e.g. 1F light and noise); added to what the owners share."""

    project = models.ForeignKey(ElevatorProject, on_delete=models.CASCADE, related_name="compensations",
                                verbose_name=_("项目"))
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="elevator_compensations",
                                  verbose_name=_("受补偿户"))
    amount = models.PositiveBigIntegerField(_("金额（分）"))
    reason = models.CharField(_("原因"), max_length=120, blank=True)

    scope_paths = CostLine.scope_paths
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("补偿")
        verbose_name_plural = _("补偿")
        ordering = ["project_id", "id"]

    def __str__(self) -> str:
        return f"{self.household_id}: {self.amount}"


class SavedTable(models.Model):
    """A coefficient table a sub-district saves for reuse: {"floor": "coefficient"} as decimal strings."""

    subdistrict = models.ForeignKey(Subdistrict, on_delete=models.PROTECT, related_name="elevator_tables",
                                    verbose_name=_("街道"))
    name = models.CharField(_("名称"), max_length=60)
    by_floor = models.JSONField(_("各层系数"))
    source = models.CharField(_("来源"), max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    scope_paths = ScopePaths(subdistrict="subdistrict_id", community=None, compound=None)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("自定义系数表")
        verbose_name_plural = _("自定义系数表")
        ordering = ["subdistrict_id", "name"]
        constraints = [models.UniqueConstraint(fields=["subdistrict", "name"], name="elevator_table_name_unique")]

    def __str__(self) -> str:
        return self.name


class CostPlan(models.Model):
    """One saved version of a project's cost plan: the inputs and the shares, never changed afterwards."""

    project = models.ForeignKey(ElevatorProject, on_delete=models.PROTECT, related_name="plans", verbose_name=_("项目"))
    version = models.PositiveIntegerField(_("版本"))
    inputs = models.JSONField(_("输入"))  # the quote in the `anju costshare` contract, plus room codes
    shares = models.JSONField(_("分摊结果"))  # [{"household": pk, "room": ..., "amount": fen, ...}]
    method_label = models.CharField(_("方法"), max_length=80)
    gross = models.BigIntegerField(_("费用合计（分）"))
    subsidy = models.BigIntegerField(_("补贴合计（分）"))
    compensation = models.BigIntegerField(_("补偿合计（分）"), default=0)
    net = models.BigIntegerField(_("业主分摊净额（分）"))
    reason = models.CharField(_("修改原因"), max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="elevator_plans", verbose_name=_("保存人"))
    created_by_label = models.CharField(_("保存人说明"), max_length=120, blank=True)
    created = models.DateTimeField(_("保存时间"), auto_now_add=True)

    scope_paths = CostLine.scope_paths
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("分摊方案")
        verbose_name_plural = _("分摊方案")
        ordering = ["project_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["project", "version"], name="elevator_plan_version_unique"),
            models.CheckConstraint(condition=models.Q(net__gte=0), name="elevator_plan_net_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.project} v{self.version}"
