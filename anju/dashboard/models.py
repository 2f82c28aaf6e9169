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
