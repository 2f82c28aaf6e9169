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
    "committee_elect": _("登记业主委员会选举结果"),
    "committee_interim": _("组建物业管理委员会"),
    "committee_officers": _("推选业主委员会主任、副主任"),
    "committee_file": _("登记业主委员会备案"),
    "committee_report": _("登记任期届满报告"),
    "committee_member": _("业主委员会委员变动"),
    "committee_change_file": _("登记委员会变更备案"),
    "party_link_set": _("设置小区党建引领"),
}
