"""Audit actions of residents' participation: suggestions, notices, meetings, visits, the party and volunteers."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    # A suggestion's history reads as its steps (the suggestion page shows these).
    "suggestion_submit": _("居民提交"),
    "suggestion_assign": _("转办"),
    "suggestion_reply": _("答复"),
    "suggestion_close": _("办结"),
    "suggestion_reveal": _("查看联系电话"),
    "notice_save": _("保存公示"),
    "notice_add_image": _("添加公示图片"),
    "notice_publish": _("发布公示"),
    "notice_withdraw": _("撤回公示"),
    "meeting_create": _("安排恳谈会"),
    "meeting_invite": _("邀请参会"),
    "meeting_attendance": _("登记出席"),
    "meeting_minutes": _("记录会议纪要"),
    "meeting_link_suggestion": _("关联居民建议"),
    "meeting_unlink_suggestion": _("取消关联居民建议"),
    "decision_add": _("记录议定事项"),
    "followup_add": _("添加跟进事项"),
    "followup_done": _("完成跟进事项"),
    "followup_reopen": _("重新打开跟进事项"),
    "visit_record": _("记录入户走访"),
    "party_org_create": _("新建党组织"),
    "party_member_add": _("登记党员"),
    "pledge_set": _("设置党员承诺"),
    "volunteer_assign": _("安排志愿者"),
    "activity_log": _("记录活动"),
}
