"""The committee over its term: elected (or, where owners cannot yet govern, an interim one formed),
its first meeting and officers, its filing, members who leave or join, changes filed, the end of term.

The first owners' committee is the result of a formation case (`committee_elect(case=…)`): its
members are the case's candidates, its election day the case's, and its first meeting and filing
are recorded once, on the committee, and written back to the case so the case's timeline reads to
the end. Later committees are re-elections (`election_ref` names the published result). Deadlines
come from the rule set (queries.committee_deadlines); checks from the domain (`bodies`, `term`).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from anju.core import audit
from anju.core.audit import Actor
from anju.core.errors import AnjuError, Conflict, ValidationFailed
from anju.domain.errors import DomainError
from anju.domain.stewardship import bodies, term
from anju.domain.stewardship.rulesets import RuleSet
from anju.participation import queries as party
from anju.roster.models import Building, Compound, Household, Person
from anju.stewardship import queries
from anju.stewardship.models import (
    Committee,
    CommitteeChange,
    CommitteeKind,
    CommitteeMember,
    FormationCase,
    PartyLink,
)

# Why a member stops serving (上海 art. 31, 北京 art. 46 name the same grounds).
LEAVE_REASONS: dict[str, tuple[str, str]] = {
    "resigned": ("书面辞职", "resigned in writing"),
    "not_owner": ("不再是本小区业主", "no longer an owner in the compound"),
    "health": ("因健康等原因无法履行职责", "unable to serve, for health or other reasons"),
    "removed": ("经业主大会罢免", "removed by the owners' assembly"),
    "died": ("去世", "died"),
}


@dataclass(frozen=True)
class NewMember:
    """A member to seat: an owner from the roster (`person`) or a representative named by `name`."""

    person: Person | None = None
    name: str = ""
    affiliation: str = ""
    party_member: bool = False  # for a representative not on the party roster; owners are looked up


def _invalid(error: DomainError) -> AnjuError:
    return ValidationFailed.from_domain(error)


def _today() -> datetime.date:
    return timezone.localdate()


def _day(on: datetime.date) -> str:
    return f"{on:%Y年%-m月%-d日}"


def _not_future(on: datetime.date, field: str) -> None:
    if on > _today():
        raise ValidationFailed("日期不能晚于今天。", "The date cannot be in the future.", field=field)


def _seat(committee: Committee, new: NewMember, since: datetime.date, *, field: str = "members") -> CommitteeMember:
    compound = committee.compound
    person = new.person
    if person is not None and person.subdistrict_id != compound.subdistrict_id:
        raise ValidationFailed("该人员不在本街道。", "The person is not in this sub-district.", field=field)
    name = (person.name if person is not None else new.name).strip()
    if not name:
        raise ValidationFailed("请填写委员姓名。", "Enter the member's name.", field=field)
    owner = person is not None and queries.is_owner(person.pk, compound)
    if committee.kind == CommitteeKind.OWNERS and not owner:
        raise ValidationFailed(f"{name}不是本小区业主，不能担任业主委员会委员（《业主大会和业主委员会指导规则》第三十一条）。",
                               f"{name} is not an owner in this compound and cannot sit on its committee.", field=field)
    if person is not None and committee.members.filter(person=person, left_on__isnull=True).exists():
        raise ValidationFailed(f"{name}已是委员。", f"{name} is already a member.", field=field)
    in_party = new.party_member or (person is not None and bool(party.party_member_ids([person.pk])))
    return CommitteeMember.objects.create(
        committee=committee, person=person, name=name[:40],
        affiliation=(new.affiliation.strip() or ("业主代表" if owner else ""))[:40],
        owner=owner, party_member=in_party, since=since)


def represents_residents(member: CommitteeMember) -> bool:
    """The member sits for the residents' (or villagers') committee (北京 art. 54), by their affiliation."""
    return any(word in member.affiliation for word in ("居民委员会", "村民委员会", "居委会", "村委会"))


def _check_size(committee: Committee, size: int, rules: RuleSet, *, field: str = "members") -> None:
    compound = committee.compound
    households = Household.objects.filter(compound=compound).count()
    area = Building.objects.filter(compound=compound).aggregate(a=Sum("gross_area"))["a"]
    try:
        bodies.check_committee_size(rules, size, households=households, gross_area=area, field=field)
    except DomainError as error:
        raise _invalid(error) from None


@transaction.atomic
def committee_elect(*, compound: Compound, elected_on: datetime.date | None, term_years: int,
                    members: Sequence[NewMember], election_ref: str = "", case: FormationCase | None = None,
                    actor: Actor) -> Committee:
    """The owners elected a committee: from a formation case (its candidates, its election day) or a
    re-election; the committee in office before it (owners' or interim) ends that day."""
    rules = queries.rules_for(compound.subdistrict_id)
    Compound.objects.select_for_update().get(pk=compound.pk)
    if case is not None:
        case = FormationCase.objects.select_for_update().get(pk=case.pk)
        if case.compound_id != compound.pk:
            raise ValidationFailed("该筹备不是本小区的。", "The formation case is not this compound's.", field="case")
        if case.elected_on is None:
            raise ValidationFailed("请先在业主大会筹备中记录首次业主大会会议的选举日期。",
                                   "Record the first assembly meeting's election day in the case first.", field="case")
        if Committee.objects.filter(case=case).exists():
            raise Conflict("该筹备已产生业主委员会。", "This case has produced its committee already.")
        elected_on = case.elected_on
        candidates = set(case.candidates.values_list("person_id", flat=True))
        outside = [m.person.name if m.person else m.name for m in members if m.person is None or m.person.pk not in candidates]
        if outside:
            raise ValidationFailed(f"{'、'.join(outside)}不是本次选举的候选人。",
                                   f"Not candidates in this election: {', '.join(outside)}.", field="members")
        if case.seats is not None and len(members) > case.seats:
            raise ValidationFailed(f"当选人数（{len(members)} 人）多于应选名额（{case.seats} 名）。",
                                   "More elected than seats.", field="members")
    if elected_on is None:
        raise ValidationFailed("请填写选举日期。", "Enter the election day.", field="elected_on")
    _not_future(elected_on, "elected_on")
    try:
        bodies.check_term(rules, term_years)
    except DomainError as error:
        raise _invalid(error) from None
    current = Committee.objects.select_for_update().filter(compound=compound, ended_on__isnull=True).first()
    if current is not None and elected_on <= current.elected_on:
        raise ValidationFailed(f"选举日期须晚于现任委员会的选举（组建）日期（{_day(current.elected_on)}）。",
                               "The election must come after the current committee's.", field="elected_on")
    if current is not None:
        current.ended_on, current.end_reason = elected_on, "由新一届业主委员会接替" if not current.interim else "业主委员会选举产生，物业管理委员会任务完成"
        current.save(update_fields=["ended_on", "end_reason"])
    previous = Committee.objects.filter(compound=compound, kind=CommitteeKind.OWNERS).order_by("-elected_on").first()
    committee = Committee.objects.create(
        compound=compound, kind=CommitteeKind.OWNERS, case=case, elected_on=elected_on, term_years=term_years,
        term_ends=term.term_end(elected_on, term_years), election_ref=election_ref.strip()[:120],
        number=(previous.number + 1) if previous else 1,
        first_meeting_on=case.first_meeting_on if case else None, filed_on=case.filed_on if case else None)
    for new in members:
        _seat(committee, new, elected_on)
    _check_size(committee, len(members), rules)
    if current is not None:
        current.successor = committee
        current.save(update_fields=["successor"])
    if case is not None and not case.closed:
        case.closed = True
        case.save(update_fields=["closed"])
    audit.record(actor=actor, action="committee_elect", obj=committee, before=None, after={
        "kind": committee.kind, "number": committee.number, "elected_on": str(elected_on), "term_years": term_years,
        "members": [m.name for m in committee.members.all()], "case": case.pk if case else None,
        "replaces": current.pk if current else None},
                 subdistrict_id=committee.compound.subdistrict_id)
    return committee


@transaction.atomic
def interim_form(*, compound: Compound, formed_on: datetime.date, term_years: int, members: Sequence[NewMember],
                 led_by: str, actor: Actor) -> Committee:
    """The 街道 forms an interim 物业管理委员会 where no owners' committee can be formed (北京 art. 54)."""
    rules = queries.rules_for(compound.subdistrict_id)
    _not_future(formed_on, "formed_on")
    if not led_by.strip():
        raise ValidationFailed("请填写牵头的居民委员会。", "Enter the residents' committee that leads it.", field="led_by")
    Compound.objects.select_for_update().get(pk=compound.pk)
    if Committee.objects.filter(compound=compound, ended_on__isnull=True).exists():
        raise Conflict("该小区已有在任的委员会。", "This compound already has a committee in office.")
    try:
        term.check_interim_term(rules, term_years)
        owners = [bodies.Member(str(i), m.person is not None and queries.is_owner(m.person.pk, compound))
                  for i, m in enumerate(members)]
        bodies.check_interim_committee(rules, owners)
    except DomainError as error:
        raise _invalid(error) from None
    committee = Committee.objects.create(
        compound=compound, kind=CommitteeKind.INTERIM, elected_on=formed_on, term_years=term_years,
        term_ends=term.term_end(formed_on, term_years), led_by=led_by.strip()[:60])
    for new in members:
        _seat(committee, new, formed_on)
    audit.record(actor=actor, action="committee_interim", obj=committee, before=None, after={
        "formed_on": str(formed_on), "term_years": term_years, "led_by": committee.led_by,
        "members": [m.name for m in committee.members.all()]},
                 subdistrict_id=committee.compound.subdistrict_id)
    return committee


def _sync_case(committee: Committee, field: str) -> None:
    """The formation case's last steps are the committee's: written back so its timeline is complete."""
    if committee.case_id is not None:
        FormationCase.objects.filter(pk=committee.case_id).update(**{field: getattr(committee, field)})


@transaction.atomic
def officers_set(*, committee: Committee, on: datetime.date, chair: CommitteeMember,
                 vices: Sequence[CommitteeMember] = (), actor: Actor) -> Committee:
    """The committee chooses its chair and vice-chairs: at its first meeting (指导规则 art. 32), or
    later, which is a change to file (art. 34)."""
    committee = Committee.objects.select_for_update().select_related("compound").get(pk=committee.pk)
    _not_future(on, "on")
    if on < committee.elected_on:
        raise ValidationFailed(f"会议日期不能早于选举（组建）日期（{_day(committee.elected_on)}）。",
                               "The meeting cannot come before the election.", field="on")
    rules = queries.rules_for(committee.compound.subdistrict_id)
    serving = list(committee.members.filter(left_on__isnull=True))
    ids = {m.pk for m in serving}
    if chair.pk not in ids or any(v.pk not in ids for v in vices):
        raise ValidationFailed("主任、副主任须是在任委员。", "The chair and vice-chairs are serving members.", field="chair")
    roles = {m.pk: CommitteeMember.Role.MEMBER.value for m in serving}
    roles.update({v.pk: CommitteeMember.Role.VICE.value for v in vices})
    roles[chair.pk] = CommitteeMember.Role.CHAIR.value
    try:
        term.check_roles(list(roles.values()), field="chair")
        if committee.interim:
            term.check_interim_officers(rules, chair_represents_residents=represents_residents(chair),
                                        vices_are_owners=[v.owner for v in vices])
    except DomainError as error:
        raise _invalid(error) from None
    before = {m.name: m.role for m in serving}
    for m in serving:
        if m.role != roles[m.pk]:
            m.role = roles[m.pk]
            m.save(update_fields=["role"])
    first = committee.first_meeting_on is None
    if first:
        committee.first_meeting_on = on
        committee.save(update_fields=["first_meeting_on"])
        _sync_case(committee, "first_meeting_on")
    else:
        chair_name = next(m.name for m in serving if m.pk == chair.pk)
        CommitteeChange.objects.create(committee=committee, on=on, summary=f"推选{chair_name}为主任"
                                       + (f"，{'、'.join(v.name for v in vices)}为副主任" if vices else ""))
    audit.record(actor=actor, action="committee_officers", obj=committee, before={"roles": before},
                 after={"on": str(on), "first_meeting": first, "roles": {m.name: roles[m.pk] for m in serving}},
                 subdistrict_id=committee.compound.subdistrict_id)
    return committee


@transaction.atomic
def committee_file(*, committee: Committee, filed_on: datetime.date, late_reason: str = "", actor: Actor) -> Committee:
    """Record the filing with the 街道 (条例 art. 16, 规则 art. 33; interim: 北京 art. 55); late only with a reason."""
    committee = Committee.objects.select_for_update().select_related("compound").get(pk=committee.pk)
    if committee.filed_on is not None:
        raise Conflict("该委员会已备案。", "The committee is filed already.")
    _not_future(filed_on, "filed_on")
    if filed_on < committee.elected_on:
        raise ValidationFailed("备案日期不能早于选举（组建）日期。", "The filing cannot come before the election.",
                               field="filed_on")
    rules = queries.rules_for(committee.compound.subdistrict_id)
    due = queries.committee_filing_due(rules, committee, filed_on)
    if due is not None and filed_on > due.deadline and not late_reason.strip():
        key = queries.filing_key(committee)
        source = rules.figure(key).source
        raise ValidationFailed(
            f"备案期限为选举（组建）后 {rules.value(key)} 日（{source.zh if source else ''}），即 {_day(due.deadline)}；"
            "逾期备案请写明原因。", f"Filing was due by {due.deadline:%Y-%m-%d}; give the reason for the delay.",
            field="late_reason")
    committee.filed_on, committee.late_reason = filed_on, late_reason.strip()[:300]
    committee.save(update_fields=["filed_on", "late_reason"])
    _sync_case(committee, "filed_on")
    audit.record(actor=actor, action="committee_file", obj=committee, before={"filed_on": None},
                 after={"filed_on": str(filed_on), "late_reason": committee.late_reason or None},
                 subdistrict_id=committee.compound.subdistrict_id)
    return committee


@transaction.atomic
def report_record(*, committee: Committee, on: datetime.date, actor: Actor) -> Committee:
    """The committee reported its coming end of term to the 街道 (北京 art. 49, 上海 art. 28)."""
    _not_future(on, "on")
    if committee.report_on is not None:
        raise Conflict("已记录任期届满报告。", "The end-of-term report is recorded already.")
    committee.report_on = on
    committee.save(update_fields=["report_on"])
    audit.record(actor=actor, action="committee_report", obj=committee, before=None, after={"report_on": str(on)},
                 subdistrict_id=committee.compound.subdistrict_id)
    return committee


def _open(committee: Committee) -> None:
    if committee.ended_on is not None:
        raise Conflict("该委员会已结束，不能再变更。", "This committee has ended; it cannot change.")


@transaction.atomic
def member_leave(*, member: CommitteeMember, on: datetime.date, reason: str, replacement: NewMember | None = None,
                 actor: Actor) -> CommitteeChange:
    """A member stops serving (and, if the assembly elected one, another takes the seat): one change to file."""
    member = CommitteeMember.objects.select_for_update().select_related("committee__compound").get(pk=member.pk)
    committee = member.committee
    _open(committee)
    if member.left_on is not None:
        raise Conflict(f"{member.name}已离任。", f"{member.name} has left already.")
    if reason not in LEAVE_REASONS:
        raise ValidationFailed("请选择离任原因。", "Choose why the member leaves.", field="reason")
    _not_future(on, "on")
    if on < member.since:
        raise ValidationFailed("离任日期不能早于任职日期。", "Leaving cannot come before joining.", field="on")
    member.left_on, member.left_reason = on, LEAVE_REASONS[reason][0]
    was = member.get_role_display()
    member.save(update_fields=["left_on", "left_reason"])
    summary = f"{was}{member.name}离任（{member.left_reason}）"
    new = None
    if replacement is not None:
        new = _seat(committee, replacement, on, field="replacement")
        summary += f"，补选{new.name}为委员"
    change = CommitteeChange.objects.create(committee=committee, on=on, summary=summary[:300])
    audit.record(actor=actor, action="committee_member", obj=committee, before={"member": member.name, "role": member.role},
                 after={"left_on": str(on), "reason": reason, "replacement": new.name if new else None, "change": change.pk},
                 subdistrict_id=committee.compound.subdistrict_id)
    return change


@transaction.atomic
def member_add(*, committee: Committee, new: NewMember, on: datetime.date, actor: Actor) -> CommitteeChange:
    """The assembly elected a member to an empty seat (补选): within the rule set's largest committee."""
    committee = Committee.objects.select_for_update().select_related("compound").get(pk=committee.pk)
    _open(committee)
    _not_future(on, "on")
    if on < committee.elected_on:
        raise ValidationFailed("补选日期不能早于选举（组建）日期。", "The by-election cannot come before the election.", field="on")
    seated = _seat(committee, new, on, field="person")
    if committee.kind == CommitteeKind.OWNERS:
        rules = queries.rules_for(committee.compound.subdistrict_id)
        high = rules.value("committee_members_max")
        serving = committee.members.filter(left_on__isnull=True).count()
        if high is not None and serving > high:
            zh = rules.figure("committee_members_max").source
            raise ValidationFailed(f"委员已达 {high} 人上限{f'（{zh.zh}）' if zh else ''}。",
                                   f"The committee has its {high} members already.", field="person")
    change = CommitteeChange.objects.create(committee=committee, on=on, summary=f"补选{seated.name}为委员")
    audit.record(actor=actor, action="committee_member", obj=committee, before=None,
                 after={"joined": seated.name, "on": str(on), "change": change.pk},
                 subdistrict_id=committee.compound.subdistrict_id)
    return change


@transaction.atomic
def change_file(*, change: CommitteeChange, filed_on: datetime.date, late_reason: str = "", actor: Actor) -> CommitteeChange:
    """Record that a change was filed (指导规则 art. 34: within 30 days); late only with a reason."""
    change = CommitteeChange.objects.select_for_update().select_related("committee__compound").get(pk=change.pk)
    if change.filed_on is not None:
        raise Conflict("该变更已备案。", "The change is filed already.")
    _not_future(filed_on, "filed_on")
    if filed_on < change.on:
        raise ValidationFailed("备案日期不能早于变更日期。", "The filing cannot come before the change.", field="filed_on")
    rules = queries.rules_for(change.committee.compound.subdistrict_id)
    due = queries.change_filing_due(rules, change, filed_on)
    if due is not None and filed_on > due.deadline and not late_reason.strip():
        source = rules.figure("committee_change_filing_days").source
        raise ValidationFailed(
            f"变更备案期限为变更后 {rules.value('committee_change_filing_days')} 日（{source.zh if source else ''}），"
            f"即 {_day(due.deadline)}；逾期备案请写明原因。",
            f"Filing was due by {due.deadline:%Y-%m-%d}; give the reason for the delay.", field="late_reason")
    change.filed_on, change.late_reason = filed_on, late_reason.strip()[:300]
    change.save(update_fields=["filed_on", "late_reason"])
    audit.record(actor=actor, action="committee_change_file", obj=change.committee,
                 before={"change": change.pk, "filed_on": None},
                 after={"change": change.pk, "filed_on": str(filed_on), "late_reason": change.late_reason or None},
                 subdistrict_id=change.committee.compound.subdistrict_id)
    return change


@transaction.atomic
def party_link_set(*, compound: Compound, organisation_id: int, since: datetime.date, company_branch: str = "",
                   note: str = "", actor: Actor) -> PartyLink:
    """红色物业: which party organisation leads the compound (its branch or its community's), from when."""
    organisation = party.organisations_leading(compound).filter(pk=organisation_id).first()
    if organisation is None:
        raise ValidationFailed("请选择本小区党支部或所在社区党组织。", "Choose the compound's branch or its community's party committee.",
                               field="organisation")
    _not_future(since, "since")
    link = PartyLink.objects.select_for_update().filter(compound=compound).first()
    before = ({"organisation": link.organisation_id, "company_branch": link.company_branch, "since": str(link.since)}
              if link else None)
    if link is None:
        link = PartyLink(compound=compound)
    link.organisation, link.since = organisation, since
    link.company_branch, link.note = company_branch.strip()[:80], note.strip()[:200]
    link.save()
    audit.record(actor=actor, action="party_link_set", obj=link, before=before,
                 after={"organisation": organisation.pk, "company_branch": link.company_branch, "since": str(since)},
                 subdistrict_id=compound.subdistrict_id)
    return link
