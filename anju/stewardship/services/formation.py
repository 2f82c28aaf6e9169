"""Forming a compound's owners' assembly (业主大会筹备): the case, its applicants, group and candidates.

The 街道 guides the owners (Civil Code art. 277); every step's date is recorded here and its
deadline comes from the rule set (queries.case_timeline). The checks that make a step lawful are
the domain's (`anju.domain.stewardship.bodies`): an odd preparatory group with enough owners,
a committee of the allowed size, candidates who are owners and not barred.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from anju.core import audit
from anju.core.audit import Actor
from anju.core.errors import AnjuError, Conflict, ValidationFailed
from anju.domain.errors import DomainError
from anju.domain.stewardship import bodies
from anju.roster.models import Building, Compound, Household, Person
from anju.stewardship import queries
from anju.stewardship.models import Applicant, Candidate, FormationCase, GroupMember

# The steps in the order they happen: a step's date may not come before the one it follows.
ORDER = ("applied_on", "reviewed_on", "group_formed_on", "group_published_on", "publicity_on", "elected_on",
         "first_meeting_on", "filed_on")
PLANNED = "assembly_planned_on"


def _invalid(error: DomainError) -> AnjuError:
    return ValidationFailed.from_domain(error)


def _audit(case: FormationCase, actor: Actor, what: str, after: dict[str, object]) -> None:
    audit.record(actor=actor, action="formation_step", obj=case, before=None, after={"step": what, **after},
                 subdistrict_id=case.compound.subdistrict_id)


@transaction.atomic
def case_open(*, compound: Compound, applied_on: datetime.date, note: str = "", actor: Actor) -> FormationCase:
    if applied_on > timezone.localdate():
        raise ValidationFailed("申请日期不能晚于今天。", "The application date cannot be in the future.", field="applied_on")
    Compound.objects.select_for_update().get(pk=compound.pk)
    if FormationCase.objects.filter(compound=compound, closed=False).exists():
        raise Conflict("该小区已有进行中的业主大会筹备。", "This compound already has a formation case in progress.")
    case = FormationCase.objects.create(compound=compound, applied_on=applied_on, note=note.strip()[:300])
    _audit(case, actor, "open", {"applied_on": str(applied_on)})
    return case


@transaction.atomic
def applicant_add(*, case: FormationCase, household: Household, actor: Actor) -> Applicant:
    if household.compound_id != case.compound_id:
        raise ValidationFailed("该户不在本小区。", "The household is not in this compound.", field="household")
    if case.applicants.filter(household=household).exists():
        raise ValidationFailed("该户已在申请名单中。", "The household has applied already.", field="household")
    applicant = Applicant.objects.create(case=case, household=household)
    _audit(case, actor, "applicant", {"household": household.pk})
    return applicant


@transaction.atomic
def group_member_add(*, case: FormationCase, person: Person | None, name: str = "", role: str, leader: bool = False,
                     actor: Actor) -> GroupMember:
    """A member: an owner from the roster (`person`) or a representative named by `name` (居委会, 街道…)."""
    if case.group_formed_on is not None:
        raise Conflict("筹备组已成立，成员变动请另行记录并公示。", "The group is formed; record changes separately.")
    if person is not None and person.subdistrict_id != case.compound.subdistrict_id:
        raise ValidationFailed("该人员不在本街道。", "The person is not in this sub-district.", field="person")
    name = (person.name if person is not None else name).strip()
    if not name:
        raise ValidationFailed("请填写成员姓名。", "Enter the member's name.", field="name")
    if not role.strip():
        raise ValidationFailed("请填写成员身份（如业主代表、居委会代表）。", "Enter the member's role.", field="role")
    if person is not None and case.members.filter(person=person).exists():
        raise ValidationFailed("此人已是筹备组成员。", "Already a member.", field="person")
    if leader:
        case.members.update(leader=False)
    member = GroupMember.objects.create(case=case, person=person, name=name[:40], role=role.strip()[:40],
                                        owner=person is not None and queries.is_owner(person.pk, case.compound),
                                        leader=leader)
    _audit(case, actor, "member", {"name": member.name, "owner": member.owner, "leader": leader})
    return member


@transaction.atomic
def candidate_add(*, case: FormationCase, person: Person, facts: Collection[str] = (), interests: str = "",
                  pledge_on: datetime.date | None, actor: Actor) -> Candidate:
    """A candidate must be an owner of the compound, not barred under the rule set, and have signed the pledge."""
    rules = queries.rules_for(case.compound.subdistrict_id)
    if person.subdistrict_id != case.compound.subdistrict_id:
        raise ValidationFailed("该人员不在本街道。", "The person is not in this sub-district.", field="person")
    try:
        bars = bodies.candidate_bars(rules, owner=queries.is_owner(person.pk, case.compound), facts=facts)
    except DomainError as error:
        raise _invalid(error) from None
    if bars:
        source = rules.figure("candidate_bars").source
        cite = f"（{source.zh}）" if source and bars[0].key != "not_owner" else "（《业主大会和业主委员会指导规则》第三十一条）"
        raise ValidationFailed(f"{person.name}不能作为候选人：{'、'.join(b.zh for b in bars)}{cite}。",
                               f"{person.name} cannot stand: {', '.join(b.en for b in bars)}.", field="person")
    if pledge_on is None:
        raise ValidationFailed("候选人须书面承诺符合条件并履行职责，请填写承诺日期。",
                               "A candidate signs a written pledge first; enter its date.", field="pledge_on")
    if case.candidates.filter(person=person).exists():
        raise ValidationFailed("此人已是候选人。", "Already a candidate.", field="person")
    candidate = Candidate.objects.create(case=case, person=person, interests=interests.strip()[:300], pledge_on=pledge_on)
    _audit(case, actor, "candidate", {"person": person.pk})
    return candidate


def _check_step(case: FormationCase, step: str, on: datetime.date) -> None:
    if on > timezone.localdate() and step != PLANNED:
        raise ValidationFailed("日期不能晚于今天（计划日期除外）。", "The date cannot be in the future.", field=step)
    if step in ORDER:
        index = ORDER.index(step)
        for earlier in reversed(ORDER[:index]):
            before = getattr(case, earlier)
            if before is not None:
                if on < before:
                    raise ValidationFailed(f"日期不能早于上一步（{before:%Y年%-m月%-d日}）。",
                                           f"The date cannot be before the previous step ({before:%Y-%m-%d}).", field=step)
                break
    rules = queries.rules_for(case.compound.subdistrict_id)
    try:
        if step == "group_formed_on":
            members = [bodies.Member(str(m.pk), m.owner) for m in case.members.all()]
            bodies.check_preparatory_group(rules, members)
            if not case.members.filter(leader=True).exists():
                raise ValidationFailed("请先指定筹备组组长。", "Name the group's leader first.", field="members")
        if step == "publicity_on" and case.seats is None:
            raise ValidationFailed("请先确定应选委员人数。", "Set the number of seats first.", field="seats")
    except DomainError as error:
        raise _invalid(error) from None


@transaction.atomic
def step_record(*, case: FormationCase, step: str, on: datetime.date, actor: Actor) -> FormationCase:
    """Record the day a step happened (or the planned meeting day); refused out of order or unlawful."""
    if step not in (*ORDER[1:], PLANNED):
        raise ValidationFailed("没有这一步骤。", "No such step.", field="step")
    case = FormationCase.objects.select_for_update().select_related("compound").get(pk=case.pk)
    if getattr(case, step) is not None and step != PLANNED:
        raise Conflict("这一步骤已记录。", "This step is recorded already.")
    if step in ("first_meeting_on", "filed_on") and hasattr(case, "committee"):
        raise Conflict("业主委员会已登记：首次会议和备案请在业主委员会中记录。",
                       "The committee is recorded: record its first meeting and filing on the committee.")
    _check_step(case, step, on)
    setattr(case, step, on)
    case.save(update_fields=[step])
    _audit(case, actor, step, {"on": str(on)})
    return case


@transaction.atomic
def seats_set(*, case: FormationCase, seats: int, actor: Actor) -> FormationCase:
    rules = queries.rules_for(case.compound.subdistrict_id)
    households = Household.objects.filter(compound=case.compound).count()
    area = Building.objects.filter(compound=case.compound).aggregate(a=Sum("gross_area"))["a"]
    try:
        bodies.check_committee_size(rules, seats, households=households, gross_area=area)
    except DomainError as error:
        raise _invalid(error) from None
    if case.candidates.count() and seats > case.candidates.count():
        raise ValidationFailed(f"应选名额（{seats} 名）多于候选人数（{case.candidates.count()} 人）。",
                               "More seats than candidates.", field="seats")
    case.seats = seats
    case.save(update_fields=["seats"])
    _audit(case, actor, "seats", {"seats": seats})
    return case
