"""Money and progress in templates: fen shown as yuan or 万元, never through float."""

from __future__ import annotations

from decimal import Decimal

from django import template

from anju.domain.money import wan, yuan

register = template.Library()
register.filter("yuan", yuan)
register.filter("wan", wan)


@register.filter
def pct(value) -> str:
    return f"{Decimal(value or 0):.1f}"
