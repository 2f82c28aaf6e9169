"""The roster template: the columns Anju reads and writes, and the header variants offices use."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["TEMPLATE", "Column", "column_for_header", "normalize_header"]


@dataclass(frozen=True, slots=True)
class Column:
    """One template column: the header Anju writes, the key in code, and the variants it reads."""

    header: str  # 中文表头, as the exporter writes it
    key: str  # attribute of RosterRow
    required: bool
    zh: str  # what goes in the column, for the upload page
    en: str
    aliases: tuple[str, ...] = ()


TEMPLATE: tuple[Column, ...] = (
    Column(
        "社区",
        "community",
        True,
        "所属社区名称，如：南庄坪社区",
        "Community name, e.g. 南庄坪社区",
        ("所属社区", "社区名称", "社区居委会", "居委会"),
    ),
    Column(
        "小区",
        "compound",
        True,
        "小区名称，如：旺角家园",
        "Compound name, e.g. 旺角家园",
        ("小区名称", "所属小区", "小区名"),
    ),
    Column(
        "楼栋",
        "building",
        True,
        "楼栋号：3、3栋、3号楼、A座",
        "Building number: 3, 3栋, 3号楼, A座",
        ("楼号", "栋号", "楼栋号", "幢号", "楼幢", "楼栋号码"),
    ),
    Column(
        "单元",
        "unit",
        False,
        "单元号：2 或 2单元；只有一个单元可留空",
        "Unit (stairwell): 2 or 2单元; blank if only one",
        ("单元号",),
    ),
    Column(
        "楼层",
        "floor",
        False,
        "所在楼层（正整数）；留空则由房号推出（501 → 5层）",
        "Floor (positive whole number); blank: taken from the room number (501 → 5)",
        ("所在楼层", "层", "层数", "所在层"),
    ),
    Column(
        "房号",
        "room",
        True,
        "房号：501、0501 或 501室",
        "Room number: 501, 0501 or 501室",
        ("门牌号", "房间号", "室号", "户号", "房屋号", "门牌"),
    ),
    Column(
        "专有部分面积",
        "exclusive_area",
        True,
        "专有部分面积，平方米，保留两位小数，如 75.36",
        "Exclusive area in m², two decimals, e.g. 75.36",
        ("建筑面积", "面积", "房屋面积", "专有面积", "产权面积"),
    ),
    Column(
        "户主",
        "owner_name",
        True,
        "户主或产权人姓名",
        "Name of the head of household or owner",
        ("产权人", "业主姓名", "姓名", "业主", "户主姓名", "产权人姓名"),
    ),
    Column(
        "身份证号",
        "id_number",
        False,
        "18位居民身份证号码（请将单元格设为文本）",
        "18-character resident ID number (format the cells as text)",
        ("身份证号码", "证件号码", "身份证", "公民身份号码", "证件号"),
    ),
    Column(
        "联系电话",
        "phone",
        False,
        "手机号（11位）或带区号的固定电话，如 0731-88881234；一格一个号码",
        "Mobile (11 digits) or fixed line with area code, e.g. 0731-88881234; one number per cell",
        ("电话", "手机号", "手机", "联系方式", "手机号码", "电话号码"),
    ),
    Column(
        "出生年份",
        "birth_year",
        False,
        "四位年份，如 1952；留空则由身份证号推出",
        "Year of birth, e.g. 1952; blank: taken from the ID number",
        ("出生年", "出生年月", "出生日期"),
    ),
    Column(
        "性别",
        "sex",
        False,
        "男 或 女；留空则由身份证号推出",
        "男 (male) or 女 (female); blank: taken from the ID number",
    ),
    Column("是否党员", "party_member", False, "是 或 否", "是 (yes) or 否 (no)", ("党员", "政治面貌")),
    Column(
        "居住状态",
        "occupancy",
        False,
        "自住、出租 或 空置",
        "自住 (owner-occupied), 出租 (rented) or 空置 (vacant)",
        ("居住情况", "房屋状态", "使用状态", "房屋使用情况"),
    ),
    Column("行动不便", "limited_mobility", False, "是 或 否", "是 (yes) or 否 (no)", ("是否行动不便",)),
    Column("备注", "note", False, "其他说明（200字以内）", "Anything else (up to 200 characters)", ("说明",)),
)

_UNIT_SUFFIX = re.compile(r"\((?:m2|㎡|平方米|平米|平方|m\^2|年|层)\)$")
_NOISE = str.maketrans("", "", "*:：#\u3000 \t\r\n")


def normalize_header(text: object) -> str:
    """A header cell folded for comparison: NFKC, no spaces, stars or colons, no unit suffix like (㎡)."""
    if text is None:
        return ""
    folded = unicodedata.normalize("NFKC", str(text)).translate(_NOISE).lower()
    return _UNIT_SUFFIX.sub("", folded)


_BY_HEADER: dict[str, Column] = {}
for _column in TEMPLATE:
    for _name in (_column.header, *_column.aliases):
        _BY_HEADER[normalize_header(_name)] = _column


def column_for_header(text: object) -> Column | None:
    """The template column a header cell stands for, or None for columns Anju does not read (序号…)."""
    return _BY_HEADER.get(normalize_header(text))
