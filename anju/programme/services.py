"""Every write of the programme: plans, projects, items, stages, inspections. Atomic, audited.

Derived figures (progress, current stage, budget, beneficiaries) are recomputed by
`project_refresh` after each write that can change them, so nobody types them.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from anju.core import audit
from anju.core.audit import Actor
from anju.core.errors import ValidationFailed
from anju.core.scoping import Scope
from anju.domain import progress as rules
from anju.domain.errors import DomainError
from anju.domain.quantities import parse_quantity
from anju.programme.indicators import BY_FIELD, MAX_DIGITS
from anju.programme.models import (
    CATEGORY_OF,
    AnnualPlan,
    Attachment,
    FollowUp,
    Funding,
    FundingSource,
    Inspection,
    InspectionPhoto,
    InspectionStatus,
    Item,
    ItemKind,
    Organisation,
    OrgKind,
    Project,
    ProjectKind,
    Severity,
    Stage,
    StageKind,
)
from anju.programme.photos import MAX_PHOTOS, Photo, process_photo
from anju.roster.models import Building, Compound, Subdistrict
from anju.roster.queries import grand_total, totals_by

ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
ATTACHMENT_TYPES = {
    ".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# The first bytes of each accepted type: an attachment must be what its name says.
MAGIC = {".pdf": (b"%PDF",), ".jpg": (b"\xff\xd8",), ".jpeg": (b"\xff\xd8",), ".png": (b"\x89PNG",),
         ".xlsx": (b"PK\x03\x04",), ".docx": (b"PK\x03\x04",)}



def _default_name(kind: str) -> str:
    """An item's name is data kept in the office's language, whatever language the caller's page is in."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(ItemKind(kind).label)

def _actor_user(actor: Actor):
    return actor.user if actor.user is not None and actor.user.pk else None


@transaction.atomic
def organisation_ensure(*, subdistrict: Subdistrict, name: str, kind: str = OrgKind.CONTRACTOR, actor: Actor) -> Organisation:
    org, created = Organisation.objects.get_or_create(subdistrict=subdistrict, name=name.strip(), defaults={"kind": kind})
    if created:
        audit.record(actor=actor, action="organisation_create", obj=org, before=None, after={"name": org.name, "kind": kind},
                     subdistrict_id=subdistrict.pk)
    return org


@transaction.atomic
def plan_create(*, subdistrict: Subdistrict, year: int, title: str = "", note: str = "", actor: Actor) -> AnnualPlan:
    if AnnualPlan.objects.filter(subdistrict=subdistrict, year=year).exists():
        raise ValidationFailed(f"{year} 年度计划已存在", f"The {year} plan exists already", field="year")
    plan = AnnualPlan.objects.create(subdistrict=subdistrict, year=year, title=title or f"{subdistrict.name}{year}年老旧小区改造计划",
                                     note=note)
    audit.record(actor=actor, action="plan_create", obj=plan, before=None, after={"year": year}, subdistrict_id=subdistrict.pk)
    return plan


@transaction.atomic
def project_create(*, plan: AnnualPlan, compound: Compound, name: str = "", kind: str = ProjectKind.COMPREHENSIVE,
                   contractor: Organisation | None = None, supervisor: Organisation | None = None, note: str = "",
                   stage_dates: Mapping[str, tuple[datetime.date | None, datetime.date | None]] | None = None,
                   actor: Actor) -> Project:
    """A project of `compound` in `plan`, with its seven stages (planned dates from `stage_dates`)."""
    if compound.subdistrict_id != plan.subdistrict_id:
        raise ValidationFailed("小区不属于该街道", "The compound is not in the plan's sub-district", field="compound")
    project = Project.objects.create(
        plan=plan, compound=compound, subdistrict_id=plan.subdistrict_id, community_id_cached=compound.community_id,
        year=plan.year, kind=kind, name=name or f"{compound.name}{plan.year}年老旧小区改造", contractor=contractor,
        supervisor=supervisor, note=note,
    )
    stage_dates = stage_dates or {}
    Stage.objects.bulk_create([
        Stage(project=project, kind=k, position=i, planned_start=stage_dates.get(k, (None, None))[0],
              planned_end=stage_dates.get(k, (None, None))[1])
        for i, k in enumerate(rules.STAGE_ORDER)
    ])
    audit.record(actor=actor, action="project_create", obj=project, before=None,
                 after={"compound": compound.name, "year": plan.year, "kind": kind}, subdistrict_id=plan.subdistrict_id)
    project_refresh(project)
    return project


def _check_funding(budget_fen: int, funding: Mapping[str, int]) -> None:
    for source, amount in funding.items():
        if source not in FundingSource.values:
            raise ValidationFailed(f"未知的资金来源：{source}", f"Unknown funding source: {source}", field="funding")
        if int(amount) < 0:
            raise ValidationFailed("资金金额不能为负数", "Funding amounts cannot be negative", field="funding")
    total = sum(int(a) for a in funding.values())
    if funding and total != budget_fen:
        raise ValidationFailed(
            f"各资金来源合计 {Decimal(total) / 100:.2f} 元，与预算 {Decimal(budget_fen) / 100:.2f} 元不符",
            f"Funding sources add up to {Decimal(total) / 100:.2f} yuan, not the budget of {Decimal(budget_fen) / 100:.2f} yuan",
            field="funding",
        )


@transaction.atomic
def item_add(*, project: Project, kind: str, name: str = "", buildings: Iterable[Building] | None = None,
             quantity: Decimal | int | str = 0, unit: str = "", budget_fen: int = 0,
             funding: Mapping[str, int] | None = None, override_households: int | None = None,
             override_people: int | None = None, override_reason: str = "", actor: Actor) -> Item:
    """Add an item; funding amounts (fen per source) must add up to the budget exactly."""
    if kind not in ItemKind.values:
        raise ValidationFailed(f"未知的改造内容：{kind}", f"Unknown item kind: {kind}", field="kind")
    funding = dict(funding or {})
    _check_funding(budget_fen, funding)
    if (override_households is not None or override_people is not None) and not override_reason.strip():
        raise ValidationFailed("手填受益人数时须说明原因", "Give a reason for typed beneficiaries", field="override_reason")
    buildings = list(buildings or [])
    if any(b.compound_id != project.compound_id for b in buildings):
        raise ValidationFailed("楼栋不属于该项目的小区", "A building is not in the project's compound", field="buildings")
    item = Item.objects.create(
        project=project, kind=kind, category=CATEGORY_OF[kind], name=name or _default_name(kind),
        quantity=Decimal(str(quantity)), unit=unit, budget_fen=budget_fen, override_households=override_households,
        override_people=override_people, override_reason=override_reason.strip(),
    )
    item.buildings.set(buildings)
    Funding.objects.bulk_create([Funding(item=item, source=s, amount_fen=int(a)) for s, a in funding.items() if int(a)])
    audit.record(actor=actor, action="item_add", obj=item, before=None,
                 after={"kind": kind, "budget_fen": budget_fen, "funding": funding}, subdistrict_id=project.subdistrict_id)
    project_refresh(project)
    return item


@transaction.atomic
def item_funding_set(*, item: Item, budget_fen: int, funding: Mapping[str, int], actor: Actor) -> Item:
    _check_funding(budget_fen, funding)
    before = {"budget_fen": item.budget_fen, "funding": {f.source: f.amount_fen for f in item.funding.all()}}
    item.budget_fen = budget_fen
    item.save(update_fields=["budget_fen"])
    item.funding.all().delete()
    Funding.objects.bulk_create([Funding(item=item, source=s, amount_fen=int(a)) for s, a in funding.items() if int(a)])
    audit.record(actor=actor, action="item_funding_set", obj=item, before=before,
                 after={"budget_fen": budget_fen, "funding": dict(funding)}, subdistrict_id=item.project.subdistrict_id)
    project_refresh(item.project)
    return item


def _check_percent(value: object, *, row: int | None = None) -> int:
    where_zh, where_en = (f"第 {row} 行：", f"Row {row}: ") if row else ("", "")
    try:
        number = Decimal(str(value).strip().rstrip("%"))
    except ArithmeticError:
        number = None
    if number is None or number != number.to_integral_value() or not 0 <= number <= 100:
        raise ValidationFailed(f"{where_zh}进度应为 0 到 100 的整数，而不是“{value}”",
                               f"{where_en}progress must be a whole number from 0 to 100, not “{value}”", field="progress")
    return int(number)


@transaction.atomic
def item_set_progress(*, item: Item, percent: int | str, actor: Actor) -> Item:
    """Set an item's progress (the one typed progress); the project's progress follows."""
    value = _check_percent(percent)
    item = Item.objects.select_for_update().select_related("project").get(pk=item.pk)
    if item.progress == value:
        return item
    before = {"progress": item.progress}
    item.progress, item.progress_updated = value, timezone.now()
    item.save(update_fields=["progress", "progress_updated"])
    audit.record(actor=actor, action="item_progress", obj=item, before=before, after={"progress": value},
                 subdistrict_id=item.project.subdistrict_id)
    project_refresh(item.project)
    return item


@transaction.atomic
def progress_bulk_update(*, scope: Scope, rows: Sequence[tuple[int, str, str, object]], actor: Actor) -> int:
    """Apply (row number, project name, item name, percent) rows: all or nothing, every bad row named.

    Projects are looked up by name among the projects the scope can see (a name outside the scope is
    "not found", like any other unknown name).
    """
    errors: list[ValidationFailed] = []
    changes: list[tuple[Item, int]] = []
    projects = Project.objects.within(scope)
    names = {r[1] for r in rows}
    items: dict[tuple[str, str], list[Item]] = {}
    for item in Item.objects.filter(project__in=projects.filter(name__in=names)).select_related("project"):
        items.setdefault((item.project.name, item.name), []).append(item)
    for row, project_name, item_name, value in rows:
        try:
            percent = _check_percent(value, row=row)
            found = items.get((project_name, item_name), [])
            if not found:
                raise ValidationFailed(f"第 {row} 行：找不到项目“{project_name}”的改造内容“{item_name}”",
                                       f"Row {row}: no item “{item_name}” in project “{project_name}”", field="item")
            if len(found) > 1:
                raise ValidationFailed(f"第 {row} 行：项目名称“{project_name}”不唯一",
                                       f"Row {row}: project name “{project_name}” is ambiguous", field="project")
            changes.append((found[0], percent))
        except ValidationFailed as exc:
            errors.append(exc)
    if not rows:
        errors.append(ValidationFailed("表格中没有数据行", "The sheet has no data rows"))
    if errors:
        raise BulkProgressFailed(errors)
    touched: dict[int, Project] = {}
    now = timezone.now()
    for item, percent in changes:
        if item.progress != percent:
            audit.record(actor=actor, action="item_progress", obj=item, before={"progress": item.progress},
                         after={"progress": percent}, subdistrict_id=item.project.subdistrict_id)
            Item.objects.filter(pk=item.pk).update(progress=percent, progress_updated=now)
            touched[item.project_id] = item.project
    for project in touched.values():
        project_refresh(project)
    return len(changes)


class BulkProgressFailed(ValidationFailed):
    """A progress sheet with bad rows; `errors` names each one. Nothing was changed."""

    def __init__(self, errors: list[ValidationFailed]) -> None:
        super().__init__(f"{len(errors)} 行有误，未作任何修改", f"{len(errors)} row(s) have errors; nothing was changed")
        self.errors = errors


def _previous_undone(stage: Stage) -> Stage | None:
    return Stage.objects.filter(project_id=stage.project_id, position__lt=stage.position, actual_end__isnull=True).first()


@transaction.atomic
def stage_update(*, stage: Stage, planned_start: datetime.date | None, planned_end: datetime.date | None,
                 actual_start: datetime.date | None, note: str = "", actor: Actor) -> Stage:
    if planned_start and planned_end and planned_end < planned_start:
        raise ValidationFailed("计划完成日期早于计划开始日期", "Planned end is before planned start", field="planned_end")
    before = {"planned_start": str(stage.planned_start), "planned_end": str(stage.planned_end), "actual_start": str(stage.actual_start)}
    stage.planned_start, stage.planned_end, stage.actual_start, stage.note = planned_start, planned_end, actual_start, note
    stage.save(update_fields=["planned_start", "planned_end", "actual_start", "note"])
    audit.record(actor=actor, action="stage_update", obj=stage, before=before,
                 after={"planned_start": str(planned_start), "planned_end": str(planned_end), "actual_start": str(actual_start)},
                 subdistrict_id=stage.project.subdistrict_id)
    project_refresh(stage.project)
    return stage


@transaction.atomic
def stage_sign_off(*, stage: Stage, actual_end: datetime.date, actor: Actor, at: datetime.datetime | None = None) -> Stage:
    """Sign a stage off as done on `actual_end`. Stages go in order; 施工 needs every item at 100 %."""
    stage = Stage.objects.select_for_update().select_related("project").get(pk=stage.pk)
    if stage.done:
        raise ValidationFailed("该阶段已签认完成", "This stage has been signed off already", field="stage")
    previous = _previous_undone(stage)
    if previous is not None:
        raise ValidationFailed(f"请先完成“{previous.get_kind_display()}”阶段",
                               f"Sign off “{previous.get_kind_display()}” first", field="stage")
    if stage.kind == StageKind.CONSTRUCTION and stage.project.items.filter(progress__lt=100).exists():
        raise ValidationFailed("仍有改造内容未完成（进度不足 100%），不能签认施工完成",
                               "Some items are below 100 %: construction cannot be signed off", field="stage")
    stage.actual_end = actual_end
    stage.actual_start = stage.actual_start or actual_end
    stage.signed_off_by = _actor_user(actor)
    stage.signed_off_label = actor.label[:120]
    stage.signed_off_at = at or timezone.now()
    stage.save(update_fields=["actual_end", "actual_start", "signed_off_by", "signed_off_label", "signed_off_at"])
    audit.record(actor=actor, action="stage_sign_off", obj=stage, before=None, after={"actual_end": str(actual_end)},
                 subdistrict_id=stage.project.subdistrict_id)
    project_refresh(stage.project)
    return stage


@transaction.atomic
def attachment_add(*, stage: Stage, name: str, data: bytes, actor: Actor) -> Attachment:
    """Attach a PDF, image, xlsx or docx of at most 20 MB whose content matches its extension."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in ATTACHMENT_TYPES:
        raise ValidationFailed("附件只能是 PDF、JPG、PNG、XLSX 或 DOCX", "Attachments must be PDF, JPG, PNG, XLSX or DOCX", field="file")
    if len(data) > ATTACHMENT_MAX_BYTES:
        raise ValidationFailed("附件超过 20 MB", "The attachment is larger than 20 MB", field="file")
    if not data.startswith(MAGIC[suffix]):
        raise ValidationFailed(f"“{name}”的内容与扩展名不符", f"“{name}” is not what its extension says", field="file")
    attachment = Attachment(stage=stage, name=name[:200], content_type=ATTACHMENT_TYPES[suffix], size=len(data),
                            uploaded_by=_actor_user(actor))
    attachment.file.save(f"{uuid.uuid4().hex}{suffix}", ContentFile(data), save=False)
    attachment.save()
    audit.record(actor=actor, action="attachment_add", obj=stage, before=None, after={"name": name, "size": len(data)},
                 subdistrict_id=stage.project.subdistrict_id)
    return attachment


@transaction.atomic
def inspection_create(*, project: Project, findings: str, severity: str = Severity.LOW,
                      photos: Sequence[tuple[str, bytes]] = (), keep_location: bool = False, actor: Actor) -> Inspection:
    """Record a site inspection with photos (checked, resized, location stripped unless `keep_location`)."""
    if not findings.strip():
        raise ValidationFailed("请填写检查发现的情况", "Describe what the inspection found", field="findings")
    if severity not in Severity.values:
        raise ValidationFailed("严重程度无效", "Invalid severity", field="severity")
    _check_photo_count(photos)
    processed = [process_photo(data, name=name, keep_location=keep_location) for name, data in photos]
    inspection = Inspection.objects.create(project=project, inspector=_actor_user(actor), inspector_label=actor.label[:120],
                                           findings=findings.strip(), severity=severity)
    _store_photos(inspection, processed, keep_location=keep_location)
    audit.record(actor=actor, action="inspection_create", obj=inspection, before=None,
                 after={"severity": severity, "photos": len(processed), "kept_location": keep_location},
                 subdistrict_id=project.subdistrict_id)
    return inspection


def _check_photo_count(photos: Sequence[tuple[str, bytes]]) -> None:
    """One upload carries at most MAX_PHOTOS photos: one too many and none is kept (never silently cut short)."""
    if len(photos) > MAX_PHOTOS:
        raise ValidationFailed(f"一次最多上传 {MAX_PHOTOS} 张照片", f"At most {MAX_PHOTOS} photos at a time", field="photos")


def _store_photos(inspection: Inspection, processed: Sequence[Photo], *, keep_location: bool) -> list[InspectionPhoto]:
    records = []
    for photo in processed:
        record = InspectionPhoto(inspection=inspection, width=photo.width, height=photo.height, kept_location=keep_location)
        record.image.save(f"{uuid.uuid4().hex}.jpg", ContentFile(photo.content), save=False)
        record.save()
        records.append(record)
    return records


@transaction.atomic
def inspection_photos_add(*, inspection: Inspection, photos: Sequence[tuple[str, bytes]], keep_location: bool = False,
                          actor: Actor) -> list[InspectionPhoto]:
    """Add photos to an inspection not yet closed (e.g. of the rectified site), checked like `inspection_create`'s.

    All or nothing: one photo that is not an image, too large, or one too many, and none is added.
    """
    if not photos:
        raise ValidationFailed("请选择要上传的照片", "Choose the photos to upload", field="photos")
    _check_photo_count(photos)
    inspection = Inspection.objects.select_for_update().select_related("project").get(pk=inspection.pk)
    if inspection.status == InspectionStatus.CLOSED:
        raise ValidationFailed("该检查记录已关闭，不能再添加照片", "The inspection is closed: no more photos", field="photos")
    processed = [process_photo(data, name=name, keep_location=keep_location) for name, data in photos]
    before = inspection.photos.count()
    records = _store_photos(inspection, processed, keep_location=keep_location)
    audit.record(actor=actor, action="inspection_photos_add", obj=inspection, before={"photos": before},
                 after={"photos": before + len(records), "kept_location": keep_location},
                 subdistrict_id=inspection.project.subdistrict_id)
    return records


_NEXT = {InspectionStatus.OPEN: {InspectionStatus.RECTIFYING, InspectionStatus.CLOSED},
         InspectionStatus.RECTIFYING: {InspectionStatus.RECTIFYING, InspectionStatus.CLOSED},
         InspectionStatus.CLOSED: set()}


@transaction.atomic
def inspection_follow_up(*, inspection: Inspection, action: str, status: str, actor: Actor) -> FollowUp:
    """A follow-up step: open → rectifying → closed (closed is final), with who and when."""
    inspection = Inspection.objects.select_for_update().select_related("project").get(pk=inspection.pk)
    if status not in _NEXT[InspectionStatus(inspection.status)]:
        raise ValidationFailed("该检查记录已关闭或状态变更无效", "The inspection is closed or the status change is invalid", field="status")
    if not action.strip():
        raise ValidationFailed("请填写整改措施", "Describe the action taken", field="action")
    before = {"status": inspection.status}
    step = FollowUp.objects.create(inspection=inspection, action=action.strip(), status=status, by=_actor_user(actor),
                                   by_label=actor.label[:120])
    inspection.status = status
    inspection.closed_at = timezone.now() if status == InspectionStatus.CLOSED else None
    inspection.save(update_fields=["status", "closed_at"])
    audit.record(actor=actor, action="inspection_follow_up", obj=inspection, before=before, after={"status": status},
                 subdistrict_id=inspection.project.subdistrict_id)
    return step


def project_refresh(project: Project) -> Project:
    """Recompute a project's derived snapshot: progress, stage, completion, budget and beneficiaries."""
    stages = list(Stage.objects.filter(project=project).order_by("position"))
    items = list(Item.objects.filter(project=project).prefetch_related("buildings"))
    done = {s.kind for s in stages if s.done}
    value = rules.project_progress(done, [rules.ItemProgress(i.progress, i.budget_fen) for i in items])
    current = next((s.kind for s in stages if not s.done), StageKind.STEWARDSHIP)
    acceptance = next((s for s in stages if s.kind == StageKind.ACCEPTANCE), None)
    totals = project_beneficiaries(project, items)
    Project.objects.filter(pk=project.pk).update(
        progress=Decimal(rules.percent(value)), progress_tenths=int(Decimal(rules.percent(value)) * 10), current_stage=current,
        completed=acceptance is not None and acceptance.done, completed_on=acceptance.actual_end if acceptance else None,
        budget_fen=sum(i.budget_fen for i in items), buildings_count=totals.buildings, households=totals.households,
        people=totals.people, elderly=totals.elderly, exclusive_area=totals.exclusive_area, gross_area=totals.gross_area,
        refreshed=timezone.now(),
    )
    project.refresh_from_db()
    return project


def projects_refresh(*, compound_ids: Iterable[int]) -> int:
    """Recompute the snapshot of every project in these compounds (after a roster import); returns how many.

    Derived figures only, recomputed from what is stored: no audit record, like `project_refresh`.
    """
    projects = list(Project.objects.filter(compound_id__in=set(compound_ids)).order_by("id"))
    for project in projects:
        project_refresh(project)
    return len(projects)


def scope_buildings_q(project: Project, items: Sequence[Item]) -> Q:
    """Households in the buildings the project's items cover; the whole compound if an item names none."""
    building_ids = {b.pk for i in items for b in i.buildings.all()}
    if not items or any(not i.buildings.all() for i in items if i.override_households is None):
        return Q(compound_id=project.compound_id)
    return Q(unit__building_id__in=building_ids)


def project_beneficiaries(project: Project, items: Sequence[Item] | None = None):
    """Roster totals (households, people, elderly, m², buildings) of the project's scope."""
    if items is None:
        items = list(Item.objects.filter(project=project).prefetch_related("buildings"))
    where = scope_buildings_q(project, items)
    return grand_total(totals_by(Scope(everything=True), "compound", where & Q(compound_id=project.compound_id)))


@transaction.atomic
def item_results_set(*, item: Item, values: Mapping[str, object], actor: Actor) -> Item:
    """Set some of an item's result indicators (成效指标); each checked exactly, all or nothing.

    An unknown name or a value that is not a non-negative number with the indicator's places is a
    `ValidationFailed` naming the indicator (in Chinese and English) and the value."""
    parsed: dict[str, Decimal] = {}
    for name, value in values.items():
        indicator = BY_FIELD.get(name)
        if indicator is None:
            raise ValidationFailed(f"没有名为“{name}”的成效指标", f"No result indicator named “{name}”", field=name)
        try:
            parsed[name] = parse_quantity(value, places=indicator.places, max_digits=MAX_DIGITS)
        except DomainError as exc:
            raise ValidationFailed(f"{indicator.zh}（{indicator.unit}）：{exc.zh}",
                                   f"{indicator.en} ({indicator.unit}): {exc.en}", field=name) from exc
    item = Item.objects.select_for_update().select_related("project").get(pk=item.pk)
    before = {name: str(getattr(item, name)) for name in parsed}
    for name, number in parsed.items():
        setattr(item, name, number)
    item.save(update_fields=list(parsed))
    audit.record(actor=actor, action="item_results_set", obj=item, before=before,
                 after={name: str(number) for name, number in parsed.items()}, subdistrict_id=item.project.subdistrict_id)
    return item
