"""Evaluate a rule on the ballots: each condition, the tally, and what is missing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from anju.domain.consent.electorate import (
    Electorate,
    Tally,
    build_electorate,
    counts,
    ratio_of,
    tally_of,
    threshold_checks,
)
from anju.domain.consent.formatting import format_decimal
from anju.domain.consent.missing import Missing, missing_for
from anju.domain.consent.rules import ExtraCondition, Household, NoObjection, Rule, Vote
from anju.domain.errors import DomainError


@dataclass(frozen=True, slots=True)
class ConditionResult:
    """One condition: numerator/denominator (m², owners or households) against its bound."""

    name: str
    numerator: Fraction
    denominator: Fraction
    unit: Literal["m2", "owners", "households"]
    bound: Fraction
    required: str  # ">= 2/3", "> 1/2", "= 0"
    met: bool

    @property
    def value(self) -> str:
        """The unreduced quotient as people check it by hand, e.g. ``"690/900"`` or ``"690.5/900"``."""
        return f"{format_decimal(self.numerator)}/{format_decimal(self.denominator)}"

    @property
    def ratio(self) -> Fraction:
        return ratio_of(self.numerator, self.denominator)

    @property
    def margin(self) -> Fraction:
        """Ratio minus bound: negative when short, zero exactly on the bound."""
        return self.ratio - self.bound

    @property
    def slack(self) -> Fraction:
        """Numerator minus what the bound asks for, in the condition's unit (m², owners, households)."""
        return self.numerator - self.bound * self.denominator



def _extra_ids(rule: Rule, e: Electorate) -> None:
    for j, cond in enumerate(rule.extra):
        unknown = sorted(set(cond.households) - e.voter_of.keys())
        if unknown:
            raise DomainError(
                f"条件 {cond.name} 引用了不存在的户：{'、'.join(unknown)}",
                f"Condition {cond.name} names unknown households: {', '.join(unknown)}",
                field=f"extra[{j}].households",
            )


def _extra_result(cond: ExtraCondition, e: Electorate) -> ConditionResult:
    votes = [e.voters[e.voter_of[h]].vote for h in cond.households]
    size = Fraction(len(votes))
    if isinstance(cond, NoObjection):
        objections = sum(v == Vote.NO for v in votes)
        return ConditionResult(cond.name, Fraction(objections), size, "households", Fraction(0), "= 0",
                               objections == 0)
    yes = sum(v == Vote.YES for v in votes)
    return ConditionResult(cond.name, Fraction(yes), size, "households", Fraction(1), "= 1", yes == len(votes))


# --- result -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Result:
    """Whether the decision passed, each condition, the tally, and what is missing if it did not."""

    rule: Rule
    passed: bool
    conditions: tuple[ConditionResult, ...]
    tally: Tally
    missing: Missing | None


def evaluate(households: Iterable[Household], rule: Rule, *,
             closed: bool = False) -> Result:
    """Evaluate `rule` on the ballots of `households`; `closed` means no ballot can change any more.

    Raises `DomainError` for a duplicate id, an area not above 0, an unknown vote, an owner whose
    parts voted differently, or an extra condition naming an unknown household."""
    return evaluate_electorate(build_electorate(list(households), rule.headcount), rule, closed=closed)


def evaluate_electorate(e: Electorate, rule: Rule, *, closed: bool = False) -> Result:
    """`evaluate` on households already grouped into voters (`build_electorate`, or
    `grouped.evaluate_votes` for many questions over one electorate)."""
    _extra_ids(rule, e)
    base = counts(e)
    conditions = [
        ConditionResult(name, Fraction(num, e.scale) if unit == "m2" else Fraction(num),
                        Fraction(den, e.scale) if unit == "m2" else Fraction(den), unit,  # type: ignore[arg-type]
                        t.bound, t.required, t.met(num, den))
        for name, num, den, unit, t in threshold_checks(rule, base)
    ]
    conditions += [_extra_result(cond, e) for cond in rule.extra]
    passed = all(c.met for c in conditions)
    missing = None
    if not passed:
        missing = (Missing(True, (), "表决已截止，未获通过，结果不再改变",
                           "The consultation is closed and the decision did not pass; nothing can change it")
                   if closed else missing_for(rule, e, base))
    return Result(rule, passed, tuple(conditions), tally_of(e), missing)
