"""公示 API: a compound's disclosure calendar, generating, publishing and correcting a statement; the
same services and queries as the pages, amounts in fen, scoped like the pages."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from anju.core.audit import Actor
from anju.core.bounds import Id
from anju.stewardship import queries, queries_disclosure
from anju.stewardship.access import Action, access_compound, access_disclosure
from anju.stewardship.models_disclosure import Disclosure
from anju.stewardship.services import disclosure as services

router = Router(tags=["stewardship 公示"])


class DisclosureFigureOut(Schema):
    key: str
    zh: str
    en: str
    fen: int
    group: str


class DisclosureOut(Schema):
    id: int
    compound_id: int
    kind: str
    period_start: datetime.date
    period_end: datetime.date
    version: int
    supersedes_id: int | None
    note: str
    basis: str
    due_on: datetime.date
    published_on: datetime.date | None
    figures: list[DisclosureFigureOut]


class OwedOut(Schema):
    kind: str
    period_start: datetime.date
    period_end: datetime.date
    period_zh: str
    due_on: datetime.date
    state: str
    current_id: int | None
    published_id: int | None


class GenerateIn(Schema):
    kind: Annotated[str, Field(max_length=20)]
    period_start: datetime.date


class PublishIn(Schema):
    on: datetime.date


class CorrectIn(Schema):
    note: Annotated[str, Field(max_length=300)]


def _out(d: Disclosure) -> dict[str, Any]:
    return {
        "id": d.pk,
        "compound_id": d.compound_id,
        "kind": d.kind,
        "period_start": d.period_start,
        "period_end": d.period_end,
        "version": d.version,
        "supersedes_id": d.supersedes_id,
        "note": d.note,
        "basis": d.basis,
        "due_on": d.due_on,
        "published_on": d.published_on,
        "figures": d.figures,
    }


@router.get("/compounds/{pk}/disclosures", response=list[OwedOut])
def calendar(request: HttpRequest, pk: Id):
    """Every statement the compound owes today, newest due first, with its state and versions."""
    node = access_compound(request.user, pk, action=Action.VIEW)
    rows = queries_disclosure.calendar_of(node, queries.rules_for(node.subdistrict_id), timezone.localdate())
    return [
        {
            "kind": r.owed.kind,
            "period_start": r.owed.period.start,
            "period_end": r.owed.period.end,
            "period_zh": r.owed.period.zh,
            "due_on": r.owed.due.deadline,
            "state": r.owed.due.state,
            "current_id": r.current.pk if r.current else None,
            "published_id": r.published.pk if r.published else None,
        }
        for r in rows
    ]


@router.post("/compounds/{pk}/disclosures", response={201: DisclosureOut})
def generate(request: HttpRequest, pk: Id, body: GenerateIn):
    """The draft statement of one owed period, from the ledgers (a draft is refreshed)."""
    node = access_compound(request.user, pk, action=Action.EDIT)
    d = services.disclosure_generate(
        compound=node, kind=body.kind, period_start=body.period_start, actor=Actor.of(request.user)
    )
    return Status(201, _out(d))


@router.get("/disclosures/{pk}", response=DisclosureOut)
def detail(request: HttpRequest, pk: Id):
    return _out(access_disclosure(request.user, pk, action=Action.VIEW))


@router.post("/disclosures/{pk}/publish", response=DisclosureOut)
def publish(request: HttpRequest, pk: Id, body: PublishIn):
    d = access_disclosure(request.user, pk, action=Action.EDIT)
    return _out(services.disclosure_publish(disclosure=d, on=body.on, actor=Actor.of(request.user)))


@router.post("/disclosures/{pk}/correct", response={201: DisclosureOut})
def correct(request: HttpRequest, pk: Id, body: CorrectIn):
    """A new draft version of a published statement, saying what changed."""
    d = access_disclosure(request.user, pk, action=Action.EDIT)
    return Status(
        201, _out(services.disclosure_correct(disclosure=d, note=body.note, actor=Actor.of(request.user)))
    )
