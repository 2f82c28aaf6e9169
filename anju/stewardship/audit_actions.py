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
    # The maintenance fund (专项维修资金).
    "fund_open": _("建立专项维修资金账户"),
    "fund_ledger_open": _("设立单元分账"),
    "fund_entry": _("登记维修资金入账"),
    "fund_contributions": _("按面积分户登记维修资金交存"),
    "fund_entry_reverse": _("冲正维修资金记账"),
    "fund_case_open": _("提出维修资金使用"),
    "fund_case_vote": _("发起维修资金使用表决"),
    "fund_case_approve": _("审核维修资金使用"),
    "fund_case_escalate": _("紧急使用报请代修"),
    "fund_case_pay": _("支付维修资金"),
    "fund_case_accept": _("维修竣工验收"),
    "fund_case_publish": _("公示维修资金使用情况"),
    "committee_elect": _("登记业主委员会选举结果"),
    "committee_interim": _("组建物业管理委员会"),
    "committee_officers": _("推选业主委员会主任、副主任"),
    "committee_file": _("登记业主委员会备案"),
    "committee_report": _("登记任期届满报告"),
    "committee_member": _("业主委员会委员变动"),
    "committee_change_file": _("登记委员会变更备案"),
    "party_link_set": _("设置小区党建引领"),
}
AUDIT_ACTIONS.update({
    "fee_standard_set": _("登记物业费标准"),
    "fee_parking_add": _("登记车位出租"),
    "fee_bill_month": _("物业费按月出账"),
    "fee_payment": _("登记物业费缴费"),
    "fee_payments_import": _("导入物业费缴费记录"),
    "fee_demand_letters": _("发出物业费催缴通知"),
})
AUDIT_ACTIONS.update({
    "disclosure_generate": _("生成公示"),
    "disclosure_publish": _("发布公示"),
    "disclosure_correct": _("更正公示"),
})
AUDIT_ACTIONS.update({
    "committee_meeting": _("登记委员会会议"),
    "committee_decisions": _("公告委员会会议决定"),
    "satisfaction_survey_start": _("发起物业服务满意度测评"),
})
AUDIT_ACTIONS.update({
    "common_income_record": _("登记公共收益"),
    "common_income_reverse": _("冲正公共收益"),
    "manager_line_record": _("登记物业服务项目收支或预算"),
})
