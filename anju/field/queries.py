"""Reads of the field app: what a phone takes away with "下载本楼栋", the least the role needs, and the
records a phone sent, as the server answered them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone

from anju.consultations import access as consultations_access
from anju.core.scoping import Scope, scope_of
from anju.domain.ids import mask_name, mask_phone
from anju.field.models import FieldRecord
from anju.participation import queries as participation_queries
from anju.participation import services as participation
from anju.roster.models import Building, Household, Ownership, Residence

User = AbstractBaseUser | AnonymousUser | None


def buildings_for(scope: Scope) -> QuerySet[Building]:
    """The buildings a phone may take away: those of the caller's scope, by compound and number."""
    return Building.objects.within(scope).select_related("compound").order_by("compound__name", "number", "id")


def _person(person: Any, scope: Scope) -> dict[str, Any]:
    # Volunteers see a surname and stars; staff see names. Phones are masked for everyone: the visit
    # happens at the door, nobody needs to ring.
    return {"name": person.name if scope.sees_personal_data else mask_name(person.name),
            "phone": mask_phone(person.phone), "elderly": person.is_elderly}


def download(user: User, building: Building) -> dict[str, Any]:
    """One building as a phone keeps it offline: households with occupants as the role may see them, the open
    consultations covering them with their questions (staff only: volunteers do not enter ballots), the
    一户一策 questions and the households not yet visited."""
    scope = scope_of(user)
    households = list(Household.objects.within(scope).filter(unit__building=building)
                      .select_related("unit__building").order_by("unit__number", "floor", "room"))
    ids = [h.pk for h in households]
    owners: dict[int, list[Any]] = {}
    residents: dict[int, list[Any]] = {}
    for tie in Ownership.objects.filter(household_id__in=ids).select_related("person").order_by("id"):
        owners.setdefault(tie.household_id, []).append(tie.person)
    for lives in Residence.objects.filter(household_id__in=ids).select_related("person").order_by("id"):
        residents.setdefault(lives.household_id, []).append(lives.person)
    not_visited = set(participation_queries.households_not_visited(scope, building.compound, building_id=building.pk)
                      .values_list("pk", flat=True))
    return {
        "building": {"id": building.pk, "label": f"{building.compound.name} {building.number}栋",
                     "compound_id": building.compound_id},
        "households": [{"id": h.pk, "room_label": h.room_label, "unit": h.unit.number, "floor": h.floor,
                        "owners": [_person(p, scope) for p in owners.get(h.pk, [])],
                        "residents": [_person(p, scope) for p in residents.get(h.pk, []) if p not in owners.get(h.pk, [])],
                        "visited": h.pk not in not_visited} for h in households],
        "consultations": _consultations(user, scope, building, set(ids)) if scope.can_edit else [],
        "visit_questions": [{"key": key, "text": str(label)} for key, label in participation.QUESTIONS],
        "visit_answers": [{"value": value, "label": str(label)} for value, label in participation.Answer.choices],
        "not_visited": sorted(not_visited),
        "downloaded_at": timezone.now().isoformat(),
        "keep_days": settings.ANJU_FIELD_KEEP_DAYS,
    }


def _consultations(user: User, scope: Scope, building: Building, household_ids: set[int]) -> list[dict[str, Any]]:
    out = []
    rows = (consultations_access.consultations_for(user).filter(status="open", electors__household__unit__building=building)
            .distinct().prefetch_related("questions"))
    for c in rows:
        electors = sorted(hid for hid in c.electors.filter(household_id__in=household_ids)
                          .values_list("household_id", flat=True))
        out.append({"id": c.pk, "title": c.title, "closes_at": c.closes_at.isoformat() if c.closes_at else None,
                    "households": electors,
                    "questions": [{"id": q.pk, "order": q.order, "kind": q.kind, "text": q.text, "choices": q.choices,
                                   "seats": q.seats} for q in c.questions.all().order_by("order")]})
    return out


def records_of(user: User, *, building_id: int | None = None) -> QuerySet[FieldRecord]:
    """The records the caller's phones sent (staff: all of their scope), newest first."""
    scope = scope_of(user)
    qs = FieldRecord.objects.within(scope)
    if not scope.can_edit:
        qs = qs.filter(user_id=getattr(user, "pk", None) or 0)
    if building_id is not None:
        qs = qs.filter(household__unit__building_id=building_id)
    return qs.order_by("-received_at", "-id")
