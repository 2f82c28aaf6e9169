"""What staff append after checking with the household: a settled vote for an owner whose flats
disagreed, and corrections after the close. Nothing is overwritten: ballots stay as cast.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from anju.consultations.models import (
    Consultation,
    Correction,
    Elector,
    OwnerSettlement,
    Question,
    QuestionKind,
    SettledVote,
    Status,
)
from anju.consultations.queries import counts_owners, current_answers, electors, engine_households
from anju.consultations.services.ballots import answers_validate, elector_of
from anju.core import audit
from anju.core.audit import Actor
from anju.core.errors import Conflict, NotFound, ValidationFailed
from anju.domain.consent import owner_conflicts as consent_owner_conflicts
from anju.roster.models import Household


@transaction.atomic
def owner_conflict_settle(*, consultation: Consultation, question: Question, owner_key: str, vote: str,
                          reason: str, actor: Actor) -> OwnerSettlement:
    """Staff record which vote stands for an owner whose flats voted differently on a yes/no question
    (one owner, one vote: SPC interpretation art. 9), after checking with the owner; the reason is
    required. Nothing is overwritten: the ballots stay as cast and the settlement is appended. It
    holds while those ballots count; a later ballot for one of the flats reopens the question."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status == Status.DRAFT:
        raise Conflict("意见征求尚未开始", "The consultation has not opened yet")
    if question.consultation_id != consultation.pk or question.kind != QuestionKind.YES_NO:
        raise NotFound("本次意见征求没有这道表决题", "This consultation has no such yes/no question")
    if not counts_owners(question):
        raise Conflict("这道题按户计票，每户各自表决，无需统一业主意见",
                       "This question counts households: each flat votes on its own, nothing to settle")
    if vote not in SettledVote.values:
        raise ValidationFailed("请选择同意、不同意或弃权", "Choose yes, no or abstain", field="vote")
    if not reason.strip():
        raise ValidationFailed("请说明以哪种意见为准的理由（如：电话向业主本人核实）",
                               "Give the reason (e.g. confirmed with the owner by phone)", field="reason")
    people = electors(consultation)
    current = current_answers(consultation)
    households = engine_households(question, people, current)
    if owner_key not in {c.owner for c in consent_owner_conflicts(households)}:
        raise Conflict("该业主在这道题上没有待处理的意见冲突（可能刚刚已处理或业主重新表决），请刷新页面",
                       "This owner has no vote conflict on this question (perhaps just settled or revoted); "
                       "reload the page")
    parts = [e for e in people if e.owner_key == owner_key]
    basis = {str(e.pk): current[e.pk].receipt if e.pk in current else None for e in parts}
    before = {h.id: h.vote.value for h in households if h.owner == owner_key and h.vote is not None}
    settlement = OwnerSettlement.objects.create(
        consultation=consultation, question=question, owner_key=owner_key, vote=vote, basis=basis,
        reason=reason.strip()[:300], made_by=actor.user, made_by_label=actor.label)
    audit.record(actor=actor, action="consultation.owner_settle", obj=consultation,
                 before={"question": question.order, "owner": owner_key, "votes": before},
                 after={"question": question.order, "owner": owner_key, "vote": vote, "reason": settlement.reason},
                 subdistrict_id=consultation.subdistrict_id)
    return settlement


@transaction.atomic
def correction_append(*, consultation: Consultation, household: Household | Elector, answers: Mapping[str, Any],
                      reason: str, actor: Actor) -> Correction:
    """After the close: append a correction of one household's answers (the latest one counts);
    `answers={}` counts the household as not heard. Nothing is overwritten."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status != Status.CLOSED:
        raise Conflict("截止前请直接录入表决票；更正只用于截止之后",
                       "Before the close enter a ballot; corrections are for after the close")
    if not reason.strip():
        raise ValidationFailed("请说明更正原因", "Give the reason for the correction", field="reason")
    elector = elector_of(consultation, household)
    clean = answers_validate(list(consultation.questions.all()), answers) if answers else {}
    c = Correction.objects.create(consultation=consultation, elector=elector, answers=clean, reason=reason.strip()[:300],
                                  made_by=actor.user, made_by_label=actor.label)
    audit.record(actor=actor, action="consultation.correction", obj=consultation, before=None,
                 after={"household": elector.key, "answers": clean, "reason": c.reason},
                 subdistrict_id=consultation.subdistrict_id)
    return c
