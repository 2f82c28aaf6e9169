"""Who may see or change what in the consultations app: one function per thing, for pages and API alike.

Built on `anju.core.access`: outside the user's scope is `NotFound` (existence is not revealed),
inside it but beyond the role `Forbidden`. A thing reached through its consultation's URL
(`/consultations/<pk>/ballots/<id>`) must belong to that consultation, or it is not found either.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.db import models
from django.db.models import QuerySet

from anju.consultations.models import Ballot, Consultation, Elector, Letter, Question
from anju.consultations.services import close_due, close_if_due
from anju.core.access import Action, fetch, require_edit
from anju.core.errors import NotFound
from anju.core.scoping import ScopedQuerySet
from anju.roster.models import Building, Compound, Unit

if TYPE_CHECKING:
    from anju.core.access import User

__all__ = ["Action", "access_ballot", "access_consultation", "access_elector", "access_letter", "access_question",
           "consultation_scope", "consultations_for", "elector_by_key", "require_edit"]

M = TypeVar("M", bound=models.Model)


def access_consultation(user: User, pk: int, *, action: Action) -> Consultation:
    """The consultation `pk` as `user` may reach it for `action`, closed first if its closing time has passed."""
    qs = Consultation.objects.select_related("compound", "building", "unit", "subdistrict")
    return close_if_due(fetch(qs, user, pk, action=action, zh="找不到该意见征求", en="No such consultation"))


def consultations_for(user: User) -> QuerySet[Consultation]:
    """Every consultation `user` may see, newest first; those past their closing time are closed first."""
    close_due(Consultation.objects.visible_to(user))
    return (Consultation.objects.visible_to(user).select_related("compound", "building", "unit")
            .order_by("-created", "-id"))


def _child(queryset: ScopedQuerySet[M], user: User, pk: int, *, action: Action, consultation: Consultation | None,
           zh: str, en: str) -> M:
    if consultation is not None:
        queryset = queryset.filter(consultation=consultation)
    return fetch(queryset, user, pk, action=action, zh=zh, en=en)


def access_question(user: User, pk: int, *, action: Action, consultation: Consultation | None = None) -> Question:
    """A question (of `consultation`, when given)."""
    return _child(Question.objects.select_related("consultation"), user, pk, action=action,
                  consultation=consultation, zh="本次意见征求没有这道题", en="This consultation has no such question")


def access_ballot(user: User, pk: int, *, action: Action, consultation: Consultation | None = None) -> Ballot:
    """A ballot as cast (of `consultation`, when given)."""
    return _child(Ballot.objects.select_related("elector", "consultation"), user, pk, action=action,
                  consultation=consultation, zh="找不到这张表决票", en="No such ballot")


def access_elector(user: User, pk: int, *, action: Action, consultation: Consultation | None = None) -> Elector:
    """A household of a consultation's frozen electorate (of `consultation`, when given)."""
    return _child(Elector.objects.select_related("consultation"), user, pk, action=action,
                  consultation=consultation, zh="该户不在本次表决范围内", en="This household is not in this consultation")


def elector_by_key(consultation: Consultation, key: str) -> Elector:
    """The household "3-1-501" of a consultation the caller already reached through `access_consultation`."""
    found = Elector.objects.filter(consultation=consultation, key=key).first()
    if found is None:
        raise NotFound(f"户号 {key} 不在本次表决范围内", f"Household {key} is not in this consultation")
    return found


def access_letter(user: User, pk: int, *, action: Action, consultation: Consultation | None = None) -> Letter:
    """A valid (not replaced) letter (of `consultation`, when given)."""
    qs = Letter.objects.filter(revoked_at__isnull=True).select_related("elector__consultation")
    if consultation is not None:
        qs = qs.filter(elector__consultation=consultation)
    return fetch(qs, user, pk, action=action, zh="找不到这封告知书（可能已补发新的）",
                 en="No such letter (perhaps a new one was issued)")


def consultation_scope(user: User, *, compound: int, building: int | None = None,
                       unit: int | None = None) -> tuple[Compound, Building | None, Unit | None]:
    """The compound, building and unit a new consultation will cover, each as the user may change it."""
    edit = Action.EDIT
    return (fetch(Compound.objects.all(), user, compound, action=edit, zh="找不到该小区", en="No such compound"),
            fetch(Building.objects.all(), user, building, action=edit, zh="找不到该楼栋", en="No such building")
            if building else None,
            fetch(Unit.objects.select_related("building"), user, unit, action=edit, zh="找不到该单元", en="No such unit")
            if unit else None)
