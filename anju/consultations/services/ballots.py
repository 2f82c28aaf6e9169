"""Ballots: the ONE write path for every channel (online, paper, door-to-door), the scans of
signed paper ballots, and staff resolving a household's conflicting ballots.

Each write is atomic and leaves an audit record in the same transaction.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from anju.consultations.models import (
    Ballot,
    BallotState,
    Channel,
    Consultation,
    Elector,
    Question,
    QuestionKind,
    Status,
)
from anju.consultations.services.lifecycle import is_accepting
from anju.core import audit
from anju.core.audit import Actor
from anju.core.errors import Conflict, NotFound, ValidationFailed
from anju.core.images import open_checked
from anju.roster.models import Household

STAFF_CHANNELS = (Channel.PAPER, Channel.DOOR)
ANY = object()  # `expected` sentinel: accept whatever ballot is on record
SCAN_MAX_BYTES = 10 * 1024 * 1024
SCAN_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "MPO": "jpg", "TIFF": "tif"}


def answers_validate(questions: list[Question], answers: Mapping[str, Any]) -> dict[str, Any]:
    """Normalise answers keyed by question id (as str); unknown or malformed answers are refused."""
    by_id = {str(q.pk): q for q in questions}
    clean: dict[str, Any] = {}
    for key, value in answers.items():
        q = by_id.get(str(key))
        if q is None:
            raise ValidationFailed(f"问题 {key} 不属于本次意见征求", f"Question {key} is not in this consultation",
                                   field=f"answers.{key}")
        field = f"answers.{key}"
        if q.kind == QuestionKind.ELECTION:
            clean[str(q.pk)] = _chosen(q, value, field)
            continue
        if value in (None, "", []):
            continue
        if q.kind == QuestionKind.YES_NO:
            if value not in ("yes", "no", "abstain"):
                raise ValidationFailed(f"第 {q.order} 题请选择同意、不同意或弃权",
                                       f"Question {q.order}: answer yes, no or abstain", field=field)
        elif q.kind == QuestionKind.SINGLE:
            if value not in q.choices:
                raise ValidationFailed(f"第 {q.order} 题的选项无效", f"Question {q.order}: unknown choice", field=field)
        elif q.kind == QuestionKind.MULTIPLE:
            values = [value] if isinstance(value, str) else list(value)
            if any(v not in q.choices for v in values):
                raise ValidationFailed(f"第 {q.order} 题的选项无效", f"Question {q.order}: unknown choice", field=field)
            value = [c for c in q.choices if c in values]  # question order: one canonical form
        elif q.kind == QuestionKind.NUMBER:
            try:
                number = Decimal(str(value).strip())
            except InvalidOperation:
                number = None
            if number is None or not number.is_finite() or number < 0 or number > Decimal("1e9"):
                raise ValidationFailed(f"第 {q.order} 题请填写一个不小于 0 的数字",
                                       f"Question {q.order}: enter a number of at least 0", field=field)
            value = format(number.normalize(), "f")
        else:
            value = str(value).strip()[:1000]
        clean[str(q.pk)] = value
    for q in questions:
        if q.kind == QuestionKind.ELECTION:
            # A ballot cast takes part in every election on it: a box left empty chooses nobody.
            clean.setdefault(str(q.pk), [])
    if not clean:
        raise ValidationFailed("请至少回答一个问题", "Answer at least one question", field="answers")
    return clean


def _chosen(q: Question, value: Any, field: str) -> list[str]:
    """An election answer: the candidates chosen, at most `seats`, in list order ([] = took part, chose nobody)."""
    values = [] if value in (None, "") else [value] if isinstance(value, str) else value
    if not isinstance(values, list | tuple) or any(not isinstance(v, str) for v in values):
        raise ValidationFailed(f"第 {q.order} 题请勾选候选人", f"Question {q.order}: tick candidates", field=field)
    unknown = [v for v in values if v not in q.choices]
    if unknown:
        raise ValidationFailed(f"第 {q.order} 题选了不在候选人名单上的人：{unknown[0][:40]}",
                               f"Question {q.order}: {unknown[0][:40]} is not on the list of candidates", field=field)
    chosen = [c for c in q.choices if c in values]
    seats = q.seats or 0
    if len(chosen) > seats:
        raise ValidationFailed(f"第 {q.order} 题最多选 {seats} 人，这张票选了 {len(chosen)} 人，请减少勾选。",
                               f"Question {q.order}: choose at most {seats}; this ballot chooses {len(chosen)}.",
                               field=field)
    return chosen


def scan_store(*, consultation: Consultation, data: bytes, name: str) -> str:
    """Keep a photo or scan of a signed paper ballot under MEDIA_ROOT; it must really be an image."""
    # The scan is evidence: kept byte for byte, only checked to really be an image.
    fmt = open_checked(data, name=name, field="scan", max_bytes=SCAN_MAX_BYTES, formats=frozenset(SCAN_FORMATS)).format
    assert fmt is not None  # open_checked refuses an image of another (or no) format
    relative = Path("consultations") / str(consultation.pk) / f"{uuid.uuid4().hex}.{SCAN_FORMATS[fmt]}"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return relative.as_posix()


def scan_discard(relative: str) -> None:
    """Remove a stored scan that no ballot refers to (the ballot it came with was refused)."""
    root = Path(settings.MEDIA_ROOT).resolve()
    target = (root / relative).resolve()
    if relative and target.is_relative_to(root / "consultations"):
        target.unlink(missing_ok=True)


def paper_ballot_cast(*, consultation: Consultation, household: Household | Elector, answers: Mapping[str, Any],
                      channel: str, actor: Actor, scan_data: bytes | None = None, scan_name: str = "",
                      signer: str = "", expected: str | None | object = ANY) -> Ballot:
    """A paper or door-to-door ballot entered by staff, with the scan of the signed form if there is one;
    the scan is kept only with a recorded ballot, so a refused ballot (closed, invalid, conflict) leaves
    no file. Staff never enter an online ballot: that channel is the household's own (its letter), and
    a staff entry under it would replace the household's own online vote."""
    if channel not in STAFF_CHANNELS:
        raise ValidationFailed("工作人员只能录入纸质或上门表决票", "Staff enter paper or door-to-door ballots only",
                               field="channel")
    scan = scan_store(consultation=consultation, data=scan_data, name=scan_name) if scan_data is not None else ""
    try:
        return ballot_cast(consultation=consultation, household=household, answers=answers, channel=channel,
                           actor=actor, expected=expected, scan=scan, signer=signer)
    except BaseException:
        if scan:
            scan_discard(scan)
        raise


def elector_of(consultation: Consultation, household: Household | Elector) -> Elector:
    if isinstance(household, Elector):
        if household.consultation_id != consultation.pk:
            raise NotFound("该户不在本次表决范围内", "This household is not in this consultation")
        return household
    e = Elector.objects.filter(consultation=consultation, household=household).first()
    if e is None:
        raise NotFound("该户不在本次表决范围内", "This household is not in this consultation")
    return e


def _receipt() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone
    return "".join(secrets.choice(alphabet) for _ in range(10))


def ballot_cast(*, consultation: Consultation, household: Household | Elector, answers: Mapping[str, Any],
                channel: str, actor: Actor, expected: str | None | object = ANY, scan: str = "",
                signer: str = "") -> Ballot:
    """Record one household's ballot, for every channel (online, paper, door-to-door).

    * Before the close only; afterwards `correction_append`.
    * A new online ballot replaces the household's earlier online ballot (revote); a new paper or
      door ballot replaces the earlier paper one (a re-entered form).
    * An online and a paper ballot side by side are a conflict: both are marked CONFLICT and neither
      counts until staff choose (`conflict_resolve`). Never double-counted: the database allows one
      COUNTED ballot per household and one active ballot per kind.
    * `expected` is the receipt of the ballot the caller saw ("" or None: none). If another ballot of
      this kind was recorded meanwhile (a second phone, a double click), Conflict (409) is raised and
      nothing changes. Concurrent writers that slip past the check hit the unique constraints and get
      the same Conflict."""
    if channel not in Channel.values:
        raise ValidationFailed(f"未知渠道：{channel}", f"Unknown channel: {channel}", field="channel")
    try:
        with transaction.atomic():
            return _cast(consultation, household, answers, channel, actor, expected, scan, signer)
    except IntegrityError:
        raise _concurrent() from None


def _concurrent() -> Conflict:
    return Conflict("本户的表决刚刚被另一次提交记录，请刷新页面查看后再提交",
                    "Another submission for this household was just recorded; reload to see it before voting again")


def _cast(consultation: Consultation, household: Household | Elector, answers: Mapping[str, Any], channel: str,
          actor: Actor, expected: Any, scan: str, signer: str) -> Ballot:
    # Locking the consultation row serialises writers of one consultation on PostgreSQL (SQLite's
    # IMMEDIATE transactions already do); the status read under the lock is then the truth.
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if not is_accepting(consultation):
        raise Conflict("表决已截止或尚未开始，不能再投票；如需更正请联系社区工作人员",
                       "Voting is closed or has not started; ask the community staff for a correction")
    elector = elector_of(consultation, household)
    clean = answers_validate(list(consultation.questions.all()), answers)
    online = channel == Channel.ONLINE
    active = {b.online: b for b in Ballot.objects.filter(elector=elector, state__in=[BallotState.COUNTED,
                                                                                        BallotState.CONFLICT])}
    same, other = active.get(online), active.get(not online)
    if expected is not ANY and (same.receipt if same else "") != (expected or ""):
        raise _concurrent()
    before = {"same": same.receipt if same else None, "other": other.receipt if other else None}
    if same is not None:
        same.state, same.state_note = BallotState.REPLACED, "重新表决 / revote"
        same.save(update_fields=["state", "state_note"])
    state = BallotState.COUNTED
    if other is not None:
        state = BallotState.CONFLICT
        if other.state != BallotState.CONFLICT:
            other.state = BallotState.CONFLICT
            other.save(update_fields=["state"])
    ballot = Ballot.objects.create(
        consultation=consultation, elector=elector, channel=channel, online=online, state=state, answers=clean,
        receipt=_receipt(), scan=scan, signer=signer[:40], entered_by=actor.user, entered_by_label=actor.label)
    audit.record(actor=actor, action="consultation.ballot", obj=ballot, before=before,
                 after={"household": elector.key, "channel": channel, "state": state, "answers": clean,
                        "scan": bool(scan)}, subdistrict_id=consultation.subdistrict_id)
    return ballot


@transaction.atomic
def conflict_resolve(*, ballot: Ballot, actor: Actor, reason: str) -> Ballot:
    """Staff choose which of a household's two conflicting ballots (online, paper) counts."""
    consultation = Consultation.objects.select_for_update().get(pk=ballot.consultation_id)
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    if consultation.status == Status.CLOSED:
        raise Conflict("表决已截止，请用更正记录处理", "The consultation is closed; append a correction instead")
    if ballot.state != BallotState.CONFLICT:
        raise Conflict("这张表决票不处于冲突状态", "This ballot is not in conflict")
    if not reason.strip():
        raise ValidationFailed("请说明选择的理由", "Give the reason for the choice", field="reason")
    other = Ballot.objects.get(elector_id=ballot.elector_id, state=BallotState.CONFLICT, online=not ballot.online)
    other.state, other.state_note = BallotState.SET_ASIDE, reason.strip()[:300]
    other.save(update_fields=["state", "state_note"])
    ballot.state, ballot.state_note = BallotState.COUNTED, reason.strip()[:300]
    ballot.save(update_fields=["state", "state_note"])
    audit.record(actor=actor, action="consultation.conflict_resolve", obj=ballot,
                 before={"conflict": [ballot.receipt, other.receipt]},
                 after={"counted": ballot.receipt, "set_aside": other.receipt, "reason": reason.strip()},
                 subdistrict_id=consultation.subdistrict_id)
    return ballot


@transaction.atomic
def ballot_scan_attach(*, ballot_id: int, data: bytes, name: str, actor: Actor) -> Ballot:
    """Keep the photo of a signed paper ballot that reached the server after its ballot (a phone sends the
    record first, the photo when the connection allows). A ballot keeps the first scan it gets."""
    ballot = Ballot.objects.select_for_update().select_related("consultation").get(pk=ballot_id)
    if ballot.scan:
        return ballot
    ballot.scan = scan_store(consultation=ballot.consultation, data=data, name=name)
    ballot.save(update_fields=["scan"])
    audit.record(actor=actor, action="consultation.ballot_scan", obj=ballot, before={"scan": False},
                 after={"scan": True}, subdistrict_id=ballot.consultation.subdistrict_id)
    return ballot
