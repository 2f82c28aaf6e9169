"""Writes a household makes from 我的家 (its letter session): a suggestion that stays linked to it."""

from __future__ import annotations

from django.db import transaction

from anju.consultations.models import HomeSuggestion
from anju.core import audit
from anju.core.audit import Actor
from anju.participation import services as participation
from anju.roster.models import Household


@transaction.atomic
def home_suggestion_submit(*, household: Household, category: str, title: str, body: str,
                           actor: Actor) -> HomeSuggestion:
    """Send a suggestion for the household's compound and building through the suggestion box, and link it
    to the household so 我的家 lists it with its reply. Nothing personal goes with it beyond the link."""
    suggestion = participation.suggestion_submit(
        compound=household.compound, building=household.unit.building, category=category, title=title, body=body,
        actor=actor)
    link = HomeSuggestion.objects.create(household=household, receipt_code=suggestion.receipt_code)
    audit.record(actor=actor, action="consultation.home_suggestion", obj=link, before=None,
                 after={"household": household.room_label, "receipt": suggestion.receipt_code},
                 subdistrict_id=household.compound.subdistrict_id)
    return link
