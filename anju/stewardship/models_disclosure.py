"""公示: a compound's accounts in public, one statement per kind and period of its disclosure calendar.

A statement is generated from the ledgers as a draft, checked by staff and published (audited). A
published statement is never changed or deleted (Civil Code art. 280: what owners were shown is
kept): a correction is a new version that supersedes it and says what changed. The figures are a
snapshot (`figures`), so the page and the printed notice show what was published even after the
ledger moves on. The calendar's rules are `anju.domain.stewardship.disclosure`'s; writes go through
`services.disclosure`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anju.core.scoping import ScopedQuerySet, ScopePaths
from anju.domain.stewardship.disclosure import Period
from anju.roster.models import Compound


class DisclosureKind(models.TextChoices):
    FUND = "fund", _("专项维修资金收支情况")
    COMMON_INCOME = "common_income", _("公共收益收支情况")
    MANAGER = "manager", _("物业服务项目收支情况")


class Immutable(Exception):
    """A published statement was about to be changed or deleted."""


class Disclosure(models.Model):
    compound = models.ForeignKey(
        Compound, on_delete=models.PROTECT, related_name="disclosures", verbose_name=_("小区")
    )
    kind = models.CharField(_("公示内容"), max_length=20, choices=DisclosureKind.choices)
    period_start = models.DateField(_("起始日期"))
    period_end = models.DateField(_("截止日期"))
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("更正的版本"),
    )
    note = models.CharField(_("更正说明"), max_length=300, blank=True)
    # [{"key": "closing", "zh": "期末余额", "en": "Closing balance", "fen": 123456, "group": "全小区"}, …]
    figures = models.JSONField(_("数字"), default=list)
    basis = models.CharField(_("公示依据"), max_length=200, blank=True)
    due_on = models.DateField(_("应公示日期"))
    published_on = models.DateField(_("公示日期"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("发布人"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_paths = ScopePaths(
        subdistrict="compound__subdistrict_id", community="compound__community_id", compound="compound_id"
    )
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        ordering = ["compound_id", "kind", "-period_start", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["compound", "kind", "period_start", "version"], name="disclosure_one_per_version"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="disclosure_period_ordered"
            ),
            # The first version corrects nothing; every later one names the one it corrects and says what changed.
            models.CheckConstraint(
                condition=models.Q(version=1, supersedes__isnull=True)
                | (models.Q(version__gt=1, supersedes__isnull=False) & ~models.Q(note="")),
                name="disclosure_correction_says_what_changed",
            ),
        ]
        indexes = [
            models.Index(fields=["compound", "kind", "period_start"], name="disclosure_compound_period")
        ]

    def __str__(self) -> str:
        return f"{self.compound} · {self.get_kind_display()} · {self.period_start:%Y-%m}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and Disclosure.objects.filter(pk=self.pk, published_on__isnull=False).exists():
            raise Immutable("已公示的内容不能修改，只能发布更正版本。")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if Disclosure.objects.filter(pk=self.pk, published_on__isnull=False).exists():
            raise Immutable("已公示的内容不能删除。")
        return super().delete(*args, **kwargs)

    @property
    def period(self) -> Period:
        return Period(self.period_start, self.period_end)

    @property
    def period_label(self) -> str:
        """ "2025年下半年"."""
        return self.period.zh

    @property
    def period_label_en(self) -> str:
        return self.period.en

    @property
    def is_published(self) -> bool:
        return self.published_on is not None
