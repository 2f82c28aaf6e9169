"""The outbox's tables: one row per message, and the addresses and households that opted out."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anju.core import crypto
from anju.core.sealed import SealedField


class Channel(models.TextChoices):
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")


class RecipientKind(models.TextChoices):
    STAFF = "staff", _("工作人员")
    HOUSEHOLD = "household", _("住户")
    CONTACT = "contact", _("建议人")  # the phone a resident left on an anonymous suggestion


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    OPTED_OUT = "opted_out", _("已退订，未发送")


class Message(models.Model):
    """One message to one address: recorded when it is decided, sent when due (after quiet hours).

    The address is sealed (`address_encrypted`) and shown only masked; `dedupe_key` makes "once a
    day" and "once per reply" a database rule rather than a hope."""

    subdistrict_id = models.BigIntegerField(_("街道"), db_index=True)
    kind = models.CharField(_("类别"), max_length=30)  # digest, vote_closing, suggestion_answered
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    recipient_kind = models.CharField(_("收件人类型"), max_length=10, choices=RecipientKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outbox_messages",
        verbose_name=_("工作人员"),
    )
    household_id = models.BigIntegerField(_("住户"), null=True, blank=True)
    address_encrypted = models.TextField(editable=False)
    address_hash = models.CharField(max_length=64, db_index=True, editable=False)
    address_masked = models.CharField(_("收件地址"), max_length=80)
    subject = models.CharField(_("主题"), max_length=200, blank=True)
    body = models.TextField(_("内容"))
    dedupe_key = models.CharField(max_length=120, unique=True)
    # The SMS's own opt-out link (/td/<code>/): whoever holds the message may stop reminders to its number.
    opt_out_code = models.CharField(max_length=16, blank=True, db_index=True, editable=False)
    created = models.DateTimeField(_("记录时间"), auto_now_add=True)
    due_at = models.DateTimeField(_("预定发送时间"))
    status = models.CharField(
        _("状态"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)
    transport = models.CharField(
        _("发送方式"), max_length=10, blank=True
    )  # file, smtp, http: what delivered it
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    sealed_fields = (
        SealedField("address_encrypted", "address_hash", "address"),
    )  # re-keyed by `anju rotate-data-key`

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="message_due"),
            models.Index(fields=["subdistrict_id", "created"], name="message_sd_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="message_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.address_masked}"

    def get_kind_display(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))

    @property
    def address(self) -> str:
        return crypto.decrypt(self.address_encrypted)


KIND_LABELS = {
    "digest": _("每日待办摘要"),
    "vote_closing": _("表决截止提醒"),
    "suggestion_answered": _("建议答复通知"),
}


class OptOut(models.Model):
    """An address (phone) or a household that asked for no more reminders: nothing is sent to it."""

    subdistrict_id = models.BigIntegerField(_("街道"), db_index=True)
    address_encrypted = models.TextField(blank=True, editable=False)
    address_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    address_masked = models.CharField(_("号码"), max_length=80, blank=True)
    household_id = models.BigIntegerField(_("住户"), null=True, blank=True, db_index=True)
    created = models.DateTimeField(_("退订时间"), auto_now_add=True)

    sealed_fields = (SealedField("address_encrypted", "address_hash", "address"),)

    class Meta:
        verbose_name = _("退订")
        verbose_name_plural = _("退订")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(address_hash="") | models.Q(household_id__isnull=False),
                name="optout_names_something",
            ),
        ]

    def __str__(self) -> str:
        return self.address_masked or f"household {self.household_id}"
