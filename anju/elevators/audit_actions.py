"""Audit actions of the elevator projects (加装电梯)."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "elevator.create": _("新建电梯项目"),
    "elevator.update": _("修改电梯项目"),
    "elevator.money": _("修改电梯费用"),
    "elevator.household": _("修改住户参与"),
    "elevator.rides": _("修改乘梯情况"),
    "elevator.compensation": _("添加补偿记录"),
    "elevator.table": _("保存分摊系数表"),
    "elevator.plan": _("保存分摊方案"),
    "elevator.adopt_plan": _("采用分摊方案"),
}
