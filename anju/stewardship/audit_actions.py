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
AUDIT_ACTIONS.update({
    "fee_standard_set": _("登记物业费标准"),
    "fee_parking_add": _("登记车位出租"),
    "fee_bill_month": _("物业费按月出账"),
    "fee_payment": _("登记物业费缴费"),
    "fee_payments_import": _("导入物业费缴费记录"),
    "fee_demand_letters": _("发出物业费催缴通知"),
})
