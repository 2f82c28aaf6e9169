"""操作手册: one short help page per capability, and which one the header's 帮助 link opens.

A page's help is chosen by its URL namespace (and, for the few pages of one app that belong to
another topic, by its URL name); a page no topic claims opens the list of topics."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# slug → title, in the order the list shows them (the first is the first-login checklist).
TOPICS: dict[str, str] = {
    "start": _("新街道上手：三步开始使用"),
    "work": _("我的待办、数据看板和消息记录"),
    "roster": _("摸底台账：导入、导出和查看个人信息"),
    "consultations": _("意见征求与表决"),
    "elevators": _("加装电梯：算明账和明白账"),
    "programme": _("改造项目：阶段和现场检查"),
    "participation": _("共建共治：建言、恳谈会和公示"),
    "stewardship": _("长效管理"),
    "accounts": _("账号、邀请和角色"),
}

BY_NAMESPACE: dict[str, str] = {
    "roster": "roster",
    "consultations": "consultations",
    "elevators": "elevators",
    "programme": "programme",
    "participation": "participation",
    "stewardship": "stewardship",
    "dashboard": "work",
    "accounts": "accounts",
    "field": "participation",  # the door-to-door app records 一户一策 visits, ballots and suggestions
}
# Pages whose help is not their app's: setting up an office lives under /roster/setup/.
BY_URL_NAME: dict[str, str] = {
    "roster:setup": "start",
    "roster:setup_detail": "start",
    "roster:setup_subdistrict": "start",
    "roster:setup_communities": "start",
    "roster:setup_structure": "start",
    "roster:setup_structure_confirm": "start",
    "roster:setup_invite": "accounts",
}


def topic_for(namespace: str | None, view_name: str | None) -> str | None:
    """The help topic of the page named `view_name` ("app:name") in `namespace`; None opens the list."""
    if view_name and view_name in BY_URL_NAME:
        return BY_URL_NAME[view_name]
    if namespace == "core" and view_name and view_name.startswith("core:help"):
        return None
    return BY_NAMESPACE.get(namespace or "")
