"""Plain values in and out of the cost-share engine. Money is int fen (分), areas and ratios Fractions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

from .tables import CoefficientTable, RangePoint

SubsidyMode = Literal["proportional", "common_first"]


@dataclass(frozen=True)
class Household:
    """One dwelling (户) of the unit. `area` is the exclusive area (专有部分面积) in m²."""

    id: str
    floor: int
    area: Fraction | None = None
    participates: bool = True  # not participating: pays nothing, its part falls on the others
    exempt: bool = False  # exempt (免缴), e.g. 1F: pays nothing
    owner: str | None = None

    def __post_init__(self) -> None:
        # Django hands over DecimalField values; keep areas exact without making callers convert.
        if self.area is not None and not isinstance(self.area, Fraction):
            object.__setattr__(self, "area", Fraction(str(self.area)))

    @property
    def pays(self) -> bool:
        return self.participates and not self.exempt


@dataclass(frozen=True)
class LineItem:
    """A cost or a subsidy: a name and an amount in fen."""

    name: str
    amount: int


@dataclass(frozen=True)
class Compensation:
    """An amount in fen paid to an affected household; it is added to what the owners share."""

    to: str
    amount: int


@dataclass(frozen=True)
class Coefficients:
    """Shares ∝ k(floor), or ∝ k(floor) × area; floors missing from `by_floor` have k = 0."""

    by_floor: Mapping[int, Fraction]
    weight_by_area: bool = False


@dataclass(frozen=True)
class Table:
    """A named reference table or a saved CoefficientTable, used as coefficients."""

    table: str | CoefficientTable
    weight_by_area: bool = False
    point: RangePoint = "mid"  # for tables given as ranges (Beijing 2022)


@dataclass(frozen=True)
class ByArea:
    """Shares ∝ exclusive area (Civil Code art. 283 fallback)."""


@dataclass(frozen=True)
class Shapley:
    """Shapley value of the airport game. `reach_costs[f]`: gross cost, in fen, of an elevator reaching floor f."""

    reach_costs: Mapping[int, int]
    weight_by_area: bool = False


@dataclass(frozen=True)
class Nucleolus:
    """Nucleolus of the airport game; with `weight_by_area`, each floor's total is split by area."""

    reach_costs: Mapping[int, int]
    weight_by_area: bool = False


Method = Coefficients | Table | ByArea | Shapley | Nucleolus


@dataclass(frozen=True)
class Quote:
    """Everything needed to split one unit's elevator costs."""

    storeys: int
    households: tuple[Household, ...]
    costs: tuple[LineItem, ...]
    method: Method
    subsidies: tuple[LineItem, ...] = ()
    compensations: tuple[Compensation, ...] = ()
    subsidy_mode: SubsidyMode = "proportional"


@dataclass(frozen=True)
class Share:
    """One household's share in fen, its part of the net in 0.01 % units, and how it was reached."""

    household_id: str
    floor: int
    amount: int
    percent_bp: int
    compensation: int
    steps_zh: tuple[str, ...]
    steps_en: tuple[str, ...]
    exact: Fraction = field(default=Fraction(0))  # the unrounded share in fen

    def steps(self, language: str = "zh-hans") -> tuple[str, ...]:
        return self.steps_zh if language.lower().startswith("zh") else self.steps_en


@dataclass(frozen=True)
class Allocation:
    """The result of a quote: totals in fen and one Share per household, in input order."""

    gross: int
    subsidy: int
    compensation: int
    net: int  # gross − subsidy + compensation: what the paying owners share
    method: str
    shares: tuple[Share, ...]

    def share(self, household_id: str) -> Share:
        for share in self.shares:
            if share.household_id == household_id:
                return share
        raise KeyError(household_id)

    def amounts(self) -> dict[str, int]:
        return {share.household_id: share.amount for share in self.shares}
