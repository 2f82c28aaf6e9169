"""What several participation endpoints share: operation ids and the notice as residents and staff read it."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from ninja import Schema

from anju.participation.models import Notice


def operation_id(name: str) -> str:
    """The id the operation had when the API was one module: clients generated from the schema keep their names."""
    return f"anju_participation_api_{name}"


def place_name(obj: Any) -> str | None:
    """A building as offices write it ("3栋"), or None for the whole compound."""
    return str(obj.building) if obj.building else None


class NoticeOut(Schema):
    id: int
    kind: str
    title: str
    compound_id: int
    compound: str
    building_id: int | None
    building: str | None
    issuer: str
    published_at: datetime.datetime | None
    body_html: str
    url: str

    @staticmethod
    def resolve_compound(obj: Notice) -> str:
        return obj.compound.name

    @staticmethod
    def resolve_building(obj: Notice) -> str | None:
        return place_name(obj)

    @staticmethod
    def resolve_url(obj: Notice, context: dict[str, Any]) -> str:
        return context["request"].build_absolute_uri(reverse("participation:notice", args=[obj.pk]))
