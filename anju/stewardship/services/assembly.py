"""The first owners' assembly meeting as a consultation: its election question elects the committee.

Electing the committee is a decision reserved to the owners (Civil Code art. 278 (3)), counted as an
ordinary matter: the consultations app counts it (`consultations.queries_election`), each candidate
elected only with the art. 278 turnout and more than half of the participants by area and by owners.
Here the formation case opens that vote with its candidates and seats, and, once the vote has
closed, seats the elected as the case's first committee (`committee_elect(case=…)`).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from anju.consultations import queries as consultation_queries
from anju.consultations import services as consultation_services
from anju.core import audit
from anju.core.audit import Actor
from anju.core.errors import Conflict, ValidationFailed
from anju.stewardship.models import Committee, FormationCase
from anju.stewardship.services.committee import NewMember, committee_elect
from anju.stewardship.services.formation import step_record
from anju.stewardship.services.publicity import numbered_candidates

ELECTION, CLOSED = "election", "closed"  # the consultations app's QuestionKind and Status values


@transaction.atomic
def assembly_vote_open(
    *, case: FormationCase, actor: Actor, title: str = "", closes_at: datetime.datetime | None = None
) -> FormationCase:
    """Open the first assembly meeting's vote: a consultation of the compound whose election question
    lists the case's candidates and fills its seats (refused without seats or with too few candidates)."""
    case = FormationCase.objects.select_for_update(of=("self",)).select_related("compound").get(pk=case.pk)
    if case.closed:
        raise Conflict("该筹备已结束。", "This formation case is closed.")
    if case.assembly_id is not None:
        raise Conflict(
            "首次业主大会会议的表决已经发起。", "The first assembly meeting's vote is already open."
        )
    if case.seats is None:
        raise ValidationFailed("请先确定应选委员人数。", "Set the number of seats first.", field="seats")
    names = [label for label, _ in numbered_candidates(case)]
    if len(names) < case.seats:
        raise ValidationFailed(f"应选名额（{case.seats} 名）多于候选人数（{len(names)} 人）。",
                               "More seats than candidates.", field="seats")
    compound = case.compound
    consultation = consultation_services.consultation_create(
        compound=compound,
        title=title.strip() or f"{compound.name}首次业主大会会议",
        closes_at=closes_at,
        actor=actor,
    )
    consultation_services.question_add(
        consultation=consultation,
        kind=ELECTION,
        text="选举第一届业主委员会委员（民法典第二百七十八条）",
        choices=names,
        seats=case.seats,
        actor=actor,
    )
    consultation_services.consultation_open(consultation=consultation, actor=actor)
    case.assembly = consultation
    case.save(update_fields=["assembly"])
    audit.record(
        actor=actor,
        action="formation_step",
        obj=case,
        before=None,
        after={
            "step": "assembly_vote",
            "consultation": consultation.pk,
            "seats": case.seats,
            "candidates": names,
        },
        subdistrict_id=compound.subdistrict_id,
    )
    return case


@transaction.atomic
def committee_from_election(*, case: FormationCase, term_years: int, actor: Actor) -> Committee:
    """Seat the candidates the closed assembly vote elected as the case's first committee; its
    election day is the day the vote closed. Refused while the vote is open, with a tie for the last
    seats (the rules of procedure decide first) or when nobody was elected."""
    case = FormationCase.objects.select_for_update(of=("self",)).select_related("compound", "assembly").get(pk=case.pk)
    consultation = case.assembly
    if consultation is None:
        raise ValidationFailed(
            "该筹备还没有发起首次业主大会会议的表决。", "The case has no assembly vote yet.", field="assembly"
        )
    if consultation.status != CLOSED:
        raise Conflict(
            "首次业主大会会议的表决尚未截止，截止后才能确定当选委员。",
            "The assembly vote has not closed: the elected are known once it closes.",
        )
    result = consultation_queries.election_result(consultation)
    if result.tied:
        raise Conflict(
            f"{'、'.join(result.tied)}票数相同，请先依议事规则确定当选人（如另行选举）。",
            "Candidates are tied for the last seats: the rules of procedure decide first.",
        )
    if not result.elected:
        raise Conflict(
            "本次选举无人当选，不能产生业主委员会。", "Nobody was elected: no committee can be seated."
        )
    people = {label: c.person for label, c in numbered_candidates(case)}
    missing = [n for n in result.elected if n not in people]
    if missing:
        raise ValidationFailed(
            f"当选人{'、'.join(missing)}不在本筹备的候选人中。",
            f"Elected but not a candidate of this case: {', '.join(missing)}.",
            field="assembly",
        )
    closed_on = timezone.localdate(consultation.closed_at) if consultation.closed_at else timezone.localdate()
    if case.elected_on is None:
        case = step_record(case=case, step="elected_on", on=closed_on, actor=actor)
    return committee_elect(
        compound=case.compound,
        elected_on=None,
        term_years=term_years,
        case=case,
        actor=actor,
        members=[NewMember(person=people[n]) for n in result.elected],
        election_ref=(notice.title if (notice := case.result_notice) else f"{consultation.title}表决结果公示")[:120],
    )
