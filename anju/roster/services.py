"""Every write to the roster: keyword-only, in a transaction, with an audit record.

Bad input raises `ValidationFailed` naming the field, in Chinese and English, and saves nothing.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from anju.core import audit, crypto, ratelimit
from anju.core.audit import Actor
from anju.core.errors import ValidationFailed
from anju.domain.errors import DomainError
from anju.domain.ids import mask_id_number, mask_phone, normalize_id_number, normalize_phone
from anju.roster import summary
from anju.roster.models import (
    Building,
    Community,
    Compound,
    Household,
    Occupancy,
    Ownership,
    Person,
    Residence,
    RevealLog,
    Sex,
    Structure,
    Subdistrict,
    Unit,
)

# One per-user limit on looks at full numbers, whichever page or record they are on.
REVEAL_LIMIT = ratelimit.Limit("reveal-personal", 60, 3600)
MAX_EXCLUSIVE_AREA = Decimal("1000")  # m²; anything larger in a walk-up is a typing error


def _area(value: Any, *, field: str, label_zh: str, label_en: str) -> Decimal:
    try:
        area = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(f"{label_zh}“{value}”不是数字", f"{label_en} “{value}” is not a number", field=field) from None
    if area <= 0:
        raise ValidationFailed(f"{label_zh}必须大于 0", f"{label_en} must be greater than 0", field=field)
    if area > MAX_EXCLUSIVE_AREA:
        raise ValidationFailed(
            f"{label_zh} {area} ㎡ 超出合理范围（不超过 {MAX_EXCLUSIVE_AREA} ㎡）",
            f"{label_en} {area} m² is out of range (at most {MAX_EXCLUSIVE_AREA} m²)",
            field=field,
        )
    return area


def _snapshot_household(h: Household) -> dict[str, Any]:
    return {"unit": h.unit_id, "floor": h.floor, "room": h.room, "exclusive_area": str(h.exclusive_area),
            "occupancy": h.occupancy, "note": h.note}


def snapshot_person(p: Person) -> dict[str, Any]:
    """What the audit keeps of a person: personal data masked, never in clear."""
    return {
        "name": p.name, "sex": p.sex, "birth_year": p.birth_year,
        "id_number": mask_id_number(p.id_number), "phone": mask_phone(p.phone),
        "limited_mobility": p.limited_mobility, "party_member": p.party_member,
    }


@transaction.atomic
def subdistrict_create(*, name: str, city: str = "", district: str = "", actor: Actor) -> Subdistrict:
    subdistrict = Subdistrict.objects.create(name=name, city=city, district=district)
    audit.record(actor=actor, action="create", obj=subdistrict, before=None, after={"name": name}, subdistrict_id=subdistrict.pk)
    return subdistrict


@transaction.atomic
def community_create(*, subdistrict: Subdistrict, name: str, actor: Actor) -> Community:
    if Community.objects.filter(subdistrict=subdistrict, name=name).exists():
        raise ValidationFailed(f"社区“{name}”已存在", f"Community “{name}” already exists", field="name")
    community = Community.objects.create(subdistrict=subdistrict, name=name)
    audit.record(actor=actor, action="create", obj=community, before=None, after={"name": name}, subdistrict_id=subdistrict.pk)
    return community


@transaction.atomic
def compound_create(*, community: Community, name: str, address: str = "", year_built: int | None = None,
                    land_area: Decimal | None = None, actor: Actor) -> Compound:
    if Compound.objects.filter(community=community, name=name).exists():
        raise ValidationFailed(f"小区“{name}”已在{community.name}中存在", f"Compound “{name}” already exists in {community.name}", field="name")
    compound = Compound.objects.create(
        community=community, subdistrict_id=community.subdistrict_id, name=name, address=address,
        year_built=year_built, land_area=land_area,
    )
    audit.record(actor=actor, action="create", obj=compound, before=None, after={"name": name}, subdistrict_id=community.subdistrict_id)
    return compound


@transaction.atomic
def building_create(*, compound: Compound, number: str, storeys: int, gross_area: Decimal, units: int = 1,
                    structure: str = Structure.MASONRY, year_built: int | None = None, actor: Actor) -> Building:
    """Create a building with `units` stairwells numbered 1..units."""
    if not 1 <= storeys <= 60:
        raise ValidationFailed(f"层数 {storeys} 不合理（应为 1–60）", f"{storeys} storeys is out of range (1–60)", field="storeys")
    if Building.objects.filter(compound=compound, number=number).exists():
        raise ValidationFailed(f"{compound.name}已有 {number} 栋", f"{compound.name} already has building {number}", field="number")
    building = Building.objects.create(
        compound=compound, number=number, storeys=storeys, gross_area=gross_area, structure=structure,
        year_built=year_built or compound.year_built,
    )
    Unit.objects.bulk_create(Unit(building=building, number=str(n)) for n in range(1, units + 1))
    summary.refresh_buildings([building.pk])
    audit.record(actor=actor, action="create", obj=building, before=None,
                 after={"number": number, "storeys": storeys, "units": units, "gross_area": str(gross_area)},
                 subdistrict_id=compound.subdistrict_id)
    return building


@transaction.atomic
def unit_set_elevator(*, unit: Unit, has_elevator: bool, actor: Actor) -> Unit:
    """Record whether a unit has an elevator (one installed, or one recorded by mistake); its residents on the
    3rd floor and above stop (or start) counting as stranded elderly at once."""
    if unit.has_elevator == has_elevator:
        return unit
    before = {"has_elevator": unit.has_elevator}
    unit.has_elevator = has_elevator
    unit.save(update_fields=["has_elevator"])
    summary.refresh_buildings([unit.building_id])
    audit.record(actor=actor, action="update", obj=unit, before=before, after={"has_elevator": has_elevator},
                 subdistrict_id=unit.building.compound.subdistrict_id)
    return unit


def household_check(*, unit: Unit, floor: int, room: str, exclude_pk: int | None = None) -> None:
    """Raise ValidationFailed if the floor is not in the building or the room is taken in the unit."""
    storeys = unit.building.storeys
    if not 1 <= floor <= storeys:
        raise ValidationFailed(
            f"楼层 {floor} 不存在：{unit.building.number} 栋共 {storeys} 层",
            f"Floor {floor} does not exist: building {unit.building.number} has {storeys} storeys",
            field="floor",
        )
    if not room.strip():
        raise ValidationFailed("房号不能为空", "Room number is required", field="room")
    clash = Household.objects.filter(unit=unit, room=room)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationFailed(
            f"{unit} 已有 {room} 室，同一单元房号不能重复",
            f"Room {room} already exists in {unit}; rooms in one unit must be unique",
            field="room",
        )


@transaction.atomic
def household_create(*, unit: Unit, floor: int, room: str, exclusive_area: Decimal | str,
                     occupancy: str = Occupancy.OWNER, actor: Actor) -> Household:
    area = _area(exclusive_area, field="exclusive_area", label_zh="专有部分面积", label_en="Exclusive area")
    room = room.strip()
    household_check(unit=unit, floor=floor, room=room)
    if occupancy not in Occupancy.values:
        raise ValidationFailed(f"居住状态“{occupancy}”无效", f"Unknown occupancy “{occupancy}”", field="occupancy")
    try:
        with transaction.atomic():
            household = Household.objects.create(
                unit=unit, compound_id=unit.building.compound_id, floor=floor, room=room, exclusive_area=area, occupancy=occupancy
            )
    except IntegrityError:  # a concurrent writer took the same room between the check and the insert
        raise ValidationFailed(f"{unit} 已有 {room} 室", f"Room {room} already exists in {unit}", field="room") from None
    summary.refresh_buildings([unit.building_id])
    audit.record(actor=actor, action="create", obj=household, before=None, after=_snapshot_household(household),
                 subdistrict_id=unit.building.compound.subdistrict_id)
    return household


@transaction.atomic
def household_update(*, household: Household, actor: Actor, **changes: Any) -> Household:
    """Change floor, room, exclusive_area or occupancy; unchanged values leave no audit record."""
    changed = household_change(household, changes)
    if changed:
        audit.record(actor=actor, action="update", obj=household, before=changed[0], after=changed[1],
                     subdistrict_id=household.compound.subdistrict_id)
    return household


def household_change(household: Household, changes: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The one checked path of every household change (call inside a transaction, then audit): saves it and
    returns the snapshots before and after, or None if nothing changed."""
    allowed = {"floor", "room", "exclusive_area", "occupancy", "note"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed(f"不能修改字段：{', '.join(sorted(unknown))}", f"Cannot change: {', '.join(sorted(unknown))}")
    before = _snapshot_household(household)
    if "exclusive_area" in changes:
        changes["exclusive_area"] = _area(changes["exclusive_area"], field="exclusive_area", label_zh="专有部分面积", label_en="Exclusive area")
    if "room" in changes:
        changes["room"] = str(changes["room"]).strip()
    if "occupancy" in changes and changes["occupancy"] not in Occupancy.values:
        raise ValidationFailed(f"居住状态“{changes['occupancy']}”无效", f"Unknown occupancy “{changes['occupancy']}”",
                               field="occupancy")
    if "note" in changes:
        changes["note"] = str(changes["note"]).strip()
        if len(changes["note"]) > Household._meta.get_field("note").max_length:  # type: ignore[operator]
            raise ValidationFailed("备注不能超过200字", "The note is at most 200 characters", field="note")
    for key, value in changes.items():
        setattr(household, key, value)
    household_check(unit=household.unit, floor=household.floor, room=household.room, exclude_pk=household.pk)
    after = _snapshot_household(household)
    if after == before:
        return None
    household.save()
    summary.refresh_buildings([household.unit.building_id])
    return before, after


def normalise_identity(*, id_number: str = "", phone: str = "") -> tuple[str, str]:
    """Normalise and check an ID number and a phone; a DomainError becomes a ValidationFailed."""
    try:
        return (normalize_id_number(id_number) if id_number.strip() else "", normalize_phone(phone) if phone.strip() else "")
    except DomainError as error:
        raise ValidationFailed.from_domain(error) from None


def _set_identity(person: Person, id_number: str, phone: str) -> None:
    person.id_number_encrypted = crypto.encrypt(id_number)
    person.id_number_hash = crypto.search_hash("id", id_number)
    person.phone_encrypted = crypto.encrypt(phone)
    person.phone_hash = crypto.search_hash("phone", phone)


def build_person(*, subdistrict: Subdistrict, name: str, sex: str = "", birth_year: int | None = None,
                 id_number: str = "", phone: str = "", limited_mobility: bool = False, party_member: bool = False) -> Person:
    """An unsaved, validated Person (for bulk writers that audit in bulk)."""
    name = name.strip()
    if not name:
        raise ValidationFailed("姓名不能为空", "Name is required", field="name")
    id_number, phone = normalise_identity(id_number=id_number, phone=phone)
    this_year = timezone.localdate().year
    if birth_year is not None and not 1900 <= birth_year <= this_year:
        raise ValidationFailed(f"出生年份 {birth_year} 不合理", f"Birth year {birth_year} is out of range", field="birth_year")
    if sex and sex not in Sex.values:
        raise ValidationFailed(f"性别“{sex}”无效", f"Unknown sex “{sex}”", field="sex")
    person = Person(subdistrict=subdistrict, name=name, sex=sex, birth_year=birth_year,
                    limited_mobility=limited_mobility, party_member=party_member)
    _set_identity(person, id_number, phone)
    return person


@transaction.atomic
def person_create(*, subdistrict: Subdistrict, actor: Actor, **fields: Any) -> Person:
    person = build_person(subdistrict=subdistrict, **fields)
    if person.id_number_hash and Person.objects.filter(subdistrict=subdistrict, id_number_hash=person.id_number_hash).exists():
        raise ValidationFailed("该身份证号已登记在本街道", "This ID number is already registered in this sub-district", field="id_number")
    person.save()
    audit.record(actor=actor, action="create", obj=person, before=None, after=snapshot_person(person), subdistrict_id=subdistrict.pk)
    return person


@transaction.atomic
def person_update(*, person: Person, actor: Actor, **changes: Any) -> Person:
    changed = person_change(person, changes)
    if changed:
        audit.record(actor=actor, action="update", obj=person, before=changed[0], after=changed[1],
                     subdistrict_id=person.subdistrict_id)
    return person


def person_change(person: Person, changes: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The one checked path of every change to a person (call inside a transaction, then audit): saves it and
    returns the masked snapshots before and after, or None if nothing changed."""
    changes = dict(changes)
    before = snapshot_person(person)
    id_number = changes.pop("id_number", None)
    phone = changes.pop("phone", None)
    if "name" in changes:
        changes["name"] = str(changes["name"] or "").strip()
        if not changes["name"]:
            raise ValidationFailed("姓名不能为空", "Name is required", field="name")
        if len(changes["name"]) > Person._meta.get_field("name").max_length:  # type: ignore[operator]
            raise ValidationFailed("姓名不能超过40字", "The name is at most 40 characters", field="name")
    if changes.get("birth_year") is not None and not 1900 <= changes["birth_year"] <= timezone.localdate().year:
        raise ValidationFailed(f"出生年份 {changes['birth_year']} 不合理", f"Birth year {changes['birth_year']} is out of range",
                               field="birth_year")
    if changes.get("sex") and changes["sex"] not in Sex.values:
        raise ValidationFailed(f"性别“{changes['sex']}”无效", f"Unknown sex “{changes['sex']}”", field="sex")
    for key in ("name", "sex", "birth_year", "limited_mobility", "party_member"):
        if key in changes:
            setattr(person, key, changes.pop(key))
    if changes:
        raise ValidationFailed(f"不能修改字段：{', '.join(sorted(changes))}", f"Cannot change: {', '.join(sorted(changes))}")
    old_id, old_phone = person.id_number, person.phone
    if id_number is not None or phone is not None:
        new_id, new_phone = normalise_identity(
            id_number=old_id if id_number is None else id_number,
            phone=old_phone if phone is None else phone,
        )
        if new_id != old_id or new_phone != old_phone:
            _set_identity(person, new_id, new_phone)
        if new_id and new_id != old_id and Person.objects.filter(
                subdistrict_id=person.subdistrict_id, id_number_hash=person.id_number_hash).exclude(pk=person.pk).exists():
            raise ValidationFailed("该身份证号已登记在本街道的另一人名下", "This ID number is already registered to another person "
                                   "in this sub-district", field="id_number")
        identity_changed = (new_id, new_phone) != (old_id, old_phone)
    else:
        identity_changed = False
    after = snapshot_person(person)
    if after == before and not identity_changed:
        return None
    person.save()
    summary.refresh_people([person.pk])
    return before, after


@transaction.atomic
def ownership_add(*, person: Person, household: Household, actor: Actor) -> Ownership:
    ownership, created = Ownership.objects.get_or_create(person=person, household=household)
    if created:
        audit.record(actor=actor, action="own", obj=household, before=None, after={"owner": person.pk},
                     subdistrict_id=person.subdistrict_id)
    return ownership


@transaction.atomic
def residence_add(*, person: Person, household: Household, actor: Actor) -> Residence:
    residence, created = Residence.objects.get_or_create(person=person, household=household)
    if created:
        summary.refresh_buildings([household.unit.building_id])
        audit.record(actor=actor, action="reside", obj=household, before=None, after={"resident": person.pk},
                     subdistrict_id=person.subdistrict_id)
    return residence


def reveal_record(*, subdistrict_id: int, field: str, person: Person | None = None, compound_id: int | None = None,
                  subject: str = "", link: str = "", actor: Actor) -> RevealLog:
    """Log one look at a full number, within the caller's transaction and against the one per-user limit.

    Every app that shows a full phone or ID number (a person's, or a contact left on a suggestion) logs it
    here, so the sub-district's 个人信息查看记录 lists every look and one limit covers them all.
    `subject` names what was looked at (never the number itself); `link` is the page where it is.
    """
    ratelimit.check_use(REVEAL_LIMIT, f"user:{actor.user.pk if actor.user else actor.label}")
    return RevealLog.objects.create(subdistrict_id=subdistrict_id, viewer=actor.user, viewer_label=actor.label[:120],
                                    person=person, compound_id=compound_id, subject=subject[:200], link=link[:200],
                                    field=field)
