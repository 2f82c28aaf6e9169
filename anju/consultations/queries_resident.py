"""Reads for the pages a household opens from its letter: what it is asked to decide (the proposal,
its own elevator share), and 我的家 (its consultations with its own answers, statements, notices).

Each function takes the household the letter session holds; nothing here reads another household.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from anju.consultations.models import (
    Ballot,
    BallotState,
    Consultation,
    Correction,
    Elector,
    HomeSuggestion,
    Question,
    QuestionKind,
    Status,
)
from anju.core.pdf import issuing_unit
from anju.core.sanitise import html_to_text
from anju.elevators.queries import household as elevators
from anju.participation import queries as participation
from anju.roster.models import Household

ELEVATOR_TEMPLATE_KEY = "elevator"  # question_templates: 您是否同意（为您所在）本单元加装电梯？


@dataclass(frozen=True)
class Proposal:
    """What the vote page and the letter say about what is being decided, for one household."""

    description: str  # sanitised HTML
    summary: str  # the description as plain text, shortened for the printed letter
    elevator: bool  # the consultation asks whether to add an elevator
    share: elevators.HouseholdShare | None  # the household's share under its unit's newest plan
    closes_at: datetime | None
    phone: str  # the community's help phone (the sub-district's when the community has none)


def asks_about_elevator(consultation: Consultation) -> bool:
    return consultation.questions.filter(template_key=ELEVATOR_TEMPLATE_KEY).exists()


def help_phone(consultation: Consultation) -> str:
    """The phone residents call about this consultation: its community's, else the sub-district's."""
    return issuing_unit(consultation.compound)["issuer"].phone


def proposal(consultation: Consultation, household_id: int, *, summary_chars: int = 240) -> Proposal:
    """The consultation's description and, for an elevator vote, the household's own share (None: no share yet)."""
    elevator = asks_about_elevator(consultation)
    return Proposal(description=consultation.description,
                    summary=html_to_text(consultation.description, limit=summary_chars),
                    elevator=elevator, share=elevators.household_share(household_id) if elevator else None,
                    closes_at=consultation.closes_at, phone=help_phone(consultation))


def answers_read(questions: Iterable[Question], answers: dict[str, Any]) -> list[tuple[Question, str]]:
    """Each question with the household's answer as it reads (同意 / 不同意 / 弃权, the choice, or 未作答)."""
    labels = {"yes": _("同意"), "no": _("不同意"), "abstain": _("弃权")}
    out = []
    for q in questions:
        a = answers.get(str(q.pk))
        if q.kind == QuestionKind.ELECTION and a == []:
            out.append((q, _("未选任何候选人")))
            continue
        if isinstance(a, list):
            a = "、".join(a)
        out.append((q, labels.get(a, str(a)) if a not in (None, "") else _("未作答")))
    return out


@dataclass(frozen=True)
class HomeConsultation:
    """One consultation of the household, with what it answered (empty when it has not)."""

    consultation: Consultation
    elector: Elector
    is_open: bool
    answered: list[tuple[Question, str]]
    source: str  # "ballot", "conflict" (two ballots, staff decide), "correction", or "" (not answered)
    receipt: str
    this_letter: bool  # the consultation of the letter the browser holds: the resident may vote on it here


def household_consultations(household_id: int, *, letter_elector_id: int | None = None) -> list[HomeConsultation]:
    """The household's consultations that have opened (a draft has no electorate yet), open ones first,
    each with its own answers: a correction after the close, else its counted ballot, else a ballot
    waiting for staff to settle a paper/online conflict."""
    electors = list(Elector.objects.filter(household_id=household_id)
                    .select_related("consultation__compound").prefetch_related("consultation__questions")
                    .order_by("-consultation__opened_at", "-consultation_id"))
    ids = [e.pk for e in electors]
    ballots: dict[int, Ballot] = {}
    for b in Ballot.objects.filter(elector_id__in=ids, state__in=[BallotState.COUNTED, BallotState.CONFLICT]).order_by("id"):
        if b.elector_id not in ballots or b.state == BallotState.COUNTED:
            ballots[b.elector_id] = b
    corrections = {c.elector_id: c for c in Correction.objects.filter(elector_id__in=ids).order_by("id")}
    rows = []
    for e in electors:
        c = e.consultation
        questions = list(c.questions.all())
        answers: dict[str, Any] = {}
        source = receipt = ""
        if e.pk in corrections:
            answers, source = corrections[e.pk].answers, "correction"
        elif e.pk in ballots:
            b = ballots[e.pk]
            answers, receipt = b.answers, b.receipt
            source = "ballot" if b.state == BallotState.COUNTED else "conflict"
        rows.append(HomeConsultation(consultation=c, elector=e, is_open=c.status == Status.OPEN,
                                     answered=answers_read(questions, answers) if source else [], source=source,
                                     receipt=receipt, this_letter=e.pk == letter_elector_id))
    rows.sort(key=lambda r: not r.is_open)
    return rows


@dataclass(frozen=True)
class Home:
    household: Household
    consultations: list[HomeConsultation]
    statements: list[elevators.HouseholdShare]
    notices: list[Any]  # participation notices, published, for the compound and this building
    suggestions: list[Any]  # participation suggestions the household sent from 我的家, with their replies
    categories: list[tuple[str, str]]
    phone: str


def home(household: Household, *, letter_elector_id: int | None = None, notices: int = 20) -> Home:
    """Everything 我的家 lists for one household."""
    building = household.unit.building
    return Home(household=household,
                consultations=household_consultations(household.pk, letter_elector_id=letter_elector_id),
                statements=elevators.household_statements(household.pk),
                notices=list(participation.notices_for_place(household.compound, building)[:notices]),
                suggestions=list(participation.suggestions_by_receipt(
                    HomeSuggestion.objects.filter(household=household).values_list("receipt_code", flat=True))),
                categories=participation.suggestion_categories(),
                phone=issuing_unit(household.compound)["issuer"].phone)
