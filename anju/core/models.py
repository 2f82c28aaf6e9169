from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anju.core import audit_names


class AuditEvent(models.Model):
    """Who changed what, when, with the values before and after (personal data masked)."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="audit_events",
    )
    actor_label = models.CharField(_("操作人说明"), max_length=120, blank=True)
    action = models.CharField(_("操作"), max_length=60)
    object_type = models.CharField(_("对象类型"), max_length=60)
    object_id = models.CharField(_("对象编号"), max_length=40)
    object_label = models.CharField(_("对象"), max_length=200, blank=True)
    subdistrict_id = models.BigIntegerField(_("街道"), null=True, blank=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)

    class Meta:
        verbose_name = _("操作记录")
        verbose_name_plural = _("操作记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"]), models.Index(fields=["subdistrict_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action_label} {self.object_label}"

    @property
    def action_label(self) -> str:
        """What was done, in the reader's language ("修改电梯项目"), not the stored key."""
        return audit_names.label(self.action)


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class Job(models.Model):
    """Long work done by the task worker (imports, batches of PDFs), with progress a page can poll."""

    kind = models.CharField(_("类型"), max_length=60)
    label = models.CharField(_("说明"), max_length=200)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs")
    subdistrict_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.CharField(_("进度说明"), max_length=300, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)
    output = models.CharField(max_length=300, blank=True)  # path under MEDIA_ROOT
    output_name = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def finished_state(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def output_expired(self) -> bool:
        """The job's file was deleted at the end of the retention period (`anju purge-files`)."""
        return bool(self.output_name) and not self.output

class RateCounter(models.Model):
    """Recent failures under one rate-limit key (see core.ratelimit): the database store shared by all servers."""

    key = models.CharField(max_length=120, unique=True)  # limit name + keyed hash; never a username or address
    stamps = models.JSONField(default=list)  # epoch seconds of the newest failures, oldest first
    expires = models.FloatField(db_index=True)  # epoch seconds after which every stamp is outside the window

    class Meta:
        verbose_name = _("频率限制计数")
        verbose_name_plural = _("频率限制计数")

    def __str__(self) -> str:
        return self.key


from anju.core.outbox.models import Message, OptOut  # noqa: E402,F401  (the outbox's tables belong to core)
