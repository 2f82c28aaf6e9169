"""Search box entries read as a place: a compound's name and whichever of building, unit and room are given."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anju.domain.roomcode import RoomQuery, parse_room_query
from tests.domain.test_roomcode import codes, written_forms


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("世纪花园3栋2单元501", RoomQuery("世纪花园", "3", "2", "501")),
        ("世纪花园 3-2-501", RoomQuery("世纪花园", "3", "2", "501")),
        ("世纪花园-3-2-501", RoomQuery("世纪花园", "3", "2", "501")),
        ("世纪花园3号楼2单元501室", RoomQuery("世纪花园", "3", "2", "501")),
        ("世纪花园十二栋301", RoomQuery("世纪花园", "12", None, "301")),
        ("世纪花园501", RoomQuery("世纪花园", None, None, "501")),
        ("二七小区3栋501", RoomQuery("二七小区", "3", None, "501")),
        ("3栋2单元501", RoomQuery("", "3", "2", "501")),
        ("3-2-501", RoomQuery("", "3", "2", "501")),
        ("３－２－５０１", RoomQuery("", "3", "2", "501")),
        ("3栋2单元", RoomQuery("", "3", "2", None)),
        ("3号楼", RoomQuery("", "3", None, None)),
        ("三栋", RoomQuery("", "3", None, None)),
        ("2单元501", RoomQuery("", None, "2", "501")),
        ("501", RoomQuery("", None, None, "501")),
        ("501室", RoomQuery("", None, None, "501")),
        ("1201a", RoomQuery("", None, None, "1201A")),
    ],
)
def test_what_offices_type(typed, expected):
    assert parse_room_query(typed) == expected


@pytest.mark.parametrize(
    "typed",
    ["", "世纪花园", "王秀兰", "李栋", "12", "13812345678", "138-1234-5678", "+86 138 1234 5678",
     "0731-88881234", "420302195003150028", "3栋0单元", "0栋", "x" * 2000, "世" * 2000],
)
def test_names_phones_and_nonsense_are_not_places(typed):
    assert parse_room_query(typed) is None


@given(codes)
def test_every_room_code_an_office_writes_is_a_place(code):
    for written in written_forms(code):
        assert parse_room_query(written) == RoomQuery("", code.building, code.unit, code.room), written


compound_names = st.text(st.sampled_from("世纪花园金桥小区纺织村东风新苑"), min_size=1, max_size=8).map(lambda s: s + "小区")


@given(compound_names, codes)
def test_a_compound_name_before_the_code_is_kept_apart(name, code):
    assert parse_room_query(name + str(code)) == RoomQuery(name, code.building, code.unit, code.room)
    assert parse_room_query(f"{name} {code.building}-{code.unit + '-' if code.unit else ''}{code.room}") == RoomQuery(
        name, code.building, code.unit, code.room)


@given(codes)
def test_a_building_and_unit_alone_are_a_place(code):
    unit = f"{code.unit}单元" if code.unit else ""
    assert parse_room_query(f"{code.building}栋{unit}") == RoomQuery("", code.building, code.unit, None)


@given(st.integers(1, 99), st.integers(1, 99))
def test_a_bare_room_number_is_a_room(floor, door):
    assert parse_room_query(f"{floor}{door:02d}") == RoomQuery("", None, None, f"{floor}{door:02d}")


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_no_mobile_number_is_a_place(phone):
    for written in (phone, f"{phone[:3]}-{phone[3:7]}-{phone[7:]}", f"{phone[:3]} {phone[3:7]} {phone[7:]}"):
        assert parse_room_query(written) is None, written


@given(st.text(max_size=300))
def test_any_text_either_reads_as_a_place_or_not_and_never_fails(text):
    found = parse_room_query(text)
    assert found is None or found.building is not None or found.room is not None
