"""Exact quantities typed by people (km of pipe, ㎡, counts): parsed to `Decimal`, never float.

`parse_quantity` accepts what a person types in a form or a spreadsheet cell (digits, one decimal
point, thousands separators "1,234.5", full-width digits from a Chinese keyboard, surrounding
spaces) and refuses anything else, a negative number, more decimals than the indicator keeps, or
more digits than it can store. Refusals are `DomainError`s naming the value and the rule.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal, InvalidOperation

from anju.domain.errors import DomainError


def parse_quantity(value: object, *, places: int, max_digits: int = 14) -> Decimal:
    """`value` as a non-negative `Decimal` with exactly `places` decimals (a shorter one is padded).

    An int or Decimal passes through the same checks. A float (a JSON number) is read by its shortest
    round-trip text, `repr`, which is the number as it was written ("0.1" stays 0.1, not
    0.1000000000000000055…). Booleans, blanks, NaN and infinities are refused."""
    if isinstance(value, bool) or value is None:
        raise DomainError("请填写数字", "Give a number")
    text = unicodedata.normalize("NFKC", repr(value) if isinstance(value, float) else str(value))
    text = text.strip().replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or text == "":
        raise DomainError(f"“{value}”不是数字", f"“{value}” is not a number")
    if number < 0:
        raise DomainError(f"“{value}”不能为负数", f"“{value}” must not be negative")
    if number.adjusted() >= max_digits - places:  # more whole digits than the column keeps
        raise DomainError(f"“{value}”超出可记录的范围", f"“{value}” is too large")
    quantum = Decimal(1).scaleb(-places)
    if number != number.quantize(quantum):
        raise DomainError(f"“{value}”最多保留 {places} 位小数", f"“{value}” has more than {places} decimal places")
    return abs(number.quantize(quantum))  # abs: "-0" reads as 0
