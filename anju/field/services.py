"""Every write of the field app: a phone's batch of offline records, through the same services as
online entries, counted once per client id; the photos sent after their records.

A record is claimed first (its `FieldRecord` row inserted under the unique client id), then applied
in a savepoint: a second arrival of the same id, concurrent or later, meets the row and gets the
stored outcome back, so a replayed batch or one whose answer was lost changes nothing.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from anju.consultations import access as consultations_access
from anju.consultations import services as consultations
from anju.core import audit
from anju.core.access import Action
from anju.core.audit import Actor
from anju.core.errors import AnjuError, Conflict, NotFound, ValidationFailed
from anju.core.images import open_checked
from anju.core.scoping import scope_of
from anju.field.models import FieldRecord, Kind, Outcome
from anju.participation import queries as participation_queries
from anju.participation import services as participation
from anju.roster.access import access_household
from anju.roster.models import Household

MAX_BATCH = 500
PHOTO_MAX_BYTES = 10 * 1024 * 1024
CLOCK_SKEW = datetime.timedelta(minutes=10)  # a phone's clock may run a little ahead
PHOTO_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
PHOTO_EXT = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


@dataclass(frozen=True)
class Result:
    """What the server answers for one record: accepted, refused or duplicate (seen before), with why."""

    client_id: str
    status: str  # accepted | refused | duplicate
    outcome: str  # the stored outcome (for a duplicate: the first arrival's)
    state: str = ""  # a ballot's state: counted | conflict
    ref: str = ""
    reason_zh: str = ""
    reason_en: str = ""
    photo_received: int = 0
    photo_size: int = 0


def result_of(row: FieldRecord, status: str) -> Result:
    """The answer for a stored record (`status` as this arrival sees it)."""
    return Result(client_id=str(row.client_id), status=status, outcome=row.outcome, state=row.state, ref=row.ref,
                  reason_zh=row.reason_zh, reason_en=row.reason_en, photo_received=row.photo_received,
                  photo_size=row.photo_size)


def _client_id(value: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        raise ValidationFailed("记录编号无效", "The record id is not a UUID", field="client_id") from None


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _taken_at(value: datetime.datetime) -> datetime.datetime:
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > timezone.now() + CLOCK_SKEW:
        raise ValidationFailed("记录时间晚于现在，请检查手机时间", "The record is dated in the future: check the phone's clock",
                               field="taken_at")
    return value


def sync_batch(*, records: list[dict[str, Any]], device: str, actor: Actor) -> list[Result]:
    """Apply a phone's batch, each record on its own (one refusal never stops the others), and audit the batch
    with the device and the user. Records are dicts as `api.FieldRecordIn` parses them."""
    if len(records) > MAX_BATCH:
        raise ValidationFailed(f"一次最多上传 {MAX_BATCH} 条记录", f"At most {MAX_BATCH} records per batch", field="records")
    device = (device or "").strip()[:80]
    if not device:
        raise ValidationFailed("请提供设备编号", "Name the device", field="device")
    batch = _Batch(actor)
    batch.load(records)
    results = [_one(record, device=device, actor=actor, batch=batch) for record in records]
    counts = {s: sum(r.status == s for r in results) for s in ("accepted", "refused", "duplicate")}
    subdistrict_id = scope_of(actor.user).subdistrict_id
    with transaction.atomic():
        # One audit row per batch, on the first record the batch stored (a batch of unknown households stores none).
        anchor = FieldRecord.objects.filter(client_id__in=[_uuid_or_none(r.client_id) for r in results]).first()
        if anchor is not None:
            audit.record(actor=actor, action="field.sync", obj=anchor, before=None,
                         after={"device": device, "records": len(results), **counts,
                                "client_ids": [r.client_id for r in results][:MAX_BATCH]},
                         subdistrict_id=subdistrict_id or anchor.subdistrict_id)
    return results


class _Batch:
    """What one batch reads once: the households it names as the caller may reach them (the rule of
    `roster.access.access_household`, in one query), and each consultation as `access_consultation` gives it
    (closed first if due; whether it still accepts ballots is decided again under its row lock in `ballot_cast`)."""

    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.households: dict[int, Household] | None = None
        self.consultations: dict[int, Any] = {}

    def household(self, pk: int) -> Household:
        found = self.households.get(pk) if self.households is not None else None
        if found is None:
            return access_household(self.actor.user, pk, action=Action.VIEW)
        return found

    def load(self, records: list[dict[str, Any]]) -> None:
        ids = {int(r.get("household_id") or 0) for r in records}
        self.households = {h.pk: h for h in Household.objects.within(scope_of(self.actor.user)).filter(pk__in=ids)
                           .select_related("compound", "unit__building")}

    def consultation(self, pk: int) -> Any:
        if pk not in self.consultations:
            self.consultations[pk] = consultations_access.access_consultation(self.actor.user, pk, action=Action.EDIT)
        return self.consultations[pk]


def _one(record: dict[str, Any], *, device: str, actor: Actor, batch: _Batch) -> Result:
    try:
        client_id = _client_id(record.get("client_id"))
    except AnjuError as exc:
        return Result(client_id=str(record.get("client_id", ""))[:40], status="refused", outcome=Outcome.REFUSED,
                      reason_zh=exc.zh, reason_en=exc.en)
    seen = FieldRecord.objects.filter(client_id=client_id).first()
    if seen is not None:
        return result_of(seen, "duplicate")
    try:
        household = batch.household(int(record.get("household_id") or 0))
        kind = record.get("kind")
        if kind not in Kind.values:
            raise ValidationFailed(f"未知的记录类型：{str(kind)[:20]}", f"Unknown record kind: {str(kind)[:20]}", field="kind")
        taken_at = _taken_at(record["taken_at"])
    except AnjuError as exc:  # nothing in scope to store it against: refused, and refused again on a replay
        return Result(client_id=str(client_id), status="refused", outcome=Outcome.REFUSED, reason_zh=exc.zh,
                      reason_en=exc.en)
    try:
        with transaction.atomic():
            row = FieldRecord.objects.create(
                client_id=client_id, subdistrict_id=household.compound.subdistrict_id, compound_id=household.compound_id,
                household=household, kind=kind, taken_at=taken_at, user=actor.user, device=device,
                outcome=Outcome.ACCEPTED, photo_size=max(0, min(int(record.get("photo_size") or 0), PHOTO_MAX_BYTES)))
            try:
                with transaction.atomic():
                    row.state, row.ref = APPLY[kind](record, household=household, taken_at=taken_at, actor=actor,
                                                     batch=batch)
            except AnjuError as exc:
                row.outcome, row.reason_zh, row.reason_en = Outcome.REFUSED, exc.zh[:300], exc.en[:300]
                row.photo_size = 0  # a refused record's photo has nowhere to go
            row.save(update_fields=["outcome", "state", "ref", "reason_zh", "reason_en", "photo_size"])
    except IntegrityError:  # the same client id arrived meanwhile (another request, another phone)
        seen = FieldRecord.objects.filter(client_id=client_id).first()
        if seen is None:
            raise
        return result_of(seen, "duplicate")
    return result_of(row, "accepted" if row.outcome == Outcome.ACCEPTED else "refused")


def _visit(record: dict[str, Any], *, household: Household, taken_at: datetime.datetime, actor: Actor,
           batch: _Batch) -> tuple[str, str]:
    answers = {key: str(record.get("answers", {}).get(key, "") or "") for key, _label in participation.QUESTIONS}
    visited_on = timezone.localdate(taken_at)
    concerns, follow_up = str(record.get("concerns", "")).strip(), str(record.get("follow_up", "")).strip()
    same = participation_queries.visits_for(scope_of(actor.user), household_id=household.pk).filter(
        visited_on=visited_on, concerns=concerns[:4000], follow_up=follow_up[:4000], **answers)
    if same.exists():  # two phones of one pair of visitors recorded the same conversation
        raise Conflict("这一户当天已有内容相同的走访记录，未重复登记",
                       "This household already has an identical visit on that day; not recorded twice")
    visitors = str(record.get("visitors", "")).strip() or _name_of(actor)
    visit = participation.visit_record(household=household, visited_on=visited_on, visitors=visitors, answers=answers,
                                       concerns=concerns, follow_up=follow_up, actor=actor)
    return "", f"visit:{visit.pk}"


def _name_of(actor: Actor) -> str:
    user = actor.user
    if user is None:
        return actor.label
    return (user.get_full_name() or user.get_username())[:80]


def _ballot(record: dict[str, Any], *, household: Household, taken_at: datetime.datetime, actor: Actor,
            batch: _Batch) -> tuple[str, str]:
    consultation = batch.consultation(int(record.get("consultation_id") or 0))
    ballot = consultations.paper_ballot_cast(consultation=consultation, household=household,
                                             answers=record.get("answers") or {}, channel="door", actor=actor,
                                             signer=str(record.get("signer", "")).strip())
    return ballot.state, f"ballot:{ballot.pk}"


def _suggestion(record: dict[str, Any], *, household: Household, taken_at: datetime.datetime, actor: Actor,
                batch: _Batch) -> tuple[str, str]:
    suggestion = participation.suggestion_submit(
        compound=household.compound, building=household.unit.building, category=str(record.get("category", "")),
        title=str(record.get("title", "")), body=str(record.get("body", "")),
        contact_name=str(record.get("contact_name", "")), actor=actor)
    return "", f"suggestion:{suggestion.receipt_code}"


APPLY = {Kind.VISIT: _visit, Kind.BALLOT: _ballot, Kind.SUGGESTION: _suggestion}


# ---------------------------------------------------------------- photos, after their records

def photo_record(client_id: str, actor: Actor) -> FieldRecord:
    """The record a photo belongs to, as the caller may reach it: theirs, or any of their scope for staff."""
    row = FieldRecord.objects.within(scope_of(actor.user)).filter(client_id=_client_id(client_id)).first()
    if row is None or (row.user_id != getattr(actor.user, "pk", None) and not scope_of(actor.user).can_edit):
        raise NotFound("找不到这条记录，请先上传记录再上传照片", "No such record: send the record before its photo")
    return row


def _partial(row: FieldRecord) -> Path:
    return Path(settings.MEDIA_ROOT) / "field" / "partial" / f"{row.client_id.hex}.part"


def photo_append(*, client_id: str, offset: int, chunk: bytes, actor: Actor) -> FieldRecord:
    """Add one chunk of a record's photo at `offset`; resumable: a chunk already received is acknowledged and
    ignored, one beyond what arrived is refused with the count received, so the phone sends from there.
    The last chunk checks the image and attaches it (a ballot's to its ballot as the signed form's scan)."""
    try:
        return _append(client_id, offset, chunk, actor)
    except ValidationFailed:
        # Not an image after all: start again from the first byte (the phone resends the whole photo).
        row = photo_record(client_id, actor)
        _partial(row).unlink(missing_ok=True)
        FieldRecord.objects.filter(pk=row.pk, photo="").update(photo_received=0)
        raise


def _append(client_id: str, offset: int, chunk: bytes, actor: Actor) -> FieldRecord:
    with transaction.atomic():
        row = FieldRecord.objects.select_for_update().get(pk=photo_record(client_id, actor).pk)
        if row.photo_size == 0:
            raise Conflict("这条记录不需要照片（或已被拒绝）", "This record takes no photo (or was refused)")
        if row.photo or offset + len(chunk) <= row.photo_received:
            return row  # a resent chunk of what already arrived
        if offset != row.photo_received:
            raise Conflict(f"应从第 {row.photo_received} 字节继续上传", f"Resume the upload at byte {row.photo_received}")
        if offset + len(chunk) > row.photo_size:
            raise ValidationFailed("照片超过了记录中声明的大小", "The photo is larger than its record said", field="chunk")
        partial = _partial(row)
        partial.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("r+b" if partial.exists() else "wb") as out:
            out.seek(offset)
            out.write(chunk)
            out.truncate()
        row.photo_received = offset + len(chunk)
        if row.photo_received == row.photo_size:
            _photo_complete(row, partial, actor)
        row.save(update_fields=["photo_received", "photo"])
    return row


def _photo_complete(row: FieldRecord, partial: Path, actor: Actor) -> None:
    data = partial.read_bytes()
    fmt = open_checked(data, name="photo", field="chunk", max_bytes=PHOTO_MAX_BYTES, formats=PHOTO_FORMATS).format
    assert fmt is not None
    relative = Path("field") / str(row.compound_id) / f"{row.client_id.hex}.{PHOTO_EXT[fmt]}"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    partial.replace(target)
    row.photo = relative.as_posix()
    if row.kind == Kind.BALLOT and row.ref.startswith("ballot:"):
        consultations.ballot_scan_attach(ballot_id=int(row.ref.split(":")[1]), data=data, name=target.name, actor=actor)
    audit.record(actor=actor, action="field.photo", obj=row, before=None,
                 after={"client_id": str(row.client_id), "bytes": len(data), "kind": row.kind},
                 subdistrict_id=row.subdistrict_id)
