"""Audit actions the roster writes (services, the import, the demo loader)."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "create": _("新建台账记录"),
    "update": _("修改台账记录"),
    "own": _("登记产权人"),
    "reside": _("登记居住人"),
    "import": _("导入台账"),
    "import_create": _("导入新增住户"),
    "import_update": _("导入更新住户"),
    "load_demo": _("载入演示数据"),
    "household_edit": _("修改户信息"),
    "person_edit": _("修改人员信息"),
    "move_out": _("登记迁出"),
    "death": _("登记死亡"),
    "transfer": _("登记产权转移"),
    "reveal": _("查看个人信息"),
    "structure_import": _("导入小区楼栋台账"),
    "import_create_place": _("导入住户时新建小区楼栋"),
}
