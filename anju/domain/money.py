"""Fen (分, int) shown as yuan or 万元, exactly: Decimal with half-up rounding, never through float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def yuan(fen: int | None) -> str:
    """12345678 → "123,456.78"."""
    value = (Decimal(fen or 0) / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return f"{value:,.2f}"


def wan(fen: int | None) -> str:
    """Fen as 万元 with two places: 958900000 → "958.90"."""
    value = (Decimal(fen or 0) / 1_000_000).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return f"{value:,.2f}"
