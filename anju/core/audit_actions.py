"""Audit actions written by core itself."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "export": _("导出文件"),
    "outbox_opt_out": _("登记退订提醒"),
}
