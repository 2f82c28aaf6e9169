"""Audit actions of consultations and votes (意见征求与表决)."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "consultation.create": _("发起意见征求"),
    "consultation.describe": _("修改征求说明"),
    "consultation.question_add": _("添加征求问题"),
    "consultation.open": _("开始征求意见"),
    "consultation.close": _("结束征求意见"),
    "consultation.held": _("记录表决的实际举行时间"),
    "consultation.letters": _("打印告知书"),
    "consultation.letter_lock": _("锁定告知书"),
    "consultation.letter_unlock": _("解锁告知书"),
    "consultation.ballot": _("提交表决票"),
    "consultation.ballot_scan": _("补传纸质表决票照片"),
    "consultation.conflict_resolve": _("处理业主意见冲突"),
    "consultation.owner_settle": _("认定业主意见"),
    "consultation.correction": _("更正业主意见"),
    "consultation.home_suggestion": _("住户在“我的家”提交建议"),
}
