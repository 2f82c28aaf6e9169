"""Writes of 公示: generate a due statement from the ledgers, publish it, correct a published one.

A statement is generated only for a period the compound's calendar owes (an ended period of a kind
the rule set asks for); generating again refreshes a draft's figures. Publishing is audited and makes
the statement immutable; a correction is a new version that supersedes it, with its figures taken from
the ledgers again and a note of what changed (the changed figures are recorded beside the note).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from anju.core import audit
from anju.core.audit import Actor
from anju.core.errors import Conflict, ValidationFailed
from anju.domain.stewardship import disclosure as rules_disclosure
from anju.domain.stewardship.disclosure import KINDS, Period
from anju.roster.models import Compound
from anju.stewardship import queries, queries_disclosure
from anju.stewardship.models_disclosure import Disclosure


def _audit(
    d: Disclosure,
    actor: Actor,
    *,
    action: str,
    after: dict[str, object],
    before: dict[str, object] | None = None,
) -> None:
    audit.record(
        actor=actor,
        action=action,
        obj=d,
        before=before,
        after=after,
        subdistrict_id=d.compound.subdistrict_id,
    )


def _owed_period(compound: Compound, kind: str, period_start: datetime.date, today: datetime.date) -> Period:
    if kind not in KINDS:
        raise ValidationFailed("请选择公示内容。", "Choose what to publish.", field="kind")
    rules = queries.rules_for(compound.subdistrict_id)
    months = rules_disclosure.months_of(rules, kind)
    since = queries_disclosure.starts_of(compound)[kind]
    owed = rules_disclosure.ended_periods(months, since, today) if months and since else []
    for period in owed:
        if period.start == period_start:
            return period
    raise ValidationFailed(
        f"该小区没有 {period_start:%Y年%m月} 起的“{KINDS[kind].zh}”需要公示（周期尚未结束或不在公示日历中）。",
        f"{KINDS[kind].en} starting {period_start:%Y-%m} is not owed by this compound "
        "(the period has not ended or is not on its calendar).",
        field="period_start",
    )


def _summary(d: Disclosure) -> dict[str, object]:
    return {
        "kind": d.kind,
        "period": f"{d.period_start}/{d.period_end}",
        "version": d.version,
        "figures": {r["key"]: r["fen"] for r in d.figures},
    }


@transaction.atomic
def disclosure_generate(
    *,
    compound: Compound,
    kind: str,
    period_start: datetime.date,
    actor: Actor,
    today: datetime.date | None = None,
) -> Disclosure:
    """The draft statement of one owed period, its figures from the ledgers (a draft is refreshed)."""
    today = today or timezone.localdate()
    Compound.objects.select_for_update().get(pk=compound.pk)
    period = _owed_period(compound, kind, period_start, today)
    rules = queries.rules_for(compound.subdistrict_id)
    versions = list(
        Disclosure.objects.filter(compound=compound, kind=kind, period_start=period.start).order_by("version")
    )
    if versions and versions[-1].is_published:
        raise Conflict(
            "这一期已经公示；如有错误，请发布更正版本。",
            "This period is published; publish a correction instead.",
        )
    figures = queries_disclosure.statement_rows(compound, kind, period)
    if versions:
        d = versions[-1]
        before = _summary(d)
        d.figures = figures
        d.save(update_fields=["figures"])
        _audit(d, actor, action="disclosure_generate", before=before, after=_summary(d))
        return d
    d = Disclosure.objects.create(
        compound=compound,
        kind=kind,
        period_start=period.start,
        period_end=period.end,
        figures=figures,
        basis=queries_disclosure.basis_of(rules, kind),
        due_on=rules_disclosure.due_on(rules, period),
    )
    _audit(d, actor, action="disclosure_generate", after=_summary(d))
    return d


def _lock(d: Disclosure) -> Disclosure:
    return Disclosure.objects.select_for_update().select_related("compound").get(pk=d.pk)


@transaction.atomic
def disclosure_publish(
    *, disclosure: Disclosure, on: datetime.date | None = None, actor: Actor
) -> Disclosure:
    """Publish a draft (audited): from now on it is never changed."""
    d = _lock(disclosure)
    if d.is_published:
        raise Conflict("这一版已经公示。", "This version is already published.")
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationFailed(
            "公示日期不能晚于今天。", "The publication date cannot be in the future.", field="on"
        )
    if on < d.period_end:
        raise ValidationFailed(
            "周期结束后才能公示这一期。", "Publish after the period has ended.", field="on"
        )
    d.published_on = on
    d.published_by = actor.user
    d.save(update_fields=["published_on", "published_by"])
    _audit(d, actor, action="disclosure_publish", after={**_summary(d), "on": str(on)})
    return d


@transaction.atomic
def disclosure_correct(*, disclosure: Disclosure, note: str, actor: Actor) -> Disclosure:
    """A new draft version of a published statement, figures from the ledgers again, saying what changed."""
    d = _lock(disclosure)
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(
            "请写明更正了什么、为什么。", "Say what the correction changes and why.", field="note"
        )
    if len(note) > 300:
        raise ValidationFailed("更正说明最多 300 字。", "The note is at most 300 characters.", field="note")
    if not d.is_published:
        raise Conflict(
            "草稿可以直接重新生成，不需要更正。", "A draft can be generated again; it needs no correction."
        )
    if Disclosure.objects.filter(supersedes=d).exists():
        raise Conflict("这一版已经有更正版本。", "This version already has a correction.")
    figures = queries_disclosure.statement_rows(d.compound, d.kind, Period(d.period_start, d.period_end))
    new = Disclosure.objects.create(
        compound=d.compound,
        kind=d.kind,
        period_start=d.period_start,
        period_end=d.period_end,
        version=d.version + 1,
        supersedes=d,
        note=note,
        figures=figures,
        basis=d.basis,
        due_on=d.due_on,
    )
    changed = [
        {"figure": zh, "before": b, "after": a} for zh, b, a in queries_disclosure.changes(d.figures, figures)
    ]
    _audit(
        new,
        actor,
        action="disclosure_correct",
        before=_summary(d),
        after={**_summary(new), "note": note, "changed": changed},
    )
    return new
