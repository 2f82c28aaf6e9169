"""Rules: votes, households, thresholds and the conditions a decision must meet (Civil Code art. 278)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Literal

from anju.domain.errors import DomainError


class Vote(StrEnum):
    """A ballot. Abstaining is taking part without agreeing; no ballot at all (None) is not taking part."""

    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


Basis = Literal["participants", "all"]
Headcount = Literal["owners", "households"]


@dataclass(frozen=True, slots=True)
class Household:
    """One exclusive part (专有部分) with its area in m², its owner's key and its ballot, if any."""

    id: str
    exclusive_area: Decimal | Fraction | int  # 专有部分面积, m²
    owner: str | None = None
    vote: Vote | None = None


@dataclass(frozen=True, slots=True)
class Threshold:
    """A bound on a ratio: ``ratio >= bound`` (以上, art. 1259) or, if `strict`, ``ratio > bound`` (过半数)."""

    bound: Fraction
    strict: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.bound, Fraction) or not 0 <= self.bound <= 1:
            raise DomainError(
                f"比例须在 0 与 1 之间：{self.bound}", f"A bound must be between 0 and 1: {self.bound}",
                field="bound",
            )

    @property
    def required(self) -> str:
        """The bound as shown to people: ``">= 2/3"`` or ``"> 1/2"``."""
        return f"{'>' if self.strict else '>='} {self.bound}"

    def met(self, numerator: int, denominator: int) -> bool:
        """Whether numerator/denominator satisfies the bound; nothing out of nothing never does."""
        if denominator <= 0:
            return False
        left, right = numerator * self.bound.denominator, self.bound.numerator * denominator
        return left > right if self.strict else left >= right


@dataclass(frozen=True, slots=True)
class NoObjection:
    """None of these households votes no (e.g. the directly affected ground-floor households)."""

    households: frozenset[str]
    name: str = "no_objection"


@dataclass(frozen=True, slots=True)
class AllApprove:
    """Every one of these households votes yes (e.g. all owners of floors 1-2 sign)."""

    households: frozenset[str]
    name: str = "all_approve"


ExtraCondition = NoObjection | AllApprove


@dataclass(frozen=True, slots=True)
class Rule:
    """What a decision needs. Participation is always measured against all owners and all area;
    approval against the participants (art. 278) or against everyone (`approval_of="all"`, e.g.
    "more than 90% of households approve"). `headcount="households"` counts parts, not owners."""

    name: str
    participation_area: Threshold | None = None
    participation_count: Threshold | None = None
    approval_area: Threshold | None = None
    approval_count: Threshold | None = None
    approval_of: Basis = "participants"
    headcount: Headcount = "owners"
    extra: tuple[ExtraCondition, ...] = ()

    def __post_init__(self) -> None:
        if self.approval_of not in ("participants", "all"):
            raise DomainError(
                f"approval_of 只能是 participants 或 all：{self.approval_of!r}",
                f"approval_of must be 'participants' or 'all', not {self.approval_of!r}",
                field="approval.of",
            )
        if self.headcount not in ("owners", "households"):
            raise DomainError(
                f"headcount 只能是 owners 或 households：{self.headcount!r}",
                f"headcount must be 'owners' or 'households', not {self.headcount!r}",
                field="headcount",
            )

    def with_extra(self, *conditions: ExtraCondition) -> Rule:
        """The same rule with more conditions, e.g. ``MAJOR_278.with_extra(NoObjection(...))``."""
        return replace(self, extra=self.extra + tuple(conditions))


_TWO_THIRDS = Threshold(Fraction(2, 3))
MAJOR_278 = Rule(
    "civil-code-278-major", _TWO_THIRDS, _TWO_THIRDS, Threshold(Fraction(3, 4)), Threshold(Fraction(3, 4))
)
ORDINARY_278 = Rule(
    "civil-code-278-ordinary", _TWO_THIRDS, _TWO_THIRDS,
    Threshold(Fraction(1, 2), strict=True), Threshold(Fraction(1, 2), strict=True),
)
RULES = {MAJOR_278.name: MAJOR_278, ORDINARY_278.name: ORDINARY_278}
