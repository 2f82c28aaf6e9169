"""Corrections made where a record is read: a household's or a person's facts, a move-out, a death,
a transfer of ownership, and a deliberate look at a person's full ID number or phone.

Same rules as `roster.services`: keyword-only, atomic, one audit record per change, bad input a
`ValidationFailed` naming the field with nothing saved. An ended tie leaves `Ownership`/`Residence`
for `EndedTie`, so every reader of the current ties (tallies, counts, electorate freezes) sees the
present; an electorate already frozen keeps the owners and areas it froze.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from anju.core import audit
from anju.core.audit import Actor
from anju.core.errors import Conflict, ValidationFailed
from anju.roster import summary
from anju.roster.models import (
    EndedTie,
    EndReason,
    Household,
    Occupancy,
    Ownership,
    Person,
    Residence,
    RevealField,
    TieKind,
)
from anju.roster.services import build_person, household_change, person_change, reveal_record, snapshot_person

# A staff member phoning households looks up a few dozen numbers an hour; far more is a harvest.

_DATE_LABELS = {"ended_on": ("迁出日期", "Move-out date"), "died_on": ("死亡日期", "Date of death"),
                "on": ("产权转移日期", "Transfer date")}


def parse_date(value: Any, *, field: str) -> datetime.date:
    """A date from a form or the API (YYYY-MM-DD), not in the future; `ValidationFailed` naming `field` otherwise."""
    zh, en = _DATE_LABELS[field]
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        try:
            value = datetime.date.fromisoformat(str(value or "").strip())
        except ValueError:
            raise ValidationFailed(f"请填写{zh}（如 2026-03-01）", f"Please enter the {en.lower()} (e.g. 2026-03-01)",
                                   field=field) from None
    if value > timezone.localdate():
        raise ValidationFailed(f"{zh}不能晚于今天", f"The {en.lower()} cannot be in the future", field=field)
    return value


def _not_before(on: datetime.date, since: datetime.date | None, *, field: str, what_zh: str, what_en: str) -> None:
    if since is not None and on < since:
        zh, en = _DATE_LABELS[field]
        raise ValidationFailed(f"{zh}不能早于{what_zh}（{since:%Y-%m-%d}）", f"The {en.lower()} cannot be before the "
                               f"{what_en} ({since:%Y-%m-%d})", field=field)


def _end(tie: Ownership | Residence, *, kind: str, on: datetime.date, reason: str) -> EndedTie:
    ended = EndedTie.objects.create(person_id=tie.person_id, household_id=tie.household_id, kind=kind, since=tie.since,
                                    ended_on=on, reason=reason)
    tie.delete()
    if isinstance(tie, Residence):
        summary.refresh_households([tie.household_id])
    return ended


@transaction.atomic
def household_edit(*, household: Household, exclusive_area: Any = None, occupancy: str | None = None,
                   note: str | None = None, actor: Actor) -> Household:
    """修改户信息: the area from the register, who lives there (自住/出租/空置), a note; `None` keeps a value."""
    changes: dict[str, Any] = {}
    if exclusive_area is not None:
        changes["exclusive_area"] = exclusive_area
    if occupancy is not None:
        if occupancy not in Occupancy.values:
            raise ValidationFailed(f"居住状态“{occupancy}”无效", f"Unknown occupancy “{occupancy}”", field="occupancy")
        changes["occupancy"] = occupancy
    if note is not None:
        changes["note"] = note
    changed = household_change(household, changes)
    if changed:
        audit.record(actor=actor, action="household_edit", obj=household, before=changed[0], after=changed[1],
                     subdistrict_id=household.compound.subdistrict_id)
    return household


@transaction.atomic
def person_edit(*, person: Person, actor: Actor, **changes: Any) -> Person:
    """修改人员信息: name, sex, birth year, ID number, phone, the two flags; a value left out is kept."""
    changed = person_change(person, changes)
    if changed:
        audit.record(actor=actor, action="person_edit", obj=person, before=changed[0], after=changed[1],
                     subdistrict_id=person.subdistrict_id)
    return person


@transaction.atomic
def residence_end(*, residence: Residence, ended_on: Any, actor: Actor) -> EndedTie:
    """登记迁出: the person no longer lives in the household from `ended_on` (not in the future, not before move-in)."""
    on = parse_date(ended_on, field="ended_on")
    locked = Residence.objects.select_for_update().select_related("household", "person").filter(pk=residence.pk).first()
    if locked is None:  # a second click, or someone else recorded it first
        raise Conflict("该居民的迁出已经登记", "This move-out is already recorded")
    residence = locked
    _not_before(on, residence.since, field="ended_on", what_zh="迁入日期", what_en="move-in date")
    household, person = residence.household, residence.person
    ended = _end(residence, kind=TieKind.RESIDENT, on=on, reason=EndReason.MOVED_OUT)
    audit.record(actor=actor, action="move_out", obj=household, before={"resident": person.pk},
                 after={"moved_out": person.pk, "ended_on": on.isoformat()}, subdistrict_id=person.subdistrict_id)
    return ended


@transaction.atomic
def person_death(*, person: Person, died_on: Any, actor: Actor) -> list[EndedTie]:
    """登记死亡: the date of death, which ends every residence and ownership of the person that day."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.died_on is not None:
        raise Conflict(f"已登记{person.name}于 {person.died_on:%Y-%m-%d} 死亡", f"{person.name}'s death is already "
                       f"recorded ({person.died_on:%Y-%m-%d})")
    on = parse_date(died_on, field="died_on")
    if person.birth_year is not None and on.year < person.birth_year:
        raise ValidationFailed(f"死亡日期不能早于出生年份（{person.birth_year}）",
                               f"The date of death cannot be before the birth year ({person.birth_year})", field="died_on")
    ties: list[tuple[str, Ownership | Residence]] = [(TieKind.OWNER, t) for t in person.ownerships.all()]
    ties += [(TieKind.RESIDENT, t) for t in person.residences.all()]
    for _kind, tie in ties:
        _not_before(on, tie.since, field="died_on", what_zh="迁入或取得产权的日期", what_en="move-in or ownership date")
    ended = [_end(tie, kind=kind, on=on, reason=EndReason.DIED) for kind, tie in ties]
    person.died_on = on
    person.save(update_fields=["died_on"])
    audit.record(actor=actor, action="death", obj=person, before={"died_on": None},
                 after={"died_on": on.isoformat(), "households": sorted({e.household_id for e in ended})},
                 subdistrict_id=person.subdistrict_id)
    return ended


@dataclass(frozen=True)
class NewOwner:
    """A new owner in a transfer: someone already on the roster, or a name with an ID number and a phone."""

    person: Person | None = None
    name: str = ""
    id_number: str = ""
    phone: str = ""


def _owner_person(household: Household, new: NewOwner, *, actor: Actor) -> Person:
    subdistrict_id = household.compound.subdistrict_id
    if new.person is not None:
        if new.person.subdistrict_id != subdistrict_id:
            raise ValidationFailed("新业主不在本街道的台账中", "The new owner is not on this sub-district's roster",
                                   field="new_owner")
        person = new.person
    else:
        built = build_person(subdistrict=household.compound.subdistrict, name=new.name, id_number=new.id_number,
                             phone=new.phone)
        known = Person.objects.filter(subdistrict_id=subdistrict_id, id_number_hash=built.id_number_hash).first() \
            if built.id_number_hash else None
        if known is not None and known.name != built.name:
            raise ValidationFailed("该身份证号已登记在另一人名下，请核对新业主的姓名和身份证号",
                                   "This ID number is registered to someone else; check the new owner's name and ID number",
                                   field="id_number")
        if known is None:
            built.save()
            audit.record(actor=actor, action="create", obj=built, before=None, after=snapshot_person(built),
                         subdistrict_id=subdistrict_id)
            known = built
        person = known
    if person.died_on is not None:
        raise ValidationFailed(f"{person.name}已登记死亡，不能成为新业主", f"{person.name} is recorded as deceased",
                               field="new_owner")
    return person


@transaction.atomic
def ownership_transfer(*, household: Household, on: Any, new_owners: Sequence[NewOwner], actor: Actor) -> list[Ownership]:
    """登记产权转移: the current owners' ownership ends on `on` and the new owners' starts that day.

    A current owner who is also among the new owners (a co-owner who stays) keeps their ownership.
    """
    day = parse_date(on, field="on")
    if not new_owners:
        raise ValidationFailed("请填写新业主", "Please enter the new owner", field="new_owner")
    household = Household.objects.select_for_update().select_related("compound__subdistrict").get(pk=household.pk)
    people = [_owner_person(household, new, actor=actor) for new in new_owners]
    keep = {p.pk for p in people}
    current = list(Ownership.objects.filter(household=household))
    for tie in current:
        _not_before(day, tie.since, field="on", what_zh="原业主取得产权的日期", what_en="date the previous owner acquired it")
    before = sorted(t.person_id for t in current)
    if before and set(before) == keep:
        raise ValidationFailed("新业主与现业主相同，无需登记产权转移", "The new owners are the current owners; nothing to transfer",
                               field="new_owner")
    for tie in current:
        if tie.person_id not in keep:
            _end(tie, kind=TieKind.OWNER, on=day, reason=EndReason.TRANSFERRED)
    held = {t.person_id for t in current}
    started = [Ownership.objects.create(person=p, household=household, since=day)
               for p in dict.fromkeys(people) if p.pk not in held]
    audit.record(actor=actor, action="transfer", obj=household, before={"owners": before},
                 after={"owners": sorted(keep), "on": day.isoformat()}, subdistrict_id=household.compound.subdistrict_id)
    return started


def personal_data_reveal(*, person: Person, field: str, actor: Actor) -> str:
    """查看个人信息: the full ID number or phone of one person, logged (who, whose, which, when; never the value).

    Counted against `REVEAL_LIMIT` per user before anything is read, so a refused look still counts.
    """
    if field not in RevealField.values:
        raise ValidationFailed("请选择要显示的身份证号或联系电话", "Choose the ID number or the phone to show", field="field")
    with transaction.atomic():
        reveal_record(subdistrict_id=person.subdistrict_id, field=field, person=person, actor=actor)
        audit.record(actor=actor, action="reveal", obj=person, before=None, after={"field": field},
                     subdistrict_id=person.subdistrict_id)
    return person.id_number if field == RevealField.ID_NUMBER else person.phone

