"""National ID numbers (GB 11643-1999) and phone numbers: normalise, check, mask.

Everything here takes and returns plain strings, so the roster import, forms and the API all agree
on what a valid, normalised number looks like. Messages never echo the number back: callers show
them next to the field, and the value may end up in places where personal data must not.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from operator import mul

from anju.domain.errors import DomainError

__all__ = [
    "birth_date_from_id",
    "id_check_char",
    "make_id_number",
    "mask_id_number",
    "mask_phone",
    "normalize_id_number",
    "normalize_phone",
    "sex_from_id",
]

# ISO 7064 MOD 11-2 as GB 11643 spells it out: weight of each of the first 17 digits, and the
# check character for each remainder of the weighted sum modulo 11.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_EARLIEST_BIRTH = datetime.date(1900, 1, 1)

# Separators people type inside numbers; NFKC has already folded full-width forms to ASCII.
_SEPARATORS = str.maketrans("", "", " \t\u00a0-\u2010\u2011\u2012\u2013\u2014\u2015()")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_FIXED_DIGITS = re.compile(r"0\d{9,11}")
_FIXED_SPLIT = re.compile(r"(0\d{2,3})-?([2-9]\d{6,7})")


def _fold(raw: str) -> str:
    """Full-width digits, letters and dashes to ASCII (NFKC), skipping the work for plain ASCII."""
    return raw if raw.isascii() else unicodedata.normalize("NFKC", raw)


def id_check_char(first17: str) -> str:
    """The GB 11643 check character ('0'–'9' or 'X') for the first 17 digits of an ID number."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise DomainError(
            "计算校验码需要身份证号码的前17位数字。",
            "The check character is computed from the first 17 digits of the ID number.",
            field="id_number",
        )
    total = sum(map(mul, map(int, first17), _WEIGHTS))
    return _CHECK_CHARS[total % 11]


def normalize_id_number(raw: str, *, today: datetime.date | None = None) -> str:
    """The 18-character ID number in canonical form (ASCII, upper-case X), or DomainError saying why not.

    `today` bounds the birth date (default: the current date); tests pass it to stay deterministic.
    """
    text = "".join(_fold(raw or "").split()).upper()
    if not text:
        raise DomainError("请填写身份证号码。", "Please enter the ID number.", field="id_number")
    if len(text) == 15 and text.isascii() and text.isdigit():
        raise DomainError(
            "这是15位的旧身份证号码，请填写18位的居民身份证号码。",
            "This is an old 15-digit ID number; please enter the 18-character resident ID number.",
            field="id_number",
        )
    if len(text) != 18:
        raise DomainError(
            f"身份证号码应为18位，这里是{len(text)}位。",
            f"An ID number has 18 characters; this one has {len(text)}.",
            field="id_number",
        )
    body, check = text[:17], text[17]
    if not (body.isascii() and body.isdigit()) or check not in "0123456789X":
        raise DomainError(
            "身份证号码前17位应为数字，最后一位为数字或X。",
            "The first 17 characters of an ID number are digits; the last is a digit or X.",
            field="id_number",
        )
    if body[0] == "0":
        raise DomainError(
            "身份证号码的前6位地址码无效。",
            "The 6-digit region code at the start of the ID number is not valid.",
            field="id_number",
        )
    _check_birth(body[6:14], today)
    if id_check_char(body) != check:
        raise DomainError(
            "身份证号码校验位不符，请核对号码。",
            "The ID number's checksum does not match; please check the number.",
            field="id_number",
        )
    return text


def _check_birth(yyyymmdd: str, today: datetime.date | None) -> datetime.date:
    try:
        birth = datetime.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        birth = None
    today = today or datetime.date.today()
    if birth is None or birth < _EARLIEST_BIRTH or birth > today:
        raise DomainError(
            "身份证号码中的出生日期（第7–14位）不是有效日期。",
            "The birth date in the ID number (characters 7–14) is not a valid date.",
            field="id_number",
        )
    return birth


def birth_date_from_id(id_number: str) -> datetime.date:
    """The birth date encoded in a valid ID number."""
    text = normalize_id_number(id_number)
    return datetime.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))


def sex_from_id(id_number: str) -> str:
    """"M" or "F": the 17th digit (the sequence's last) is odd for men and even for women."""
    return "M" if int(normalize_id_number(id_number)[16]) % 2 else "F"


def make_id_number(region: str, birth: datetime.date, sequence: int) -> str:
    """A valid but fictitious ID number, for demo data and tests.

    `region` is the 6-digit region code, `sequence` 0–999 (odd for men, even for women).
    """
    if len(region) != 6 or not region.isascii() or not region.isdigit() or region[0] == "0":
        raise DomainError("地址码应为6位数字且不以0开头。", "The region code is 6 digits not starting with 0.",
                          field="id_number")
    if not 0 <= sequence <= 999:
        raise DomainError("顺序码应在0到999之间。", "The sequence number is between 0 and 999.", field="id_number")
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    _check_birth(first17[6:14], None)
    return first17 + id_check_char(first17)


def normalize_phone(raw: str) -> str:
    """A mainland mobile as 11 digits, or a fixed line as `0731-88881234`; DomainError otherwise.

    Accepts +86/0086/86 before a mobile, spaces, dashes, parentheses and full-width digits.
    """
    text = _fold(raw or "").strip()
    if not text:
        raise DomainError("请填写联系电话。", "Please enter the phone number.", field="phone")
    digits = text.translate(_SEPARATORS)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if _MOBILE.fullmatch(digits):
        return digits
    fixed = _fixed_line(text, digits)
    if fixed:
        return fixed
    raise DomainError(
        "电话号码格式不对：手机号应为1开头的11位数字，固定电话应带区号，如0731-88881234。",
        "The phone number is not valid: a mobile has 11 digits starting with 1; "
        "a fixed line needs its area code, e.g. 0731-88881234.",
        field="phone",
    )


def _fixed_line(text: str, digits: str) -> str | None:
    """`0731-88881234` form when `digits` is an area code plus subscriber number, else None.

    Area codes 010 and 020–029 have 3 digits and all others 4, so a number without a separator
    splits one way only; a separator written inside the area code is a mistake, not a hint.
    """
    if not _FIXED_DIGITS.fullmatch(digits):
        return None
    area_len = 3 if digits[1] in "12" else 4
    first_group = re.search(r"\d+", text)
    if first_group is None or len(first_group.group()) < area_len:
        return None
    area, subscriber = digits[:area_len], digits[area_len:]
    if not _FIXED_SPLIT.fullmatch(f"{area}-{subscriber}"):
        return None
    return f"{area}-{subscriber}"


def mask_id_number(id_number: str | None) -> str:
    """First 4 and last 4 characters with stars between (`4203**********1234`); "" for nothing."""
    text = "".join(_fold(id_number or "").split())
    if not text:
        return ""
    if len(text) < 12:
        return "*" * len(text)
    return text[:4] + "*" * (len(text) - 8) + text[-4:]


def mask_phone(phone: str | None) -> str:
    """`138****5678` for a mobile, `0731-****34` for a fixed line; "" for nothing.

    Anything that is not a valid number is masked completely: we cannot tell which part is safe.
    """
    if not phone or not phone.strip():
        return ""
    try:
        normal = normalize_phone(phone)
    except DomainError:
        return "****"
    if "-" in normal:
        area, subscriber = normal.split("-")
        return f"{area}-****{subscriber[-2:]}"
    return f"{normal[:3]}****{normal[-4:]}"


# 统一社会信用代码 (GB 32100-2015): 18 characters from 31 (no I, O, S, V, Z); the 18th is a check
# character over the first 17 with weights 3^i mod 31.
_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))


def credit_check_char(first17: str) -> str:
    """The check character of the first 17 characters of a unified social credit code."""
    if len(first17) != 17 or any(c not in _CREDIT_CHARS for c in first17):
        raise DomainError("计算校验位需要统一社会信用代码的前 17 位。",
                          "The check character is computed from the first 17 characters of the code.",
                          field="credit_code")
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_CHARS[(31 - total % 31) % 31]


def normalize_credit_code(raw: str) -> str:
    """A unified social credit code in capitals without spaces, or DomainError naming what is wrong."""
    code = _fold(raw).translate(_SEPARATORS).upper() if raw else ""
    if len(code) != 18:
        raise DomainError(f"统一社会信用代码应为 18 位，现为 {len(code)} 位。",
                          f"A unified social credit code has 18 characters, not {len(code)}.", field="credit_code")
    wrong = sorted({c for c in code if c not in _CREDIT_CHARS})
    if wrong:
        raise DomainError(f"统一社会信用代码含有不允许的字符：{'、'.join(wrong)}（不使用 I、O、S、V、Z）。",
                          f"Characters not used in credit codes: {', '.join(wrong)} (no I, O, S, V, Z).",
                          field="credit_code")
    if not code[2:8].isdigit():
        raise DomainError("统一社会信用代码第 3 至 8 位应为行政区划代码（数字）。",
                          "Characters 3 to 8 of a credit code are the region code (digits).", field="credit_code")
    if credit_check_char(code[:17]) != code[17]:
        raise DomainError("统一社会信用代码校验位不对，请核对营业执照。",
                          "The check character of the credit code is wrong; check the business licence.",
                          field="credit_code")
    return code


def mask_name(name: str | None) -> str:
    """The first character and a star for each further one (王秀兰 → `王**`; one character → `*`); "" for nothing.

    Enough to tell the households of one stairwell apart on a volunteer's phone, not to name a person."""
    text = "".join((name or "").split())
    if not text:
        return ""
    return text[0] + "*" * (len(text) - 1) if len(text) > 1 else "*"
