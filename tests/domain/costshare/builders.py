"""Shared builders for cost-share tests: units described the way an office would describe them."""

from __future__ import annotations

from fractions import Fraction

from anju.domain.costshare.model import Household, LineItem, Quote, Shapley


def yuan(amount: str) -> int:
    """'44583.33' -> 4458333 fen; keeps expected values in the tests readable."""
    whole, _, cents = amount.partition(".")
    return int(whole) * 100 + int((cents + "00")[:2])


def two_per_floor(storeys: int = 6, *, exempt_ground: bool = True, area: str = "60") -> tuple[Household, ...]:
    """Households 101, 102, …, 601, 602; 1F exempt unless told otherwise."""
    return tuple(
        Household(id=f"{floor}0{door}", floor=floor, area=Fraction(area), exempt=exempt_ground and floor == 1)
        for floor in range(1, storeys + 1)
        for door in (1, 2)
    )


def issue_example_quote(**changes: object) -> Quote:
    """The worked example of issue 4: reach costs 300,000 for 2F, then +50,000 per floor up to 6F."""
    reach = {floor: yuan("300000") + yuan("50000") * (floor - 2) for floor in range(2, 7)}
    values: dict[str, object] = dict(
        storeys=6,
        households=two_per_floor(),
        costs=(LineItem("construction", yuan("500000")),),
        method=Shapley(reach),
    )
    values.update(changes)
    return Quote(**values)  # type: ignore[arg-type]
