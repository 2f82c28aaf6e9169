"""Audit actions of accounts: locks and API tokens."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "account_lock": _("锁定账号"),
    "account_unlock": _("解锁账号"),
    "api_token_revoke": _("吊销接口令牌"),
    "invitation_create": _("邀请账号"),
    "invitation_accept": _("接受邀请并设置密码"),
}
