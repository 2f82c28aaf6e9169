"""Audit actions of 长效管理."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "stewardship_rules": _("选择或调整长效管理规则"),
    "property_company_create": _("登记物业服务企业"),
    "management_set": _("设置小区管理方式"),
    "contract_create": _("登记物业服务合同"),
    "contract_file": _("登记合同备案"),
    "contract_terminate": _("终止物业服务合同"),
    "contract_handover": _("更新交接清单"),
    "formation_step": _("记录业主大会筹备进展"),
}
