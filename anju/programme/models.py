"""Tables of the 改造项目 capability: annual plans, projects, items, stages, inspections.

Money is integer fen (分). Progress and beneficiaries on `Project` are derived snapshots written
only by `programme.services` (from stages, items and the roster); the one progress anyone types is
`Item.progress`. Every scoped read goes through `<Model>.objects.visible_to(user)`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anju.core.scoping import ScopedQuerySet, ScopePaths
from anju.programme.indicators import MAX_DIGITS
from anju.roster.models import Building, Compound, Subdistrict

_P = "project__"


def _indicator(label: Any, places: int) -> models.DecimalField:  # label: a lazily translated str
    """A result indicator: exact, `places` decimals, zero until entered."""
    return models.DecimalField(label, max_digits=MAX_DIGITS, decimal_places=places, default=0)


class OrgKind(models.TextChoices):
    CONTRACTOR = "contractor", _("施工单位")
    SUPERVISOR = "supervisor", _("监理单位")
    DESIGNER = "designer", _("设计单位")
    OTHER = "other", _("其他")


class Organisation(models.Model):
    subdistrict = models.ForeignKey(Subdistrict, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("街道"))
    name = models.CharField(_("单位名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=20, choices=OrgKind.choices, default=OrgKind.CONTRACTOR)
    contact = models.CharField(_("联系人"), max_length=60, blank=True)

    scope_paths = ScopePaths(subdistrict="subdistrict_id", community=None, compound=None)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("参建单位")
        verbose_name_plural = _("参建单位")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["subdistrict", "name"], name="organisation_name_unique")]

    def __str__(self) -> str:
        return self.name


class AnnualPlan(models.Model):
    """年度改造计划 of one sub-district."""

    subdistrict = models.ForeignKey(Subdistrict, on_delete=models.PROTECT, related_name="annual_plans", verbose_name=_("街道"))
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("计划名称"), max_length=120)
    note = models.TextField(_("说明"), blank=True)

    scope_paths = ScopePaths(subdistrict="subdistrict_id", community=None, compound=None)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度计划")
        verbose_name_plural = _("年度计划")
        ordering = ["subdistrict_id", "year"]
        constraints = [models.UniqueConstraint(fields=["subdistrict", "year"], name="annual_plan_unique")]

    def __str__(self) -> str:
        return self.title


class StageKind(models.TextChoices):
    SURVEY = "survey", _("摸底调查")
    CONSULTATION = "consultation", _("意见征求")
    DESIGN = "design", _("勘测设计")
    TENDER = "tender", _("招标")
    CONSTRUCTION = "construction", _("施工")
    ACCEPTANCE = "acceptance", _("验收")
    STEWARDSHIP = "stewardship", _("长效管理")


class ProjectKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("综合改造")  # counted in the plan's figures
    SPECIAL = "special", _("专项改造")  # e.g. a utility's water-supply work, outside the plan's figures


class Project(models.Model):
    """改造项目: one compound in one year."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.PROTECT, related_name="projects", verbose_name=_("年度计划"))
    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="renovation_projects", verbose_name=_("小区"))
    # Denormalised from plan/compound so dashboards group and scope without joins.
    subdistrict = models.ForeignKey(Subdistrict, on_delete=models.PROTECT, related_name="renovation_projects", verbose_name=_("街道"))
    community_id_cached = models.IntegerField(db_index=True, editable=False)
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("项目类型"), max_length=20, choices=ProjectKind.choices, default=ProjectKind.COMPREHENSIVE)
    name = models.CharField(_("项目名称"), max_length=160)
    contractor = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("施工单位"))
    supervisor = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("监理单位"))
    note = models.TextField(_("说明"), blank=True)
    # Derived snapshots (services.project_refresh): never typed.
    progress = models.DecimalField(_("进度（%）"), max_digits=5, decimal_places=1, default=0, editable=False)
    progress_tenths = models.IntegerField(default=0, editable=False)  # the same in 0.1 %, for exact sums in SQL
    current_stage = models.CharField(_("当前阶段"), max_length=20, choices=StageKind.choices, default=StageKind.SURVEY,
                                     editable=False)
    completed = models.BooleanField(_("已完工"), default=False, editable=False)  # 验收 signed off
    completed_on = models.DateField(_("完工日期"), null=True, blank=True, editable=False)
    budget_fen = models.BigIntegerField(_("总预算（分）"), default=0, editable=False)
    buildings_count = models.IntegerField(default=0, editable=False)
    households = models.IntegerField(default=0, editable=False)
    people = models.IntegerField(default=0, editable=False)
    elderly = models.IntegerField(default=0, editable=False)
    exclusive_area = models.DecimalField(max_digits=14, decimal_places=2, default=0, editable=False)
    gross_area = models.DecimalField(max_digits=14, decimal_places=2, default=0, editable=False)
    refreshed = models.DateTimeField(null=True, blank=True, editable=False)

    scope_paths = ScopePaths(subdistrict="subdistrict_id", community="community_id_cached", compound="compound_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("改造项目")
        verbose_name_plural = _("改造项目")
        ordering = ["-year", "compound_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "compound", "kind", "name"], name="project_unique"),
            models.CheckConstraint(condition=models.Q(progress__gte=0, progress__lte=100), name="project_progress_range"),
        ]
        indexes = [models.Index(fields=["subdistrict", "year", "kind"], name="project_sd_year")]

    def __str__(self) -> str:
        return self.name


class Category(models.TextChoices):
    BASIC = "basic", _("基础类")
    IMPROVE = "improve", _("完善类")
    UPGRADE = "upgrade", _("提升类")


class ItemKind(models.TextChoices):
    WATER = "water", _("供水")
    POWER = "power", _("供电")
    GAS = "gas", _("燃气")
    SEWER = "sewer", _("下水道/排水")
    ROAD = "road", _("道路")
    ROOF = "roof", _("楼顶防水")
    FIRE = "fire", _("消防设施")
    TELECOM = "telecom", _("通信")
    ENERGY = "energy", _("节能改造")
    WALL = "wall", _("围墙修缮")
    ELEVATOR = "elevator", _("加装电梯")
    PARKING = "parking", _("停车位")
    BARRIER_FREE = "barrier_free", _("无障碍通道")
    LIGHTING = "lighting", _("路灯照明")
    ACCESS_CONTROL = "access_control", _("门禁")
    PROPERTY_ROOM = "property_room", _("物业用房")
    GREENING = "greening", _("绿化")
    CHARGING = "charging", _("充电设施")
    ELDERLY_CHILD_CARE = "care", _("养老托育")
    COMMUNITY_SERVICE = "community_service", _("社区服务设施")
    CONVENIENCE = "convenience", _("便民商业")


# National categories (国办发〔2020〕23号): 基础类, 完善类, 提升类.
CATEGORY_OF = {
    **dict.fromkeys(("water", "power", "gas", "sewer", "road", "roof", "fire", "telecom", "energy", "wall"), Category.BASIC),
    **dict.fromkeys(("elevator", "parking", "barrier_free", "lighting", "access_control", "property_room", "greening",
                     "charging"), Category.IMPROVE),
    **dict.fromkeys(("care", "community_service", "convenience"), Category.UPGRADE),
}


class Item(models.Model):
    """改造内容: one kind of work in a project, with its scope, quantity, budget and progress."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="items", verbose_name=_("项目"))
    kind = models.CharField(_("改造内容"), max_length=20, choices=ItemKind.choices)
    category = models.CharField(_("类别"), max_length=10, choices=Category.choices, editable=False)
    name = models.CharField(_("名称"), max_length=120)
    buildings = models.ManyToManyField(Building, blank=True, related_name="renovation_items", verbose_name=_("涉及楼栋"))
    quantity = models.DecimalField(_("工程量"), max_digits=12, decimal_places=2, default=0)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    budget_fen = models.BigIntegerField(_("预算（分）"), default=0)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)  # the one typed progress
    progress_updated = models.DateTimeField(null=True, blank=True, editable=False)
    # An item whose scope is outside the roster (e.g. a main pipe serving streets around): typed, with a reason.
    override_households = models.IntegerField(_("受益户数（手填）"), null=True, blank=True)
    override_people = models.IntegerField(_("受益人数（手填）"), null=True, blank=True)
    override_reason = models.CharField(_("手填原因"), max_length=200, blank=True)
    # Result indicators (成效指标, anju.programme.indicators: the same list, with units): exact Decimals.
    gas_pipe_km = _indicator(_("改造燃气管道（km）"), 3)
    water_pipe_km = _indicator(_("改造供水管道（km）"), 3)
    drainage_pipe_km = _indicator(_("改造排水管道（km）"), 3)
    power_line_km = _indicator(_("改造供电线路（km）"), 3)
    elevators_added = _indicator(_("加装电梯（部）"), 0)
    parking_spaces = _indicator(_("增设停车位（个）"), 0)
    charging_points = _indicator(_("增设充电桩（个）"), 0)
    barrier_free_count = _indicator(_("无障碍设施（处）"), 0)
    barrier_free_area = _indicator(_("无障碍设施面积（㎡）"), 2)
    service_count = _indicator(_("养老托育等服务设施（个）"), 0)
    service_area = _indicator(_("服务设施面积（㎡）"), 2)
    energy_saving_area = _indicator(_("建筑节能改造面积（㎡）"), 2)

    scope_paths = ScopePaths(subdistrict=_P + "subdistrict_id", community=_P + "community_id_cached", compound=_P + "compound_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("改造内容")
        verbose_name_plural = _("改造内容")
        ordering = ["project_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="item_name_unique"),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="item_progress_range"),
            models.CheckConstraint(condition=models.Q(budget_fen__gte=0), name="item_budget_nonneg"),
        ]
        indexes = [models.Index(fields=["kind"], name="item_kind")]

    def __str__(self) -> str:
        return self.name


class FundingSource(models.TextChoices):
    CENTRAL = "central", _("中央补助")
    PROVINCIAL = "provincial", _("省级补助")
    MUNICIPAL = "municipal", _("市级财政")
    DISTRICT = "district", _("区级财政")
    RESIDENTS = "residents", _("居民出资")
    UTILITIES = "utilities", _("管线单位")
    SOCIAL = "social", _("社会资本")
    MAINTENANCE_FUND = "maintenance_fund", _("专项维修资金")


class Funding(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="funding", verbose_name=_("改造内容"))
    source = models.CharField(_("资金来源"), max_length=20, choices=FundingSource.choices)
    amount_fen = models.BigIntegerField(_("金额（分）"))

    class Meta:
        verbose_name = _("资金来源")
        verbose_name_plural = _("资金来源")
        ordering = ["item_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "source"], name="funding_unique"),
            models.CheckConstraint(condition=models.Q(amount_fen__gte=0), name="funding_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.amount_fen}"


class Stage(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stages", verbose_name=_("项目"))
    kind = models.CharField(_("阶段"), max_length=20, choices=StageKind.choices)
    position = models.PositiveSmallIntegerField(editable=False)
    planned_start = models.DateField(_("计划开始"), null=True, blank=True)
    planned_end = models.DateField(_("计划完成"), null=True, blank=True)
    actual_start = models.DateField(_("实际开始"), null=True, blank=True)
    actual_end = models.DateField(_("实际完成"), null=True, blank=True)
    signed_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+", verbose_name=_("签认人"))
    signed_off_label = models.CharField(_("签认人"), max_length=120, blank=True)
    signed_off_at = models.DateTimeField(_("签认时间"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)

    scope_paths = ScopePaths(subdistrict=_P + "subdistrict_id", community=_P + "community_id_cached", compound=_P + "compound_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("项目阶段")
        verbose_name_plural = _("项目阶段")
        ordering = ["project_id", "position"]
        constraints = [models.UniqueConstraint(fields=["project", "kind"], name="stage_unique")]
        indexes = [models.Index(fields=["actual_end", "planned_end"], name="stage_overdue")]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_kind_display()}"

    @property
    def done(self) -> bool:
        return self.actual_end is not None


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"programme/attachments/{instance.stage.project_id}/{filename}"


class Attachment(models.Model):
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("阶段"))
    file = models.FileField(_("文件"), upload_to=attachment_path)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.IntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    scope_paths = ScopePaths(subdistrict="stage__" + _P + "subdistrict_id", community="stage__" + _P + "community_id_cached",
                             compound="stage__" + _P + "compound_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Severity(models.TextChoices):
    LOW = "low", _("一般")
    MEDIUM = "medium", _("较重")
    HIGH = "high", _("严重")


class InspectionStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    RECTIFYING = "rectifying", _("整改中")
    CLOSED = "closed", _("已关闭")


class Inspection(models.Model):
    """现场检查 by a supervisor or a volunteer (施工现场监督员), with photos and follow-up until closed."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="inspections", verbose_name=_("项目"))
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    inspector_label = models.CharField(_("检查人"), max_length=120)
    created = models.DateTimeField(_("检查时间"), auto_now_add=True)
    findings = models.TextField(_("发现的问题"))
    severity = models.CharField(_("严重程度"), max_length=10, choices=Severity.choices, default=Severity.LOW)
    status = models.CharField(_("状态"), max_length=12, choices=InspectionStatus.choices, default=InspectionStatus.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)

    scope_paths = ScopePaths(subdistrict=_P + "subdistrict_id", community=_P + "community_id_cached", compound=_P + "compound_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("现场检查")
        verbose_name_plural = _("现场检查")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["status"], name="inspection_status")]

    def __str__(self) -> str:
        return f"{self.project} · {self.created:%Y-%m-%d}"


def photo_path(instance: InspectionPhoto, filename: str) -> str:
    return f"programme/inspections/{instance.inspection.project_id}/{filename}"


class InspectionPhoto(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to=photo_path)
    width = models.IntegerField()
    height = models.IntegerField()
    kept_location = models.BooleanField(_("保留位置信息"), default=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.image.name or ""


class FollowUp(models.Model):
    """One step of the follow-up: what was done and the status it moved the inspection to."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="follow_ups")
    action = models.TextField(_("整改措施"))
    status = models.CharField(_("状态"), max_length=12, choices=InspectionStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    by_label = models.CharField(max_length=120)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.inspection_id} → {self.status}"
