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
}
