"""A new office sets itself up: its sub-district, its communities, and the structure of its compounds
(小区、楼栋、单元) from its own sheet, without the admin.

Who may do what: a superuser creates a sub-district (and invites its first staff); sub-district staff
add their communities and import the structure of their whole sub-district; community staff import
the structure of their own community. The structure import is all or nothing: every row is checked
first, a dry run or any problem leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction

from anju.core import audit
from anju.core.audit import Actor
from anju.core.errors import Forbidden, ValidationFailed
from anju.core.formatting import grouped
from anju.core.scoping import Scope, scope_of
from anju.domain.rostersheet import Problem
from anju.domain.rostersheet.source import FileProblem, Source
from anju.domain.rostersheet.structure import BuildingLine, CompoundLine, read_structure
from anju.roster import services, summary
from anju.roster.models import Building, Community, Compound, Household, Subdistrict, Unit

if TYPE_CHECKING:
    from anju.core.access import User

MAX_NAME = 60
AREA_TOLERANCE = Decimal("0.01")  # a compound's stated building area may differ from its buildings' sum by 1%


def require_subdistrict_creator(user: User) -> None:
    """Only a superuser creates a sub-district (a new office comes to Anju through its operator)."""
    if user is None or not getattr(user, "is_superuser", False):
        raise Forbidden("只有系统管理员可以新建街道。", "Only an administrator may create a sub-district.")


def require_setter(user: User) -> Scope:
    """The scope of someone who sets up a structure: sub-district or community staff, or a superuser."""
    scope = scope_of(user)
    if not scope.can_edit:
        raise Forbidden("只有街道和社区工作人员可以建立小区楼栋。", "Only sub-district and community staff set up compounds.")
    return scope


def require_community_creator(user: User) -> Scope:
    """Sub-district staff (their own sub-district) and superusers add communities; community staff do not."""
    scope = require_setter(user)
    if not scope.everything and scope.community_id is not None:
        raise Forbidden("只有街道工作人员可以新建社区。", "Only sub-district staff may add communities.")
    return scope


def subdistricts_for(scope: Scope) -> list[Subdistrict]:
    """The sub-districts a setter works in: all for a superuser, their own otherwise."""
    if scope.everything:
        return list(Subdistrict.objects.order_by("name"))
    return list(Subdistrict.objects.filter(pk=scope.subdistrict_id or 0))


def _name(value: str, *, field: str, zh: str, en: str) -> str:
    name = " ".join((value or "").split())
    if not name:
        raise ValidationFailed(f"请填写{zh}。", f"Please fill in the {en}.", field=field)
    if len(name) > MAX_NAME:
        raise ValidationFailed(f"{zh}过长（不超过{MAX_NAME}字）。", f"The {en} is too long (at most {MAX_NAME}).",
                               field=field)
    return name


@transaction.atomic
def subdistrict_set_up(*, name: str, district: str = "", city: str = "", phone: str = "", actor: Actor) -> Subdistrict:
    """A new sub-district; its name must be new."""
    name = _name(name, field="name", zh="街道名称", en="sub-district name")
    if Subdistrict.objects.filter(name=name).exists():
        raise ValidationFailed(f"街道“{name}”已存在。", f"The sub-district “{name}” already exists.", field="name")
    subdistrict = services.subdistrict_create(name=name, district=district.strip()[:60], city=city.strip()[:60],
                                              actor=actor)
    if phone.strip():
        subdistrict.phone = phone.strip()[:40]
        subdistrict.save(update_fields=["phone"])
    return subdistrict


@transaction.atomic
def communities_add(*, subdistrict: Subdistrict, names: list[str], actor: Actor) -> list[Community]:
    """Add the communities named (one per line on the page); all or none."""
    cleaned: list[str] = []
    for number, raw in enumerate(names, start=1):
        if not raw.strip():
            continue
        name = _name(raw, field="names", zh=f"第{number}行的社区名称", en=f"community name on line {number}")
        if name in cleaned:
            raise ValidationFailed(f"社区“{name}”填了两次。", f"The community “{name}” is listed twice.", field="names")
        cleaned.append(name)
    if not cleaned:
        raise ValidationFailed("请至少填写一个社区名称。", "Please name at least one community.", field="names")
    return [services.community_create(subdistrict=subdistrict, name=name, actor=actor) for name in cleaned]


def parse_mapping(text: str) -> dict[str, str]:
    """The office's own column names, one `表中的列名=标准列名` a line, as a dict; a bad line is named."""
    mapping: dict[str, str] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        own, sep, standard = line.replace("＝", "=").partition("=")
        if not sep or not own.strip() or not standard.strip():
            raise ValidationFailed(f"列名对应第{number}行应写成“表中的列名=标准列名”，如“楼宇编号=楼栋”。",
                                   f"Line {number} of the column mapping should read “own name=standard name”.",
                                   field="mapping")
        mapping[own.strip()] = standard.strip()
    return mapping


@dataclass
class StructurePlan:
    """What a structure import creates and changes (or, for a dry run or with problems, would)."""

    problems: list[Problem] = field(default_factory=list)
    compounds_new: list[str] = field(default_factory=list)  # 东湖社区·桂园小区
    compounds_changed: list[str] = field(default_factory=list)
    buildings_new: list[dict[str, Any]] = field(default_factory=list)  # compound, number, storeys, units
    buildings_changed: list[str] = field(default_factory=list)
    units_new: int = 0
    checks: list[dict[str, str]] = field(default_factory=list)  # 待核实 (zh, en): figures that disagree, not errors
    dry_run: bool = True

    @property
    def applied(self) -> bool:
        return not self.dry_run and not self.problems

    def summary(self) -> dict[str, Any]:
        return {"compounds_new": len(self.compounds_new), "compounds_changed": len(self.compounds_changed),
                "buildings_new": len(self.buildings_new), "buildings_changed": len(self.buildings_changed),
                "units_new": self.units_new, "applied": self.applied}


class _Rollback(Exception):
    pass


def structure_import(source: Source, *, subdistrict: Subdistrict, scope: Scope, actor: Actor, dry_run: bool = True,
                     headers: dict[str, str] | None = None) -> StructurePlan:
    """Check a structure sheet against `subdistrict` and, unless a dry run or a problem stops it, apply it.

    Communities must exist (set up on the page first); compounds, buildings and units that do not
    exist are created, existing ones get the sheet's values where they differ. Community staff
    reach their own community only.
    """
    if not scope.can_edit or not (scope.everything or scope.subdistrict_id == subdistrict.pk):
        raise Forbidden("您不能为该街道建立小区楼栋。", "You may not set up compounds for this sub-district.")
    communities = Community.objects.filter(subdistrict=subdistrict)
    own_community = None
    if not scope.everything and scope.community_id is not None:
        own_community = communities.filter(pk=scope.community_id).first()
    try:
        sheet = read_structure(source, headers=headers, default_community=own_community.name if own_community else None)
    except FileProblem as problem:  # a mapping naming no standard column
        raise ValidationFailed(problem.zh, problem.en, field="mapping") from None
    plan = StructurePlan(problems=list(sheet.problems), dry_run=dry_run)
    try:
        with transaction.atomic():
            _apply(sheet.compounds, sheet.buildings, plan, subdistrict=subdistrict, communities=communities,
                   own_community=own_community, actor=actor)
            if plan.problems or dry_run:
                raise _Rollback
            audit.record(actor=actor, action="structure_import", obj=subdistrict, before=None, after=plan.summary(),
                         subdistrict_id=subdistrict.pk)
    except _Rollback:
        pass
    return plan


def _problem(line: CompoundLine | BuildingLine, key: str, header: str, zh: str, en: str) -> Problem:
    return Problem(line.row, header, None, zh, en, "location", key, None, line.sheet)


def _apply(compounds: list[CompoundLine], buildings: list[BuildingLine], plan: StructurePlan, *,
           subdistrict: Subdistrict, communities: Iterable[Community], own_community: Community | None,
           actor: Actor) -> None:
    by_name = {c.name: c for c in communities}
    found: dict[tuple[str, str], Compound] = {
        (c.community.name, c.name): c for c in Compound.objects.filter(subdistrict=subdistrict).select_related("community")
    }

    def community_of(line: CompoundLine | BuildingLine) -> Community | None:
        community = by_name.get(line.community)
        if community is None:
            plan.problems.append(_problem(line, "community", "社区", f"社区「{line.community}」不在{subdistrict.name}中，请先在本页建立社区。",
                                          f"Community {line.community} is not in {subdistrict.name}; add it on this page first."))
        elif own_community is not None and community.pk != own_community.pk:
            plan.problems.append(_problem(line, "community", "社区", f"您只能建立本社区的小区，「{line.community}」不是您所在的社区。",
                                          f"You may set up your own community only; {line.community} is not yours."))
            return None
        return community

    stated_area: dict[tuple[str, str], Decimal] = {}
    for line in compounds:
        community = community_of(line)
        if community is None:
            continue
        key = (line.community, line.compound)
        if line.gross_area is not None:
            stated_area[key] = line.gross_area
        compound = found.get(key)
        label = f"{line.community}·{line.compound}"
        if compound is None:
            found[key] = services.compound_create(community=community, name=line.compound, address=line.address,
                                                  year_built=line.year_built, land_area=line.land_area, actor=actor)
            plan.compounds_new.append(label)
        elif _update(compound, {"address": line.address or None, "year_built": line.year_built,
                                "land_area": line.land_area}, actor=actor, subdistrict_id=subdistrict.pk):
            plan.compounds_changed.append(label)
    sums: dict[tuple[str, str], Decimal] = {}
    for row in buildings:
        community = community_of(row)
        if community is None:
            continue
        key = (row.community, row.compound)
        compound = found.get(key)
        if compound is None:
            compound = found[key] = services.compound_create(community=community, name=row.compound, actor=actor)
            plan.compounds_new.append(f"{row.community}·{row.compound}")
        sums[key] = sums.get(key, Decimal(0)) + row.gross_area
        _building(row, compound, plan, actor=actor)
    for key, stated in stated_area.items():
        total = sums.get(key)
        if total is not None and abs(total - stated) > stated * AREA_TOLERANCE:
            stated_text, total_text = grouped(stated, 2), grouped(total, 2)
            plan.checks.append({"zh": f"{key[1]}：小区建筑面积{stated_text} ㎡，各楼栋合计{total_text} ㎡，请核对。",
                                "en": f"{key[1]}: {stated_text} m² stated, its buildings add up to {total_text} m²."})


def _building(line: BuildingLine, compound: Compound, plan: StructurePlan, *, actor: Actor) -> None:
    building = Building.objects.filter(compound=compound, number=line.number).first()
    label = f"{line.compound}{line.number}栋"
    if building is None:
        services.building_create(compound=compound, number=line.number, storeys=line.storeys, gross_area=line.gross_area,
                                 units=line.units, structure=line.structure or "masonry", year_built=line.year_built,
                                 actor=actor)
        plan.buildings_new.append({"compound": line.compound, "number": line.number, "storeys": line.storeys,
                                   "units": line.units})
        plan.units_new += line.units
        return
    highest = Household.objects.filter(unit__building=building).order_by("-floor").values_list("floor", flat=True).first()
    if highest is not None and highest > line.storeys:
        plan.problems.append(_problem(line, "storeys", "层数", f"{label}已有住户在{highest}层，层数不能少于{highest}。",
                                      f"{label} has households on floor {highest}; it cannot have fewer storeys."))
        return
    changed = _update(building, {"storeys": line.storeys, "structure": line.structure, "year_built": line.year_built,
                                 "gross_area": line.gross_area}, actor=actor, subdistrict_id=compound.subdistrict_id)
    numbers = set(building.units.values_list("number", flat=True))
    missing = [str(n) for n in range(1, line.units + 1) if str(n) not in numbers]
    if missing:
        Unit.objects.bulk_create(Unit(building=building, number=n) for n in missing)
        audit.record(actor=actor, action="update", obj=building, before={"units": sorted(numbers)},
                     after={"units_added": missing}, subdistrict_id=compound.subdistrict_id)
        plan.units_new += len(missing)
    if changed or missing:
        summary.refresh_buildings([building.pk])
        plan.buildings_changed.append(label)


def _update(obj: Compound | Building, values: dict[str, Any], *, actor: Actor, subdistrict_id: int) -> bool:
    """Set the stated values (None: not stated) that differ; audited. True when something changed."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name, value in values.items():
        current = getattr(obj, name)
        if value is None or (current == value if not isinstance(value, Decimal) else
                             current is not None and Decimal(current).quantize(Decimal("0.01")) == value):
            continue
        before[name], after[name] = _plain(current), _plain(value)
        setattr(obj, name, value)
    if not after:
        return False
    obj.save(update_fields=list(after))
    audit.record(actor=actor, action="update", obj=obj, before=before, after=after, subdistrict_id=subdistrict_id)
    return True


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value
