"""The one set of template filters for figures: `{% load anju_format %}`.

    {{ fen|yuan }}          1,234.56        money in a column headed 元 (int fen, or Decimal/str 元)
    {{ fen|money }}         ¥1,234.56       money in a sentence
    {{ fen|plainyuan }}     1234.56         a form field's value (parses back exactly)
    {{ fen|wan }}           958.90          万元, for budgets
    {{ ratio|percent }}     66.7%           a Fraction/Decimal ratio; `percent:2` for two places
    {{ bp|basis_points }}   12.34%          basis points
    {{ m2|area }}           1,234.56 ㎡     an area with its unit; `area:0` for whole m²
    {{ x|grouped:2 }}       1,234.56        a number under a header that names the unit
    {{ n|count }}           12,345          households, people, buildings
    {{ d|long_date }}       2026年12月1日   (1 December 2026 on an English page; `long_date:"zh"` on a
    {{ t|long_datetime }}   2026年12月1日 09:05     printed Chinese document)
    {{ s|duration }}        2 小时 5 分      a timedelta or whole seconds
    {{ mapping|get:key }}   mapping[key]    a lookup by a variable

All exact (never through float); see `anju/core/formatting.py` for the rounding rule.
"""

from __future__ import annotations

from typing import Any

from django import template

from anju.core import formatting

register = template.Library()

for _name in ("yuan", "money", "wan", "count", "long_date", "long_datetime", "duration", "basis_points"):
    register.filter(_name, getattr(formatting, _name))
register.filter("plainyuan", formatting.plain_yuan)


@register.filter
def percent(value: Any, places: int = 1) -> str:
    return formatting.percent(value, int(places))


@register.filter
def area(value: Any, places: int = 2) -> str:
    return formatting.area(value, int(places))


@register.filter
def grouped(value: Any, places: int = 0) -> str:
    return formatting.grouped(value, int(places))


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """mapping[key], or None when the mapping is empty or has no such key."""
    return mapping.get(key) if hasattr(mapping, "get") else None
