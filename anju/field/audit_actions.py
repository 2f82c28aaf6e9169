"""Audit actions of the field app: each sync batch and each photo sent from a phone."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "field.download": _("下载楼栋资料到手机"),
    "field.sync": _("手机上传离线记录"),
    "field.photo": _("手机上传照片"),
}
