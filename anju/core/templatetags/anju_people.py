"""`{% load anju_people %}`: who did something, as people read it.

    {{ ballot.entered_by|actor_name:ballot.entered_by_label }}    张丽 / 居民本人（网上）
"""

from __future__ import annotations

from typing import Any

from django import template

from anju.core.actor_names import actor_name as _actor_name

register = template.Library()


@register.filter
def actor_name(user: Any, label: str = "") -> str:
    return _actor_name(user, label or "")
