"""ID numbers (GB 11643-1999) and phones: worked examples and properties."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anju.domain.errors import DomainError
from anju.domain.ids import (
    birth_date_from_id,
    credit_check_char,
    id_check_char,
    make_id_number,
    mask_id_number,
    mask_phone,
    normalize_credit_code,
    normalize_id_number,
    normalize_phone,
    sex_from_id,
)

# The sample number printed in GB 11643-1999, worked by hand:
#   digits   1  1  0  1  0  5  1  9  4  9  1  2  3  1  0  0  2
#   weights  7  9 10  5  8  4  2  1  6  3  7  9 10  5  8  4  2
#   products 7  9  0  5  0 20  2  9 24 27  7 18 30  5  0  0  4   sum 167
#   167 mod 11 = 2, and the map 1,0,X,9,8,7,6,5,4,3,2 at index 2 gives X.
STANDARD_SAMPLE = "11010519491231002X"
# A second hand-worked example: 430102 19800101 001 →
#   4*7+3*9+0*10+1*5+0*8+2*4+1*2+9*1+8*6+0*3+0*7+1*9+0*10+1*5+0*8+0*4+1*2 = 143, 143 mod 11 = 0 → "1".
CHANGSHA_1980 = "430102198001010011"

regions = st.from_regex(r"[1-8][0-9]{5}", fullmatch=True)
births = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date.today())
sequences = st.integers(min_value=0, max_value=999)
valid_ids = st.builds(make_id_number, regions, births, sequences)
mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
fixed_lines = st.one_of(
    st.from_regex(r"0[12][0-9]-[2-9][0-9]{6,7}", fullmatch=True),
    st.from_regex(r"0[3-9][0-9]{2}-[2-9][0-9]{6,7}", fullmatch=True),
)
FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")


class TestCheckChar:
    def test_the_standards_sample_has_check_char_x(self):
        assert id_check_char(STANDARD_SAMPLE[:17]) == "X"

    def test_a_second_hand_worked_example(self):
        assert id_check_char(CHANGSHA_1980[:17]) == "1"

    def test_it_needs_17_digits(self):
        with pytest.raises(DomainError):
            id_check_char("1234")


class TestNormalizeIdNumber:
    def test_the_standards_sample_is_valid(self):
        assert normalize_id_number(STANDARD_SAMPLE) == STANDARD_SAMPLE

    @pytest.mark.parametrize(
        "written",
        ["11010519491231002x", " 110105 19491231 002X ", "１１０１０５１９４９１２３１００２Ｘ", "110105194912310０2ｘ"],
    )
    def test_it_accepts_what_people_type(self, written):
        assert normalize_id_number(written) == STANDARD_SAMPLE

    @pytest.mark.parametrize(
        ("written", "says"),
        [
            ("", "请填写"),
            ("110105491231002", "15位"),
            ("1101051949123100", "18位"),
            ("11010519491231002Y", "数字或X"),
            ("1101051949123100X2", "数字或X"),
            ("11010519491331002X", "出生日期"),
            ("11010518991231002X", "出生日期"),
            ("110105194912310021", "校验位不符"),
        ],
    )
    def test_it_says_what_is_wrong(self, written, says):
        with pytest.raises(DomainError) as caught:
            normalize_id_number(written)
        assert says in caught.value.zh
        assert caught.value.field == "id_number"
        assert caught.value.en

    def test_a_birth_date_in_the_future_is_rejected(self):
        number = make_id_number("430102", datetime.date(2020, 5, 17), 12)
        assert normalize_id_number(number, today=datetime.date(2020, 5, 17)) == number
        with pytest.raises(DomainError, match="出生日期"):
            normalize_id_number(number, today=datetime.date(2020, 5, 16))

    def test_the_checksum_message_does_not_reveal_the_expected_char(self):
        with pytest.raises(DomainError) as caught:
            normalize_id_number("110105194912310021")
        assert "X" not in caught.value.zh and "X" not in caught.value.en

    @given(valid_ids)
    def test_every_made_number_normalises_to_itself(self, number):
        assert normalize_id_number(number) == number
        assert normalize_id_number(number.lower()) == number

    @given(valid_ids, st.integers(min_value=0, max_value=17), st.integers(min_value=1, max_value=10))
    def test_changing_any_single_character_breaks_the_checksum(self, number, position, shift):
        # MOD 11-2: every weight is non-zero mod 11 and 11 is prime, so any one changed digit
        # changes the weighted sum mod 11; at the check position any other char is simply wrong.
        alphabet = "0123456789X" if position == 17 else "0123456789"
        old = alphabet.index(number[position])
        new = alphabet[(old + shift) % len(alphabet)]
        if new == number[position]:
            return
        changed = number[:position] + new + number[position + 1:]
        assert id_check_char(changed[:17]) != changed[17]
        with pytest.raises(DomainError):
            normalize_id_number(changed)


class TestBirthAndSex:
    def test_birth_date_and_sex_of_the_sample(self):
        assert birth_date_from_id(STANDARD_SAMPLE) == datetime.date(1949, 12, 31)
        assert sex_from_id(STANDARD_SAMPLE) == "F"  # 17th digit 2 is even
        assert sex_from_id(CHANGSHA_1980) == "M"  # 17th digit 1 is odd

    @given(regions, births, sequences)
    def test_made_numbers_give_back_their_parts(self, region, birth, sequence):
        number = make_id_number(region, birth, sequence)
        assert birth_date_from_id(number) == birth
        assert sex_from_id(number) == ("M" if sequence % 2 else "F")

    def test_make_refuses_impossible_parts(self):
        with pytest.raises(DomainError):
            make_id_number("43010", datetime.date(1980, 1, 1), 1)
        with pytest.raises(DomainError):
            make_id_number("430102", datetime.date(1980, 1, 1), 1000)
        with pytest.raises(DomainError):
            make_id_number("430102", datetime.date(1899, 12, 31), 1)


class TestNormalizePhone:
    @pytest.mark.parametrize(
        "written",
        ["13812345678", "138 1234 5678", "138-1234-5678", "+86 138 1234 5678", "+8613812345678",
         "8613812345678", "0086-13812345678", "１３８１２３４５６７８", "＋８６ １３８－１２３４－５６７８"],
    )
    def test_mobiles(self, written):
        assert normalize_phone(written) == "13812345678"

    @pytest.mark.parametrize(
        ("written", "normal"),
        [
            ("0731-88881234", "0731-88881234"),
            ("073188881234", "0731-88881234"),
            ("0731 88881234", "0731-88881234"),
            ("(0731)88881234", "0731-88881234"),
            ("０７３１－８８８８１２３４", "0731-88881234"),
            ("0731-8888123", "0731-8888123"),
            ("010-62751234", "010-62751234"),
            ("01062751234", "010-62751234"),
            ("021 5555 1234", "021-55551234"),
        ],
    )
    def test_fixed_lines_with_area_code(self, written, normal):
        assert normalize_phone(written) == normal

    @pytest.mark.parametrize(
        "written",
        ["", "12345678901", "1381234567", "138123456789", "88881234", "073-188881234",
         "0731-08881234", "0731-888812345", "abc", "13812345678转1"],
    )
    def test_rejects(self, written):
        with pytest.raises(DomainError) as caught:
            normalize_phone(written)
        assert caught.value.field == "phone"

    @given(st.one_of(mobiles, fixed_lines))
    def test_normalisation_is_idempotent_and_survives_full_width(self, phone):
        normal = normalize_phone(phone)
        assert normalize_phone(normal) == normal
        assert normalize_phone(phone.translate(FULL_WIDTH)) == normal
        assert normalize_phone(normal.replace("-", "")) == normal


class TestMasking:
    def test_examples(self):
        assert mask_id_number("420302198001011234") == "4203**********1234"
        assert mask_phone("13812345678") == "138****5678"
        assert mask_phone("0731-88881234") == "0731-****34"
        assert mask_phone("073188881234") == "0731-****34"

    @pytest.mark.parametrize("nothing", ["", None, "   "])
    def test_nothing_masks_to_nothing(self, nothing):
        assert mask_id_number(nothing) == ""
        assert mask_phone(nothing) == ""

    def test_garbage_is_masked_completely(self):
        assert mask_phone("call 1234") == "****"
        assert mask_id_number("1234567") == "*******"

    @given(valid_ids)
    def test_id_mask_hides_the_middle(self, number):
        masked = mask_id_number(number)
        assert len(masked) == 18
        assert masked[:4] == number[:4] and masked[-4:] == number[-4:]
        assert masked[4:14] == "*" * 10

    @given(mobiles)
    def test_mobile_mask_hides_the_middle(self, phone):
        masked = mask_phone(phone)
        assert masked == phone[:3] + "****" + phone[-4:]
        assert phone[3:7] not in masked[3:-4]

    @given(fixed_lines)
    def test_fixed_line_mask_keeps_only_area_code_and_last_two(self, phone):
        area, subscriber = phone.split("-")
        masked = mask_phone(phone)
        assert masked == f"{area}-****{subscriber[-2:]}"
        assert sum(c.isdigit() for c in masked) == len(area) + 2


# --- unified social credit codes (GB 32100-2015) ---------------------------------------------------

CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@pytest.mark.parametrize(("first17", "check"), [
    # Published as codes issued before the standard whose printed check character differs from the
    # computed one (which the publisher gives: 1, R, J); the computation is the standard's.
    ("91350100M0001TGQX", "1"), ("91350211M0000XUF4", "R"), ("91350203M0001FUE2", "J"),
])
def test_the_credit_check_character_is_computed_as_the_standard_says(first17, check):
    assert credit_check_char(first17) == check


def test_a_credit_code_is_normalised_and_checked():
    code = "91350100M0001TGQX1"
    assert normalize_credit_code(" 9135 0100-M0001TGQX1 ".lower()) == code
    for bad, words in (("91350100M0001TGQX", "18 位"), ("91350100M0001TGQXM", "校验位"),
                       ("9135O100M0001TGQX1", "不允许的字符"), ("91ABCDEFM0001TGQX1", "行政区划")):
        with pytest.raises(DomainError) as error:
            normalize_credit_code(bad)
        assert words in error.value.zh and error.value.field == "credit_code"


@given(st.text(alphabet=CREDIT_CHARS, min_size=2, max_size=2), st.text(alphabet="0123456789", min_size=6, max_size=6),
       st.text(alphabet=CREDIT_CHARS, min_size=9, max_size=9))
def test_every_code_with_its_check_character_passes_and_any_other_fails(head, region, body):
    first17 = head + region + body
    good = first17 + credit_check_char(first17)
    assert normalize_credit_code(good) == good
    for other in CREDIT_CHARS:
        if other != good[17]:
            with pytest.raises(DomainError):
                normalize_credit_code(first17 + other)


def test_a_name_is_masked_to_its_first_character_and_a_star_per_further_one():
    from anju.domain.ids import mask_name

    assert [mask_name(n) for n in ("王秀兰", "欧阳明月", "李明", "张", " 赵 建国 ", "", None)] == [
        "王**", "欧***", "李*", "*", "赵**", "", ""]


def test_a_masked_name_keeps_its_length_and_reveals_only_its_first_character():
    from hypothesis import given
    from hypothesis import strategies as st

    from anju.domain.ids import mask_name

    @given(st.text(alphabet=st.characters(blacklist_categories=("Z", "C")), min_size=2, max_size=20))
    def check(name: str) -> None:
        masked = mask_name(name)
        assert len(masked) == len(name) and masked[0] == name[0] and set(masked[1:]) == {"*"}

    check()
