"""Money in fen (分, int) and exact ratios (Fraction); parsing and display without floats."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction

from anju.domain.errors import DomainError

Fen = int
FEN_PER_YUAN = 100


def _decimal(value: object, *, field: str, what_zh: str, what_en: str) -> Decimal:
    # bool is an int subclass; `true` as an amount is a typo, not 1 yuan.
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise DomainError(
            f"{what_zh}应写成数字字符串，例如 \"1200.50\"，收到 {value!r}",
            f"{what_en} must be a number written as a string, e.g. \"1200.50\"; got {value!r}",
            field=field,
        )
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise DomainError(
            f"{what_zh}不是数字：{value!r}", f"{what_en} is not a number: {value!r}", field=field
        ) from None
    if not number.is_finite():
        raise DomainError(f"{what_zh}不是有限数字：{value!r}", f"{what_en} is not finite: {value!r}", field=field)
    return number


def to_fen(value: object, *, field: str) -> Fen:
    """Parse an amount in 元 (string, int or Decimal, at most 2 decimals, not negative) into fen."""
    number = _decimal(value, field=field, what_zh="金额", what_en="amount")
    if number < 0:
        raise DomainError(f"金额不能为负数：{value}", f"amount must not be negative: {value}", field=field)
    fen = number * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise DomainError(
            f"金额最多保留两位小数（到分）：{value}", f"amount must have at most 2 decimals (fen): {value}", field=field
        )
    return int(fen)


def to_ratio(value: object, *, field: str, what_zh: str = "数值", what_en: str = "value") -> Fraction:
    """Parse a non-negative decimal (coefficient, m², percent) exactly into a Fraction."""
    number = _decimal(value, field=field, what_zh=what_zh, what_en=what_en)
    if number < 0:
        raise DomainError(f"{what_zh}不能为负数：{value}", f"{what_en} must not be negative: {value}", field=field)
    return Fraction(number)


def fen_to_yuan(fen: Fen) -> Decimal:
    """Fen as a Decimal amount in 元 with two places."""
    return (Decimal(fen) / FEN_PER_YUAN).quantize(Decimal("0.01"))


def plain_yuan(fen: Fen) -> str:
    """Fen as 元 without grouping, for JSON: 30000000 -> "300000.00"."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{whole}.{cents:02d}"


def format_yuan(fen: Fen) -> str:
    """Fen as 元 with thousands separators, for people: 30000000 -> "300,000.00"."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{whole:,}.{cents:02d}"


def _terminating_places(value: Fraction, max_places: int) -> int | None:
    """Decimal places needed to write `value` exactly, or None if more than `max_places`."""
    for places in range(max_places + 1):
        if (value * 10**places).denominator == 1:
            return places
    return None


def _fixed(value: Fraction, places: int) -> str:
    scaled = abs(value) * 10**places
    # Half-up for display only; the amounts themselves never go through this.
    digits = int(scaled + Fraction(1, 2))
    sign = "-" if value < 0 else ""
    if places == 0:
        return f"{sign}{digits:,}"
    whole, frac = divmod(digits, 10**places)
    return f"{sign}{whole:,}.{frac:0{places}d}"


def format_ratio(value: Fraction, max_places: int = 4) -> str:
    """A ratio or area for explanations: exact when it terminates (1.1, 72.5), else ≈ with 4 places."""
    places = _terminating_places(value, max_places)
    if places is not None:
        return _fixed(value, places)
    return "≈" + _fixed(value, max_places)


def format_yuan_exact(fen: Fraction) -> str:
    """An exact amount in fen (maybe fractional) as 元: "15,562.37" or "≈15,562.3697"."""
    yuan = Fraction(fen) / FEN_PER_YUAN
    places = _terminating_places(yuan, 4)
    if places is not None:
        return _fixed(yuan, max(places, 2))
    return "≈" + _fixed(yuan, 4)
