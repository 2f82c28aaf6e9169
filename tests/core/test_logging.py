import logging

from anju.core.logging import ScrubPersonalData


def test_id_numbers_and_phones_never_reach_the_log():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "looked up %s and %s", ("11010519491231002X", "13812345678"), None)
    ScrubPersonalData().filter(record)
    message = record.getMessage()
    assert "11010519491231002X" not in message and "13812345678" not in message
    assert message.count("[已隐去]") == 2


def test_ordinary_numbers_are_left_alone():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "building %s has %s households", ("12", "4150"), None)
    ScrubPersonalData().filter(record)
    assert record.getMessage() == "building 12 has 4150 households"
