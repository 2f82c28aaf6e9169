"""Tables of the 数据看板 capability: who an open item of work (我的待办) is assigned to.

The items themselves are never stored: each app computes them from its data (`queries_work`). An
assignment only names the colleague who takes one on, keyed by the item's kind and object."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anju.core.scoping import ScopedQuerySet, ScopePaths


class WorkAssignment(models.Model):
    kind = models.CharField(_("事项类型"), max_length=40)
    object_id = models.PositiveBigIntegerField(_("对象编号"))
    subdistrict = models.ForeignKey(
        "roster.Subdistrict", on_delete=models.CASCADE, related_name="+", verbose_name=_("街道")
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="work_assignments",
        verbose_name=_("经办人"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("指派人"),
    )
    assigned_at = models.DateTimeField(_("指派时间"), auto_now=True)

    scope_paths = ScopePaths(subdistrict="subdistrict_id", community=None, compound=None)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("待办指派")
        verbose_name_plural = _("待办指派")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="work_assignment_unique")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"


class FirstStepsDismissal(models.Model):
    """A sub-district's 开始使用 checklist closed, once its three first steps were done (one row per office)."""

    subdistrict = models.OneToOneField(
        "roster.Subdistrict", on_delete=models.CASCADE, related_name="+", verbose_name=_("街道")
    )
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("关闭人"),
    )
    dismissed_at = models.DateTimeField(_("关闭时间"), auto_now_add=True)

    scope_paths = ScopePaths(subdistrict="subdistrict_id", community=None, compound=None)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("开始使用清单")
        verbose_name_plural = _("开始使用清单")

    def __str__(self) -> str:
        return f"first-steps:{self.subdistrict_id}"


class ReportTemplate(models.Model):
    """统计报表模板: the columns of a monthly report, as data.

    `columns` is a list of {"group": 上级表头 or "", "heading": 表头, "unit": 单位, "query": a key of
    `anju.dashboard.report_queries.REGISTRY`}; nothing else runs. The built-in national template has
    no sub-district (`key="national"`); an office's own has its sub-district and, when it was read from
    the district's xlsx, that file (`layout`): its header rows are kept as they are on export."""

    subdistrict = models.ForeignKey("roster.Subdistrict", on_delete=models.CASCADE, null=True, blank=True,
                                    related_name="+", verbose_name=_("街道"))
    key = models.CharField(max_length=40, blank=True)
    name = models.CharField(_("报表名称"), max_length=120)
    columns = models.JSONField(_("列"))
    header_rows = models.PositiveSmallIntegerField(_("表头行数"), default=0)  # rows of `layout` above the data
    layout = models.BinaryField(_("原表样式"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    scope_paths = ScopePaths(subdistrict="subdistrict_id", community=None, compound=None)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("报表模板")
        verbose_name_plural = _("报表模板")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["subdistrict", "name"], name="report_template_name_unique")]

    def __str__(self) -> str:
        return self.name


class ReportSubmission(models.Model):
    """A submitted (报送) month: every figure as it was sent, so the same file can be made again.

    `figures` holds the headings, rows, totals and progress rates as text (exact decimals); later
    changes to the programme do not touch it. One submission per sub-district, template and month."""

    subdistrict = models.ForeignKey("roster.Subdistrict", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("街道"))
    template = models.ForeignKey(ReportTemplate, on_delete=models.PROTECT, related_name="submissions",
                                 verbose_name=_("报表模板"))
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"))
    figures = models.JSONField(_("报送数据"))
    compiled_by = models.CharField(_("编制单位"), max_length=120)
    filled_by = models.CharField(_("填报人"), max_length=60)
    reviewed_by = models.CharField(_("审核人"), max_length=60)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("报送时间"))

    scope_paths = ScopePaths(subdistrict="subdistrict_id", community=None, compound=None)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("已报送月报")
        verbose_name_plural = _("已报送月报")
        ordering = ["-year", "-month", "id"]
        constraints = [
            models.UniqueConstraint(fields=["subdistrict", "template", "year", "month"], name="report_month_unique"),
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="report_month_range"),
        ]

    def __str__(self) -> str:
        return f"{self.template} {self.year}-{self.month:02d}"
