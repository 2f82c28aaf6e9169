"""Personal data at rest: sealed values open again, old tokens still open, hashes never change."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anju.core import crypto

KEY = "test-key-for-anju"
# Written by the Fernet version of crypto.py with KEY: databases holding such tokens must still open.
LEGACY_PHONE = ("gAAAAABrBqaaJqJUryy59VUhq4e9YrJxp3tihe_1Wbg2X6SBlM-tWrnA00QMxjPqih1Ygl-iFe8UBizZqlKT2FGtAnAA_"
                "BvKfw==")


@pytest.fixture(autouse=True)
def data_key(settings):
    settings.ANJU_DATA_KEY = KEY


@given(st.text(min_size=1, max_size=60))
def test_sealed_values_open_to_themselves(value):
    assert crypto.decrypt(crypto.encrypt(value)) == value
    assert crypto.encrypt_many([value, "", value]) != ["", "", ""]
    assert [crypto.decrypt(t) for t in crypto.encrypt_many([value, "", value])] == [value, "", value]


def test_same_value_gives_different_tokens_and_no_digits_show():
    first, second = crypto.encrypt("430102195001011234"), crypto.encrypt("430102195001011234")
    assert first != second
    assert "1950" not in first
    tokens = crypto.encrypt_many(["13812345678"] * 3)
    assert len(set(tokens)) == 3


def test_empty_stays_empty():
    assert crypto.encrypt("") == "" and crypto.decrypt("") == "" and crypto.search_hash("id", "") == ""


def test_tokens_written_with_fernet_still_open():
    assert crypto.decrypt(LEGACY_PHONE) == "13812345678"


def test_search_hash_is_the_one_already_stored():
    # Stored hashes find people: the value must stay what the first version computed.
    assert crypto.search_hash("id", "430102195001011234") == (
        "c61532fb6ee731269f29b65de38a450045ce4f049a3155e10a4cbd06e877b30f")
    assert crypto.search_hash("phone", "430102195001011234") != crypto.search_hash("id", "430102195001011234")


def test_a_changed_token_or_another_key_fails_loudly(settings):
    token = crypto.encrypt("13812345678")
    flipped = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    with pytest.raises(RuntimeError, match="ANJU_DATA_KEY"):
        crypto.decrypt(flipped)
    settings.ANJU_DATA_KEY = "another-key"
    for sealed in (token, LEGACY_PHONE):
        with pytest.raises(RuntimeError, match="ANJU_DATA_KEY"):
            crypto.decrypt(sealed)
