"""The texts the rule sets cite, and how a citation is written on a page (《…》第三十一条)."""

from __future__ import annotations

from dataclasses import dataclass

from anju.domain.errors import DomainError


@dataclass(frozen=True, slots=True)
class Law:
    key: str
    zh: str  # the title as printed, without 《》
    en: str
    year: int
    rank: int  # national law 0 < administrative regulation 1 < departmental rule 2 < local regulation 3


LAWS: dict[str, Law] = {law.key: law for law in (
    Law("civil-code", "中华人民共和国民法典", "Civil Code of the People's Republic of China", 2020, 0),
    Law("property-regulation", "物业管理条例", "Regulation on Property Management (State Council)", 2018, 1),
    Law("assembly-guidance", "业主大会和业主委员会指导规则",
        "Guiding Rules for Owners' Assemblies and Owners' Committees (MOHURD)", 2009, 2),
    Law("fund-measures", "住宅专项维修资金管理办法", "Measures on Residential Special Maintenance Funds", 2007, 2),
    Law("beijing-regulation", "北京市物业管理条例", "Beijing Municipal Regulation on Property Management", 2024, 3),
    Law("shanghai-rules", "上海市住宅物业管理规定", "Shanghai Municipal Provisions on Residential Property Management",
        2020, 3),
)}

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1–9999 in Chinese numerals as article numbers are written: 10 十, 31 三十一, 105 一百零五, 110 一百一十."""
    if not 0 < n < 10000:
        raise DomainError(f"条款号须在 1 到 9999 之间：{n}", f"An article number must be 1 to 9999: {n}", field="article")
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n - 10] if n > 10 else "")
    out, zero = [], False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            if zero:
                out.append("零")
            out.append(_DIGITS[digit] + unit)
            zero = False
        elif out:
            zero = True
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Citation:
    """One article (and optionally its item, 项) of one law.

    `pending` marks an article number not yet checked against the text (待核): the text was not at
    hand (the 2007 fund measures are not in the LawRefBook/Laws copy the other figures were read in).
    Pages print it beside the citation so nobody takes it for a checked one."""

    law: str
    article: int
    item: int | None = None
    pending: bool = False

    def __post_init__(self) -> None:
        if self.law not in LAWS:
            raise DomainError(f"未知的法规：{self.law}", f"Unknown law: {self.law}", field="source.law")
        chinese_number(self.article)  # range check

    @property
    def zh(self) -> str:
        item = f"第（{chinese_number(self.item)}）项" if self.item else ""
        return f"《{LAWS[self.law].zh}》第{chinese_number(self.article)}条{item}"

    @property
    def pending_zh(self) -> str:
        return "（条款待核）" if self.pending else ""

    @property
    def en(self) -> str:
        item = f"({self.item})" if self.item else ""
        return f"{LAWS[self.law].en}, art. {self.article}{item}"
