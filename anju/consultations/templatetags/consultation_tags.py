from __future__ import annotations

from fractions import Fraction
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


@register.filter
def m2(value: Any) -> str:
    """An exact area (Fraction or Decimal) in m² as a plain decimal, e.g. "601.17"."""
    from anju.domain.consent import format_decimal

    return format_decimal(Fraction(value))
