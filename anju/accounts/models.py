from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.scoping import Scope


class Role(models.TextChoices):
    SUBDISTRICT_STAFF = "subdistrict_staff", _("街道工作人员")
    COMMUNITY_STAFF = "community_staff", _("社区工作人员")
    VOLUNTEER = "volunteer", _("小区志愿者")


# Who keeps the roster and phones households sees full ID numbers and phones; volunteers see masks.
ROLES_SEEING_PERSONAL_DATA = {Role.SUBDISTRICT_STAFF, Role.COMMUNITY_STAFF}
ROLES_EDITING_ROSTER = {Role.SUBDISTRICT_STAFF, Role.COMMUNITY_STAFF}


class Profile(models.Model):
    """A user's role and the part of the sub-district it covers."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="anju_profile")
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)
    subdistrict = models.ForeignKey("roster.Subdistrict", on_delete=models.PROTECT, related_name="profiles", verbose_name=_("街道"))
    community = models.ForeignKey(
        "roster.Community", on_delete=models.PROTECT, null=True, blank=True, related_name="profiles", verbose_name=_("社区")
    )
    compound = models.ForeignKey(
        "roster.Compound", on_delete=models.PROTECT, null=True, blank=True, related_name="profiles", verbose_name=_("小区")
    )
    display_name = models.CharField(_("显示名"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("角色与范围")
        verbose_name_plural = _("角色与范围")
        constraints = [
            models.CheckConstraint(
                name="profile_scope_matches_role",
                condition=(
                    models.Q(role="subdistrict_staff", community__isnull=True, compound__isnull=True)
                    | models.Q(role="community_staff", community__isnull=False, compound__isnull=True)
                    | models.Q(role="volunteer", community__isnull=False, compound__isnull=False)
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    def scope(self) -> Scope:
        return Scope(
            everything=False,
            subdistrict_id=self.subdistrict_id,
            community_id=self.community_id,
            compound_id=self.compound_id,
            sees_personal_data=self.role in ROLES_SEEING_PERSONAL_DATA,
            can_edit=self.role in ROLES_EDITING_ROSTER,
        )


def _token_expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=settings.ANJU_TOKEN_DAYS)


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API. Only its hash is stored; the key is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=60)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    expires = models.DateTimeField(_("到期"), default=_token_expiry)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def expired(self) -> bool:
        return self.expires <= timezone.now()

    @classmethod
    def issue(cls, *, user: object, name: str, days: int | None = None) -> tuple[ApiToken, str]:
        """A new token living `days` (default ANJU_TOKEN_DAYS); the key is returned once, only its hash kept."""
        key = "anju_" + secrets.token_urlsafe(32)
        expires = _token_expiry() if days is None else timezone.now() + datetime.timedelta(days=days)
        token = cls.objects.create(user=user, name=name, key_hash=hash_token(key), prefix=key[5:13], expires=expires)
        return token, key


class AccountLock(models.Model):
    """An account locked after repeated failed logins; it stays locked until staff unlock it (the row is deleted)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_lock")
    locked_at = models.DateTimeField(_("锁定时间"), auto_now_add=True)
    failures = models.PositiveIntegerField(_("失败次数"))

    class Meta:
        verbose_name = _("锁定的账号")
        verbose_name_plural = _("锁定的账号")

    def __str__(self) -> str:
        return str(self.user)


class Invitation(models.Model):
    """A one-time link to set the password of an account made with its role and scope (see accounts.invitations).

    Only the key's hash is stored; the key is shown to the inviter once (and mailed if an address is given).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations",
                             verbose_name=_("受邀账号"))
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="invitations_sent", verbose_name=_("邀请人"))
    email = models.EmailField(_("电子邮箱"), blank=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField(_("到期"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("邀请")
        verbose_name_plural = _("邀请")
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} ({self.created:%Y-%m-%d})"
