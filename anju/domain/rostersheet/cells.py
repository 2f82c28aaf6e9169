"""One roster cell at a time: text in, (normalised value, problem) out.

Each parser returns `(value, None)` or `(None, (zh, en, code))` and never raises, so results can be
cached: a roster repeats the same building, unit, room, floor and area thousands of times, and the
cache is what keeps a million-row import fast.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from anju.domain.errors import DomainError
from anju.domain.ids import normalize_id_number, normalize_phone

Bad = tuple[str, str, str]  # zh, en, code
Parsed = tuple[object, Bad | None]

MAX_FLOOR = 60  # the highest floor Building.storeys allows
MAX_AREA = Decimal("1000")  # m²: larger is a typo (or a whole building) rather than one dwelling
_CENT = Decimal("0.01")
_CACHE = 65536

_OCCUPANCY = {
    "自住": "owner",
    "业主自住": "owner",
    "出租": "rented",
    "租住": "rented",
    "空置": "vacant",
    "闲置": "vacant",
    "空房": "vacant",
    "owner": "owner",
    "rented": "rented",
    "vacant": "vacant",
}
_YES = frozenset({"是", "y", "yes", "1", "√", "✓", "✔", "true", "有", "党员", "中共党员", "中国共产党党员"})
_NO = frozenset({"否", "n", "no", "0", "×", "✗", "✘", "false", "无", "不是", "群众", "非党员"})
_SEX = {"男": "M", "女": "F", "m": "M", "f": "F", "male": "M", "female": "F"}
_CN_DIGITS = {
    "一": "1",
    "二": "2",
    "两": "2",
    "三": "3",
    "四": "4",
    "五": "5",
    "六": "6",
    "七": "7",
    "八": "8",
    "九": "9",
}

_BUILDING = re.compile(r"(?:第)?([A-Z]?\d{1,3}|[A-Z])(?:号楼|号栋|号幢|#楼|栋|幢|座|号|#)?")
_UNIT = re.compile(r"(?:第)?(\d{1,2})(?:单元|号)?")
_ROOM = re.compile(r"(\d{1,5}[A-Z]?)(?:室|号|房)?")
_FLOOR = re.compile(r"(?:第)?(-?\d{1,3})(?:层|楼|F)?")
_AREA = re.compile(r"(-?\d+(?:\.\d+)?)(?:m2|㎡|平方米|平米|平方|平)?")
_YEAR = re.compile(r"(\d{4})(?:年.*|[-./]\d{1,2}(?:[-./]\d{1,2})?|\d{4})?")
_FLOAT_ID = re.compile(r"\d(?:\.\d+)?E\+\d+", re.IGNORECASE)
_SEVERAL_PHONES = re.compile(r"[/、,，;；]|或")

ROOM_FORMAT: Bad = (
    "房号应为数字，如 501 或 501室。",
    "The room should be a number, e.g. 501 or 501室.",
    "room",
)


def fold(text: str) -> str:
    """Full-width to ASCII and all spaces out; cheap for the usual plain-ASCII cell."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return "".join(text.split())


def strip_zeros(text: str) -> str:
    """ "0501" → "501", "A02" → "A2": the same door however many zeros the writer typed."""
    if text[0].isalpha():
        return text[0] + text[1:].lstrip("0") if text[1:].strip("0") else text
    return text.lstrip("0") or "0"


def floor_of_room(room: str) -> int | None:
    """The floor a room number shows (all but the last two digits), or None if it shows none."""
    digits = room.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return int(digits[:-2]) if len(digits) >= 3 and int(digits[:-2]) > 0 else None


@lru_cache(maxsize=_CACHE)
def building(text: str) -> Parsed:
    cleaned = fold(text).upper()
    match = _BUILDING.fullmatch(cleaned)
    if match is not None:
        return strip_zeros(match.group(1)), None
    # Named buildings (综合楼, 东楼) exist; the resolver decides whether this one does.
    if len(cleaned) > 20:
        return None, (
            "楼栋号过长（不超过20字）。",
            "The building number is too long (20 characters at most).",
            "too_long",
        )
    return cleaned, None


@lru_cache(maxsize=_CACHE)
def unit(text: str) -> Parsed:
    cleaned = fold(text)
    if cleaned[:1] in _CN_DIGITS and cleaned[1:] in ("", "单元"):
        return _CN_DIGITS[cleaned[0]], None
    match = _UNIT.fullmatch(cleaned)
    if match is None or not match.group(1).strip("0"):
        return None, (
            "单元号应为数字，如 2 或 2单元。",
            "The unit should be a number, e.g. 2 or 2单元.",
            "unit",
        )
    return strip_zeros(match.group(1)), None


@lru_cache(maxsize=_CACHE)
def room(text: str) -> Parsed:
    match = _ROOM.fullmatch(fold(text).upper())
    if match is None or not match.group(1).rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ").strip("0"):
        return None, ROOM_FORMAT
    return strip_zeros(match.group(1)), None


@lru_cache(maxsize=_CACHE)
def floor(text: str, room: str | None) -> Parsed:
    """The floor from its cell, or from the room number when the cell is blank; the two must agree."""
    from_room = floor_of_room(room) if room else None
    cleaned = fold(text).upper()
    if not cleaned:
        if from_room is None:
            return None, (
                "楼层为空，且无法从房号推出楼层，请填写楼层。",
                "The floor is blank and the room number does not show it; please fill in the floor.",
                "floor",
            )
        return from_room, None
    match = _FLOOR.fullmatch(cleaned)
    value = int(match.group(1)) if match else None
    if value is None or value < 1:
        return None, (
            "楼层应为正整数，如 5。",
            "The floor should be a positive whole number, e.g. 5.",
            "floor",
        )
    if value > MAX_FLOOR:
        return None, (f"楼层不能高于{MAX_FLOOR}层。", f"The floor cannot be above {MAX_FLOOR}.", "floor")
    if from_room is not None and from_room != value:
        return None, (
            f"楼层（{value}）与房号（{room}，应在{from_room}层）不符。",
            f"The floor ({value}) does not match the room number ({room}, on floor {from_room}).",
            "floor_room",
        )
    return value, None


@lru_cache(maxsize=_CACHE)
def area(text: str) -> Parsed:
    """Exclusive area in m² as Decimal with two places (half up), within (0, MAX_AREA]."""
    match = _AREA.fullmatch(fold(text).lower().replace(",", ""))
    try:
        value = Decimal(match.group(1)) if match else None
    except InvalidOperation:
        value = None
    if value is None:
        return None, (
            "面积应为数字（平方米），如 75.36。",
            "The area should be a number of square metres, e.g. 75.36.",
            "area",
        )
    if value <= 0:
        return None, ("面积必须大于0。", "The area must be greater than 0.", "area")
    if value > MAX_AREA:
        return None, (
            f"面积超过{MAX_AREA}平方米，不像一户的专有部分面积，请核对。",
            f"An area over {MAX_AREA} m² is not one dwelling's exclusive area; please check it.",
            "area",
        )
    return value.quantize(_CENT, rounding=ROUND_HALF_UP), None


def id_number(text: str) -> Parsed:
    if _FLOAT_ID.fullmatch(text):
        return None, (
            "身份证号被Excel存成了数字，后几位已丢失。请将该列设为“文本”后重新填写。",
            "Excel stored the ID number as a number and lost its last digits. "
            "Format the column as text and enter the numbers again.",
            "id_as_number",
        )
    try:
        return normalize_id_number(text), None
    except DomainError as error:
        return None, (error.zh, error.en, "id_number")


def phone(text: str) -> Parsed:
    try:
        return normalize_phone(text), None
    except DomainError as error:
        if _SEVERAL_PHONES.search(text):
            return None, (
                "一格只能填一个电话号码，其他号码请写在备注中。",
                "One phone number per cell; put any others in the note.",
                "phone",
            )
        return None, (error.zh, error.en, "phone")


@lru_cache(maxsize=_CACHE)
def birth_year(text: str, this_year: int) -> Parsed:
    """A year from 1900 to this year, also out of 1952年, 1952-03-01 or 19520301."""
    match = _YEAR.fullmatch(fold(text))
    year = int(match.group(1)) if match else None
    if year is None or not 1900 <= year <= this_year:
        return None, (
            f"出生年份应为1900到{this_year}之间的四位年份。",
            f"The year of birth should be a 4-digit year from 1900 to {this_year}.",
            "birth_year",
        )
    return year, None


@lru_cache(maxsize=_CACHE)
def sex(text: str) -> Parsed:
    value = _SEX.get(fold(text).lower())
    if value is None:
        return None, ("性别应填“男”或“女”。", "Sex should be 男 (male) or 女 (female).", "sex")
    return value, None


@lru_cache(maxsize=_CACHE)
def flag(text: str) -> Parsed:
    folded = fold(text).lower()
    if folded in _YES:
        return True, None
    if folded in _NO:
        return False, None
    return None, (
        "请填“是”或“否”（也可填 Y/N、1/0、√）。",
        "Please write 是 (yes) or 否 (no) (or Y/N, 1/0, √).",
        "flag",
    )


@lru_cache(maxsize=_CACHE)
def occupancy(text: str) -> Parsed:
    value = _OCCUPANCY.get(fold(text).lower())
    if value is None:
        return None, (
            "居住状态应为“自住”“出租”或“空置”。",
            "Occupancy should be 自住 (owner-occupied), 出租 (rented) or 空置 (vacant).",
            "occupancy",
        )
    return value, None
