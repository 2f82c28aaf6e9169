"""Room codes as offices write them (`3栋2单元501`, `3-2-501`, `A-501`) parsed into their parts."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from anju.domain.errors import DomainError

__all__ = ["RoomCode", "RoomQuery", "floor_from_room", "looks_like_room_code", "parse_room_code", "parse_room_query"]

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


@dataclass(frozen=True, slots=True)
class RoomQuery:
    """What a search box entry says about where a dwelling is: the leading text naming a compound
    ("" if none), and whichever of building, unit and room it gives (None: not given). At least one
    of building and room is given; numbers are normalised as in `RoomCode`."""

    compound: str
    building: str | None
    unit: str | None
    room: str | None


# Partial codes a search box accepts besides the full ones: 3栋2单元, 3栋, 2单元501, 501 (a bare room
# needs its floor: 3 digits or more, so "12" stays unread rather than guessed as a building).
_BUILDING_ONLY = re.compile(rf"{_BUILDING}{_BUILDING_SUFFIX}(?:-?{_UNIT}单元)?")
_UNIT_ROOM = re.compile(rf"{_UNIT}单元-?{_ROOM}{_ROOM_SUFFIX}")
_BARE_ROOM = re.compile(r"(?P<room>\d{3,5}[A-Z]?)(?:室|号|房)?")
# Longest room part worth trying ("B12号楼十二单元12345室" is 18 characters): keeps the split linear.
_LONGEST_CODE = 24


def _partial(code: str) -> RoomQuery | None:
    """A room query for `code` alone (no compound name), or None."""
    full = _try_parse(code)
    if full is not None:
        return RoomQuery("", full.building, full.unit, full.room)
    for pattern in (_BUILDING_ONLY, _UNIT_ROOM, _BARE_ROOM):
        match = pattern.fullmatch(code)
        if match is None:
            continue
        parts = match.groupdict()
        try:
            values = {k: _number(v) if v else None for k, v in parts.items()}
        except (ValueError, KeyError):
            return None
        if "0" in values.values():
            return None
        return RoomQuery("", values.get("building"), values.get("unit"), values.get("room"))
    return None


def _is_cn_numeral(char: str) -> bool:
    return bool(char) and (char in _CN_DIGITS or char == "十")


def parse_room_query(text: str) -> RoomQuery | None:
    """Read a search box entry as a place: `世纪花园3栋2单元501`, `3栋2单元`, `3-2-501`, `501`,
    `世纪花园501`; None when it is not one (a name, a phone number, a compound name alone).

    The room part is the longest tail that reads as a (partial) room code; what comes before it is
    the compound's name (dashes between them dropped), and must not end in a digit or a Latin letter:
    that would cut a number in two ("13812345678" is not compound "138123", room 45678).
    """
    cleaned = _clean(text)
    start = max(0, len(cleaned) - _LONGEST_CODE)
    for i in range(start, len(cleaned)):
        head, tail = cleaned[:i].rstrip("-"), cleaned[i:]
        if head[-1:].isascii() and head[-1:].isalnum():
            continue
        if _is_cn_numeral(head[-1:]) and _is_cn_numeral(tail[:1]):
            continue  # 十二栋 is one number: not 十 and 二栋
        found = _partial(tail)
        if found is not None:
            return RoomQuery(head, found.building, found.unit, found.room)
    return None
