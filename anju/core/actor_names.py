"""Who did something, as pages and printed documents name them (录入人, 操作人, 保存人).

A write stores its actor's user (if any) and a label: the username, or a description of an outsider
("居民本人（网上）", "demo"). People read a person's name, never a login name, a token or a code: the
user's display name, else their full name, else the username; for writes without a user, the described
outsider in the reader's language. Core names no app: the profile is read duck-typed (`anju_profile`).
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy

RESIDENT_ONLINE = gettext_lazy("居民本人（网上）")
OUTSIDERS: dict[str, str | Promise] = {
    "居民本人（网上）": RESIDENT_ONLINE,
    "resident": RESIDENT_ONLINE,
    "demo": gettext_lazy("演示数据"),
    "anonymous": gettext_lazy("未登录的访客"),
    "letters": gettext_lazy("系统（批量打印告知书）"),
}
USER_RELATED = "anju_profile"  # select_related("<user field>__anju_profile") where a list names its actors


def _full_name(user: Any) -> str:
    """王伟 for a Chinese name (family name first, no space), Django's "first last" otherwise."""
    first, last = (getattr(user, "first_name", "") or "").strip(), (getattr(user, "last_name", "") or "").strip()
    if not (first or last):
        return ""
    if any(ord(ch) > 0x2E7F for ch in first + last):
        return f"{last}{first}"
    return f"{first} {last}".strip()


def actor_name(user: Any, label: str = "") -> str:
    """The person behind a write: display name, full name or username; else the outsider `label` describes.

    `resident:3-1-501` (an older online ballot) reads 居民本人（网上）; a bilingual "中文 / English" label
    reads in the page's language."""
    if user is not None:
        profile = getattr(user, USER_RELATED, None)
        display = getattr(profile, "display_name", "") if profile is not None else ""
        return display or _full_name(user) or user.get_username()
    if label.startswith("resident:"):
        return str(RESIDENT_ONLINE)
    if label in OUTSIDERS:
        return str(OUTSIDERS[label])
    if " / " in label:
        chinese, english = label.split(" / ", 1)
        return chinese if (get_language() or "zh").startswith("zh") else english
    return label
