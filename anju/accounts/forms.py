"""Login forms for the staff login page and /admin/login/: both guarded by accounts.lockout."""

from __future__ import annotations

import math

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from anju.accounts import lockout
from anju.core.ratelimit import client_address


class GuardedLoginMixin:
    """Refuse locked accounts and paused usernames before trying the password; count each wrong password."""

    error_messages = {
        "invalid_login": _("用户名或密码不正确。"),
        lockout.THROTTLED: _("登录失败次数过多，请 %(minutes)s 分钟后再试。"),
        lockout.LOCKED: _("该账号因多次登录失败已被锁定，请联系街道工作人员解锁。"),
    }
    refused: str | None = None  # LOCKED or THROTTLED once clean() refused, for the response's status

    def _refuse(self, code: str) -> ValidationError:
        self.refused = code
        minutes = math.ceil(settings.ANJU_LOGIN_LOCK_SECONDS / 60)
        return ValidationError(self.error_messages[code], code=code, params={"minutes": minutes})

    def clean(self):
        username = self.cleaned_data.get("username") or self.data.get("username") or ""
        address = client_address(self.request) if self.request else "unknown"
        user = lockout.find_user(username) if username else None
        why = lockout.refusal(username=username, address=address, user=user)
        if why:
            raise self._refuse(why)
        try:
            cleaned = super().clean()
        except ValidationError:
            # user_cache is set when the password was right but the account may not enter (inactive, not
            # staff for the admin): that is no guess, so it does not count.
            if self.user_cache is None and lockout.login_failed(username=username, address=address, user=user):
                raise self._refuse(lockout.LOCKED) from None
            raise
        lockout.login_succeeded(username=username)
        return cleaned


class LoginForm(GuardedLoginMixin, AuthenticationForm):
    error_messages = {**AuthenticationForm.error_messages, **GuardedLoginMixin.error_messages}


class AdminLoginForm(GuardedLoginMixin, AdminAuthenticationForm):
    error_messages = {**AdminAuthenticationForm.error_messages, **GuardedLoginMixin.error_messages}
