"""满意度测评: one yearly satisfaction survey per compound, run as a consultation of kind "survey".

The consultation holds the electorate (the sample, frozen when it opens), the ballots and their
channels; this row records how the sample was drawn (households per building, or everyone, and the
seed), so anyone can draw it again and get the same households. The rate and its lines are
`anju.domain.stewardship.satisfaction`'s; writes go through `services.survey`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anju.core.scoping import ScopedQuerySet, ScopePaths
from anju.roster.models import Compound


class SatisfactionSurvey(models.Model):
    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="satisfaction_surveys",
                                 verbose_name=_("小区"))
    year = models.PositiveSmallIntegerField(_("测评年度"))
    consultation = models.OneToOneField("consultations.Consultation", on_delete=models.PROTECT,
                                        related_name="satisfaction_survey", verbose_name=_("测评问卷"))
    per_building = models.PositiveSmallIntegerField(_("每栋抽样户数"), null=True, blank=True)  # null: every household
    seed = models.PositiveIntegerField(_("抽样种子"))
    sampled = models.PositiveIntegerField(_("抽样户数"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("发起人"))
    created_at = models.DateTimeField(auto_now_add=True)

    scope_paths = ScopePaths(subdistrict="compound__subdistrict_id", community="compound__community_id",
                             compound="compound_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("满意度测评")
        verbose_name_plural = _("满意度测评")
        ordering = ["compound_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["compound", "year"], name="satisfaction_one_per_year"),
            models.CheckConstraint(condition=models.Q(sampled__gte=1), name="satisfaction_sample_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.compound} · {self.year}年满意度测评"
