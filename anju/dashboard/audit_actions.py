"""Audit actions of the dashboard (数据看板, 我的待办)."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "work_assign": _("指派待办事项"),
    "work_unassign": _("取消待办指派"),
    "first_steps_dismiss": _("关闭开始使用清单"),
    "report_template_save": _("保存报表模板"),
    "report_submit": _("报送月报"),
}
