"""A stairwell of six flats (building A, unit 2) under an open elevator vote, and a phone's records for it."""

from __future__ import annotations

import datetime
import io
import uuid
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image

from tests.consultations.conftest import Vote6, make_unit_vote

API = "/api/field"


@pytest.fixture
def vote(world) -> Vote6:
    return make_unit_vote(world)


def jpeg(size: int = 40) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def visit(household_id: int, **extra: Any) -> dict[str, Any]:
    return {"client_id": str(uuid.uuid4()), "kind": "visit", "household_id": household_id,
            "taken_at": (timezone.now() - datetime.timedelta(hours=1)).isoformat(),
            "answers": {"renovation": "yes", "elevator": "no"}, "concerns": "担心噪音", "follow_up": "下周再访", **extra}


def ballot(vote: Vote6, household_index: int, *, answer: str = "yes", **extra: Any) -> dict[str, Any]:
    q = vote.consultation.questions.order_by("order").first()
    assert q is not None
    return {"client_id": str(uuid.uuid4()), "kind": "ballot", "household_id": vote.households[household_index].pk,
            "consultation_id": vote.consultation.pk, "taken_at": timezone.now().isoformat(),
            "answers": {str(q.pk): answer}, "signer": f"业主{household_index + 1}", **extra}


def sync(client, records: list[dict[str, Any]], device: str = "phone-1"):
    return client.post(f"{API}/sync", {"device": device, "records": records}, content_type="application/json")
