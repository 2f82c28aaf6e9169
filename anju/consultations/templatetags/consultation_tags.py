from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict, key: Any) -> Any:
    """mapping[key] or None, for lookups by a variable in templates."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def percent(value: Any) -> str:
    """A Fraction as a percentage with one decimal (display only)."""
    return f"{float(value) * 100:.1f}%"
