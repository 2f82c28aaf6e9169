"""Owners whose flats voted differently (SPC interpretation art. 9: one owner, one vote): on a yes/no
question as the consent engine finds them, or on an election as its count refuses them; the
owner-conflicts page and 我的待办 read them here."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from anju.consultations.models import Consultation, Elector, Question, QuestionKind
from anju.consultations.queries_election import split_owners
from anju.domain.consent import owner_conflicts as engine_owner_conflicts

if TYPE_CHECKING:
    from anju.consultations.queries import Current, ElectorRow


@dataclass(frozen=True)
class OwnerPart:
    """One flat of an owner in conflict: what counts for it and its vote on each yes/no question."""

    elector: ElectorRow
    current: Current | None
    votes: list[Any]  # aligned with `OwnerConflicts.questions`: "yes"/"no"/"abstain", or the candidates chosen


@dataclass(frozen=True)
class OwnerConflict:
    owner_key: str
    owner_ids: list[int]  # Person ids of every owner in the group, at the freeze
    parts: list[OwnerPart]
    questions: list[Question]  # the yes/no questions on which the flats disagree


@dataclass(frozen=True)
class OwnerConflicts:
    questions: list[Question]  # every yes/no and election question: the columns of the page
    owners: list[OwnerConflict]


def owner_conflicts(consultation: Consultation) -> OwnerConflicts:
    """Owners whose flats carry different votes on a yes/no question, as the engine finds them, or chose
    different candidates on an election: the tally of that question waits until staff settle which
    vote stands (`owner_conflict_settle`; an election's choice is settled by a re-submitted ballot
    before the close or a correction after it)."""
    from anju.consultations.queries import counts_owners, current_answers, electors, engine_households

    people = electors(consultation)
    current = current_answers(consultation)
    columns = [q for q in consultation.questions.all() if q.kind in (QuestionKind.YES_NO, QuestionKind.ELECTION)]
    if not people:  # a draft has no electorate yet
        return OwnerConflicts(columns, [])
    disputed: dict[str, list[Question]] = {}
    for q in columns:
        if q.kind == QuestionKind.ELECTION:  # every election counts owners (art. 278): flats must agree
            for owner in split_owners(q, people, current):
                disputed.setdefault(owner, []).append(q)
        elif counts_owners(q):
            for c in engine_owner_conflicts(engine_households(q, people, current)):
                disputed.setdefault(c.owner, []).append(q)
    if not disputed:
        return OwnerConflicts(columns, [])
    owner_ids: dict[str, set[int]] = defaultdict(set)
    for key, ids in Elector.objects.filter(consultation=consultation, owner_key__in=list(disputed)).values_list(
            "owner_key", "owner_ids"):
        owner_ids[key].update(ids)
    parts: dict[str, list[OwnerPart]] = defaultdict(list)
    for e in people:
        if e.owner_key in disputed:
            counted = current.get(e.pk)
            parts[e.owner_key].append(OwnerPart(e, counted, [counted.answers.get(str(q.pk)) if counted else None
                                                            for q in columns]))
    owners = [OwnerConflict(key, sorted(owner_ids[key]), parts[key], disputed_qs)
              for key, disputed_qs in disputed.items()]
    owners.sort(key=lambda o: o.parts[0].elector.key)
    return OwnerConflicts(columns, owners)
