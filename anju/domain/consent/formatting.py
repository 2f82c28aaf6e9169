"""Exact numbers for people: decimals when they terminate, areas rounded up when they are a minimum."""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal
from fractions import Fraction


def format_decimal(value: Fraction) -> str:
    """A Fraction as an exact decimal string when it has one ("85.3"), else as "a/b"."""
    den = value.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den != 1:
        return str(value)
    places = max(twos, fives)
    text = f"{Decimal(value.numerator * 10**places // value.denominator).scaleb(-places):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_area_up(value: Fraction) -> str:
    """An area for people: exact if it has at most two decimals, else rounded *up* to 0.01 m²."""
    text = format_decimal(value)
    if "/" not in text and len(text.partition(".")[2]) <= 2:
        return text
    up = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), ROUND_CEILING)
    return format_decimal(Fraction(up))
