"""Reads of an election question ("elect up to N of these candidates"): the count of
`anju.domain.stewardship.election` over the frozen electorate, as plain values for the pages, the
notice, the API and stewardship (which seats the committee from it)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from anju.consultations.models import Consultation, Question, QuestionKind
from anju.core.errors import ValidationFailed
from anju.domain.errors import DomainError
from anju.domain.stewardship.election import ElectionResult, Part, count

if TYPE_CHECKING:
    from anju.consultations.queries import Current, ElectorRow

STATUS_LABELS = {
    "elected": "当选",
    "tie": "票数相同待定",
    "no_seat": "未获得席位",
    "below_threshold": "未过半数",
    "turnout_not_met": "参与率不足",
}


@dataclass(frozen=True)
class CandidateOutcome:
    name: str
    votes: int  # owners who chose the candidate
    area: Decimal  # their exclusive area, m² (two places)
    passed: bool  # art. 278: turnout met and more than half of participants by area and by owners
    status: str  # elected | tie | no_seat | below_threshold | turnout_not_met
    status_label: str
    rank: int  # 1 = most votes; level candidates share a rank


@dataclass(frozen=True)
class ElectionOutcome:
    question_id: int
    seats: int
    final: bool  # the consultation is closed (or past its closing time): no ballot can change it
    turnout_met: bool
    participants: int  # owners who took part (a ballot, even one choosing nobody)
    participant_area: Decimal
    candidates: tuple[CandidateOutcome, ...]  # by rank, then by name
    elected: tuple[str, ...]
    tied: tuple[str, ...]  # level for the last seats: none of them seated, the rules of procedure decide
    vacant: int


def _area(x: Fraction) -> Decimal:
    return (Decimal(x.numerator) / Decimal(x.denominator)).quantize(Decimal("0.01"))


def outcome(question: Question, result: ElectionResult, *, final: bool) -> ElectionOutcome:
    """Plain values of a count, the same on the page, the notice, the API and for stewardship."""
    rows = tuple(
        CandidateOutcome(
            c.candidate, c.votes, _area(c.area), c.passed, c.status, STATUS_LABELS[c.status], c.rank
        )
        for c in result.candidates
    )
    yes = result.tally.yes
    return ElectionOutcome(
        question.pk, result.seats, final, result.turnout_met, yes.owners, _area(yes.area), rows,
        result.elected, result.tied, result.vacant,
    )  # fmt: skip


def election_count(
    question: Question, people: list[ElectorRow], current: dict[int, Current], *, final: bool
) -> tuple[ElectionOutcome | None, str]:
    """The count of one election question, or None and the engine's refusal (an owner whose flats
    chose differently: staff settle it by a correction before the count)."""
    key = str(question.pk)
    parts = []
    for e in people:
        answer = current[e.pk].answers.get(key) if e.pk in current else None
        parts.append(Part(e.key, e.area, e.owner_key, None if answer is None else frozenset(answer)))
    split = _owners_split(parts)
    if split:
        rooms = "、".join(split)
        return None, (
            f"有业主名下各户勾选的候选人不一致（{rooms}，见“业主意见冲突”页）。同一业主按一人计算（建筑物区分所有权解释第九条）："
            "截止前请该业主为各户重新提交一致的选票，截止后以更正记录处理。"
            f" / An owner's flats chose different candidates ({rooms}); one owner counts once (SPC "
            "interpretation art. 9): before the close the owner re-submits one choice for every flat, after it staff "
            "append a correction."
        )
    try:
        result = count(list(question.choices), question.seats or 0, parts)
    except DomainError as exc:
        return None, f"{exc.zh} / {exc.en}"
    return outcome(question, result, final=final), ""


def _split(parts: list[Part]) -> dict[str, dict[str, frozenset[str]]]:
    chosen: dict[str, dict[str, frozenset[str]]] = {}
    for p in parts:
        if p.owner is not None and p.chosen is not None:
            chosen.setdefault(p.owner, {})[p.id] = p.chosen
    return {owner: flats for owner, flats in chosen.items() if len(set(flats.values())) > 1}


def split_owners(question: Question, people: list[ElectorRow], current: dict[int, Current]) -> list[str]:
    """The owner keys whose flats chose different candidates on `question` (the owner-conflicts page)."""
    key = str(question.pk)
    parts = []
    for e in people:
        answer = current[e.pk].answers.get(key) if e.pk in current else None
        parts.append(Part(e.key, e.area, e.owner_key, None if answer is None else frozenset(answer)))
    return sorted(_split(parts))


def _owners_split(parts: list[Part]) -> list[str]:
    """The flats (as 3栋2单元501室) of owners whose flats' ballots chose different candidates."""
    keys = sorted(key for flats in _split(parts).values() for key in flats)
    return [
        f"{k[0]}栋{k[1]}单元{k[2]}室" if len(k) == 3 else "-".join(k)
        for k in (key.split("-") for key in keys)
    ]


def election_result(consultation: Consultation, question: Question | None = None) -> ElectionOutcome:
    """The result of an election question of `consultation` (its first one by default), as far as
    counted (see `final`): what stewardship seats the committee from.

    Raises ValidationFailed if there is no such election, or while an owner's flats chose
    differently (the count cannot say how that owner voted)."""
    from anju.consultations import queries

    if question is None:
        question = consultation.questions.filter(kind=QuestionKind.ELECTION).order_by("order").first()
    if (
        question is None
        or question.consultation_id != consultation.pk
        or question.kind != QuestionKind.ELECTION
    ):
        raise ValidationFailed(
            "该问题不是本次意见征求的选举题",
            "This question is not an election of this consultation",
            field="question",
        )
    people, current = queries.electors(consultation), queries.current_answers(consultation)
    result, error = election_count(question, people, current, final=queries.is_final(consultation))
    if result is None:
        zh, _, en = error.partition(" / ")
        raise ValidationFailed(zh, en, field="question")
    return result
