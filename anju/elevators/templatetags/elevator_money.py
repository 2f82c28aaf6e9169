"""Template filters for money in fen: `{{ amount|yuan }}` → "300,000.00", `{{ bp|percent_bp }}` → "12.34%"."""

from __future__ import annotations

from django import template

from anju.domain.costshare import format_yuan, plain_yuan, to_fen

register = template.Library()


@register.filter
def yuan(fen: int | None) -> str:
    return "—" if fen is None or fen == "" else format_yuan(int(fen))


@register.filter
def yuan_text(amount: str) -> str:
    """An amount in 元 as the plans store it ("520000.00") with thousands separators."""
    return format_yuan(to_fen(amount, field="amount"))


@register.filter
def plainyuan(fen: int | None) -> str:
    """For form fields: no grouping, so the value parses back exactly."""
    return "" if fen is None or fen == "" else plain_yuan(int(fen))


@register.filter
def percent_bp(bp: int | None) -> str:
    return "—" if bp is None else f"{plain_yuan(int(bp))}%"


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def steps(share: dict, language: str) -> list[str]:
    return share["steps_zh"] if (language or "zh").startswith("zh") else share["steps_en"]
