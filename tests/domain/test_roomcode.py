"""Room codes in the forms offices write: examples, round trips and what is refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anju.domain.errors import DomainError
from anju.domain.roomcode import RoomCode, floor_from_room, looks_like_room_code, parse_room_code

FULL_WIDTH = str.maketrans(
    "0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "０１２３４５６７８９－ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ",
)

buildings = st.one_of(
    st.integers(min_value=1, max_value=999).map(str),
    st.from_regex(r"[A-Z]", fullmatch=True),
    st.from_regex(r"[A-Z][1-9][0-9]?", fullmatch=True),
)
units = st.one_of(st.none(), st.integers(min_value=1, max_value=99).map(str))
rooms = st.builds(lambda floor, door: f"{floor}{door:02d}", st.integers(1, 99), st.integers(1, 99))
codes = st.builds(RoomCode, building=buildings, unit=units, room=rooms)


def written_forms(code: RoomCode) -> list[str]:
    """Every way an office may write `code`."""
    b, u, r = code.building, code.unit, code.room
    if u is None:
        return [f"{b}栋{r}", f"{b}-{r}", f"{b}号楼{r}室", f"{b}幢{r}号", f"{b} 栋 {r}", f"{b}#{r}"]
    return [
        f"{b}栋{u}单元{r}",
        f"{b}-{u}-{r}",
        f"{b}号楼{u}单元{r}室",
        f"{b}幢{u}单元{r}",
        f"{b}栋{u}单元{r}号",
        f" {b} 栋 {u} 单元 {r} ",
        f"{b}-{u}-{r}".translate(FULL_WIDTH),
        f"{b}栋-{u}单元-{r}",
        f"{b}座{u}单元{r}",
        f"{b}#楼{u}单元{r}",
        f"{b.lower()}-{u}-{r}",
    ]


@pytest.mark.parametrize(
    ("written", "building", "unit", "room"),
    [
        ("3栋2单元501", "3", "2", "501"),
        ("3-2-501", "3", "2", "501"),
        ("3号楼2单元501室", "3", "2", "501"),
        ("3幢2单元501", "3", "2", "501"),
        ("3栋501", "3", None, "501"),
        ("3-501", "3", None, "501"),
        ("３－２－５０１", "3", "2", "501"),
        ("3 栋 2 单元 501", "3", "2", "501"),
        ("3栋2单元501号", "3", "2", "501"),
        ("A栋2单元501", "A", "2", "501"),
        ("A-2-501", "A", "2", "501"),
        ("b12栋3单元1201a", "B12", "3", "1201A"),
        ("03栋02单元0501", "3", "2", "501"),
        ("三栋二单元501", "3", "2", "501"),
        ("十二号楼两单元301", "12", "2", "301"),
        ("3—2—501", "3", "2", "501"),
    ],
)
def test_the_forms_offices_write(written, building, unit, room):
    assert parse_room_code(written) == RoomCode(building, unit, room)


@pytest.mark.parametrize(
    "written",
    [
        "",
        "501",
        "张三",
        "3楼501",
        "3单元501",
        "13812345678",
        "0731-88881234",
        "3-2-501-1",
        "栋2单元501",
        "0栋501",
        "3-0-501",
        "1234栋501",
        "3-2-123456",
        "三十三十栋501",
    ],
)
def test_anything_else_is_refused_with_the_accepted_forms(written):
    with pytest.raises(DomainError) as caught:
        parse_room_code(written)
    assert caught.value.field == "room_code"
    assert "3栋2单元501" in caught.value.zh and "3-2-501" in caught.value.zh
    assert "3-2-501" in caught.value.en


@given(codes)
def test_every_written_form_parses_back_to_its_parts(code):
    for written in written_forms(code):
        assert parse_room_code(written) == code, written


@given(codes)
def test_the_canonical_text_parses_back(code):
    assert parse_room_code(str(code)) == code


def test_canonical_text():
    assert str(RoomCode("3", "2", "501")) == "3栋2单元501"
    assert str(RoomCode("A", None, "101")) == "A栋101"


class TestLooksLikeRoomCode:
    @pytest.mark.parametrize("text", ["3栋2单元501", "3-2-501", "A-501", "３－２－５０１"])
    def test_room_codes(self, text):
        assert looks_like_room_code(text)

    @pytest.mark.parametrize(
        "text", ["张三", "王", "13812345678", "138-1234-5678", "0731-88881234", "", "  "]
    )
    def test_names_and_phones(self, text):
        assert not looks_like_room_code(text)

    @given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
    def test_no_mobile_looks_like_a_room(self, phone):
        assert not looks_like_room_code(phone)
        assert not looks_like_room_code(f"{phone[:3]}-{phone[3:7]}-{phone[7:]}")


class TestFloorFromRoom:
    @pytest.mark.parametrize(
        ("room", "floor"), [("501", 5), ("1201", 12), ("0501", 5), ("101", 1), ("502A", 5)]
    )
    def test_examples(self, room, floor):
        assert floor_from_room(room) == floor

    @pytest.mark.parametrize("room", ["", "5", "12", "0012", "A", "东户"])
    def test_rooms_without_a_floor(self, room):
        with pytest.raises(DomainError):
            floor_from_room(room)

    @given(st.integers(1, 99), st.integers(1, 99))
    def test_floor_and_door(self, floor, door):
        assert floor_from_room(f"{floor}{door:02d}") == floor
