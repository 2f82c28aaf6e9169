"""The negotiation aid for one project: shares the most owners would accept, or what is missing.

The consent target follows Civil Code art. 278 as the office applies it to an elevator: a share (3/4 by
default) of the unit's households by count and by exclusive area. Every household of the unit counts as a
participant here, so "3/4 of participants" means 3/4 of all households (a stricter reading than counting
only those who vote).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from fractions import Fraction
from typing import TYPE_CHECKING

from django.utils.translation import get_language

from anju.consultations import queries as consultation_queries
from anju.core.errors import NotFound
from anju.domain.costshare import Household, plain_yuan
from anju.domain.costshare.negotiation import ConsentTarget, Negotiation, negotiate
from anju.domain.errors import DomainError
from anju.elevators import queries
from anju.elevators.forms import NegotiationInput
from anju.elevators.models import ElevatorProject, ProjectHousehold

if TYPE_CHECKING:
    from anju.core.access import User


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


# Number questions whose answers can be read as an amount: the unit they were asked in → 元 per unit.
YUAN_PER_UNIT = {"": 1, "元": 1, "万元": 10_000}


@dataclass(frozen=True)
class WillingnessSource:
    """A number question of a consultation covering the project's unit, offered as willingness to pay."""

    question: consultation_queries.Question  # a consultation's number question, read through its queries

    @property
    def key(self) -> str:
        return f"{self.question.consultation_id}:{self.question.pk}"

    @property
    def label(self) -> str:
        c = self.question.consultation
        unit = f"（{self.question.unit_label}）" if self.question.unit_label else ""
        return f"{c.title} · {c.scope_label} · {c.get_status_display()} · {self.question.order}. {self.question.text}{unit}"


@dataclass(frozen=True)
class LoadedWillingness:
    source: WillingnessSource
    values: dict[str, str]  # room -> 元 as typed in the form ("35000.00"); rooms without an answer left out
    filled: int
    total: int


def willingness_sources(project: ElevatorProject, user: User) -> list[WillingnessSource]:
    """Number questions (in 元 or 万元) of opened consultations the user may see whose scope contains the unit:
    the unit itself, its building or its whole compound. Newest consultation first."""
    return [WillingnessSource(q) for q in
            consultation_queries.number_questions_covering(user, project.unit, unit_labels=YUAN_PER_UNIT)]


def _fen(answer: object, yuan_per_unit: int) -> int | None:
    """An answer as fen, rounded down (nobody is taken to pay more than they said); None if not a number."""
    try:
        number = Decimal(str(answer).strip()) * yuan_per_unit
    except InvalidOperation:
        return None
    if not number.is_finite() or number < 0:
        return None
    return int((number * 100).to_integral_value(rounding=ROUND_DOWN))


def willingness_load(project: ElevatorProject, user: User, key: str) -> LoadedWillingness:
    """Each room's answer to the chosen question, as counted now (the counted ballot or a later correction).

    `key` is a `WillingnessSource.key`; NotFound when it names no question offered to this user for this
    project. Rooms whose household has no counted answer stay out of `values` (blank on the form).
    """
    source = next((s for s in willingness_sources(project, user) if s.key == key), None)
    if source is None:
        raise NotFound("找不到这道意愿题", "No such willingness question")
    rooms = {r.household_id: r.household.room for r in queries.project_rows(project)}
    per_unit = YUAN_PER_UNIT[source.question.unit_label]
    values: dict[str, str] = {}
    for household_id, answer in consultation_queries.counted_answers(source.question, rooms).items():
        fen = _fen(answer, per_unit)
        if fen is not None:
            values[rooms[household_id]] = plain_yuan(fen)
    return LoadedWillingness(source, values, len(values), len(rooms))
