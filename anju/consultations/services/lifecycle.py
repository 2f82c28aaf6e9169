"""The life of a consultation: drafting it and its questions, opening (the electorate is frozen),
closing (by staff, or by the clock), and the next round.

Each write is keyword-only, atomic and leaves an audit record in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from anju.consultations import question_templates
from anju.consultations.models import Consultation, Elector, Kind, Question, QuestionKind, Status
from anju.consultations.queries import question_result
from anju.consultations.services.letters import random_code
from anju.core import audit
from anju.core.audit import Actor
from anju.core.errors import Conflict, ValidationFailed
from anju.core.sanitise import rich_text
from anju.domain.consent import jsonio as consent_cli
from anju.domain.errors import DomainError
from anju.roster.models import Building, Compound, Household, Ownership, Unit

FORBIDDEN_IN_CHOICES = ("\t", "\n", ";", "=", "+")  # separators of the canonical ballot list (digest)


# --- consultations and questions ----------------------------------------------------------------


@transaction.atomic
def consultation_create(*, compound: Compound, title: str, actor: Actor, building: Building | None = None,
                        unit: Unit | None = None, description: str = "", opens_at: Any = None,
                        closes_at: Any = None, open_ballots: bool = False, kind: str = Kind.VOTE,
                        sample: Sequence[int] | None = None) -> Consultation:
    """A draft consultation of a compound, one of its buildings, or one unit. `open_ballots` publishes
    the ballot list by room, only where the owners' assembly's rules require open ballots. A survey
    (`kind="survey"`) may ask only `sample`, roster household ids of its scope; a vote asks everyone."""
    if unit is not None:
        building = unit.building
    if building is not None and building.compound_id != compound.pk:
        raise ValidationFailed("楼栋不属于该小区", "The building is not in this compound", field="building")
    if not title.strip():
        raise ValidationFailed("请填写标题", "The title is missing", field="title")
    if opens_at and closes_at and closes_at <= opens_at:
        raise ValidationFailed("截止时间须晚于开始时间", "The closing time must be after the opening time",
                               field="closes_at")
    if kind not in Kind.values:
        raise ValidationFailed(f"未知类型：{kind}", f"Unknown kind: {kind}", field="kind")
    drawn = _sample(kind, sample, compound, building, unit)
    c = Consultation.objects.create(subdistrict_id=compound.subdistrict_id, compound=compound, building=building,
                                    unit=unit, title=title.strip(), description=_description(description),
                                    opens_at=opens_at, closes_at=closes_at, open_ballots=open_ballots,
                                    kind=kind, sample=drawn)
    audit.record(actor=actor, action="consultation.create", obj=c, before=None,
                 after={"title": c.title, "scope": c.scope_label, "open_ballots": open_ballots, "kind": kind,
                        "sample": len(drawn) if drawn is not None else None}, subdistrict_id=c.subdistrict_id)
    return c


def _sample(kind: str, sample: Sequence[int] | None, compound: Compound, building: Building | None,
            unit: Unit | None) -> list[int] | None:
    if sample is None:
        return None
    if kind != Kind.SURVEY:
        raise ValidationFailed("只有满意度测评可以抽样，表决须征求范围内全体住户",
                               "Only a survey may ask a sample; a vote asks every household of its scope", field="sample")
    ids = sorted({int(h) for h in sample})
    if not ids:
        raise ValidationFailed("抽样住户为空：请至少抽取一户，或改为全体住户",
                               "The sample is empty: draw at least one household, or ask them all", field="sample")
    scope = Household.objects.filter(compound_id=compound.pk, pk__in=ids)
    if unit is not None:
        scope = scope.filter(unit_id=unit.pk)
    elif building is not None:
        scope = scope.filter(unit__building_id=building.pk)
    if scope.count() != len(ids):
        raise ValidationFailed("抽样住户中有不在范围内的户", "Some sampled households are outside the scope", field="sample")
    return ids


DESCRIPTION_MAX = 20_000  # characters of stored HTML: a few pages of text with lists and a table


def _description(text: str) -> str:
    clean = rich_text(text)
    if len(clean) > DESCRIPTION_MAX:
        raise ValidationFailed(f"说明太长（最多 {DESCRIPTION_MAX} 个字符）",
                               f"The description is too long (at most {DESCRIPTION_MAX} characters)", field="description")
    return clean


@transaction.atomic
def consultation_describe(*, consultation: Consultation, description: str, actor: Actor) -> Consultation:
    """Replace the proposal residents read on the vote page (rich text, sanitised before it is stored).

    Refused once the consultation has closed: the result was reached on what it said then. Letters
    already printed keep the summary they were printed with."""
    locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if locked.status == Status.CLOSED:
        raise Conflict("意见征求已截止，说明不能再改", "The consultation has closed; its description can no longer change")
    clean = _description(description)
    if clean == locked.description:
        return locked
    before = locked.description
    locked.description = clean
    locked.save(update_fields=["description"])
    audit.record(actor=actor, action="consultation.describe", obj=locked, before={"description": before},
                 after={"description": clean}, subdistrict_id=locked.subdistrict_id)
    return locked


def rule_validate(rule: Any) -> dict[str, Any]:
    """Check a rule document ``{"rule": "civil-code-278-major" | {...}, "extra": [...]}`` with the engine.

    Raises ValidationFailed naming the field; returns the document unchanged."""
    if isinstance(rule, str):
        rule = {"rule": rule}
    if not isinstance(rule, dict) or "rule" not in rule or set(rule) - {"rule", "extra"}:
        raise ValidationFailed("规则须为 {\"rule\": …, \"extra\": […]}", "A rule is {\"rule\": …, \"extra\": […]}",
                               field="rule")
    try:
        consent_cli.parse_rule(rule["rule"])
        consent_cli.parse_extra(rule.get("extra"))
    except DomainError as error:
        raise ValidationFailed.from_domain(error) from None
    return rule


def _draft(consultation: Consultation) -> None:
    if consultation.status != Status.DRAFT:
        raise Conflict("意见征求已开始，问题不能再改", "The consultation has opened; its questions can no longer change")


def _check_choices(kind: str, choices: list[str]) -> list[str]:
    choices = [str(c).strip() for c in choices if str(c).strip()]
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        if len(choices) < 2 or len(set(choices)) != len(choices):
            raise ValidationFailed("单选、多选题至少要两个不同的选项", "Choice questions need two or more distinct choices",
                                   field="choices")
        bad = [c for c in choices if any(s in c for s in FORBIDDEN_IN_CHOICES)]
        if bad:
            raise ValidationFailed(f"选项不能含有 ; = + 或换行：{bad[0]}", f"A choice may not contain ; = + or a line break: {bad[0]}",
                                   field="choices")
        return choices
    if kind == QuestionKind.ELECTION:
        return _check_candidates(choices)
    return []


def _check_candidates(names: list[str]) -> list[str]:
    if not names:
        raise ValidationFailed("选举题还没有候选人：请在“选项”中每行填写一名候选人。",
                               "The election has no candidates: list one candidate per line under choices.",
                               field="choices")
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ValidationFailed(f"候选人“{name}”重复列出，请删去重复的一行。",
                                   f"The candidate {name} is listed twice: remove the repeated line.", field="choices")
        seen.add(name)
        if any(s in name for s in FORBIDDEN_IN_CHOICES) or len(name) > 40:
            raise ValidationFailed(f"候选人姓名不能超过 40 个字，也不能含有 ; = + 或换行：{name[:40]}",
                                   f"A candidate's name has at most 40 characters and no ; = + or line break: {name[:40]}",
                                   field="choices")
    return names


def _check_seats(kind: str, seats: Any, candidates: list[str]) -> int | None:
    if kind != QuestionKind.ELECTION:
        return None
    try:
        n = int(str(seats).strip())
    except ValueError:
        n = 0
    if n < 1:
        raise ValidationFailed("请填写应选名额（至少 1 名）。", "Enter the number of seats (at least 1).", field="seats")
    if n > len(candidates):
        raise ValidationFailed(f"应选名额（{n} 名）多于候选人数（{len(candidates)} 人），请增加候选人或减少名额。",
                               f"More seats ({n}) than candidates ({len(candidates)}): add candidates or fewer seats.",
                               field="seats")
    return n


@transaction.atomic
def question_add(*, consultation: Consultation, kind: str, text: str, actor: Actor, choices: Sequence[str] = (),
                 unit_label: str = "", rule: Any = None, template_key: str = "",
                 copied_from: Question | None = None, seats: Any = None) -> Question:
    """Add a question at the end; a yes/no question needs a rule (art. 278 major by default); an
    election lists its candidates in `choices` and fills `seats` (1 to the number of candidates),
    each candidate counted as an art. 278 ordinary decision (`anju.domain.stewardship.election`)."""
    _draft(consultation)
    if kind not in QuestionKind.values:
        raise ValidationFailed(f"未知题型：{kind}", f"Unknown question kind: {kind}", field="kind")
    if not text.strip():
        raise ValidationFailed("请填写题目", "The question text is missing", field="text")
    if kind == QuestionKind.YES_NO:
        rule = rule_validate(rule if rule is not None else "civil-code-278-major")
    else:
        rule = None
    order = (consultation.questions.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    clean = _check_choices(kind, list(choices))
    q = Question.objects.create(consultation=consultation, order=order, kind=kind, text=text.strip(),
                                choices=clean, unit_label=unit_label, rule=rule, seats=_check_seats(kind, seats, clean),
                                template_key=template_key, copied_from=copied_from)
    audit.record(actor=actor, action="consultation.question_add", obj=consultation, before=None,
                 after={"order": order, "kind": kind, "text": q.text, "rule": rule, "seats": q.seats},
                 subdistrict_id=consultation.subdistrict_id)
    return q


@transaction.atomic
def questions_from_template(*, consultation: Consultation, template: str, actor: Actor,
                            rule: Any = None) -> list[Question]:
    """Add the ready-made questions of a template (`household5` or `renovation_items`)."""
    if template not in question_templates.TEMPLATES:
        raise ValidationFailed(f"未知模板：{template}", f"Unknown template: {template}", field="template")
    return [question_add(consultation=consultation, actor=actor, template_key=t.key, kind=t.kind, text=t.text,
                         choices=list(t.choices), unit_label=t.unit_label,
                         rule=(rule if rule is not None else t.rule) if t.kind == QuestionKind.YES_NO else None)
            for t in question_templates.TEMPLATES[template]]


# --- opening: the electorate is frozen ----------------------------------------------------------


def households_of(consultation: Consultation):
    qs = Household.objects.filter(compound_id=consultation.compound_id)
    if consultation.unit_id:
        qs = qs.filter(unit_id=consultation.unit_id)
    elif consultation.building_id:
        qs = qs.filter(unit__building_id=consultation.building_id)
    if consultation.sample is not None:
        qs = qs.filter(pk__in=consultation.sample)
    return qs.select_related("unit__building")


def elector_key(household: Household) -> str:
    """"3-1-501": building-unit-room; unique within a compound, the sort key of the ballot list."""
    return f"{household.unit.building.number}-{household.unit.number}-{household.room}"


def owner_keys(owners: Mapping[int, list[int]]) -> dict[int, str]:
    """Household id -> owner key: households linked through any shared owner form one owner.

    `owners` maps each household to its owners' person ids. SPC interpretation art. 9 counts one
    buyer of several parts once, and co-owners of one part are one owner; a person who owns 101 alone
    and 102 with someone else therefore ties 101 and 102 (and the co-owner) into one owner. The key is
    "p" + the smallest person id of the group, so it does not depend on the order of the rows."""
    parent: dict[int, int] = {}

    def root(pid: int) -> int:
        parent.setdefault(pid, pid)
        while parent[pid] != pid:
            parent[pid] = parent[parent[pid]]  # path halving keeps the trees flat
            pid = parent[pid]
        return pid

    for ids in owners.values():
        for pid in ids[1:]:
            a, b = root(ids[0]), root(pid)
            if a != b:
                parent[max(a, b)] = min(a, b)  # the smaller id stays the root: the key is the group's minimum
    return {hid: f"p{root(ids[0])}" for hid, ids in owners.items() if ids}


@transaction.atomic
def consultation_open(*, consultation: Consultation, actor: Actor) -> Consultation:
    """Open for ballots and freeze the electorate: one row per household with its area and owner key.

    Owner keys come from the roster's ownerships (`owner_keys`): flats tied by a shared owner share
    one key, so the engine counts them once (SPC interpretation art. 9); a flat without a registered
    owner is its own owner."""
    given, consultation = consultation, Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status != Status.DRAFT:
        raise Conflict("意见征求已经开始过", "The consultation has already been opened")
    questions = list(consultation.questions.all())
    if not questions:
        raise ValidationFailed("至少要有一个问题", "Add at least one question first", field="questions")
    households = list(households_of(consultation))
    if not households:
        raise ValidationFailed("范围内没有住户", "There are no households in this scope", field="scope")
    owners: dict[int, list[int]] = {}
    for hid, pid in Ownership.objects.filter(household__in=[h.pk for h in households]).values_list(
            "household_id", "person_id").order_by("person_id"):
        owners.setdefault(hid, []).append(pid)
    owner_key_of = owner_keys(owners)
    aliases = _aliases(len(households))
    electors = []
    for h, alias in zip(households, aliases, strict=True):
        ids = owners.get(h.pk, [])
        electors.append(Elector(consultation=consultation, household=h, key=elector_key(h), floor=h.floor,
                                area=h.exclusive_area, owner_ids=ids, owner_key=owner_key_of.get(h.pk, f"h{h.pk}"),
                                alias=alias))
    Elector.objects.bulk_create(electors, batch_size=1000)
    keys = {e.key for e in electors}
    for q in questions:
        for j, extra in enumerate((q.rule or {}).get("extra") or []):
            unknown = sorted(set(extra.get("households", [])) - keys)
            if unknown:
                raise ValidationFailed(f"第 {q.order} 题的附加条件引用了不在范围内的户：{'、'.join(unknown)}",
                                       f"Question {q.order}: extra condition names households outside the scope: "
                                       f"{', '.join(unknown)}", field=f"questions[{q.order}].rule.extra[{j}]")
    consultation.status = Status.OPEN
    consultation.opened_at = timezone.now()
    if consultation.opens_at is None:
        consultation.opens_at = consultation.opened_at
    consultation.save(update_fields=["status", "opened_at", "opens_at"])
    given.status, given.opened_at, given.opens_at = consultation.status, consultation.opened_at, consultation.opens_at
    audit.record(actor=actor, action="consultation.open", obj=consultation, before={"status": "draft"},
                 after={"status": "open", "households": len(electors)}, subdistrict_id=consultation.subdistrict_id)
    return consultation


ALIAS_LENGTH = 8


def _aliases(n: int) -> list[str]:
    """`n` distinct random aliases (8 of 32 symbols: 40 bits, so two households never share one)."""
    out: dict[str, None] = {}
    while len(out) < n:
        out[random_code(ALIAS_LENGTH)] = None
    return list(out)


def is_accepting(consultation: Consultation) -> bool:
    """Open, past its opening time and not past its closing time: ballots are taken."""
    now = timezone.now()
    return (consultation.status == Status.OPEN and (consultation.opens_at is None or consultation.opens_at <= now)
            and (consultation.closes_at is None or now < consultation.closes_at))


@transaction.atomic
def consultation_close(*, consultation: Consultation, actor: Actor) -> Consultation:
    """Close: from now on ballots never change; corrections are appended instead."""
    given, consultation = consultation, Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status != Status.OPEN:
        raise Conflict("只有进行中的意见征求可以截止", "Only an open consultation can be closed")
    _close(consultation, given, actor, closed_at=timezone.now(), after={"status": "closed"})
    return consultation


@transaction.atomic
def consultation_held(*, consultation: Consultation, opened_at: datetime, closed_at: datetime,
                      actor: Actor) -> Consultation:
    """Record when a closed vote was really held (a vote taken on paper before it was entered here, or
    the demo's history): its opening and closing times, both past, in order; audited."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status != Status.CLOSED:
        raise Conflict("只有已截止的表决可以记录举行时间", "Only a closed vote can record when it was held")
    if not opened_at < closed_at <= timezone.now():
        raise ValidationFailed("开始时间须早于截止时间，且均不晚于现在", "Opening before closing, both in the past",
                               field="closed_at")
    before = {"opened_at": consultation.opened_at.isoformat() if consultation.opened_at else None,
              "closed_at": consultation.closed_at.isoformat() if consultation.closed_at else None}
    consultation.opens_at = consultation.opened_at = opened_at
    consultation.closes_at = consultation.closed_at = closed_at
    consultation.save(update_fields=["opens_at", "opened_at", "closes_at", "closed_at"])
    audit.record(actor=actor, action="consultation.held", obj=consultation, before=before,
                 after={"opened_at": opened_at.isoformat(), "closed_at": closed_at.isoformat()},
                 subdistrict_id=consultation.subdistrict_id)
    return consultation


def _close(consultation: Consultation, given: Consultation, actor: Actor, *, closed_at: datetime,
           after: dict[str, Any]) -> None:
    consultation.status = Status.CLOSED
    consultation.closed_at = closed_at
    consultation.save(update_fields=["status", "closed_at"])
    given.status, given.closed_at = consultation.status, consultation.closed_at
    audit.record(actor=actor, action="consultation.close", obj=consultation, before={"status": "open"},
                 after=after, subdistrict_id=consultation.subdistrict_id)


AUTO_CLOSE = Actor.system("自动截止 / closed at the closing time")


def is_due(consultation: Consultation) -> bool:
    """Open but past its closing time: no ballot is taken any more, so it should be closed."""
    return (consultation.status == Status.OPEN and consultation.closes_at is not None
            and timezone.now() >= consultation.closes_at)


def close_if_due(consultation: Consultation) -> Consultation:
    """Close a consultation whose closing time has passed (audited as the system); called whenever
    one is read, so nobody sees "open" after the deadline even if no cron ran. Idempotent."""
    if not is_due(consultation):
        return consultation
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if is_due(locked) and locked.closes_at is not None:  # another request may have closed it meanwhile
            # Voting stopped at the closing time, not when someone happened to look: that is the close.
            _close(locked, consultation, AUTO_CLOSE, closed_at=locked.closes_at,
                   after={"status": "closed", "automatic": True, "closes_at": locked.closes_at.isoformat()})
        else:
            consultation.status, consultation.closed_at = locked.status, locked.closed_at
    return consultation


def close_due(queryset: QuerySet[Consultation] | None = None) -> list[Consultation]:
    """Close every open consultation past its closing time (of `queryset`, default all); returns them."""
    qs = Consultation.objects.all() if queryset is None else queryset
    due = list(qs.filter(status=Status.OPEN, closes_at__lte=timezone.now()).order_by("id"))
    return [c for c in due if close_if_due(c).status == Status.CLOSED]


@transaction.atomic
def next_round(*, consultation: Consultation, actor: Actor, only_failed: bool = True,
               title: str = "") -> Consultation:
    """Round n+1 of a closed consultation, same scope, linked to it; copies the yes/no questions that
    did not pass (and every other question) or, with `only_failed=False`, all questions."""
    if consultation.status != Status.CLOSED:
        raise Conflict("上一轮截止后才能开始下一轮", "Close this round before starting the next one")
    new = consultation_create(compound=consultation.compound, building=consultation.building, unit=consultation.unit,
                              title=title or f"{consultation.title}（第{consultation.round + 1}轮）",
                              description=consultation.description, actor=actor,
                              open_ballots=consultation.open_ballots)
    new.round, new.predecessor = consultation.round + 1, consultation
    new.save(update_fields=["round", "predecessor"])
    for q in consultation.questions.all():
        if only_failed and q.kind == QuestionKind.YES_NO and _passed(consultation, q):
            continue
        question_add(consultation=new, kind=q.kind, text=q.text, choices=q.choices, unit_label=q.unit_label,
                     rule=q.rule, template_key=q.template_key, copied_from=q, seats=q.seats, actor=actor)
    return new


def _passed(consultation: Consultation, question: Question) -> bool:
    try:
        return question_result(consultation, question).passed
    except DomainError:
        # Whether it passed is unknown while an owner's flats disagree: starting over would hide that.
        raise Conflict(f"第 {question.order} 题有业主名下各户意见不一致，请先在“业主意见冲突”中处理",
                       f"Question {question.order}: an owner's flats voted differently; settle it under "
                       "owner conflicts first") from None
