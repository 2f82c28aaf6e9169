"""Publicity of the election and of the committee's work, as the participation app's notices (公示).

Each notice is an ordinary participation notice, so it is on the compound's public board and prints
as an A4 page with its QR codes (the online version, the suggestion box). Candidates carry a number
(1号, 2号…) by the order they were registered: the same number on the candidate list, on the
election question's choices, on the paper ballot and on the result, so two owners of one name stay
apart and a paper ballot is read without doubt.

- the candidate list before the first assembly meeting (北京 art. 32: fifteen days; the national
  rules ask every owner to be told fifteen days ahead, 条例 art. 14), which records the case's
  publicity step;
- the election result once the vote has closed (北京 art. 37: an assembly decision within three days);
- a committee meeting's decisions (北京 art. 45: within three days of the meeting), the meeting
  itself with its minutes being a participation meeting.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from html import escape

from django.db import transaction
from django.utils import timezone

from anju.consultations import queries as consultation_queries
from anju.core import audit
from anju.core.audit import Actor
from anju.core.errors import Conflict, ValidationFailed
from anju.domain.stewardship import deadlines
from anju.domain.stewardship.rulesets import RuleSet
from anju.participation import services as participation
from anju.roster.models import Household
from anju.stewardship import queries
from anju.stewardship.models import Candidate, Committee, CommitteeMeeting, FormationCase
from anju.stewardship.services.formation import step_record

NOTICE_HOUR = datetime.time(9, 0)  # a notice dated a day is posted that morning


def candidate_label(number: int, name: str) -> str:
    """The candidate as the ballot lists them: "3号 王芳"."""
    return f"{number}号 {name}"


def numbered_candidates(case: FormationCase) -> list[tuple[str, Candidate]]:
    """The case's candidates with their labels, numbered by the order they were registered."""
    return [(candidate_label(i, c.person.name), c)
            for i, c in enumerate(case.candidates.select_related("person").order_by("pk"), start=1)]


def _day(on: datetime.date) -> str:
    return f"{on:%Y年%-m月%-d日}"


def _at(on: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(on, NOTICE_HOUR))


def _not_future(on: datetime.date, field: str) -> None:
    if on > timezone.localdate():
        raise ValidationFailed("日期不能晚于今天。", "The date cannot be in the future.", field=field)


def _cite(rules: RuleSet, key: str) -> str:
    source = rules.figure(key).source
    return f"（{source.zh}）" if source else ""


def _address(case: FormationCase) -> dict[int, str]:
    """Each candidate's building and unit in the compound (not the room: the notice is on the wall)."""
    rows = (Household.objects.filter(compound=case.compound, ownerships__person__in=case.candidates.values("person"))
            .select_related("unit__building").values_list("ownerships__person", "unit__building__number", "unit__number"))
    out: dict[int, str] = {}
    for person, building, unit in rows:
        out.setdefault(person, f"{building}栋{unit}单元")
    return out


@transaction.atomic
def candidates_publish(*, case: FormationCase, on: datetime.date, actor: Actor, issuer: str = "") -> FormationCase:
    """Post the candidate list (with the seats and the publicity period) and record the case's publicity step."""
    case = FormationCase.objects.select_for_update(of=("self",)).select_related("compound__community").get(pk=case.pk)
    if case.closed:
        raise Conflict("该筹备已结束。", "This formation case is closed.")
    if case.candidates_notice_id is not None:
        raise Conflict("候选人名单已公示。", "The candidate list is published already.")
    _not_future(on, "on")
    numbered = numbered_candidates(case)
    if case.seats is None:
        raise ValidationFailed("请先确定应选委员人数。", "Set the number of seats first.", field="seats")
    if len(numbered) < case.seats:
        raise ValidationFailed(f"候选人（{len(numbered)} 人）少于应选名额（{case.seats} 名），不能公示。",
                               f"Fewer candidates ({len(numbered)}) than seats ({case.seats}).", field="seats")
    rules = queries.rules_for(case.compound.subdistrict_id)
    key = "first_assembly_publicity_days" if rules.value("first_assembly_publicity_days") is not None \
        else "assembly_notice_days"
    days = rules.value(key)
    address = _address(case)
    rows = "".join(
        f"<tr><td>{escape(label.split(' ')[0])}</td><td>{escape(c.person.name)}</td>"
        f"<td>{escape(address.get(c.person_id, ''))}</td><td>{_day(c.pledge_on)}</td>"
        f"<td>{escape(c.interests) or '无'}</td></tr>" for label, c in numbered)
    meeting = (f"首次业主大会会议定于{_day(case.assembly_planned_on)}召开。" if case.assembly_planned_on else "")
    period = f"公示期自{_day(on)}起不少于 {days} 日{_cite(rules, key)}。" if days else ""
    body = (f"<p>{escape(case.compound.name)}首次业主大会会议将选举第一届业主委员会委员 {case.seats} 名，"
            f"经筹备组审核，以下 {len(numbered)} 名业主为委员候选人（编号即选票上的编号）。{meeting}</p>"
            "<table><thead><tr><th>编号</th><th>姓名</th><th>住址</th><th>书面承诺日期</th><th>申报的利害关系</th>"
            f"</tr></thead><tbody>{rows}</tbody></table>"
            f"<p>{period}候选人均为本小区业主，已书面承诺符合任职条件并履行职责。"
            "对候选人有异议的，请在公示期内向筹备组或社区居民委员会书面提出。</p>")
    notice = participation.notice_save(
        compound=case.compound, building=None, title=f"{case.compound.name}业主委员会委员候选人名单公示",
        body_html=body, issuer=issuer or f"{case.compound.name}业主大会筹备组", actor=actor)
    participation.notice_publish(notice=notice, actor=actor, now=_at(on))
    case.candidates_notice = notice
    case.save(update_fields=["candidates_notice"])
    if case.publicity_on is None:
        case = step_record(case=case, step="publicity_on", on=on, actor=actor)
    audit.record(actor=actor, action="formation_step", obj=case, before=None,
                 after={"step": "candidates_notice", "notice": notice.pk, "on": str(on)},
                 subdistrict_id=case.compound.subdistrict_id)
    return case


def result_due(case: FormationCase, rules: RuleSet) -> datetime.date | None:
    """The latest day to publish the result (the rule set's days for an assembly decision), if it sets one."""
    if case.elected_on is None or rules.value("decision_publicity_days") is None:
        return None
    return deadlines.deadline_after(rules, "decision_publicity_days", case.elected_on)


@transaction.atomic
def result_publish(*, case: FormationCase, on: datetime.date, actor: Actor, issuer: str = "") -> FormationCase:
    """Post the election result of the closed assembly vote: every candidate's votes and area, who
    was elected, ties left to the rules of procedure; the election day is the day the vote closed."""
    case = FormationCase.objects.select_for_update(of=("self",)).select_related("compound", "assembly").get(pk=case.pk)
    if case.result_notice_id is not None:
        raise Conflict("选举结果已公告。", "The result is published already.")
    consultation = case.assembly
    if consultation is None or consultation.status != "closed" or consultation.closed_at is None:
        raise Conflict("首次业主大会会议的表决尚未截止，截止后才能公告选举结果。",
                       "The assembly vote has not closed yet: the result is published once it has.")
    _not_future(on, "on")
    closed_on = timezone.localdate(consultation.closed_at)
    if on < closed_on:
        raise ValidationFailed(f"公告日期不能早于表决截止日期（{_day(closed_on)}）。",
                               "The result cannot be published before the vote closed.", field="on")
    result = consultation_queries.election_result(consultation)
    rows = "".join(
        f"<tr><td>{escape(c.name)}</td><td>{c.votes}</td><td>{c.area}</td><td>{escape(c.status_label)}</td></tr>"
        for c in result.candidates)
    elected = "、".join(result.elected) or "无"
    tied = (f"<p>{'、'.join(result.tied)}票数相同，按业主大会议事规则另行确定当选人。</p>" if result.tied else "")
    turnout = "达到" if result.turnout_met else "未达到"
    body = (f"<p>{escape(consultation.title)}于{_day(closed_on)}截止。参与表决业主 {result.participants} 人，"
            f"专有部分面积 {result.participant_area} ㎡，{turnout}《中华人民共和国民法典》第二百七十八条规定的参与比例"
            "（专有部分面积和人数均三分之二以上）；候选人须经参与表决的业主人数过半数且专有部分面积过半数同意方可当选。</p>"
            "<table><thead><tr><th>候选人</th><th>同意业主（人）</th><th>同意面积（㎡）</th><th>结果</th></tr></thead>"
            f"<tbody>{rows}</tbody></table><p>当选第一届业主委员会委员（应选 {result.seats} 名）：{escape(elected)}。</p>"
            f"{tied}<p>各户表决清单见公示清单页面，每户凭回执上的公示编号核对本户一行。"
            "业主认为本次选举侵害其合法权益的，可依法请求人民法院撤销（民法典第二百八十条）。</p>")
    notice = participation.notice_save(
        compound=case.compound, building=None, title=f"{case.compound.name}第一届业主委员会选举结果公告",
        body_html=body, issuer=issuer or f"{case.compound.name}业主大会筹备组", actor=actor)
    participation.notice_publish(notice=notice, actor=actor, now=_at(on))
    case.result_notice = notice
    case.save(update_fields=["result_notice"])
    if case.elected_on is None:
        case = step_record(case=case, step="elected_on", on=closed_on, actor=actor)
    audit.record(actor=actor, action="formation_step", obj=case, before=None,
                 after={"step": "result_notice", "notice": notice.pk, "on": str(on), "elected": list(result.elected)},
                 subdistrict_id=case.compound.subdistrict_id)
    return case


# --- the committee's meetings and their decisions -------------------------------------------------


@transaction.atomic
def committee_meeting_record(*, committee: Committee, starts_at: datetime.datetime, place: str, topic: str,
                             minutes: str, decisions: Sequence[str] = (), actor: Actor) -> CommitteeMeeting:
    """A meeting the committee held: a participation meeting with its minutes and decisions, linked here."""
    committee = Committee.objects.select_for_update().select_related("compound").get(pk=committee.pk)
    if committee.ended_on is not None:
        raise Conflict("该委员会已结束。", "This committee has ended.")
    held_on = timezone.localdate(starts_at)
    _not_future(held_on, "starts_at")
    if held_on < committee.elected_on:
        raise ValidationFailed(f"会议日期不能早于选举（组建）日期（{_day(committee.elected_on)}）。",
                               "The meeting cannot come before the election.", field="starts_at")
    if not minutes.strip():
        raise ValidationFailed("请填写会议纪要。", "Enter the minutes.", field="minutes")
    texts = [d.strip() for d in decisions if d.strip()]
    meeting = participation.meeting_create(compound=committee.compound, starts_at=starts_at, place=place,
                                           topic=topic, actor=actor)
    participation.meeting_minutes(meeting=meeting, minutes=minutes, actor=actor)
    for text in texts:
        participation.decision_add(meeting=meeting, text=text, reference=f"{committee}会议", actor=actor)
    row = CommitteeMeeting.objects.create(committee=committee, meeting=meeting, held_on=held_on, decisions=texts)
    audit.record(actor=actor, action="committee_meeting", obj=committee, before=None,
                 after={"meeting": meeting.pk, "held_on": str(held_on), "decisions": len(texts)},
                 subdistrict_id=committee.compound.subdistrict_id)
    return row


def decisions_due(rules: RuleSet, row: CommitteeMeeting) -> datetime.date | None:
    if not row.decisions or rules.value("committee_decision_publicity_days") is None:
        return None
    return deadlines.deadline_after(rules, "committee_decision_publicity_days", row.held_on)


@transaction.atomic
def decisions_publish(*, meeting: CommitteeMeeting, on: datetime.date, late_reason: str = "",
                      actor: Actor) -> CommitteeMeeting:
    """Post the meeting's decisions on the notice board; after the rule set's days only with a reason."""
    row = (CommitteeMeeting.objects.select_for_update(of=("self",))
           .select_related("committee__compound", "meeting").get(pk=meeting.pk))
    if row.notice_id is not None:
        raise Conflict("该次会议的决定已公告。", "The decisions of this meeting are published already.")
    if not row.decisions:
        raise ValidationFailed("该次会议没有决定事项。", "The meeting decided nothing to publish.", field="decisions")
    _not_future(on, "on")
    if on < row.held_on:
        raise ValidationFailed("公告日期不能早于会议日期。", "The notice cannot come before the meeting.", field="on")
    committee = row.committee
    rules = queries.rules_for(committee.compound.subdistrict_id)
    due = decisions_due(rules, row)
    if due is not None and on > due and not late_reason.strip():
        days = rules.value("committee_decision_publicity_days")
        raise ValidationFailed(
            f"会议决定应在会议后 {days} 日内公告{_cite(rules, 'committee_decision_publicity_days')}，即 {_day(due)}；"
            "逾期公告请写明原因。", f"The decisions were due by {due:%Y-%m-%d}; give the reason for the delay.",
            field="late_reason")
    name = "物业管理委员会" if committee.interim else "业主委员会"
    items = "".join(f"<li>{escape(text)}</li>" for text in row.decisions)
    body = (f"<p>{escape(committee.compound.name)}{name}于{_day(row.held_on)}在{escape(row.meeting.place)}召开会议"
            f"（议题：{escape(row.meeting.topic)}），确定以下事项：</p><ol>{items}</ol>"
            "<p>业主对上述事项有意见或建议的，请向本委员会或社区居民委员会反映。</p>")
    notice = participation.notice_save(
        compound=committee.compound, building=None, title=f"{committee.compound.name}{name}会议决定公告",
        body_html=body, issuer=f"{committee.compound.name}{name}", actor=actor)
    participation.notice_publish(notice=notice, actor=actor, now=_at(on))
    row.notice, row.published_on, row.late_reason = notice, on, late_reason.strip()[:300]
    row.save(update_fields=["notice", "published_on", "late_reason"])
    audit.record(actor=actor, action="committee_decisions", obj=committee, before=None,
                 after={"meeting": row.meeting_id, "notice": notice.pk, "on": str(on),
                        "late_reason": row.late_reason or None},
                 subdistrict_id=committee.compound.subdistrict_id)
    return row
