"""Consultations API: consultations, questions, ballots (staff) and the tally, scoped by the caller
like the pages (404 outside the scope). Fractions are strings ("5/6"), areas m² strings."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from anju.consultations import queries, queries_election, services
from anju.consultations.access import (
    Action,
    access_ballot,
    access_consultation,
    access_question,
    consultation_scope,
    consultations_for,
    elector_by_key,
    require_edit,
)
from anju.consultations.models import Ballot, Consultation
from anju.core import paging
from anju.core.audit import Actor
from anju.core.bounds import Cursor, Id, Offset, limit
from anju.domain.consent.jsonio import result_json

# Bearer first: with the API's default order (session, then bearer) ninja's session CSRF check
# refuses a bearer POST before the bearer is tried.
router = Router(tags=["consultations 意见征求与表决"])


class ConsultationOut(Schema):
    id: int
    title: str
    compound_id: int
    compound: str
    building_id: int | None
    unit_id: int | None
    scope: str
    round: int
    predecessor_id: int | None
    status: str
    open_ballots: bool
    opens_at: str | None
    closes_at: str | None
    description: str = Field("", description="what residents read on the vote page: sanitised HTML")


class QuestionOut(Schema):
    id: int
    order: int
    kind: str
    text: str
    choices: list[str]
    unit_label: str
    rule: Any = None
    seats: int | None = Field(None, description="election: the seats to fill (candidates are the choices)")


DESCRIPTION_IN = ("what residents read on the vote page: HTML is kept to the notices' allowlist (no script, "
                  "handler or style), plain text becomes paragraphs")


class ConsultationIn(Schema):
    compound_id: Id
    building_id: Id | None = None
    unit_id: Id | None = None
    title: str
    description: str = Field("", description=DESCRIPTION_IN)
    open_ballots: bool = Field(False, description="publish the ballot list by room (only where the owners' rules "
                                                  "require open ballots); default: by receipt alias")
    template: str | None = Field(None, description="household5 | renovation_items | elevator")


class QuestionIn(Schema):
    kind: str = Field(..., description="yes_no | single | multiple | number | text | election")
    text: str
    choices: list[str] = Field([], description="the choices; for an election, the candidates' names")
    unit_label: str = ""
    # Bounded like every integer the API takes; the service then holds it to the number of candidates.
    seats: int | None = Field(None, ge=1, le=999, description="election: seats to fill, 1 to the number of candidates")
    rule: Any = Field(None, description='{"rule": "civil-code-278-major" | {...}, "extra": [...]}')


class BallotIn(Schema):
    household_key: str = Field(..., description='"3-1-501": building-unit-room')
    answers: dict[str, Any] = Field(..., description="question id -> yes|no|abstain, a choice, [choices], number, "
                                                     "text; election: [candidates], at most seats ([]: chose nobody)")
    channel: str = Field("paper", description="paper | door (online ballots are the household's own)")
    signer: str = ""


class BallotOut(Schema):
    id: int
    household_key: str
    channel: str
    state: str
    receipt: str
    answers: dict[str, Any]
    entered_by: str
    cast_at: str


class ResolveIn(Schema):
    reason: str


class TallyOut(Schema):
    eligible: int
    heard: int
    eligible_area: str
    heard_area: str
    conflicts: int
    owner_conflicts: int = Field(..., description="owners whose flats voted differently; see /owner-conflicts")
    by_channel: dict[str, int]
    questions: list[dict[str, Any]]
    not_heard: list[str]
    digest: str


def _c(c: Consultation) -> dict:
    return {"id": c.pk, "title": c.title, "compound_id": c.compound_id, "compound": c.compound.name,
            "building_id": c.building_id, "unit_id": c.unit_id, "scope": c.scope_label, "round": c.round,
            "predecessor_id": c.predecessor_id, "status": c.status, "open_ballots": c.open_ballots,
            "opens_at": c.opens_at.isoformat() if c.opens_at else None,
            "closes_at": c.closes_at.isoformat() if c.closes_at else None, "description": c.description}


def _b(b: Ballot) -> dict:
    return {"id": b.pk, "household_key": b.elector.key, "channel": b.channel, "state": b.state, "receipt": b.receipt,
            "answers": b.answers, "entered_by": b.entered_by_label, "cast_at": b.cast_at.isoformat()}


def _access(request: HttpRequest, pk: Id) -> Consultation:
    return access_consultation(request.user, pk, action=Action.VIEW)


def _edit(request: HttpRequest, pk: Id) -> tuple[Consultation, Actor]:
    return access_consultation(request.user, pk, action=Action.EDIT), Actor.of(request.user)


@router.get("/consultations", response=list[ConsultationOut])
def list_consultations(request: HttpRequest, response: HttpResponse, limit: limit(1000) = 500,
                       cursor: Cursor | None = None):
    """Newest first, `limit` a page; X-Next-Cursor (and Link rel="next") the `cursor` of the next page."""
    return [_c(c) for c in paging.page(consultations_for(request.user), limit=limit, cursor=cursor, offset=0,
                                       request=request, response=response)]


@router.post("/consultations", response={201: ConsultationOut})
def create_consultation(request: HttpRequest, data: ConsultationIn):
    require_edit(request.user)
    actor = Actor.of(request.user)
    compound, building, unit = consultation_scope(request.user, compound=data.compound_id, building=data.building_id,
                                                  unit=data.unit_id)
    c = services.consultation_create(compound=compound, building=building, unit=unit, title=data.title,
                                     description=data.description, open_ballots=data.open_ballots, actor=actor)
    if data.template:
        services.questions_from_template(consultation=c, template=data.template, actor=actor)
    return Status(201, _c(c))


@router.get("/consultations/{pk}", response=ConsultationOut)
def consultation_detail(request: HttpRequest, pk: Id):
    return _c(_access(request, pk))


@router.get("/consultations/{pk}/questions", response=list[QuestionOut])
def list_questions(request: HttpRequest, pk: Id):
    return list(_access(request, pk).questions.all())


@router.post("/consultations/{pk}/questions", response={201: QuestionOut})
def add_question(request: HttpRequest, pk: Id, data: QuestionIn):
    c, actor = _edit(request, pk)
    q = services.question_add(consultation=c, actor=actor, kind=data.kind, text=data.text, choices=data.choices,
                              unit_label=data.unit_label, rule=data.rule, seats=data.seats)
    return Status(201, q)


@router.post("/consultations/{pk}/open", response=ConsultationOut)
def open_consultation(request: HttpRequest, pk: Id):
    c, actor = _edit(request, pk)
    return _c(services.consultation_open(consultation=c, actor=actor))


@router.post("/consultations/{pk}/close", response=ConsultationOut)
def close_consultation(request: HttpRequest, pk: Id):
    c, actor = _edit(request, pk)
    return _c(services.consultation_close(consultation=c, actor=actor))


class DescriptionIn(Schema):
    description: str = Field(..., description=DESCRIPTION_IN)


@router.post("/consultations/{pk}/description", response=ConsultationOut)
def describe(request: HttpRequest, pk: Id, data: DescriptionIn):
    """Write or change the proposal residents read on the vote page (refused once the consultation closed)."""
    c, actor = _edit(request, pk)
    return _c(services.consultation_describe(consultation=c, description=data.description, actor=actor))


class NextRoundIn(Schema):
    only_failed: bool = Field(True, description="copy only the yes/no questions that did not pass (and the others)")
    title: str = ""


@router.post("/consultations/{pk}/next-round", response={201: ConsultationOut})
def next_round(request: HttpRequest, pk: Id, data: NextRoundIn):
    """Round n+1 of a closed consultation, linked to it."""
    c, actor = _edit(request, pk)
    c = services.next_round(consultation=c, actor=actor, only_failed=data.only_failed, title=data.title)
    return Status(201, _c(c))


@router.get("/consultations/{pk}/ballots", response=list[BallotOut])
def list_ballots(request: HttpRequest, response: HttpResponse, pk: Id, channel: str = "", state: str = "",
                 limit: limit(2000) = 1000, offset: Offset = 0, cursor: Cursor | None = None):
    """Every ballot as cast, history included (replaced and set-aside ballots keep their state), in the order
    cast; `channel` (online, paper, door) and `state` filter like the page. X-Total-Count on the first page says how
    many match; X-Next-Cursor (and Link rel="next") the `cursor` of the next page."""
    c = _access(request, pk)
    rows = queries.ballots_of(c, channel=channel, state=state).order_by("id")
    return [_b(b) for b in paging.page(rows, limit=limit, cursor=cursor, offset=offset, request=request,
                                                  response=response)]


@router.post("/consultations/{pk}/ballots", response={201: BallotOut})
def cast_ballot(request: HttpRequest, pk: Id, data: BallotIn):
    """Staff enter a ballot for a named household (same write path as every channel)."""
    c, actor = _edit(request, pk)
    b = services.paper_ballot_cast(consultation=c, household=elector_by_key(c, data.household_key),
                                   answers=data.answers, channel=data.channel, actor=actor, signer=data.signer)
    return Status(201, _b(b))


@router.post("/consultations/{pk}/ballots/{ballot_id}/resolve", response=BallotOut)
def resolve_conflict(request: HttpRequest, pk: Id, ballot_id: Id, data: ResolveIn):
    c, actor = _edit(request, pk)
    ballot = access_ballot(request.user, ballot_id, action=Action.EDIT, consultation=c)
    return _b(services.conflict_resolve(ballot=ballot, actor=actor, reason=data.reason))


def election_json(o: queries_election.ElectionOutcome) -> dict[str, Any]:
    """An election's count per candidate: votes (owners), area, art. 278 thresholds met, status."""
    return {"seats": o.seats, "final": o.final, "turnout_met": o.turnout_met, "participants": o.participants,
            "participant_area": str(o.participant_area), "elected": list(o.elected), "tied": list(o.tied),
            "vacant": o.vacant,
            "candidates": [{"name": r.name, "votes": r.votes, "area": str(r.area), "passed": r.passed,
                            "status": r.status, "status_label": r.status_label, "rank": r.rank}
                           for r in o.candidates]}


@router.get("/consultations/{pk}/tally", response=TallyOut)
def tally(request: HttpRequest, pk: Id):
    """The live tally: each yes/no question with the engine's result (conditions, missing)."""
    c = _access(request, pk)
    t = queries.tally(c)
    questions = []
    for qt in t.questions:
        questions.append({
            "id": qt.question.pk, "order": qt.question.order, "kind": qt.question.kind, "text": qt.question.text,
            "answered": qt.answered, "result": result_json(qt.result) if qt.result else None, "error": qt.error,
            "owner_conflicts": qt.owner_conflicts,
            "election": election_json(qt.election) if qt.election else None,
            "choices": dict(qt.choices), "by_channel": {r.label: {"households": r.households, "yes": r.yes, "no": r.no,
                                                                   "abstain": r.abstain} for r in qt.by_channel},
            "by_floor": {r.label: {"households": r.households, "eligible": r.eligible, "yes": r.yes, "no": r.no,
                                   "abstain": r.abstain} for r in qt.by_floor},
        })
    return {"eligible": t.eligible, "heard": t.heard, "eligible_area": str(t.eligible_area),
            "heard_area": str(t.heard_area), "conflicts": t.conflicts, "owner_conflicts": t.owner_conflicts,
            "by_channel": t.by_channel,
            "questions": questions, "not_heard": [e.key for e in queries.not_heard(c)],
            "digest": queries.digest(queries.canonical_lines(c))}


class OwnerPartOut(Schema):
    household_key: str
    area: str
    source: str | None = Field(..., description="receipt (or C<id> for a correction) of what counts; null: none")
    votes: dict[str, str | None] = Field(..., description="question id -> yes|no|abstain|null")


class OwnerConflictOut(Schema):
    owner_key: str
    question_ids: list[int] = Field(..., description="the yes/no questions on which the flats disagree")
    parts: list[OwnerPartOut]


class SettleIn(Schema):
    owner_key: str
    question_id: Id
    vote: str = Field(..., description="yes | no | abstain: the vote that stands for this owner")
    reason: str


@router.get("/consultations/{pk}/owner-conflicts", response=list[OwnerConflictOut])
def list_owner_conflicts(request: HttpRequest, pk: Id):
    """Owners whose flats voted differently on a yes/no question (counted as one owner: SPC art. 9)."""
    found = queries.owner_conflicts(_access(request, pk))
    return [{"owner_key": o.owner_key, "question_ids": [q.pk for q in o.questions],
             "parts": [{"household_key": p.elector.key, "area": str(p.elector.area),
                        "source": p.current.receipt if p.current else None,
                        "votes": {str(q.pk): v for q, v in zip(found.questions, p.votes, strict=True)}}
                       for p in o.parts]}
            for o in found.owners]


@router.post("/consultations/{pk}/owner-conflicts/settle", response={201: dict[str, Any]})
def settle_owner_conflict(request: HttpRequest, pk: Id, data: SettleIn):
    """Record which vote stands for an owner on one question, with the reason (audited)."""
    c, actor = _edit(request, pk)
    question = access_question(request.user, data.question_id, action=Action.EDIT, consultation=c)
    s = services.owner_conflict_settle(consultation=c, question=question, owner_key=data.owner_key, vote=data.vote,
                                       reason=data.reason, actor=actor)
    return Status(201, {"id": s.pk, "owner_key": s.owner_key, "question_id": question.pk, "vote": s.vote})
