"""How far a project has got: derived from its stages and items, never typed twice.

Pure functions (no Django) so the rules can be property-tested.

The only progress anyone types is an item's percentage (施工 of that item, 0–100). Everything else
is derived:

* A stage counts fully once it is signed off (actual end date set), otherwise nothing, except
  施工 (construction), which counts the budget-weighted mean of its items' progress while it runs
  (each item weighs its budget in fen plus one).
* A project's progress is the weighted sum of its stages, with the weights in `STAGE_WEIGHTS`
  (they add up to 100): 摸底调查 5, 意见征求 5, 勘测设计 10, 招标 5, 施工 60, 验收 10, 长效管理 5.
  Construction gets most of the weight because that is where the money and the months go.
  Stages are signed off in order, so a project reaches 100 % exactly when every stage is done.
* A parent (a plan, a community, the sub-district) shows the budget-weighted mean of its
  projects (budget in fen plus one), so it always lies between its children's
  lowest and highest progress.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

STAGE_ORDER = ("survey", "consultation", "design", "tender", "construction", "acceptance", "stewardship")
STAGE_WEIGHTS = {"survey": 5, "consultation": 5, "design": 10, "tender": 5, "construction": 60, "acceptance": 10,
                 "stewardship": 5}
assert sum(STAGE_WEIGHTS.values()) == 100
CONSTRUCTION = "construction"


@dataclass(frozen=True)
class ItemProgress:
    percent: int  # 0..100, typed by the field or bulk-updated from a sheet
    budget_fen: int = 0


def weighted_mean(values: Sequence[tuple[Fraction, int]]) -> Fraction:
    """Mean of `(value, weight)` pairs, 0 for no values.

    Each weight counts one more than given (a budget in fen + 1 fen): equal weights when no budget
    is known, and a child without a budget still counts, so a parent is complete only when every
    child is.
    """
    if not values:
        return Fraction(0)
    total = sum(max(w, 0) + 1 for _, w in values)
    return sum((v * (max(w, 0) + 1) for v, w in values), Fraction(0)) / total


def items_progress(items: Sequence[ItemProgress]) -> Fraction:
    """Construction progress from the items: budget-weighted mean of their percentages, as a fraction 0..1."""
    return weighted_mean([(Fraction(i.percent, 100), max(i.budget_fen, 0)) for i in items])


def project_progress(done_stages: set[str], items: Sequence[ItemProgress]) -> Fraction:
    """A project's progress 0..1 from the stages signed off and its items (see module docstring)."""
    total = Fraction(0)
    for stage in STAGE_ORDER:
        weight = Fraction(STAGE_WEIGHTS[stage], 100)
        if stage in done_stages:
            total += weight
        elif stage == CONSTRUCTION:
            total += weight * items_progress(items)
    return total


def parent_progress(children: Sequence[tuple[Fraction, int]]) -> Fraction:
    """A plan's or an area's progress from `(child progress, child budget fen)` pairs."""
    return weighted_mean(children)


def percent(value: Fraction, places: int = 1) -> str:
    """A progress fraction as a percentage string rounded half up, e.g. 0.4567 → "45.7"."""
    scaled = value * 100 * 10**places
    rounded = int(scaled + Fraction(1, 2))
    whole, frac = divmod(rounded, 10**places)
    return f"{whole}.{frac:0{places}d}" if places else str(whole)
