"""Reading metered rides from a sheet: whatever the office's file, the counts come back exactly or not at all."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anju.core.errors import ValidationFailed
from anju.elevators.rides import read_rides

ROOMS = [f"{floor}{pos:02d}" for floor in range(1, 8) for pos in (1, 2)]


@given(st.dictionaries(st.sampled_from(ROOMS), st.integers(min_value=0, max_value=10**7)),
       st.sampled_from(["utf-8", "gbk", "utf-8-sig"]), st.booleans())
def test_a_csv_of_any_counts_reads_back_exactly(counts, encoding, decorated):
    # Offices write "0501室" as often as "501"; either is the same door.
    lines = ["房号,刷卡次数"] + [f"{'0' + room + '室' if decorated else room},{n}" for room, n in counts.items()]
    assert read_rides("\r\n".join(lines).encode(encoding), ROOMS) == counts


@given(st.lists(st.sampled_from(ROOMS), min_size=2).filter(lambda rooms: len(set(rooms)) < len(rooms)))
def test_a_room_written_twice_is_refused_whole(rooms):
    lines = ["房号,刷卡次数"] + [f"{room},1" for room in rooms]
    with pytest.raises(ValidationFailed) as error:
        read_rides("\n".join(lines).encode(), ROOMS)
    assert "重复" in error.value.zh


def test_blank_counts_are_left_out_and_full_width_digits_are_read():
    data = "说明：2024 年全年\n房号,乘梯次数\n201,\n301,１２０\n".encode()
    assert read_rides(data, ROOMS) == {"301": 120}
