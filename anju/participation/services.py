"""Every write of the 共建共治 capability: keyword-only, in a transaction, with its audit record."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from anju.core import audit, crypto
from anju.core.audit import Actor
from anju.core.errors import Conflict, ValidationFailed
from anju.core.outbox import services as outbox
from anju.core.outbox.models import Channel, RecipientKind
from anju.core.sanitise import plain_to_html, sanitise_html
from anju.domain.ids import mask_phone
from anju.participation import queries
from anju.participation.images import MAX_PHOTOS, clean_image
from anju.participation.models import (
    QUESTIONS,
    Activity,
    ActivityKind,
    Answer,
    Category,
    Decision,
    FollowUp,
    Meeting,
    Membership,
    Notice,
    NoticeImage,
    NoticeKind,
    OrgLevel,
    PartyOrganisation,
    Pledge,
    PledgeKind,
    PledgeStatus,
    Suggestion,
    SuggestionPhoto,
    SuggestionStatus,
    Visit,
    Volunteer,
    VolunteerRole,
)
from anju.roster import services as roster
from anju.roster.models import Building, Community, Compound, Household, Person, RevealField
from anju.roster.services import normalise_identity

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone
RECEIPT_LENGTH = 10  # 32^10 ≈ 10^15 codes: not guessable within any rate limit


def new_receipt_code() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))


def _snapshot_suggestion(s: Suggestion) -> dict[str, Any]:
    return {"status": s.status, "category": s.category, "compound": s.compound_id, "building": s.building_id,
            "assigned_community": s.assigned_community_id, "assigned_compound": s.assigned_compound_id,
            "assigned_org": s.assigned_org, "reply": s.reply[:200], "contact_phone": mask_phone(s.contact_phone)}


def _text(value: str, *, field: str, zh: str, en: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed(f"请填写{zh}", f"Please fill in {en}", field=field)
    if len(value) > max_length:
        raise ValidationFailed(f"{zh}最多 {max_length} 字", f"{en}: at most {max_length} characters", field=field)
    return value


# ---------------------------------------------------------------- suggestions

@transaction.atomic
def suggestion_submit(*, compound: Compound, building: Building | None, category: str, title: str, body: str,
                      contact_name: str = "", contact_phone: str = "", photos: Sequence[tuple[str, bytes]] = (),
                      subject: str = "", actor: Actor) -> Suggestion:
    """Record a resident's suggestion with up to three checked photos; returns it with its receipt code.

    `subject` names what it is about when another app filed it from one of its pages (a published
    figure's "这里不对": "disclosure:<id>:<figure>")."""
    if building is not None and building.compound_id != compound.pk:
        raise ValidationFailed("楼栋不属于该小区", "The building is not in this compound", field="building")
    if category not in Category.values:
        raise ValidationFailed("请选择类别", "Please choose a category", field="category")
    if len(photos) > MAX_PHOTOS:
        raise ValidationFailed(f"最多上传 {MAX_PHOTOS} 张照片", f"At most {MAX_PHOTOS} photos", field="photos")
    title = _text(title, field="title", zh="标题", en="the title", max_length=80)
    body = _text(body, field="body", zh="内容", en="the details", max_length=2000)
    contact_name = _text(contact_name, field="contact_name", zh="称呼", en="the name", max_length=20, required=False)
    phone = ""
    if contact_phone.strip():
        _, phone = normalise_identity(phone=contact_phone.strip())
    cleaned = [(name, clean_image(data, name=name)) for name, data in photos]
    suggestion = Suggestion(
        subdistrict_id=compound.subdistrict_id, compound=compound, building=building, category=category, title=title,
        body=body, contact_name=contact_name, contact_phone_encrypted=crypto.encrypt(phone),
        receipt_code=new_receipt_code(), subject=subject.strip()[:120],
    )
    suggestion.save()
    for index, (_name, image) in enumerate(cleaned, start=1):
        photo = SuggestionPhoto(suggestion=suggestion, width=image.width, height=image.height)
        photo.image.save(f"{suggestion.receipt_code}-{index}.jpg", ContentFile(image.content), save=True)
    audit.record(actor=actor, action="suggestion_submit", obj=suggestion, before=None, after=_snapshot_suggestion(suggestion),
                 subdistrict_id=suggestion.subdistrict_id)
    return suggestion


def _require_open(suggestion: Suggestion) -> None:
    if suggestion.status == SuggestionStatus.CLOSED:
        raise Conflict("该建议已办结", "This suggestion is already closed")


@transaction.atomic
def suggestion_assign(*, suggestion: Suggestion, community: Community | None = None, compound: Compound | None = None,
                      org: str = "", category: str | None = None, actor: Actor) -> Suggestion:
    """Triage: pass the suggestion to a community, a compound or an outside body (contractor, property company)."""
    _require_open(suggestion)
    before = _snapshot_suggestion(suggestion)
    org = _text(org, field="assigned_org", zh="转办单位", en="the organisation", max_length=80, required=False)
    if community is None and compound is None and not org:
        raise ValidationFailed("请选择转办的社区、小区或单位", "Choose a community, a compound or an organisation",
                               field="assigned_org")
    for place in (community, compound):
        if place is not None and place.subdistrict_id != suggestion.subdistrict_id:
            raise ValidationFailed("只能转办到本街道内", "Assign within the same sub-district", field="assigned_community")
    if compound is not None and community is None:
        community = compound.community
    if category:
        if category not in Category.values:
            raise ValidationFailed("请选择类别", "Please choose a category", field="category")
        suggestion.category = category
    suggestion.assigned_community, suggestion.assigned_compound, suggestion.assigned_org = community, compound, org
    if suggestion.status == SuggestionStatus.NEW:
        suggestion.status = SuggestionStatus.ASSIGNED
    suggestion.save()
    audit.record(actor=actor, action="suggestion_assign", obj=suggestion, before=before, after=_snapshot_suggestion(suggestion),
                 subdistrict_id=suggestion.subdistrict_id)
    return suggestion


@transaction.atomic
def suggestion_reply(*, suggestion: Suggestion, reply: str, show_on_board: bool = True, replied_by: str = "",
                     actor: Actor, now: datetime.datetime | None = None) -> Suggestion:
    """Give (or revise) the official reply; the first reply's time is what the response time measures."""
    _require_open(suggestion)
    before = _snapshot_suggestion(suggestion)
    suggestion.reply = _text(reply, field="reply", zh="答复", en="the reply", max_length=4000)
    suggestion.replied_by = (replied_by or actor.label)[:60]
    suggestion.show_on_board = show_on_board
    first = suggestion.first_reply_at is None
    if first:
        suggestion.first_reply_at = now or timezone.now()
    suggestion.status = SuggestionStatus.ANSWERED
    suggestion.save()
    audit.record(actor=actor, action="suggestion_reply", obj=suggestion, before=before, after=_snapshot_suggestion(suggestion),
                 subdistrict_id=suggestion.subdistrict_id)
    if first and suggestion.contact_phone_encrypted:
        _tell_answered(suggestion)
    return suggestion


def _tell_answered(suggestion: Suggestion) -> None:
    """您的建议已答复, by SMS to the phone the resident left: recorded with the reply, sent by the outbox.
    Only the receipt code is in the text (no name, no content): whoever reads the phone learns nothing more."""
    try:
        outbox.message_queue(
            kind="suggestion_answered", channel=Channel.SMS, recipient_kind=RecipientKind.CONTACT,
            address=suggestion.contact_phone, subject="",
            body=f"【{settings.ANJU_SMS_SIGN}】您的建议已答复（回执码 {suggestion.receipt_code}），"
                 f"可扫描小区公示栏二维码，凭回执码查看答复。",
            subdistrict_id=suggestion.subdistrict_id, dedupe_key=f"suggestion_answered:{suggestion.pk}")
    except ValidationFailed:  # a phone that is no longer a valid number: the reply stands, nothing is sent
        return


@transaction.atomic
def suggestion_close(*, suggestion: Suggestion, actor: Actor, now: datetime.datetime | None = None) -> Suggestion:
    """Close an answered suggestion (办结); a suggestion without an official reply cannot be closed."""
    _require_open(suggestion)
    if not suggestion.reply:
        raise Conflict("请先答复再办结", "Reply before closing", field="reply")
    before = _snapshot_suggestion(suggestion)
    suggestion.status = SuggestionStatus.CLOSED
    suggestion.closed_at = now or timezone.now()
    suggestion.save()
    audit.record(actor=actor, action="suggestion_close", obj=suggestion, before=before, after=_snapshot_suggestion(suggestion),
                 subdistrict_id=suggestion.subdistrict_id)
    return suggestion


def suggestion_contact_reveal(*, suggestion: Suggestion, actor: Actor) -> str:
    """显示: the full phone a resident left, logged in the sub-district's 个人信息查看记录 and the suggestion's history."""
    if not suggestion.contact_phone_encrypted:
        raise ValidationFailed("该建议没有留下联系电话", "This suggestion left no phone number", field="contact_phone")
    with transaction.atomic():
        roster.reveal_record(subdistrict_id=suggestion.subdistrict_id, field=RevealField.PHONE,
                              compound_id=suggestion.assigned_compound_id or suggestion.compound_id,
                              subject=f"居民建议「{suggestion.title}」的联系人", link=reverse("participation:suggestion",
                                                                                   args=[suggestion.pk]),
                              actor=actor)
        audit.record(actor=actor, action="suggestion_reveal", obj=suggestion, before=None, after={"field": "phone"},
                     subdistrict_id=suggestion.subdistrict_id)
    return suggestion.contact_phone


# ---------------------------------------------------------------- notices

def _notice_place(compound: Compound, building: Building | None) -> None:
    if building is not None and building.compound_id != compound.pk:
        raise ValidationFailed("楼栋不属于该小区", "The building is not in this compound", field="building")


@transaction.atomic
def notice_save(*, notice: Notice | None = None, compound: Compound, building: Building | None, title: str, body_html: str,
                kind: str = NoticeKind.NOTICE, issuer: str = "", actor: Actor) -> Notice:
    """Create or edit a notice; the body is sanitised here, so nothing unsafe is ever stored."""
    _notice_place(compound, building)
    if kind not in NoticeKind.values:
        raise ValidationFailed("请选择类型", "Please choose a kind", field="kind")
    # Text typed without any tag (most notices) becomes paragraphs; HTML goes through the allowlist.
    clean = sanitise_html(body_html) if "<" in body_html else plain_to_html(body_html)
    if not clean.strip():
        raise ValidationFailed("请填写正文", "Please write the notice", field="body_html")
    before = None if notice is None else {"title": notice.title, "compound": notice.compound_id, "building": notice.building_id}
    notice = notice or Notice(subdistrict_id=compound.subdistrict_id, created_by=actor.label[:60])
    notice.compound, notice.building, notice.kind = compound, building, kind
    notice.title = _text(title, field="title", zh="标题", en="the title", max_length=120)
    notice.issuer = _text(issuer, field="issuer", zh="发布单位", en="the issuer", max_length=80, required=False)
    notice.body_html = clean
    notice.save()
    audit.record(actor=actor, action="notice_save", obj=notice, before=before,
                 after={"title": notice.title, "compound": notice.compound_id, "building": notice.building_id},
                 subdistrict_id=notice.subdistrict_id)
    return notice


@transaction.atomic
def notice_add_image(*, notice: Notice, name: str, data: bytes, caption: str = "", actor: Actor) -> NoticeImage:
    image = clean_image(data, name=name)
    row = NoticeImage(notice=notice, caption=caption[:80], width=image.width, height=image.height)
    row.image.save(f"notice-{notice.pk}.jpg", ContentFile(image.content), save=True)
    audit.record(actor=actor, action="notice_add_image", obj=notice, before=None, after={"image": row.image.name},
                 subdistrict_id=notice.subdistrict_id)
    return row


@transaction.atomic
def notice_publish(*, notice: Notice, publish: bool = True, actor: Actor, now: datetime.datetime | None = None) -> Notice:
    """Publish (or withdraw) a notice: only published notices are on the public pages."""
    before = {"published_at": notice.published_at.isoformat() if notice.published_at else None}
    notice.published_at = (now or timezone.now()) if publish else None
    notice.save(update_fields=["published_at", "updated"])
    audit.record(actor=actor, action="notice_publish" if publish else "notice_withdraw", obj=notice, before=before,
                 after={"published_at": notice.published_at.isoformat() if notice.published_at else None},
                 subdistrict_id=notice.subdistrict_id)
    return notice


# ---------------------------------------------------------------- meetings

@transaction.atomic
def meeting_create(*, compound: Compound, starts_at: datetime.datetime, place: str, topic: str, actor: Actor) -> Meeting:
    meeting = Meeting.objects.create(
        subdistrict_id=compound.subdistrict_id, compound=compound, starts_at=starts_at,
        place=_text(place, field="place", zh="地点", en="the place", max_length=120),
        topic=_text(topic, field="topic", zh="议题", en="the topic", max_length=160),
    )
    audit.record(actor=actor, action="meeting_create", obj=meeting, before=None,
                 after={"topic": meeting.topic, "starts_at": starts_at.isoformat()}, subdistrict_id=meeting.subdistrict_id)
    return meeting


def _households_of(meeting: Meeting, households: Iterable[Household | int]) -> list[int]:
    ids = {h if isinstance(h, int) else h.pk for h in households}
    found = set(Household.objects.filter(pk__in=ids, compound_id=meeting.compound_id).values_list("pk", flat=True))
    if found != ids:
        raise ValidationFailed("只能邀请本小区的住户", "Only households of this compound can be invited", field="invited")
    return sorted(found)


@transaction.atomic
def meeting_invite(*, meeting: Meeting, households: Iterable[Household | int], actor: Actor) -> int:
    """Add households to the invitation list; returns how many are invited now."""
    ids = _households_of(meeting, households)
    meeting.invited.add(*ids)
    count = meeting.invited.count()
    audit.record(actor=actor, action="meeting_invite", obj=meeting, before=None, after={"added": len(ids), "invited": count},
                 subdistrict_id=meeting.subdistrict_id)
    return count


@transaction.atomic
def meeting_attendance(*, meeting: Meeting, present: Iterable[Household | int], actor: Actor) -> int:
    """Set who came (from the signed sheet); a present household not invited is invited as well."""
    ids = _households_of(meeting, present)
    before = sorted(meeting.present.values_list("pk", flat=True))
    meeting.invited.add(*ids)
    meeting.present.set(ids)
    audit.record(actor=actor, action="meeting_attendance", obj=meeting, before={"present": len(before)},
                 after={"present": len(ids)}, subdistrict_id=meeting.subdistrict_id)
    return len(ids)


@transaction.atomic
def meeting_minutes(*, meeting: Meeting, minutes: str, actor: Actor) -> Meeting:
    before = {"minutes": meeting.minutes[:200]}
    meeting.minutes = _text(minutes, field="minutes", zh="会议纪要", en="the minutes", max_length=20000, required=False)
    meeting.save(update_fields=["minutes"])
    audit.record(actor=actor, action="meeting_minutes", obj=meeting, before=before, after={"minutes": meeting.minutes[:200]},
                 subdistrict_id=meeting.subdistrict_id)
    return meeting


@transaction.atomic
def meeting_link_suggestion(*, meeting: Meeting, suggestion: Suggestion, actor: Actor, unlink: bool = False) -> None:
    """Record that a suggestion was discussed at this meeting, so its sender and staff can find where."""
    if suggestion.subdistrict_id != meeting.subdistrict_id:
        raise ValidationFailed("建议不在本街道", "The suggestion is from another sub-district", field="suggestion")
    (meeting.suggestions.remove if unlink else meeting.suggestions.add)(suggestion)
    audit.record(actor=actor, action="meeting_unlink_suggestion" if unlink else "meeting_link_suggestion", obj=meeting,
                 before=None, after={"suggestion": suggestion.receipt_code}, subdistrict_id=meeting.subdistrict_id)


@transaction.atomic
def decision_add(*, meeting: Meeting, text: str, linked: Model | None = None, reference: str = "", actor: Actor) -> Decision:
    """A decision, linked to any record (a project, a consultation) or described by a free reference."""
    decision = Decision(meeting=meeting, text=_text(text, field="text", zh="决定事项", en="the decision", max_length=2000),
                        reference=_text(reference, field="reference", zh="关联事项", en="the reference", max_length=120,
                                        required=False))
    if linked is not None:
        decision.linked = linked
    decision.save()
    audit.record(actor=actor, action="decision_add", obj=meeting, before=None,
                 after={"decision": decision.text[:200], "reference": decision.reference}, subdistrict_id=meeting.subdistrict_id)
    return decision


@transaction.atomic
def followup_add(*, meeting: Meeting, description: str, owner: str, due: datetime.date, actor: Actor) -> FollowUp:
    action = FollowUp.objects.create(
        meeting=meeting, due=due,
        description=_text(description, field="description", zh="跟进事项", en="the action", max_length=200),
        owner=_text(owner, field="owner", zh="责任人", en="the owner", max_length=60),
    )
    audit.record(actor=actor, action="followup_add", obj=meeting, before=None,
                 after={"action": action.description, "owner": action.owner, "due": due.isoformat()}, subdistrict_id=meeting.subdistrict_id)
    return action


@transaction.atomic
def followup_done(*, action: FollowUp, done: bool = True, actor: Actor, now: datetime.datetime | None = None) -> FollowUp:
    action.done_at = (now or timezone.now()) if done else None
    action.save(update_fields=["done_at"])
    audit.record(actor=actor, action="followup_done" if done else "followup_reopen", obj=action.meeting, before=None,
                 after={"action": action.description}, subdistrict_id=action.meeting.subdistrict_id)
    return action


# ---------------------------------------------------------------- household visits

@transaction.atomic
def visit_record(*, household: Household, visited_on: datetime.date, visitors: str, answers: dict[str, str],
                 concerns: str = "", follow_up: str = "", actor: Actor) -> Visit:
    """One visit to a household (一户一策) with its answers to the five questions."""
    fields = {}
    for key, _label in QUESTIONS:
        value = answers.get(key, "") or ""
        if value and value not in Answer.values:
            raise ValidationFailed("回答只能是同意、不同意或待定", "Answers are yes, no or unsure", field=key)
        fields[key] = value
    if visited_on > timezone.localdate():
        raise ValidationFailed("走访日期不能晚于今天", "The visit cannot be in the future", field="visited_on")
    visit = Visit.objects.create(
        subdistrict_id=household.compound.subdistrict_id, compound_id=household.compound_id, household=household,
        visited_on=visited_on, visitors=_text(visitors, field="visitors", zh="走访人", en="the visitors", max_length=80),
        concerns=concerns.strip()[:4000], follow_up=follow_up.strip()[:4000],
        created_by_id=actor.user.pk if actor.user is not None else None, **fields,
    )
    audit.record(actor=actor, action="visit_record", obj=visit, before=None, after={"household": household.pk, **fields},
                 subdistrict_id=visit.subdistrict_id)
    return visit


# ---------------------------------------------------------------- party network and volunteers

@transaction.atomic
def organisation_create(*, level: str, name: str, parent: PartyOrganisation | None = None,
                        compound: Compound | None = None, community: Community | None = None, subdistrict_id: int | None = None,
                        secretary: str = "", actor: Actor) -> PartyOrganisation:
    """One node of 街道党工委 → 社区党委 → 小区党支部; each level hangs under the one above it."""
    expected_parent: dict[str, str | None] = {OrgLevel.SUBDISTRICT: None, OrgLevel.COMMUNITY: OrgLevel.SUBDISTRICT, OrgLevel.BRANCH: OrgLevel.COMMUNITY}
    if level not in expected_parent:
        raise ValidationFailed("层级无效", "Unknown level", field="level")
    if (parent.level if parent else None) != expected_parent[level]:
        raise ValidationFailed("上级组织的层级不对", "The parent organisation is at the wrong level", field="parent")
    if level == OrgLevel.BRANCH:
        if compound is None:
            raise ValidationFailed("小区党支部须选择小区", "A compound branch needs a compound", field="compound")
        community = compound.community
    if level == OrgLevel.COMMUNITY and community is None:
        raise ValidationFailed("社区党委须选择社区", "A community committee needs a community", field="community")
    sd = subdistrict_id or (parent.subdistrict_id if parent else None) or (community.subdistrict_id if community else None)
    if sd is None:
        raise ValidationFailed("请指定街道", "Choose the sub-district", field="subdistrict")
    try:
        with transaction.atomic():
            org = PartyOrganisation.objects.create(
                subdistrict_id=sd, level=level, name=_text(name, field="name", zh="名称", en="the name", max_length=80),
                parent=parent, community=community if level != OrgLevel.SUBDISTRICT else None,
                compound=compound if level == OrgLevel.BRANCH else None, secretary=secretary[:40],
            )
    except IntegrityError as exc:
        raise Conflict(f"已有名为“{name}”的党组织", f"An organisation named “{name}” exists", field="name") from exc
    audit.record(actor=actor, action="party_org_create", obj=org, before=None, after={"level": level, "name": org.name},
                 subdistrict_id=sd)
    return org


@transaction.atomic
def member_add(*, organisation: PartyOrganisation, person: Person, duty: str = "", actor: Actor) -> Membership:
    """Add a party member (the roster person gets the party_member flag)."""
    if person.subdistrict_id != organisation.subdistrict_id:
        raise ValidationFailed("人员不在本街道", "The person is from another sub-district", field="person")
    if not queries.organisation_residents(organisation).filter(pk=person.pk).exists():
        raise ValidationFailed("请选择本小区的人员", "Choose a person of this compound", field="person")
    duty = _text(duty, field="duty", zh="职务", en="the duty", max_length=30, required=False)
    membership, _created = Membership.objects.get_or_create(organisation=organisation, person=person, defaults={"duty": duty})
    if not person.party_member:
        type(person).objects.filter(pk=person.pk).update(party_member=True)
        person.party_member = True
    audit.record(actor=actor, action="party_member_add", obj=organisation, before=None, after={"person": person.pk},
                 subdistrict_id=organisation.subdistrict_id)
    return membership


@transaction.atomic
def pledge_set(*, membership: Membership, kind: str, status: str = PledgeStatus.PLEDGED, note: str = "", actor: Actor) -> Pledge:
    """Make or update a party member's pledge (承诺 → 履行中 → 已兑现)."""
    if kind not in PledgeKind.values:
        raise ValidationFailed("承诺事项无效", "Unknown pledge", field="kind")
    if status not in PledgeStatus.values:
        raise ValidationFailed("状态无效", "Unknown status", field="status")
    pledge = Pledge.objects.filter(membership=membership, kind=kind).first()
    before = None if pledge is None else {"status": pledge.status}
    if pledge is None:
        pledge = Pledge(membership=membership, kind=kind)
    pledge.status, pledge.note = status, note.strip()[:200]
    pledge.save()
    audit.record(actor=actor, action="pledge_set", obj=membership.organisation, before=before,
                 after={"person": membership.person_id, "kind": kind, "status": status},
                 subdistrict_id=membership.organisation.subdistrict_id)
    return pledge


@transaction.atomic
def volunteer_assign(*, person: Person, compound: Compound, role: str, project: Model | None = None,
                     project_reference: str = "", actor: Actor) -> Volunteer:
    if role not in VolunteerRole.values:
        raise ValidationFailed("岗位无效", "Unknown role", field="role")
    if person.subdistrict_id != compound.subdistrict_id:
        raise ValidationFailed("人员不在本街道", "The person is from another sub-district", field="person")
    if not queries.residents_of(subdistrict_id=compound.subdistrict_id, compound_id=compound.pk).filter(pk=person.pk).exists():
        raise ValidationFailed("请选择本小区的人员", "Choose a person of this compound", field="person")
    reference = _text(project_reference, field="project_reference", zh="项目", en="the project", max_length=120, required=False)
    volunteer, _created = Volunteer.objects.get_or_create(
        compound=compound, person=person, role=role,
        defaults={"subdistrict_id": compound.subdistrict_id, "project_reference": reference},
    )
    if project is not None:
        volunteer.project = project
    volunteer.active = True
    volunteer.save()
    audit.record(actor=actor, action="volunteer_assign", obj=volunteer, before=None, after={"role": role, "compound": compound.pk},
                 subdistrict_id=compound.subdistrict_id)
    return volunteer


@transaction.atomic
def activity_log(*, person: Person, compound: Compound, on: datetime.date, kind: str, hours: Decimal | str,
                 visits: int = 0, note: str = "", actor: Actor) -> Activity:
    """Log hours (and households visited) a volunteer or party member of the compound gave."""
    if kind not in ActivityKind.values:
        raise ValidationFailed("请选择类型", "Please choose a kind", field="kind")
    if not queries.may_log_hours(person, compound):
        raise ValidationFailed("只能为本小区党支部的党员和在岗志愿者登记服务时长",
                               "Hours are logged only for the compound branch's party members and its volunteers on duty", field="person")
    try:
        exact = Decimal(str(hours))
        hours = exact.quantize(Decimal("0.1"))
    except InvalidOperation as exc:
        raise ValidationFailed("时长须是数字", "Hours must be a number", field="hours") from exc
    if hours != exact:
        raise ValidationFailed("时长最多保留一位小数", "Hours take at most one decimal", field="hours")
    if not Decimal("0") < hours <= Decimal("24"):
        raise ValidationFailed("时长须在 0 到 24 小时之间", "Hours must be between 0 and 24", field="hours")
    if visits < 0:
        raise ValidationFailed("走访户数不能为负", "Visits cannot be negative", field="visits")
    if on > timezone.localdate():
        raise ValidationFailed("日期不能晚于今天", "The date cannot be in the future", field="on")
    activity = Activity.objects.create(subdistrict_id=compound.subdistrict_id, compound=compound, person=person, on=on,
                                       kind=kind, hours=hours, visits=visits,
                                       note=_text(note, field="note", zh="说明", en="the note", max_length=200, required=False))
    audit.record(actor=actor, action="activity_log", obj=activity, before=None,
                 after={"person": person.pk, "hours": str(hours), "visits": visits}, subdistrict_id=compound.subdistrict_id)
    return activity
