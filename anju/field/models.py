"""Tables of the field app: each record a phone sent (by its client-generated id) and its outcome.

The unique client id is what makes a sync count once: a replayed batch, a batch whose answer was
lost, or a second phone sending the same record finds the row and gets the stored outcome back.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anju.core.scoping import ScopedQuerySet, ScopePaths


class Kind(models.TextChoices):
    VISIT = "visit", _("入户走访")
    BALLOT = "ballot", _("上门表决")
    SUGGESTION = "suggestion", _("代居民建言")


class Outcome(models.TextChoices):
    ACCEPTED = "accepted", _("已接收")
    REFUSED = "refused", _("被拒绝")


class FieldRecord(models.Model):
    """One record taken on a phone, as the server answered it the first time it arrived."""

    client_id = models.UUIDField(_("记录编号"), unique=True)
    subdistrict = models.ForeignKey("roster.Subdistrict", on_delete=models.PROTECT, related_name="+")
    compound = models.ForeignKey("roster.Compound", on_delete=models.PROTECT, related_name="+", verbose_name=_("小区"))
    household = models.ForeignKey("roster.Household", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    taken_at = models.DateTimeField(_("记录时间"))
    received_at = models.DateTimeField(_("接收时间"), auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    device = models.CharField(_("设备"), max_length=80)
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices)
    state = models.CharField(_("状态"), max_length=12, blank=True)  # a ballot's state: counted / conflict
    reason_zh = models.CharField(max_length=300, blank=True)
    reason_en = models.CharField(max_length=300, blank=True)
    ref = models.CharField(_("对应记录"), max_length=40, blank=True)  # "visit:12", "ballot:<receipt>", "suggestion:<code>"
    photo = models.CharField(_("照片"), max_length=200, blank=True)  # under MEDIA_ROOT once complete
    photo_size = models.PositiveIntegerField(default=0)  # bytes announced by the phone
    photo_received = models.PositiveIntegerField(default=0)  # bytes received so far (resumable upload)

    scope_paths = ScopePaths(subdistrict="subdistrict_id", community="compound__community_id", compound="compound_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("离线记录")
        verbose_name_plural = _("离线记录")
        ordering = ["received_at", "id"]
        indexes = [models.Index(fields=["subdistrict", "received_at"], name="fieldrecord_sd_received")]
        constraints = [
            models.CheckConstraint(condition=models.Q(photo_received__lte=models.F("photo_size")) | models.Q(photo_size=0),
                                   name="fieldrecord_photo_within_size"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.client_id}"
