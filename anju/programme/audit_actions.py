"""Audit actions of the renovation programme (改造项目)."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "organisation_create": _("新建单位"),
    "plan_create": _("新建年度计划"),
    "project_create": _("新建改造项目"),
    "item_add": _("添加改造内容"),
    "item_funding_set": _("设置资金来源"),
    "item_progress": _("更新进度"),
    "item_results_set": _("填报成效指标"),
    "stage_update": _("修改阶段计划"),
    "stage_sign_off": _("签认阶段完成"),
    "attachment_add": _("上传附件"),
    "inspection_create": _("新建检查记录"),
    "inspection_photos_add": _("添加检查照片"),
    "inspection_follow_up": _("跟进检查"),
}
