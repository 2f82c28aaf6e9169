"""Every write of the consultations app: consultations, questions, opening (the electorate freeze),
letters, the ONE ballot write path for every channel, conflicts, closing and corrections.

Each function is keyword-only, atomic and leaves an audit record in the same transaction.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from anju.consultations import question_templates
from anju.consultations.models import (
    Ballot,
    BallotState,
    Channel,
    Consultation,
    Correction,
    Elector,
    Letter,
    OwnerSettlement,
    Question,
    QuestionKind,
    SettledVote,
    Status,
)
from anju.core import audit, crypto, ratelimit
from anju.core.audit import Actor
from anju.core.errors import Conflict, NotFound, ValidationFailed
from anju.core.images import open_checked
from anju.domain.consent import jsonio as consent_cli
from anju.domain.consent import owner_conflicts as consent_owner_conflicts
from anju.domain.errors import DomainError
from anju.domain.ids import normalize_id_number, normalize_phone
from anju.roster.models import Building, Compound, Household, Ownership, Person, Unit

ANY = object()  # `expected` sentinel: accept whatever ballot is on record
FORBIDDEN_IN_CHOICES = ("\t", "\n", ";", "=", "+")  # separators of the canonical ballot list (digest)
SCAN_MAX_BYTES = 10 * 1024 * 1024
SCAN_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "MPO": "jpg", "TIFF": "tif"}


# --- consultations and questions ----------------------------------------------------------------


@transaction.atomic
def consultation_create(*, compound: Compound, title: str, actor: Actor, building: Building | None = None,
                        unit: Unit | None = None, description: str = "", opens_at: Any = None,
                        closes_at: Any = None, open_ballots: bool = False) -> Consultation:
    """A draft consultation of a compound, one of its buildings, or one unit. `open_ballots` publishes
    the ballot list by room, only where the owners' assembly's rules require open ballots."""
    if unit is not None:
        building = unit.building
    if building is not None and building.compound_id != compound.pk:
        raise ValidationFailed("楼栋不属于该小区", "The building is not in this compound", field="building")
    if not title.strip():
        raise ValidationFailed("请填写标题", "The title is missing", field="title")
    if opens_at and closes_at and closes_at <= opens_at:
        raise ValidationFailed("截止时间须晚于开始时间", "The closing time must be after the opening time",
                               field="closes_at")
    c = Consultation.objects.create(subdistrict_id=compound.subdistrict_id, compound=compound, building=building,
                                    unit=unit, title=title.strip(), description=description,
                                    opens_at=opens_at, closes_at=closes_at, open_ballots=open_ballots)
    audit.record(actor=actor, action="consultation.create", obj=c, before=None,
                 after={"title": c.title, "scope": c.scope_label, "open_ballots": open_ballots}, subdistrict_id=c.subdistrict_id)
    return c


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
    return []


@transaction.atomic
def question_add(*, consultation: Consultation, kind: str, text: str, actor: Actor, choices: list[str] = (),
                 unit_label: str = "", rule: Any = None, template_key: str = "",
                 copied_from: Question | None = None) -> Question:
    """Add a question at the end; a yes/no question needs a rule (art. 278 major by default)."""
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
    q = Question.objects.create(consultation=consultation, order=order, kind=kind, text=text.strip(),
                                choices=_check_choices(kind, list(choices)), unit_label=unit_label, rule=rule,
                                template_key=template_key, copied_from=copied_from)
    audit.record(actor=actor, action="consultation.question_add", obj=consultation, before=None,
                 after={"order": order, "kind": kind, "text": q.text, "rule": rule},
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
        out[_random_code(ALIAS_LENGTH)] = None
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
        if is_due(locked):  # another request may have closed it meanwhile
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
                     rule=q.rule, template_key=q.template_key, copied_from=q, actor=actor)
    return new


def _passed(consultation: Consultation, question: Question) -> bool:
    from anju.consultations.queries import question_result

    try:
        return question_result(consultation, question).passed
    except DomainError:
        # Whether it passed is unknown while an owner's flats disagree: starting over would hide that.
        raise Conflict(f"第 {question.order} 题有业主名下各户意见不一致，请先在“业主意见冲突”中处理",
                       f"Question {question.order}: an owner's flats voted differently; settle it under "
                       "owner conflicts first") from None


# --- letters: a random code per printed letter, stored hashed --------------------------------------

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off paper and typed
CODE_LENGTH = 20  # 20 symbols of 32: 100 random bits, beyond guessing even without the limits


def _random_code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def normalise_code(text: str) -> str:
    """A code as typed from paper: spaces and dashes dropped, upper case."""
    return "".join(ch for ch in (text or "").upper() if ch not in " -\t")


def code_hash(code: str) -> str:
    """SHA-256 of the normalised code: the code has 100 random bits, so a plain hash cannot be reversed."""
    return hashlib.sha256(("anju-letter:" + normalise_code(code)).encode()).hexdigest()


def format_code(code: str) -> str:
    """The code as printed, in groups of four: ABCD-EFGH-…"""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def letters_due(consultation: Consultation, *, reissue: bool = False) -> list[Elector]:
    """The households to print letters for: those without a valid letter, or (reissue) every household."""
    qs = consultation.electors.order_by("key")
    if not reissue:
        qs = qs.exclude(Exists(Letter.objects.filter(elector=OuterRef("pk"), revoked_at__isnull=True)))
    return list(qs)


def letter_codes(electors: list[Elector]) -> list[tuple[Elector, str]]:
    """A fresh code for each household, in memory only: print them, then `letters_record` them."""
    return [(e, _random_code(CODE_LENGTH)) for e in electors]


@transaction.atomic
def letters_record(*, consultation: Consultation, issued: list[tuple[Elector, str]], actor: Actor,
                   reason: str = "") -> int:
    """Make the printed codes valid: store their hashes and revoke each household's earlier letter.

    Called after the PDF is made, in one short transaction, so a failed print leaves the old letters
    valid and no code that nobody holds. The audit record names the households, never a code."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status != Status.OPEN:
        raise Conflict("只有进行中的意见征求可以打印告知书", "Letters are printed only while the consultation is open")
    if not issued:
        return 0
    now = timezone.now()
    ids = [e.pk for e, _code in issued]
    reprinted = list(Letter.objects.filter(elector_id__in=ids, revoked_at__isnull=True)
                     .values_list("elector__key", flat=True).order_by("elector__key"))
    Letter.objects.filter(elector_id__in=ids, revoked_at__isnull=True).update(revoked_at=now)
    Letter.objects.bulk_create([
        Letter(elector=e, code_hash=code_hash(code), issued_by=actor.user, issued_by_label=actor.label,
               reason=reason.strip()[:300]) for e, code in issued], batch_size=1000)
    audit.record(actor=actor, action="consultation.letters", obj=consultation, before={"revoked": reprinted},
                 after={"letters": len(issued), "households": sorted(e.key for e, _code in issued)[:50],
                        "reason": reason.strip()}, subdistrict_id=consultation.subdistrict_id)
    return len(issued)


def letter_replacement_check(*, elector: Elector, id_checked: bool, reason: str) -> str:
    """A household that already holds a valid letter gets a new one only after staff checked the
    owner's ID card in person; returns the reason to record ("" for a first letter)."""
    if not Letter.objects.filter(elector=elector, revoked_at__isnull=True).exists():
        return reason.strip()
    if not id_checked:
        raise ValidationFailed("补发告知书前，请当面核对业主的身份证，并勾选“已核对”",
                               "Before re-issuing a letter, check the owner's ID card in person and tick the box",
                               field="id_checked")
    if not reason.strip():
        raise ValidationFailed("请写明补发原因（如：告知书遗失）", "Give the reason (e.g. the letter was lost)",
                               field="reason")
    return "已当面核对身份证；" + reason.strip()


def letter_limit() -> ratelimit.Limit:
    """Failed owner checks of one letter before it locks (it then stays locked until staff unlock it)."""
    return ratelimit.Limit("vote-letter", settings.ANJU_VOTE_LETTER_FAILURES, settings.ANJU_VOTE_LETTER_WINDOW)


def letter_for_code(code: str) -> Letter:
    """The valid letter of a code; NotFound for anything else (no hint whether it ever existed)."""
    letter = (Letter.objects.select_related("elector__consultation__compound", "elector__household")
              .filter(code_hash=code_hash(code), revoked_at__isnull=True).first())
    if letter is None or not normalise_code(code):
        raise NotFound("表决码无效，或这封告知书已作废（补发了新的告知书）。请核对告知书上的二维码或表决码。",
                       "This code is not valid, or the letter was replaced by a new one. Check the QR code "
                       "or the code on your letter.")
    return letter


def letter_valid(pk: int) -> Letter | None:
    """The letter a resident's session holds, if it is still valid (not replaced)."""
    return (Letter.objects.select_related("elector__consultation__compound", "elector__household")
            .filter(pk=pk, revoked_at__isnull=True).first())


@transaction.atomic
def letter_lock(*, letter: Letter, actor: Actor) -> Letter:
    """Too many failed owner checks: the letter stops working until staff unlock it."""
    letter = Letter.objects.select_for_update().select_related("elector__consultation").get(pk=letter.pk)
    if letter.locked_at is None:
        letter.locked_at = timezone.now()
        letter.save(update_fields=["locked_at"])
        c = letter.elector.consultation
        audit.record(actor=actor, action="consultation.letter_lock", obj=c, before=None,
                     after={"household": letter.elector.key}, subdistrict_id=c.subdistrict_id)
    return letter


@transaction.atomic
def letter_unlock(*, letter: Letter, actor: Actor, reason: str) -> Letter:
    """Staff unlock a letter after talking to the household (reason required, audited)."""
    letter = Letter.objects.select_for_update().select_related("elector__consultation").get(pk=letter.pk)
    if letter.locked_at is None:
        raise Conflict("这封告知书没有被锁定", "This letter is not locked")
    if not reason.strip():
        raise ValidationFailed("请写明解锁原因（如：已电话联系业主本人）", "Give the reason (e.g. called the owner)",
                               field="reason")
    letter.locked_at = None
    letter.save(update_fields=["locked_at"])
    ratelimit.clear(letter_limit(), str(letter.pk))
    c = letter.elector.consultation
    audit.record(actor=actor, action="consultation.letter_unlock", obj=c, before={"locked": True},
                 after={"household": letter.elector.key, "reason": reason.strip()[:300]},
                 subdistrict_id=c.subdistrict_id)
    return letter


class IdentityFormat(ValidationFailed):
    """What was typed is not an ID number or a mobile number at all: said plainly, not counted."""


def identity_matches(elector: Elector, *, name: str, number: str) -> bool:
    """The owner's name and their full ID number (or, for an owner registered without one, their full
    mobile number), against the owners frozen with the electorate. Compared through the keyed search
    hashes: nothing a masked number shows (its first and last digits) is enough to pass."""
    name, number = name.strip(), "".join(number.split()).upper()
    if not name or not number:
        return False
    digits = number.replace("-", "")
    try:
        if len(digits) == 18:
            kind, value = "id", normalize_id_number(digits)
        elif len(digits) == 11 and digits.isdigit():
            kind, value = "phone", normalize_phone(digits)
        else:
            raise IdentityFormat("请填写 18 位身份证号码，或 11 位手机号码",
                                 "Enter the 18-character ID number or the 11-digit mobile number", field="number")
    except DomainError:
        raise IdentityFormat("号码不对：请核对 18 位身份证号码（或 11 位手机号码）",
                             "That number is not valid: check the 18-character ID number (or 11-digit mobile)",
                             field="number") from None
    wanted = crypto.search_hash(kind, value)
    for person in Person.objects.filter(pk__in=elector.owner_ids):
        if person.name != name:
            continue
        if kind == "id" and hmac.compare_digest(person.id_number_hash, wanted):
            return True
        # The phone stands in only for an owner registered without an ID number.
        if kind == "phone" and not person.id_number_hash and hmac.compare_digest(person.phone_hash, wanted):
            return True
    return False


# --- ballots: the one write path ----------------------------------------------------------------


def answers_validate(questions: list[Question], answers: Mapping[str, Any]) -> dict[str, Any]:
    """Normalise answers keyed by question id (as str); unknown or malformed answers are refused."""
    by_id = {str(q.pk): q for q in questions}
    clean: dict[str, Any] = {}
    for key, value in answers.items():
        q = by_id.get(str(key))
        if q is None:
            raise ValidationFailed(f"问题 {key} 不属于本次意见征求", f"Question {key} is not in this consultation",
                                   field=f"answers.{key}")
        if value in (None, "", []):
            continue
        field = f"answers.{key}"
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
    if not clean:
        raise ValidationFailed("请至少回答一个问题", "Answer at least one question", field="answers")
    return clean


def scan_store(*, consultation: Consultation, data: bytes, name: str) -> str:
    """Keep a photo or scan of a signed paper ballot under MEDIA_ROOT; it must really be an image."""
    # The scan is evidence: kept byte for byte, only checked to really be an image.
    fmt = open_checked(data, name=name, field="scan", max_bytes=SCAN_MAX_BYTES, formats=frozenset(SCAN_FORMATS)).format
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
    """A paper or door-to-door ballot entered by staff with the scan of the signed form; the scan is
    kept only with a recorded ballot, so a refused ballot (closed, invalid, conflict) leaves no file."""
    scan = scan_store(consultation=consultation, data=scan_data, name=scan_name) if scan_data is not None else ""
    try:
        return ballot_cast(consultation=consultation, household=household, answers=answers, channel=channel,
                           actor=actor, expected=expected, scan=scan, signer=signer)
    except BaseException:
        if scan:
            scan_discard(scan)
        raise


def _elector(consultation: Consultation, household: Household | Elector) -> Elector:
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
    elector = _elector(consultation, household)
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
def owner_conflict_settle(*, consultation: Consultation, question: Question, owner_key: str, vote: str,
                          reason: str, actor: Actor) -> OwnerSettlement:
    """Staff record which vote stands for an owner whose flats voted differently on a yes/no question
    (one owner, one vote: SPC interpretation art. 9), after checking with the owner; the reason is
    required. Nothing is overwritten: the ballots stay as cast and the settlement is appended. It
    holds while those ballots count; a later ballot for one of the flats reopens the question."""
    from anju.consultations.queries import counts_owners, current_answers, electors, engine_households

    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status == Status.DRAFT:
        raise Conflict("意见征求尚未开始", "The consultation has not opened yet")
    if question.consultation_id != consultation.pk or question.kind != QuestionKind.YES_NO:
        raise NotFound("本次意见征求没有这道表决题", "This consultation has no such yes/no question")
    if not counts_owners(question):
        raise Conflict("这道题按户计票，每户各自表决，无需统一业主意见",
                       "This question counts households: each flat votes on its own, nothing to settle")
    if vote not in SettledVote.values:
        raise ValidationFailed("请选择同意、不同意或弃权", "Choose yes, no or abstain", field="vote")
    if not reason.strip():
        raise ValidationFailed("请说明以哪种意见为准的理由（如：电话向业主本人核实）",
                               "Give the reason (e.g. confirmed with the owner by phone)", field="reason")
    people = electors(consultation)
    current = current_answers(consultation)
    households = engine_households(question, people, current)
    if owner_key not in {c.owner for c in consent_owner_conflicts(households)}:
        raise Conflict("该业主在这道题上没有待处理的意见冲突（可能刚刚已处理或业主重新表决），请刷新页面",
                       "This owner has no vote conflict on this question (perhaps just settled or revoted); "
                       "reload the page")
    parts = [e for e in people if e.owner_key == owner_key]
    basis = {str(e.pk): current[e.pk].receipt if e.pk in current else None for e in parts}
    before = {h.id: h.vote.value for h in households if h.owner == owner_key and h.vote is not None}
    settlement = OwnerSettlement.objects.create(
        consultation=consultation, question=question, owner_key=owner_key, vote=vote, basis=basis,
        reason=reason.strip()[:300], made_by=actor.user, made_by_label=actor.label)
    audit.record(actor=actor, action="consultation.owner_settle", obj=consultation,
                 before={"question": question.order, "owner": owner_key, "votes": before},
                 after={"question": question.order, "owner": owner_key, "vote": vote, "reason": settlement.reason},
                 subdistrict_id=consultation.subdistrict_id)
    return settlement


@transaction.atomic
def correction_append(*, consultation: Consultation, household: Household | Elector, answers: Mapping[str, Any],
                      reason: str, actor: Actor) -> Correction:
    """After the close: append a correction of one household's answers (the latest one counts);
    `answers={}` counts the household as not heard. Nothing is overwritten."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status != Status.CLOSED:
        raise Conflict("截止前请直接录入表决票；更正只用于截止之后",
                       "Before the close enter a ballot; corrections are for after the close")
    if not reason.strip():
        raise ValidationFailed("请说明更正原因", "Give the reason for the correction", field="reason")
    elector = _elector(consultation, household)
    clean = answers_validate(list(consultation.questions.all()), answers) if answers else {}
    c = Correction.objects.create(consultation=consultation, elector=elector, answers=clean, reason=reason.strip()[:300],
                                  made_by=actor.user, made_by_label=actor.label)
    audit.record(actor=actor, action="consultation.correction", obj=consultation, before=None,
                 after={"household": elector.key, "answers": clean, "reason": c.reason},
                 subdistrict_id=consultation.subdistrict_id)
    return c
