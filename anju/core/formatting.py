"""How figures read on a page: money, percentages, areas, counts, dates and durations.

Every number is computed exactly (int, Decimal or Fraction; never through float) and rounded once,
half away from zero, at the last shown place. Digits are grouped by thousands with commas, as
official Chinese documents write them (417,870.00 ㎡). Dates and durations read in Chinese
(2026年12月1日, 2 小时 5 分) and in English when the page is in English. An empty value (None or
"") shows as "—", so a missing figure is never mistaken for zero.

The template filters in `anju/core/templatetags/anju_format.py` are these functions; Python that
writes the same figures (tables, API) calls them directly.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language

EMPTY = "—"
FEN_PER_YUAN = 100
FEN_PER_WAN = 1_000_000  # 1 万元 = 10,000 元 = 1,000,000 分
SQUARE_METRE = "㎡"


def _is_empty(value: object) -> bool:
    return value is None or value == ""


def exact(value: Any) -> Fraction:
    """The exact value of an int, Decimal, Fraction or decimal string.

    A float (from a library that only speaks float) is taken by its shortest repr, "0.1" for 0.1,
    not by its binary expansion, so what was typed is what is shown.
    """
    if isinstance(value, bool):
        raise TypeError(f"not a number: {value!r}")
    if isinstance(value, (int, Fraction)):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(Decimal(repr(value)))
    if isinstance(value, (Decimal, str)):
        return Fraction(Decimal(str(value).strip()))
    raise TypeError(f"not a number: {value!r}")


def round_half_up(value: Fraction, places: int = 0) -> int:
    """`value` × 10^places rounded to an integer, halves away from zero (2.345 → 235 at 2 places)."""
    scaled = abs(value) * 10**places
    whole = int(scaled + Fraction(1, 2))
    return -whole if value < 0 else whole


def grouped(value: Any, places: int = 0) -> str:
    """A number with thousands separators and exactly `places` decimals: 1234.5 → "1,234.50"."""
    if _is_empty(value):
        return EMPTY
    places = int(places)
    units = round_half_up(exact(value), places)
    sign = "-" if units < 0 else ""
    whole, part = divmod(abs(units), 10**places)
    return f"{sign}{whole:,}.{part:0{places}d}" if places else f"{sign}{whole:,}"


def count(value: Any) -> str:
    """A count of things (households, people) with thousands separators: 12345 → "12,345"."""
    return grouped(value, 0)


def fen_of(value: Any) -> int:
    """Money as whole fen: an int is fen already; a Decimal, Fraction or string is an amount in 元."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return round_half_up(exact(value) * FEN_PER_YUAN)


def yuan(value: Any) -> str:
    """Money as 元 with two decimals and grouping, for a column headed 元: 123456 fen → "1,234.56"."""
    if _is_empty(value):
        return EMPTY
    return grouped(Fraction(fen_of(value), FEN_PER_YUAN), 2)


def money(value: Any) -> str:
    """Money with its sign, for a sentence: 123450 fen or Decimal("1234.5") → "¥1,234.50"."""
    if _is_empty(value):
        return EMPTY
    text = yuan(value)
    return f"-¥{text[1:]}" if text.startswith("-") else f"¥{text}"


def plain_yuan(value: Any) -> str:
    """Money as 元 without grouping, for a form field that must parse back exactly: "300000.00"."""
    if _is_empty(value):
        return ""
    fen = fen_of(value)
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{whole}.{cents:02d}"


def wan(value: Any) -> str:
    """Money in 万元 with two decimals, for budgets: 958900000 fen → "958.90"."""
    if _is_empty(value):
        return EMPTY
    return grouped(Fraction(fen_of(value), FEN_PER_WAN), 2)


def percent(value: Any, places: int = 1) -> str:
    """A ratio as a percentage: Fraction(2, 3) → "66.7%" (places=1), Decimal("0.75") → "75.00%" (2)."""
    if _is_empty(value):
        return EMPTY
    return f"{grouped(exact(value) * 100, places)}%"


def basis_points(value: Any) -> str:
    """Basis points (1/10,000) as a percentage with two decimals: 1234 → "12.34%"."""
    if _is_empty(value):
        return EMPTY
    return percent(Fraction(exact(value)) / 10_000, 2)


def area(value: Any, places: int = 2) -> str:
    """An area in m² with its unit: Decimal("1234.56") → "1,234.56 ㎡"."""
    if _is_empty(value):
        return EMPTY
    return f"{grouped(value, places)} {SQUARE_METRE}"


def _english(language: str | None = None) -> bool:
    return (language or get_language() or "zh").startswith("en")


def _local(value: dt.date | dt.datetime) -> dt.date | dt.datetime:
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def long_date(value: dt.date | dt.datetime | None, language: str | None = None) -> str:
    """A date as people write it: 2026年12月1日; in English 1 December 2026.

    `language` overrides the page's: printed letters and notices are Chinese documents ("zh").
    """
    if _is_empty(value):
        return EMPTY
    day = _local(value)  # type: ignore[arg-type]
    if _english(language):
        return f"{day.day} {day.strftime('%B')} {day.year}"
    return f"{day.year}年{day.month}月{day.day}日"


def long_datetime(value: dt.datetime | None, language: str | None = None) -> str:
    """A moment as people write it: 2026年12月1日 09:05; in English 1 December 2026 09:05."""
    if _is_empty(value):
        return EMPTY
    moment = _local(value)  # type: ignore[arg-type]
    if not isinstance(moment, dt.datetime):  # a bare date has no time to show
        return long_date(moment, language)
    return f"{long_date(moment, language)} {moment.hour:02d}:{moment.minute:02d}"


def duration(value: dt.timedelta | int | None) -> str:
    """A span of time in its two largest units, rounded down: "29 秒", "2 小时 5 分", "3 天 4 小时".

    Accepts a timedelta or whole seconds; English reads "29 s", "2 h 5 min", "3 d 4 h".
    """
    if _is_empty(value):
        return EMPTY
    seconds = int(value.total_seconds()) if isinstance(value, dt.timedelta) else int(value or 0)
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    labels = ("d", "h", "min", "s") if _english() else ("天", "小时", "分", "秒")
    parts = [(seconds // 86400, labels[0]), (seconds % 86400 // 3600, labels[1]),
             (seconds % 3600 // 60, labels[2]), (seconds % 60, labels[3])]
    first = next((i for i, (n, _) in enumerate(parts) if n), len(parts) - 1)
    shown = [f"{n} {unit}" for n, unit in parts[first:first + 2] if n] or [f"0 {labels[3]}"]
    return sign + " ".join(shown)
