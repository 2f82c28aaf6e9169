"""Roster sheets as offices keep them: every format and encoding, header variants, every problem."""

from __future__ import annotations

import csv
import dataclasses
import datetime
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from anju.domain.ids import make_id_number
from anju.domain.rostersheet import (
    TEMPLATE,
    Location,
    Problem,
    RosterRow,
    RowIssue,
    column_for_header,
    detect_encoding,
    read_roster,
    write_problem_report,
)
from anju.domain.rostersheet import source as sheet_source
from anju.domain.sheets import ABOUT_SHEET, Provenance

HEADERS = [c.header for c in TEMPLATE]
VARIANT_HEADERS = [
    "所属社区",
    "小区名称",
    "楼号",
    "单元号",
    "所在楼层",
    "门牌号",
    "面积（m²）",
    "产权人",
    "证件号码",
    "手机号",
    "出生年份",
    "性别",
    "党员",
    "居住情况",
    "行动不便",
    "备注",
]
PROVENANCE = Provenance("测试", datetime.datetime(2021, 5, 1, 9, 30, tzinfo=datetime.UTC), "问题报告.xlsx")
ID_ZHANG = make_id_number("430102", datetime.date(1948, 3, 9), 11)  # odd sequence: male
ID_LI = make_id_number("430102", datetime.date(1952, 11, 30), 24)  # even sequence: female


def good_rows() -> list[list[object]]:
    """Three households of 旺角家园 in the template's column order."""
    return [
        [
            "南庄坪社区",
            "旺角家园",
            "3栋",
            "2单元",
            "5",
            "501",
            "75.5",
            "张三",
            ID_ZHANG,
            "138-1234-5678",
            "1948",
            "男",
            "是",
            "自住",
            "否",
            "",
        ],
        [
            "南庄坪社区",
            "旺角家园",
            "3栋",
            "2单元",
            "",
            "0502室",
            "82.36㎡",
            "李四",
            ID_LI,
            "0731-88881234",
            "",
            "",
            "否",
            "出租",
            "√",
            "独居老人",
        ],
        ["南庄坪社区", "旺角家园", "A座", "", "1", "101", "60", "王五", "", "", "", "", "", "", "", ""],
    ]


EXPECTED = [
    dict(
        community="南庄坪社区",
        compound="旺角家园",
        building="3",
        unit="2",
        floor=5,
        room="501",
        exclusive_area=Decimal("75.50"),
        owner_name="张三",
        id_number=ID_ZHANG,
        phone="13812345678",
        birth_year=1948,
        sex="M",
        party_member=True,
        occupancy="owner",
        limited_mobility=False,
        note="",
    ),
    dict(
        community="南庄坪社区",
        compound="旺角家园",
        building="3",
        unit="2",
        floor=5,
        room="502",
        exclusive_area=Decimal("82.36"),
        owner_name="李四",
        id_number=ID_LI,
        phone="0731-88881234",
        birth_year=1952,
        sex="F",
        party_member=False,
        occupancy="rented",
        limited_mobility=True,
        note="独居老人",
    ),
    dict(
        community="南庄坪社区",
        compound="旺角家园",
        building="A",
        unit=None,
        floor=1,
        room="101",
        exclusive_area=Decimal("60.00"),
        owner_name="王五",
        id_number=None,
        phone=None,
        birth_year=None,
        sex=None,
        party_member=None,
        occupancy=None,
        limited_mobility=None,
        note="",
    ),
]
TITLE = "南庄坪街道旺角家园住户摸底台账（2021年）"


def write_csv(
    path: Path,
    rows: list[list[object]],
    *,
    encoding: str = "utf-8",
    headers: list[str] = HEADERS,
    title: bool = True,
) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if title:
        writer.writerow([TITLE] + [""] * (len(headers) - 1))
    writer.writerow(headers)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(
    path: Path,
    rows: list[list[object]],
    *,
    headers: list[str] = HEADERS,
    title: bool = True,
    extra_sheet_first: bool = False,
) -> Path:
    workbook = openpyxl.Workbook()
    if extra_sheet_first:
        workbook.active.title = "填表说明"
        workbook.active.append(["请按模板填写，身份证号设为文本。"])
        sheet = workbook.create_sheet("台账")
    else:
        sheet = workbook.active
        sheet.title = "台账"
    if title:
        sheet.append([TITLE])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


@pytest.fixture(params=["calamine", "stream"])
def xlsx_reader(request, monkeypatch):
    """Runs an xlsx test with both readers: calamine (whole sheet) and openpyxl read-only (streamed,
    for files above STREAM_ABOVE_BYTES, here forced with a threshold of 0)."""
    if request.param == "stream":
        monkeypatch.setattr(sheet_source, "STREAM_ABOVE_BYTES", 0)
    return request.param


def rows_of(results: list) -> list[RosterRow]:
    return [r for r in results if isinstance(r, RosterRow)]


def problems_of(results: list) -> list[Problem]:
    return [r for r in results if isinstance(r, Problem)]


def values(row: RosterRow) -> dict[str, object]:
    return {k: v for k, v in dataclasses.asdict(row).items() if k not in ("row", "sheet")}


def only_problem(results: list) -> Problem:
    problems = problems_of(results)
    assert len(problems) == 1, [(p.row, p.column, p.code) for p in problems]
    return problems[0]


class TestFormatsAndEncodings:
    @pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
    def test_csv_in_every_encoding(self, tmp_path, encoding):
        path = write_csv(tmp_path / "roster.csv", good_rows(), encoding=encoding)
        results = list(read_roster(path))
        assert problems_of(results) == []
        assert [values(r) for r in rows_of(results)] == EXPECTED
        assert [r.row for r in rows_of(results)] == [3, 4, 5]  # title row 1, header row 2

    def test_gbk_bytes_of_wangjiao_are_not_mistaken_for_utf8(self, tmp_path):
        path = write_csv(tmp_path / "roster.csv", good_rows(), encoding="gbk")
        assert "旺角".encode("gbk") in path.read_bytes()
        assert detect_encoding(path.read_bytes(), complete=True) == "gb18030"
        assert rows_of(list(read_roster(path)))[0].compound == "旺角家园"

    def test_gb18030_only_characters(self, tmp_path):
        rows = good_rows()
        rows[0][7] = "张𠀀"  # outside GBK, inside GB18030
        path = write_csv(tmp_path / "roster.csv", rows, encoding="gb18030")
        assert rows_of(list(read_roster(path)))[0].owner_name == "张𠀀"

    def test_xlsx_with_a_merged_title_row(self, tmp_path, xlsx_reader):
        results = list(read_roster(write_xlsx(tmp_path / "roster.xlsx", good_rows())))
        assert problems_of(results) == []
        assert [values(r) for r in rows_of(results)] == EXPECTED
        assert [(r.row, r.sheet) for r in rows_of(results)] == [(3, "台账"), (4, "台账"), (5, "台账")]

    def test_xlsx_numbers_read_as_office_staff_see_them(self, tmp_path, xlsx_reader):
        rows = good_rows()
        rows[0][4], rows[0][5], rows[0][6], rows[0][9], rows[0][10] = 5, 501, 75.5, 13812345678, 1948
        results = list(read_roster(write_xlsx(tmp_path / "roster.xlsx", rows)))
        assert problems_of(results) == []
        assert values(rows_of(results)[0]) == EXPECTED[0]

    def test_xlsx_instruction_sheet_before_the_roster_is_skipped(self, tmp_path, xlsx_reader):
        results = list(read_roster(write_xlsx(tmp_path / "roster.xlsx", good_rows(), extra_sheet_first=True)))
        assert problems_of(results) == []
        assert len(rows_of(results)) == 3

    def test_xlsx_table_that_does_not_start_at_a1(self, tmp_path, xlsx_reader):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        rows = good_rows()
        rows[1][6] = -1
        for offset, row in enumerate([HEADERS, *rows]):
            for col, value in enumerate(row):
                sheet.cell(row=4 + offset, column=3 + col, value=value)
        workbook.save(tmp_path / "roster.xlsx")
        problem = only_problem(list(read_roster(tmp_path / "roster.xlsx")))
        assert (problem.row, problem.col, problem.column) == (6, 2 + 6, "专有部分面积")

    def test_file_objects_as_uploaded(self, tmp_path, xlsx_reader):
        for path in (
            write_csv(tmp_path / "r.csv", good_rows(), encoding="gbk"),
            write_xlsx(tmp_path / "r.xlsx", good_rows()),
        ):
            upload = io.BytesIO(path.read_bytes())
            assert [values(r) for r in rows_of(list(read_roster(upload)))] == EXPECTED

    def test_tab_separated_utf16_text_from_excel(self, tmp_path):
        text = "\n".join("\t".join(map(str, row)) for row in [HEADERS, *good_rows()])
        path = tmp_path / "roster.txt"
        path.write_bytes(text.encode("utf-16"))
        assert [values(r) for r in rows_of(list(read_roster(path)))] == EXPECTED

    def test_header_variants(self, tmp_path, xlsx_reader):
        for path in (
            write_csv(tmp_path / "r.csv", good_rows(), headers=VARIANT_HEADERS),
            write_xlsx(tmp_path / "r.xlsx", good_rows(), headers=VARIANT_HEADERS),
        ):
            results = list(read_roster(path))
            assert problems_of(results) == []
            assert [values(r) for r in rows_of(results)] == EXPECTED

    def test_extra_columns_blank_rows_and_the_total_line_are_ignored(self, tmp_path):
        headers = ["序号", *HEADERS, "填表人"]
        rows = [[i + 1, *row, "小刘"] for i, row in enumerate(good_rows())]
        rows.insert(1, [""] * len(headers))
        rows.append(["合计", "", "", "", "", "", "", "217.86"])
        results = list(read_roster(write_csv(tmp_path / "r.csv", rows, headers=headers)))
        assert problems_of(results) == []
        assert [r.row for r in rows_of(results)] == [3, 5, 6]

    def test_floor_column_may_be_left_out(self, tmp_path):
        keep = [i for i, h in enumerate(HEADERS) if h != "楼层"]
        rows = [[*(row[i] for i in keep), "9"] for row in good_rows()]  # an unknown column past the last one
        headers = [*(HEADERS[i] for i in keep), "调查人编号"]
        results = list(read_roster(write_csv(tmp_path / "r.csv", rows, headers=headers)))
        assert problems_of(results) == []
        assert [r.floor for r in rows_of(results)] == [5, 5, 1]


class TestFileProblems:
    def test_empty_file(self, tmp_path):
        (tmp_path / "empty.csv").write_bytes(b"")
        problem = only_problem(list(read_roster(tmp_path / "empty.csv")))
        assert (problem.code, problem.row) == ("empty", None)
        assert "空" in problem.zh and "empty" in problem.en

    def test_whitespace_only_file(self, tmp_path):
        (tmp_path / "blank.csv").write_bytes(b"\r\n  \r\n")
        assert only_problem(list(read_roster(tmp_path / "blank.csv"))).code == "empty"

    def test_password_protected_xlsx(self, tmp_path, xlsx_reader):
        # Excel writes an encrypted xlsx as an OLE compound file: the CFB magic bytes, then sectors.
        path = tmp_path / "locked.xlsx"
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + b"EncryptionInfo" + bytes(1024))
        problem = only_problem(list(read_roster(path)))
        assert problem.code == "encrypted"
        assert "密码" in problem.zh and "password" in problem.en

    def test_damaged_xlsx(self, tmp_path, xlsx_reader):
        path = tmp_path / "broken.xlsx"
        path.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 100)
        assert only_problem(list(read_roster(path))).code == "unreadable"

    def test_binary_that_is_no_sheet(self, tmp_path):
        path = tmp_path / "photo.csv"
        path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
        assert only_problem(list(read_roster(path))).code == "encoding"

    def test_missing_file(self, tmp_path):
        assert only_problem(list(read_roster(tmp_path / "nowhere.csv"))).code == "unreadable"

    def test_a_sheet_that_is_not_a_roster(self, tmp_path, xlsx_reader):
        rows = [["2021年第一季度", "收入", "支出"], ["一月", "100", "80"]]
        for path in (
            write_csv(tmp_path / "r.csv", rows[1:], headers=rows[0]),
            write_xlsx(tmp_path / "r.xlsx", rows[1:], headers=rows[0]),
        ):
            problem = only_problem(list(read_roster(path)))
            assert problem.code == "not_roster"
            assert "不是" in problem.zh and "not a roster" in problem.en

    def test_missing_required_column_is_named_once(self, tmp_path):
        keep = [i for i, h in enumerate(HEADERS) if h != "房号"]
        rows = [[row[i] for i in keep] for row in good_rows()]
        results = list(read_roster(write_csv(tmp_path / "r.csv", rows, headers=[HEADERS[i] for i in keep])))
        problem = only_problem(results)
        assert (problem.code, problem.column, problem.key) == ("missing_column", "房号", "room")
        assert "房号" in problem.zh
        assert rows_of(results) == []

    def test_missing_column_does_not_hide_the_other_problems(self, tmp_path):
        keep = [i for i, h in enumerate(HEADERS) if h != "户主"]
        rows = [[row[i] for i in keep] for row in good_rows()]
        rows[0][keep.index(9)] = "12345"
        results = list(read_roster(write_csv(tmp_path / "r.csv", rows, headers=[HEADERS[i] for i in keep])))
        assert sorted(p.code for p in problems_of(results)) == ["missing_column", "phone"]

    def test_text_that_turns_undecodable_halfway(self, tmp_path):
        path = write_csv(tmp_path / "r.csv", good_rows(), encoding="utf-8")
        filler = "南庄坪社区,旺角家园,9栋,1,1,1{:02d},60,某,,,,,,,,\n"
        body = path.read_bytes() + "".join(filler.format(i % 99 + 1) for i in range(3000)).encode() * 2
        path.write_bytes(body + "旺角".encode("gbk") + b"\n")
        problems = problems_of(list(read_roster(path)))
        assert problems[-1].code == "encoding"


BAD_CELLS = [
    # (template column, bad value, problem code, words the Chinese message must contain)
    ("id_number", ID_ZHANG[:-1] + ("0" if ID_ZHANG[-1] != "0" else "1"), "id_number", "校验位"),
    ("id_number", ID_ZHANG[:15], "id_number", "15位"),
    ("id_number", "4.30102194803091E+17", "id_as_number", "文本"),
    ("phone", "1381234567", "phone", "11位"),
    ("phone", "13812345678/13912345678", "phone", "一个电话"),
    ("floor", "0", "floor", "正整数"),
    ("floor", "五楼", "floor", "正整数"),
    ("floor", "61", "floor", "不能高于"),
    ("floor", "6", "floor_room", "不符"),
    ("room", "东户", "room", "房号"),
    ("exclusive_area", "-12", "area", "大于0"),
    ("exclusive_area", "0", "area", "大于0"),
    ("exclusive_area", "7536", "area", "1000"),
    ("exclusive_area", "七十五", "area", "数字"),
    ("birth_year", "1850", "birth_year", "1900"),
    ("birth_year", "2999", "birth_year", "1900"),
    ("birth_year", "1950", "birth_year_id", "不符"),
    ("sex", "女", "sex_id", "不符"),
    ("sex", "未知", "sex", "男"),
    ("party_member", "也许", "flag", "是"),
    ("limited_mobility", "有点", "flag", "是"),
    ("occupancy", "借住", "occupancy", "自住"),
    ("unit", "东单元", "unit", "单元"),
    ("owner_name", "", "blank", "不能为空"),
    ("community", "", "blank", "不能为空"),
    ("note", "很长" * 101, "too_long", "200"),
]


class TestRowProblems:
    @pytest.mark.parametrize(("key", "bad", "code", "says"), BAD_CELLS)
    @pytest.mark.parametrize("fmt", ["csv", "xlsx", "xlsx-stream"])
    def test_each_problem_names_row_column_and_value(self, tmp_path, monkeypatch, fmt, key, bad, code, says):
        if fmt == "xlsx-stream":
            monkeypatch.setattr(sheet_source, "STREAM_ABOVE_BYTES", 0)
        rows = good_rows()
        position = [c.key for c in TEMPLATE].index(key)
        rows[0][position] = bad
        path = (
            write_csv(tmp_path / "r.csv", rows, encoding="gbk")
            if fmt == "csv"
            else write_xlsx(tmp_path / "r.xlsx", rows)
        )
        results = list(read_roster(path))
        problem = only_problem(results)
        assert (problem.row, problem.key, problem.col, problem.code) == (3, key, position, code)
        assert problem.column == HEADERS[position]
        assert problem.value == bad
        assert says in problem.zh
        assert problem.en and problem.en != problem.zh
        assert len(rows_of(results)) == 2  # the bad row is held back, the others come through

    def test_duplicate_room_in_the_same_unit_names_the_first_row(self, tmp_path):
        rows = good_rows()
        rows.append(list(rows[0]))
        rows[-1][5] = "0501"
        problem = only_problem(list(read_roster(write_csv(tmp_path / "r.csv", rows))))
        assert (problem.row, problem.code, problem.column) == (6, "duplicate_room", "房号")
        assert "第3行" in problem.zh and "row 3" in problem.en

    def test_same_room_in_another_unit_or_compound_is_fine(self, tmp_path):
        rows = good_rows()
        other_unit, other_compound = list(rows[0]), list(rows[0])
        other_unit[3] = "3单元"
        other_compound[1] = "世纪花园"
        results = list(read_roster(write_csv(tmp_path / "r.csv", [*rows, other_unit, other_compound])))
        assert problems_of(results) == []

    def test_every_problem_of_a_row_is_reported_at_once(self, tmp_path):
        rows = good_rows()
        rows[1][5], rows[1][6], rows[1][9], rows[1][13] = "X", "-5", "123", "不知道"
        problems = problems_of(list(read_roster(write_csv(tmp_path / "r.csv", rows))))
        assert [(p.row, p.key) for p in problems] == [
            (4, "room"),
            (4, "exclusive_area"),
            (4, "phone"),
            (4, "occupancy"),
        ]

    def test_problem_values_stay_out_of_repr_and_rows_hide_personal_data(self, tmp_path):
        rows = good_rows()
        rows[0][9] = "13812345"
        results = list(read_roster(write_csv(tmp_path / "r.csv", rows)))
        assert "13812345" not in repr(problems_of(results))
        for row in rows_of(results):
            assert row.owner_name not in repr(row)
            assert (row.id_number or "NONE") not in repr(row)
            assert (row.phone or "NONE") not in repr(row)


class TestResolver:
    def test_the_resolver_sees_valid_locations_and_its_issues_become_problems(self, tmp_path):
        seen: list[Location] = []

        def resolver(location: Location):
            seen.append(location)
            if location.building == "A":
                yield RowIssue("building", "小区中没有A座。", "The compound has no building A.")
            if location.floor > 4:
                yield RowIssue(
                    "floor", "楼层高于该楼栋的4层。", "The floor is above the building's 4 storeys."
                )

        results = list(read_roster(write_csv(tmp_path / "r.csv", good_rows()), resolver=resolver))
        assert seen[0] == Location("南庄坪社区", "旺角家园", "3", "2", 5)
        assert [(p.row, p.column, p.value, p.code) for p in problems_of(results)] == [
            (3, "楼层", "5", "location"),
            (4, "楼层", "", "location"),
            (5, "楼栋", "A座", "location"),
        ]
        assert rows_of(results) == []

    def test_an_unknown_community(self, tmp_path):
        def resolver(location: Location):
            if location.community != "永康社区":
                yield RowIssue("community", f"社区「{location.community}」不存在。", "Unknown community.")

        results = list(read_roster(write_csv(tmp_path / "r.csv", good_rows()), resolver=resolver))
        assert {(p.key, p.value) for p in problems_of(results)} == {("community", "南庄坪社区")}


class TestTemplate:
    def test_keys_are_the_roster_row_fields(self):
        fields = [f.name for f in dataclasses.fields(RosterRow) if f.name not in ("row", "sheet")]
        assert [c.key for c in TEMPLATE] == fields

    def test_every_header_and_alias_maps_back_to_its_column(self):
        for column in TEMPLATE:
            for name in (column.header, *column.aliases, f"*{column.header}", f" {column.header} "):
                assert column_for_header(name) is column, name
            assert column.zh and column.en

    def test_required_columns(self):
        assert [c.header for c in TEMPLATE if c.required] == [
            "社区",
            "小区",
            "楼栋",
            "房号",
            "专有部分面积",
            "户主",
        ]

    def test_unit_suffixes_in_headers(self):
        assert column_for_header("面积(㎡)").key == "exclusive_area"
        assert column_for_header("面积（m²）").key == "exclusive_area"
        assert column_for_header("序号") is None


class TestProblemReport:
    def test_bad_cells_are_red_with_a_note_at_their_original_row(self, tmp_path, xlsx_reader):
        rows = good_rows()
        rows[1][6] = "-5"
        source = write_xlsx(tmp_path / "r.xlsx", rows)
        out = tmp_path / "problems.xlsx"
        assert write_problem_report(source, read_roster(source), out, provenance=PROVENANCE) == 1
        book = openpyxl.load_workbook(out)
        assert book.sheetnames == ["问题清单", "台账", ABOUT_SHEET]
        summary = list(book["问题清单"].values)
        assert summary[1][:4] == ("台账", 4, "专有部分面积", "-5")
        sheet = book["台账"]
        assert sheet.cell(row=1, column=1).value == TITLE
        assert sheet.cell(row=2, column=1).value == "社区"
        bad = sheet.cell(row=4, column=7)
        assert bad.value == "-5"
        assert bad.fill.fgColor.rgb.endswith("F4B6B6")
        assert "大于0" in bad.comment.text
        assert "大于0" in sheet.cell(row=4, column=len(HEADERS) + 1).value
        assert sheet.cell(row=3, column=7).fill.fill_type is None
        assert sheet.cell(row=3, column=9).value == ID_ZHANG  # ID numbers stay text, never 4.3E+17

    def test_csv_source(self, tmp_path):
        rows = good_rows()
        rows[0][9] = "12345"
        source = write_csv(tmp_path / "r.csv", rows, encoding="gbk")
        out = tmp_path / "problems.xlsx"
        write_problem_report(source, read_roster(source), out, provenance=PROVENANCE)
        sheet = openpyxl.load_workbook(out)["台账"]
        assert sheet.cell(row=3, column=10).comment is not None
        assert sheet.cell(row=3, column=2).value == "旺角家园"

    def test_an_unreadable_file_gets_the_summary_only(self, tmp_path):
        source = tmp_path / "empty.csv"
        source.write_bytes(b"")
        out = tmp_path / "problems.xlsx"
        assert write_problem_report(source, read_roster(source), out, provenance=PROVENANCE) == 1
        book = openpyxl.load_workbook(out)
        assert book.sheetnames == ["问题清单", ABOUT_SHEET]
        assert list(book["问题清单"].values)[1][5] == "The file is empty."


class TestStreamedXlsx:
    """Large xlsx files are read row by row with openpyxl; the rows must be exactly calamine's."""

    def tricky_workbook(self, path: Path) -> Path:
        workbook = openpyxl.Workbook()
        hidden = workbook.active
        hidden.title = "旧数据"
        hidden.append([*HEADERS])
        hidden.sheet_state = "hidden"
        sheet = workbook.create_sheet("台账")
        sheet.cell(row=3, column=2, value=TITLE)
        for col, header in enumerate(HEADERS, start=2):
            sheet.cell(row=4, column=col, value=header)
        body = [
            ["南庄坪社区", "旺角家园", 3, 2, 5, 501.0, 75.5, "张三", 430102194803091234, 13812345678, 1948],
            [
                "南庄坪社区",
                "旺角家园",
                "3栋",
                "2单元",
                None,
                "502",
                82.36,
                "李四",
                "",
                "",
                datetime.date(1952, 11, 30),
            ],
            [],  # a blank row inside the table
            [
                "南庄坪社区",
                "旺角家园",
                "A座",
                True,
                1,
                101,
                60,
                " 王五 ",
                datetime.datetime(2021, 5, 1, 8, 30),
                "#N/A",
            ],
        ]
        for offset, row in enumerate(body):
            for col, value in enumerate(row, start=2):
                sheet.cell(row=5 + offset, column=col, value=value)
        for col, value, number_format in (
            (14, 430102194803091234, "yyyy-mm-dd"),  # an ID in a date column: no date, the number
            (15, 45000, "yyyy年m月d日"),
            (16, 45000.5, "m/d/yy h:mm"),
        ):
            sheet.cell(row=6, column=col, value=value).number_format = number_format
        sheet.cell(row=12, column=2, value="合计")  # rows 9-11 are absent from the XML
        workbook.save(path)
        return path

    def sheets(self, source, monkeypatch, threshold: int) -> list[tuple[str | None, list]]:
        """Every sheet's rows with one reader. Trailing blanks are cut: calamine pads each row to the
        used range and stops at its last row, the streamed rows end at their last cell."""
        monkeypatch.setattr(sheet_source, "STREAM_ABOVE_BYTES", threshold)
        sheets = []
        for sheet in sheet_source.open_sheets(source):
            rows = [
                (n, cells[: max((i + 1 for i, c in enumerate(cells) if c), default=0)])
                for n, cells in sheet.rows
            ]
            while rows and not rows[-1][1]:
                rows.pop()
            sheets.append((sheet.name, rows))
        return sheets

    def test_both_readers_give_the_same_rows(self, tmp_path, monkeypatch):
        path = self.tricky_workbook(tmp_path / "roster.xlsx")
        whole = self.sheets(path, monkeypatch, 1 << 40)
        assert self.sheets(path, monkeypatch, 0) == whole
        name, rows = whole[0]
        assert name == "台账"
        assert [n for n, _ in rows] == list(range(1, 13))
        assert rows[4][1][1:12] == [
            "南庄坪社区",
            "旺角家园",
            "3",
            "2",
            "5",
            "501",
            "75.5",
            "张三",
            "4.301021948030913e+17",
            "13812345678",
            "1948",
        ]
        assert rows[5][1][11:] == [
            "1952-11-30",
            "",
            "4.301021948030913e+17",
            "2023-03-15",
            "2023-03-15 12:00:00",
        ]
        assert rows[7][1][4:10] == ["是", "1", "101", "60", "王五", "2021-05-01 08:30:00"]

    def test_shared_strings_as_excel_writes_them(self, tmp_path, monkeypatch):
        # openpyxl writes every text as an inline string; Excel keeps them in a shared table, with
        # rich-text runs and phonetic guides (rPh) that are not part of the value.
        path = write_xlsx(tmp_path / "roster.xlsx", good_rows(), title=False)
        with zipfile.ZipFile(path) as original:
            parts = {name: original.read(name) for name in original.namelist()}
        table: list[str] = []

        def shared(match: re.Match) -> str:
            table.append(match.group(2))
            return f'<c r="{match.group(1)}" t="s"><v>{len(table) - 1}</v></c>'

        sheet = "xl/worksheets/sheet1.xml"
        parts[sheet] = re.sub(
            r'<c r="([A-Z]+\d+)" t="inlineStr"><is><t>([^<]*)</t></is></c>', shared, parts[sheet].decode()
        ).encode()
        items = [
            '<si><r><t>旺角</t></r><r><rPr><b/></rPr><t>家园</t></r><rPh sb="0" eb="2"><t>wangjiao</t></rPh></si>'
            if text == "旺角家园"
            else f"<si><t>{text}</t></si>"
            for text in table
        ]
        parts["xl/sharedStrings.xml"] = (
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + "".join(items)
            + "</sst>"
        ).encode()
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>",
            b'<Relationship Id="rIdS" Target="sharedStrings.xml" Type="http://schemas.openxmlformats.org/'
            b'officeDocument/2006/relationships/sharedStrings"/></Relationships>',
        )
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
            b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )
        with zipfile.ZipFile(path, "w") as out:
            for name, data in parts.items():
                out.writestr(name, data)
        assert "旺角家园" in table
        assert self.sheets(path, monkeypatch, 0) == self.sheets(path, monkeypatch, 1 << 40)
        assert [values(r) for r in rows_of(list(read_roster(path)))] == EXPECTED

    def test_streamed_rows_are_checked_like_any_other(self, tmp_path, monkeypatch):
        monkeypatch.setattr(sheet_source, "STREAM_ABOVE_BYTES", 0)
        rows = good_rows()
        rows[0][8] = 430102194803091234  # an ID typed into a number cell
        rows.insert(1, [])
        path = write_xlsx(tmp_path / "upload.bin", rows)  # uploads may be stored under any name
        results = list(read_roster(path))
        problem = only_problem(results)
        assert (problem.row, problem.code) == (3, "id_as_number")
        assert [r.row for r in rows_of(results)] == [5, 6]

    def test_large_files_do_not_load_the_whole_sheet(self, tmp_path, monkeypatch):
        path = write_xlsx(tmp_path / "r.xlsx", good_rows())
        monkeypatch.setattr(sheet_source, "STREAM_ABOVE_BYTES", path.stat().st_size - 1)

        def whole_sheet(*args, **kwargs):
            raise AssertionError("calamine used for a file above the threshold")

        monkeypatch.setattr(sheet_source.python_calamine.CalamineWorkbook, "from_path", whole_sheet)
        monkeypatch.setattr(sheet_source.python_calamine.CalamineWorkbook, "from_filelike", whole_sheet)
        assert [values(r) for r in rows_of(list(read_roster(path)))] == EXPECTED
        assert [values(r) for r in rows_of(list(read_roster(io.BytesIO(path.read_bytes()))))] == EXPECTED
