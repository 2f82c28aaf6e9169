"""The field app's API, for the phone: the building to take away, the per-session key that encrypts it at
rest, the sync of offline records (idempotent on their client ids) and the photos sent after them."""

from __future__ import annotations

import base64
import secrets
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Router, Schema

from anju.core import audit
from anju.core.audit import Actor
from anju.core.bounds import Id, Moment, Offset, limit
from anju.field import access, queries, services

router = Router(tags=["field 入户采集（离线）"])
SESSION_KEY = "field_key"


class FieldBuildingOut(Schema):
    id: int
    label: str
    compound_id: int


class FieldKeyOut(Schema):
    key: str = Field(..., description="AES-256-GCM key, base64url: encrypts the download in the browser")
    key_id: str
    keep_days: int


class FieldRecordIn(Schema):
    client_id: str = Field(..., max_length=40, description="a UUID the phone generated for the record")
    kind: str = Field(..., max_length=12, description="visit | ballot | suggestion")
    taken_at: Moment
    household_id: Id
    consultation_id: Id | None = None
    answers: dict[str, Any] = Field({}, description="visit: the five answers by key; ballot: answers by question id")
    concerns: str = Field("", max_length=4000)
    follow_up: str = Field("", max_length=4000)
    visitors: str = Field("", max_length=80)
    signer: str = Field("", max_length=40)
    category: str = Field("", max_length=20)
    title: str = Field("", max_length=80)
    body: str = Field("", max_length=2000)
    contact_name: str = Field("", max_length=20)
    photo_size: int = Field(0, ge=0, le=services.PHOTO_MAX_BYTES, description="bytes of the photo to follow (0: none)")


class FieldSyncIn(Schema):
    device: str = Field(..., min_length=1, max_length=80)
    records: list[FieldRecordIn] = Field(..., max_length=services.MAX_BATCH)


class FieldResultOut(Schema):
    client_id: str
    status: str = Field(..., description="accepted | refused | duplicate (seen before: the stored outcome)")
    outcome: str
    state: str
    ref: str
    reason_zh: str
    reason_en: str
    photo_received: int
    photo_size: int


class FieldSyncOut(Schema):
    results: list[FieldResultOut]


class FieldPhotoOut(Schema):
    client_id: str
    received: int
    size: int
    complete: bool


@router.get("/buildings", response=list[FieldBuildingOut])
def buildings(request: HttpRequest, limit: limit(2000) = 500, offset: Offset = 0) -> list[dict[str, Any]]:
    scope = access.require_field(request.user)
    rows = queries.buildings_for(scope)[offset:offset + limit]
    return [{"id": b.pk, "label": f"{b.compound.name} {b.number}栋", "compound_id": b.compound_id} for b in rows]


@router.get("/buildings/{pk}/download")
def download(request: HttpRequest, pk: Id) -> dict[str, Any]:
    """下载本楼栋: the building as the phone keeps it offline (encrypted with the session key)."""
    building = access.download_building(request.user, pk)
    data = queries.download(request.user, building)
    audit.record(actor=Actor.of(request.user), action="field.download", obj=building, before=None,
                 after={"households": len(data["households"]), "consultations": len(data["consultations"])},
                 subdistrict_id=building.compound.subdistrict_id)
    return data


@router.get("/key", response=FieldKeyOut)
def key(request: HttpRequest) -> dict[str, Any]:
    """The session's key for the download at rest; made on first ask, gone with the session (sign-out)."""
    access.require_field(request.user)
    held = request.session.get(SESSION_KEY)
    if not held:
        held = {"key": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("="),
                "key_id": secrets.token_hex(8)}
        request.session[SESSION_KEY] = held
    return {**held, "keep_days": settings.ANJU_FIELD_KEEP_DAYS}


@router.post("/sync", response=FieldSyncOut)
def sync(request: HttpRequest, data: FieldSyncIn) -> dict[str, Any]:
    """A phone's batch of offline records; each answered accepted, refused (with the reason) or duplicate."""
    access.require_field(request.user)
    results = services.sync_batch(records=[r.dict() for r in data.records], device=data.device,
                                  actor=Actor.of(request.user))
    return {"results": [r.__dict__ for r in results]}


@router.get("/records", response=list[FieldResultOut])
def records(request: HttpRequest, building_id: Id | None = None, limit: limit(2000) = 500,
            offset: Offset = 0) -> list[dict[str, Any]]:
    """What the server holds of the caller's offline records (staff: of their scope), newest first."""
    access.require_field(request.user)
    rows = queries.records_of(request.user, building_id=building_id)[offset:offset + limit]
    return [services.result_of(r, r.outcome).__dict__ for r in rows]


def _photo(row: Any) -> dict[str, Any]:
    return {"client_id": str(row.client_id), "received": row.photo_received, "size": row.photo_size,
            "complete": bool(row.photo)}


@router.get("/photos/{client_id}", response=FieldPhotoOut)
def photo_status(request: HttpRequest, client_id: str) -> dict[str, Any]:
    """How much of a record's photo arrived: the phone resumes from `received`."""
    access.require_field(request.user)
    return _photo(services.photo_record(client_id, Actor.of(request.user)))


@router.post("/photos/{client_id}", response=FieldPhotoOut)
def photo_chunk(request: HttpRequest, client_id: str, offset: Offset = 0) -> dict[str, Any]:
    """One chunk of a record's photo (the request body, application/octet-stream) at byte `offset`."""
    access.require_field(request.user)
    row = services.photo_append(client_id=client_id, offset=offset, chunk=request.body, actor=Actor.of(request.user))
    return _photo(row)
