"""The negotiation aid for one project: shares the most owners would accept, or what is missing.

The consent target follows Civil Code art. 278 as the office applies it to an elevator: a share (3/4 by
default) of the unit's households by count and by exclusive area. Every household of the unit counts as a
participant here, so "3/4 of participants" means 3/4 of all households (a stricter reading than counting
only those who vote).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import get_language

from anju.domain.costshare import Household
from anju.domain.costshare.negotiation import ConsentTarget, Negotiation, negotiate
from anju.domain.errors import DomainError
from anju.elevators import queries
from anju.elevators.forms import NegotiationInput
from anju.elevators.models import ElevatorProject, ProjectHousehold


@dataclass
class NegotiationView:
    rows: list[ProjectHousehold]
    net: int
    gross: int
    subsidy: int
    target: ConsentTarget
    total_count: int
    total_area: Fraction
    result: Negotiation | None
    errors: dict[str, str]
    willingness: dict[str, int | None]

    @property
    def message(self) -> str:
        if self.result is None:
            return ""
        return self.result.message_zh if (get_language() or "zh").startswith("zh") else self.result.message_en


def _field(error: DomainError) -> str:
    name = error.field or "general"
    if name.startswith("willingness."):
        return "will_" + name.removeprefix("willingness.")
    if name.startswith("bounds."):
        return "min_" + name.removeprefix("bounds.")
    return "subsidy" if name == "net" else "general"


def _reference(project: ElevatorProject, subsidy: int | None) -> dict[str, int] | None:
    """The shares of the project's own method for the same net: among equally accepted shares, the closest."""
    try:
        document = queries.quote_document(project, queries.method_key(project), queries.Scenario(subsidy=subsidy))
        return queries.allocate(document).amounts()
    except DomainError:
        return None  # the method does not apply (e.g. a 6-storey table on a 7-storey unit): an equal split


def run(project: ElevatorProject, data: NegotiationInput | None) -> NegotiationView:
    """Solve when `data` is given (and has no field errors); otherwise just the page's figures."""
    rows = queries.project_rows(project)
    gross = queries.gross_of(project)
    subsidy = sum(s.amount for s in project.subsidies.all())
    if data is not None and data.subsidy is not None:
        subsidy = data.subsidy
    compensation = sum(c.amount for c in project.compensations.all())
    net = gross - subsidy + compensation
    households = [Household(id=r.household.room, floor=r.household.floor, area=r.household.exclusive_area,
                            participates=r.participates, exempt=r.exempt) for r in rows]
    total_area = sum((h.area for h in households), Fraction(0))  # type: ignore[misc]
    share = data.share if data is not None else Fraction(3, 4)
    target = ConsentTarget(min_yes=math.ceil(share * len(households)), min_yes_area=share * total_area)
    errors = dict(data.errors) if data is not None else {}
    result = None
    if data is not None and not errors:
        if net < 0:
            zh = get_language() or "zh"
            errors["subsidy"] = "补贴超过费用合计" if zh.startswith("zh") else "the subsidy exceeds the costs"
        else:
            try:
                result = negotiate(households, net, data.willingness, target=target,
                                   exempt_floors=data.exempt_floors, bounds=data.bounds,
                                   reference=_reference(project, data.subsidy))
            except DomainError as error:
                errors[_field(error)] = error.message(get_language() or "zh-hans")
    willingness = data.willingness if data is not None else {}
    return NegotiationView(rows, net, gross, subsidy, target, len(households), total_area, result, errors, willingness)
