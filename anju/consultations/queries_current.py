"""What counts now, the basis of every read of a consultation: the frozen electorate as plain rows,
each household's current answers (the counted ballot, a later correction, the owners' settlements),
the rule of a yes/no question and the engine's result on it. Re-exported by `queries`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.utils import timezone

from anju.consultations.models import (
    Ballot,
    BallotState,
    Consultation,
    Correction,
    Elector,
    OwnerSettlement,
    Question,
    Status,
)
from anju.domain.consent import Household as EngineHousehold
from anju.domain.consent import Result, Vote, evaluate
from anju.domain.consent import jsonio as consent_cli


@dataclass(frozen=True)
class Current:
    """What counts for one household now: its answers and where they came from."""

    answers: dict[str, Any]
    channel: str  # online, paper, door, or "correction"
    receipt: str


def current_answers(consultation: Consultation) -> dict[int, Current]:
    """Elector id -> what counts: the latest correction, else the COUNTED ballot, with the votes staff
    settled for owners whose flats disagreed. Conflicting ballots count for nothing until resolved,
    so they are never double-counted."""
    out: dict[int, Current] = {}
    for eid, channel, answers, receipt in Ballot.objects.filter(
            consultation=consultation, state=BallotState.COUNTED).values_list("elector_id", "channel", "answers", "receipt"):
        out[eid] = Current(answers, channel, receipt)
    for eid, answers, pk in Correction.objects.filter(consultation=consultation).order_by("id").values_list(
            "elector_id", "answers", "pk"):
        if answers:
            out[eid] = Current(answers, "correction", f"C{pk}")
        else:
            out.pop(eid, None)
    _apply_settlements(out, OwnerSettlement.objects.filter(consultation=consultation).order_by("id").values_list(
        "question_id", "vote", "basis"))
    return out


def settlement_holds(basis: dict[str, str | None], current: dict[int, Current]) -> bool:
    """A settlement stands only on the ballots it was made on: any later ballot or correction of one
    of the owner's flats (a new receipt) makes it void, and the owner's votes count as cast again."""
    return all((current[int(eid)].receipt if int(eid) in current else None) == receipt
               for eid, receipt in basis.items())


def _apply_settlements(out: dict[int, Current], settlements) -> None:
    # Receipts are kept, so every settlement is checked against the ballots as cast, not as settled.
    for question_id, vote, basis in settlements:
        if not settlement_holds(basis, out):
            continue
        key = str(question_id)
        for eid in map(int, basis):
            c = out.get(eid)
            if c is not None and c.answers.get(key) not in (None, vote):
                out[eid] = Current({**c.answers, key: vote}, "correction", c.receipt)


class ElectorRow(NamedTuple):
    """The frozen electorate as plain rows: model instances cost ~10x more for 10,000 households."""

    pk: int
    key: str
    floor: int
    area: Decimal
    owner_key: str
    alias: str


ROOM = "household__unit__building"  # what `room_label` reads, joined for lists that name rooms


def electors(consultation: Consultation) -> list[ElectorRow]:
    rows = Elector.objects.filter(consultation_id=consultation.pk).order_by("key").values_list(
        "pk", "key", "floor", "area", "owner_key", "alias")
    return [ElectorRow(*row) for row in rows]


def parse_rule(question: Question) -> Any:
    doc = question.rule or {"rule": "civil-code-278-major"}
    return consent_cli.parse_rule(doc["rule"]).with_extra(*consent_cli.parse_extra(doc.get("extra")))


VOTES = {v.value: v for v in Vote}  # a dict lookup: an Enum call was the slowest step of the tally


def engine_households(question: Question, people: list[ElectorRow],
                      current: dict[int, Current]) -> list[EngineHousehold]:
    """The frozen electorate with each household's vote on one yes/no question, as the engine reads it."""
    key = str(question.pk)
    households = []
    for e in people:
        answer = current[e.pk].answers.get(key) if e.pk in current else None
        households.append(EngineHousehold(e.key, e.area, e.owner_key, VOTES.get(answer) or Vote(answer) if answer else None))
    return households


def evaluate_question(question: Question, people: list[ElectorRow], current: dict[int, Current], *,
                      closed: bool) -> Result:
    """The engine's result for one yes/no question over the frozen electorate.

    Raises DomainError while one owner's flats carry different votes (see `owner_conflicts`)."""
    return evaluate(engine_households(question, people, current), parse_rule(question), closed=closed)


def counts_owners(question: Question) -> bool:
    """Whether the question's rule counts heads by owner (art. 278), so one owner's flats must agree;
    a rule counting households lets each flat vote on its own."""
    return parse_rule(question).headcount == "owners"


def is_final(consultation: Consultation) -> bool:
    """No ballot can change any more: closed, or past the closing time (staff still close it formally)."""
    return consultation.status == Status.CLOSED or (
        consultation.closes_at is not None and timezone.now() >= consultation.closes_at)


def question_result(consultation: Consultation, question: Question) -> Result:
    return evaluate_question(question, electors(consultation), current_answers(consultation),
                             closed=is_final(consultation))

