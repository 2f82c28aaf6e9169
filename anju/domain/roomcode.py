"""Room codes as offices write them (`3栋2单元501`, `3-2-501`, `A-501`) parsed into their parts."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from anju.domain.errors import DomainError

__all__ = ["RoomCode", "floor_from_room", "looks_like_room_code", "parse_room_code"]

ACCEPTED_FORMS = "3栋2单元501、3号楼2单元501室、3幢2单元501号、3栋501、3-2-501、3-501、A栋2单元501、A-2-501"

_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMBER = "[一二两三四五六七八九十]{1,3}"
# Building: a number up to 3 digits, optionally after one letter (A栋, B12栋), or a letter alone.
_BUILDING = rf"(?P<building>[A-Z]?\d{{1,3}}|[A-Z]|{_CN_NUMBER})"
_UNIT = rf"(?P<unit>\d{{1,2}}|{_CN_NUMBER})"
# Room: up to 5 digits (floor 1–999 and two for the door), optionally one trailing letter (501A).
_ROOM = r"(?P<room>\d{1,5}[A-Z]?)"
# A bare 楼 is left out on purpose: "3楼" also means "3rd floor".
_BUILDING_SUFFIX = r"(?:号楼|号栋|号幢|#楼|栋|幢|座|号|#)"
_ROOM_SUFFIX = r"(?:室|号|房)?"
_WRITTEN = re.compile(rf"{_BUILDING}{_BUILDING_SUFFIX}-?(?:{_UNIT}单元-?)?{_ROOM}{_ROOM_SUFFIX}")
_DASHED = re.compile(rf"{_BUILDING}-(?:{_UNIT}-)?{_ROOM}{_ROOM_SUFFIX}")
_NUMBER_PARTS = re.compile(r"([A-Z]?)(\d*)([A-Z]?)")
_DASHES = str.maketrans({"—": "-", "–": "-", "‐": "-", "‑": "-", "_": "-", "/": "-"})


@dataclass(frozen=True, slots=True)
class RoomCode:
    """One dwelling's address inside a compound: building, unit (stairwell; None if the building has
    only one or the writer left it out) and room. Numbers carry no leading zeros, letters are upper-case."""

    building: str
    unit: str | None
    room: str

    def __str__(self) -> str:
        unit = f"{self.unit}单元" if self.unit else ""
        return f"{self.building}栋{unit}{self.room}"


def _clean(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text or "")
    return "".join(folded.split()).translate(_DASHES).upper()


def _number(part: str) -> str:
    """Digits without leading zeros; Chinese numerals (二单元, 十二栋) as digits; letters kept."""
    if part[0] in _CN_DIGITS or part[0] == "十":
        return str(_chinese_number(part))
    match = _NUMBER_PARTS.fullmatch(part)
    if match is None:
        raise ValueError(part)
    head, digits, tail = match.groups()
    return head + (digits.lstrip("0") or "0" if digits else "") + tail


def _chinese_number(text: str) -> int:
    """1–99 written in Chinese numerals: 三, 十, 十二, 二十, 二十三."""
    if "十" not in text:
        if len(text) != 1:
            raise ValueError(text)
        return _CN_DIGITS[text]
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        raise ValueError(text)
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def _try_parse(text: str) -> RoomCode | None:
    cleaned = _clean(text)
    match = _WRITTEN.fullmatch(cleaned) or _DASHED.fullmatch(cleaned)
    if match is None:
        return None
    try:
        building = _number(match["building"])
        unit = _number(match["unit"]) if match["unit"] else None
    except (ValueError, KeyError):
        return None
    room = _number(match["room"])
    if building == "0" or unit == "0" or room.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ") in ("0", ""):
        return None
    return RoomCode(building=building, unit=unit, room=room)


def parse_room_code(text: str) -> RoomCode:
    """The building, unit and room of a room code in any of the forms offices write."""
    code = _try_parse(text)
    if code is None:
        raise DomainError(
            f"无法识别房号，请按以下格式填写：{ACCEPTED_FORMS}。",
            "The room code is not recognised; write it as building-unit-room, e.g. 3-2-501 or 3栋2单元501 "
            "(also 3号楼2单元501室, 3栋501, 3-501, A-2-501).",
            field="room_code",
        )
    return code


def looks_like_room_code(text: str) -> bool:
    """True when a search box entry is a room code rather than a name or a phone number."""
    return _try_parse(text) is not None


def floor_from_room(room: str) -> int:
    """The floor a room number encodes: all but its last two digits ("501" → 5, "1201" → 12, "0501" → 5)."""
    digits = _clean(room).rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ").lstrip("0")
    if not digits.isdigit() or len(digits) < 3 or not digits.isascii():
        raise DomainError(
            "房号中看不出楼层：房号应为楼层加两位门号，如501、1201。",
            "The room number does not show the floor: it should be the floor followed by two digits, "
            "e.g. 501 or 1201.",
            field="room",
        )
    return int(digits[:-2])
