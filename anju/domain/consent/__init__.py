"""Whether an owners' decision has passed, exactly, and what is still missing (意见征求与表决).

The law this module implements:

* Civil Code (民法典) art. 278: a joint decision needs owners holding at least 2/3 of the exclusive
  area *and* at least 2/3 of the owners to take part (专有部分面积占比三分之二以上的业主且人数占比
  三分之二以上的业主参与表决). Major matters (art. 278 items 6-8, e.g. 改建、重建建筑物及其附属设施,
  which covers adding an elevator) then need at least 3/4 of the participating area *and* at least 3/4
  of the participating owners to agree; other matters need more than half of both (过半数).
* Civil Code art. 1259: "以上" includes the bound itself, "超过" does not. So "2/3 以上" is ``>= 2/3``
  (``Threshold(strict=False)``) and "过半数" is ``> 1/2`` (``Threshold(strict=True)``).
* SPC interpretation on building distinguishing ownership (最高人民法院关于审理建筑物区分所有权纠纷
  案件适用法律若干问题的解释) art. 8: the exclusive area is the area in the property register (else
  the surveyed area, else the contract area) and the total is their sum; art. 9: the number of owners
  counts one per exclusive part, except that one buyer owning several parts (and the developer's
  unsold parts) counts once; the total is the sum.

Modules: `rules` (what a decision needs), `electorate` (voters and the tally), `result`
(`evaluate`), `missing` (the fewest more yes votes), `formatting`.

How a person owning several parts votes (our rule, from art. 9 and the wording of art. 278, where
the *owner* takes part and agrees and the owner's area is that of all their parts): the owner is
one voter. The owner's vote is the vote cast for any of their parts; parts without a ballot follow
it, because the owner has already decided. Two different votes from one owner (yes for 101, no for
102) are a conflict that staff must resolve, so they raise `DomainError` rather than being guessed;
`owner_conflicts` lists them for a page. Co-owners of one part are one owner: pass one key for them.
A household without an owner key counts as its own owner.

Every ratio is a `Fraction`; areas are summed as integers in a common unit (1/100 m² for the usual
two decimals), so nothing is ever rounded. Only display strings round, and only upwards where a
figure is a minimum still needed.
"""

from anju.domain.consent.electorate import OwnerConflict, Share, Tally, owner_conflicts, tally
from anju.domain.consent.formatting import format_area_up, format_decimal
from anju.domain.consent.missing import Missing, Plan
from anju.domain.consent.result import ConditionResult, Result, evaluate
from anju.domain.consent.rules import (
    MAJOR_278,
    ORDINARY_278,
    RULES,
    AllApprove,
    Basis,
    ExtraCondition,
    Headcount,
    Household,
    NoObjection,
    Rule,
    Threshold,
    Vote,
)

__all__ = [
    "MAJOR_278", "ORDINARY_278", "RULES", "AllApprove", "Basis", "ConditionResult", "ExtraCondition",
    "Headcount", "Household", "Missing", "NoObjection", "OwnerConflict", "Plan", "Result", "Rule", "Share",
    "Tally", "Threshold", "Vote", "evaluate", "format_area_up", "format_decimal", "owner_conflicts", "tally",
]
