"""The one access choke point: what a user may see, as a queryset filter.

Sub-district staff see their sub-district, community staff their community, a compound
volunteer their compound; ancestors of their scope stay visible so pages can show where
things are, siblings do not. Anything outside the scope is a 404, never a 403, so the
existence of another community's household is not revealed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Self

from django.db import models

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


@dataclass(frozen=True)
class ScopePaths:
    """Lookups from a model to the ids of its sub-district, community and compound (None: no such path)."""

    subdistrict: str
    community: str | None
    compound: str | None


@dataclass(frozen=True)
class Scope:
    """What one user may reach. None at a level means "not restricted at that level"."""

    everything: bool
    subdistrict_id: int | None = None
    community_id: int | None = None
    compound_id: int | None = None
    sees_personal_data: bool = False
    can_edit: bool = False

    @classmethod
    def nothing(cls) -> Scope:
        return cls(everything=False)

    def q(self, paths: ScopePaths) -> models.Q:
        """The filter for a model with these paths; the finest level the model can express wins."""
        if self.everything:
            return models.Q()
        if self.subdistrict_id is None:
            return models.Q(pk__in=[])
        if self.compound_id is not None and paths.compound:
            return models.Q(**{paths.compound: self.compound_id})
        if self.community_id is not None and paths.community:
            return models.Q(**{paths.community: self.community_id})
        return models.Q(**{paths.subdistrict: self.subdistrict_id})


def scope_of(user: AbstractBaseUser | AnonymousUser | None) -> Scope:
    """The scope of a user: superusers see everything; a user without a role sees nothing."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope.nothing()
    if getattr(user, "is_superuser", False):  # AbstractBaseUser itself has no is_superuser
        return Scope(everything=True, sees_personal_data=True, can_edit=True)
    profile = getattr(user, "anju_profile", None)
    return profile.scope() if profile is not None else Scope.nothing()


def paths_of(model: type[models.Model]) -> ScopePaths:
    """The scope paths a scoped model declares as its `scope_paths` class attribute."""
    return model.scope_paths  # type: ignore[attr-defined]  # declared by each scoped model, not by Model


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser | None) -> Self:
        return self.within(scope_of(user))

    def within(self, scope: Scope) -> Self:
        if not scope.everything and scope.subdistrict_id is None:
            return self.none()
        return self.filter(scope.q(paths_of(self.model)))
