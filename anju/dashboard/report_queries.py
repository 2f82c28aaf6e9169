"""The registry of queries a report column may name: the only code a report template can reach.

A template (data, `ReportTemplate.columns`) names a column's query by its key here; an unknown key is
refused when the template is saved. Each query reads one `programme.queries.ReportRow` and gives an
exact value; the totals row is recomputed from the exact values (a sum, or for a rate the ratio of
the summed numerator and denominator), then rounded once, so a total in 万㎡ is the rounded sum of
the ㎡, not a sum of rounded rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from anju.programme.queries import INDICATORS, ReportRow

Exact = Fraction  # every number is carried as a Fraction until it is shown


@dataclass(frozen=True)
class Query:
    key: str
    zh: str
    en: str
    unit: str = ""
    places: int = 0
    text: Callable[[ReportRow], str] | None = None  # a text column (no total)
    value: Callable[[ReportRow], Exact] | None = None  # a number summed in the totals row
    ratio: Callable[[ReportRow], tuple[Exact, Exact]] | None = None  # a rate: (numerator, denominator), in %
    aliases: tuple[str, ...] = field(default=())  # other headings an office's sheet may use for it

    @property
    def numeric(self) -> bool:
        return self.text is None


def _fen_to_wan(fen: int) -> Exact:
    return Fraction(fen, 1_000_000)  # 1 万元 = 10,000 元 = 1,000,000 分


def _funding(*sources: str) -> Callable[[ReportRow], Exact]:
    return lambda r: _fen_to_wan(sum(r.funding.get(s, 0) for s in sources))


LOCAL = ("provincial", "municipal", "district")

_QUERIES: list[Query] = [
    Query("seq", "序号", "No.", text=lambda r: "", aliases=("编号",)),  # the row's number (reports.build)
    Query("community", "社区", "Community", text=lambda r: r.community, aliases=("所属社区",)),
    Query("compound", "小区名称", "Compound", text=lambda r: r.compound, aliases=("小区", "项目名称")),
    Query("project", "项目名称", "Project", text=lambda r: r.name),
    Query("compounds", "小区数", "Compounds", "个", value=lambda r: Fraction(1), aliases=("小区个数",)),
    Query("buildings", "楼栋数", "Buildings", "栋", value=lambda r: Fraction(r.buildings), aliases=("楼栋", "栋数")),
    Query("households", "户数", "Households", "户", value=lambda r: Fraction(r.households), aliases=("涉及户数", "居民户数")),
    Query("gross_area", "建筑面积", "Floor area", "㎡", 2, value=lambda r: Fraction(r.gross_area)),
    Query("gross_area_wan", "建筑面积", "Floor area", "万㎡", 2, value=lambda r: Fraction(r.gross_area) / 10_000),
    Query("started", "开工情况", "Started", text=lambda r: "已开工" if r.started else "未开工"),
    Query("completed", "完工情况", "Completed", text=lambda r: "已完工" if r.completed else "未完工"),
    Query("started_compounds", "已开工小区", "Compounds started", "个", value=lambda r: Fraction(int(r.started))),
    Query("completed_compounds", "已完工小区", "Compounds completed", "个", value=lambda r: Fraction(int(r.completed))),
    Query("started_households", "已开工户数", "Households started", "户",
          value=lambda r: Fraction(r.households if r.started else 0)),
    Query("completed_households", "已完工户数", "Households completed", "户",
          value=lambda r: Fraction(r.households if r.completed else 0)),
    Query("start_rate_compounds", "小区开工率", "Start rate (compounds)", "%", 1,
          ratio=lambda r: (Fraction(int(r.started)), Fraction(1)), aliases=("开工率（按小区）",)),
    Query("complete_rate_compounds", "小区完工率", "Completion rate (compounds)", "%", 1,
          ratio=lambda r: (Fraction(int(r.completed)), Fraction(1)), aliases=("完工率（按小区）",)),
    Query("start_rate_households", "户数开工率", "Start rate (households)", "%", 1,
          ratio=lambda r: (Fraction(r.households if r.started else 0), Fraction(r.households)), aliases=("开工率（按户数）",)),
    Query("complete_rate_households", "户数完工率", "Completion rate (households)", "%", 1,
          ratio=lambda r: (Fraction(r.households if r.completed else 0), Fraction(r.households)), aliases=("完工率（按户数）",)),
    Query("items_basic", "基础类改造内容", "Basic items", "项", value=lambda r: Fraction(r.categories.get("basic", 0))),
    Query("items_improve", "完善类改造内容", "Improvement items", "项",
          value=lambda r: Fraction(r.categories.get("improve", 0))),
    Query("items_upgrade", "提升类改造内容", "Upgrade items", "项", value=lambda r: Fraction(r.categories.get("upgrade", 0))),
    *(Query(i.field, i.zh, i.en, i.unit, i.places, value=(lambda f: lambda r: Fraction(r.indicators[f]))(i.field))
      for i in INDICATORS),
    Query("invest_central", "中央补助资金", "Central subsidy", "万元", 2, value=_funding("central")),
    Query("invest_local", "地方财政资金", "Local budget", "万元", 2, value=_funding(*LOCAL)),
    Query("invest_social", "社会资本", "Social capital", "万元", 2, value=_funding("social")),
    Query("invest_utilities", "管线单位出资", "Utilities", "万元", 2, value=_funding("utilities")),
    Query("invest_residents", "居民出资", "Residents", "万元", 2, value=_funding("residents")),
    Query("invest_fund", "专项维修资金", "Maintenance fund", "万元", 2, value=_funding("maintenance_fund")),
    Query("invest_total", "总投资", "Total investment", "万元", 2, value=lambda r: _fen_to_wan(sum(r.funding.values())),
          aliases=("投资合计", "合计投资", "总投资额")),
]
REGISTRY: dict[str, Query] = {q.key: q for q in _QUERIES}


def shown(value: Exact, places: int) -> Decimal:
    """`value` (not negative) rounded half up to `places` decimals, from the exact fraction: the one rounding."""
    scaled = value * 10**places
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    return Decimal(whole).scaleb(-places).quantize(Decimal(1).scaleb(-places))


def cell(query: Query, row: ReportRow) -> str:
    """One cell as text: the text, or the exact number rounded to the query's places."""
    if query.text is not None:
        return query.text(row)
    if query.ratio is not None:
        num, den = query.ratio(row)
        return str(shown(num / den * 100, query.places)) if den else ""
    assert query.value is not None
    return str(shown(query.value(row), query.places))


def total(query: Query, rows: Sequence[ReportRow]) -> str:
    """The totals-row cell: recomputed from the exact values of every row; text columns have none."""
    if query.text is not None:
        return ""
    if query.ratio is not None:
        pairs = [query.ratio(r) for r in rows]
        den = sum((d for _, d in pairs), Fraction(0))
        return str(shown(sum((n for n, _ in pairs), Fraction(0)) / den * 100, query.places)) if den else ""
    assert query.value is not None
    return str(shown(sum((query.value(r) for r in rows), Fraction(0)), query.places))


def find(heading: str, unit: str = "") -> Query | None:
    """The registered query an office's heading names (its label or an alias; with the unit when two share a label)."""
    label = heading.strip()
    matches = [q for q in _QUERIES if label in (q.zh, *q.aliases)]
    if len(matches) > 1 and unit:
        matches = [q for q in matches if q.unit == unit] or matches
    return matches[0] if len(matches) == 1 else None
