"""Who may use the field app: every signed-in role with a scope (volunteers record visits and
suggestions; ballots need a role that may enter them, which `consultations.access` decides)."""

from __future__ import annotations

from anju.core.access import Action
from anju.core.errors import Forbidden
from anju.core.scoping import Scope, scope_of
from anju.roster.access import access_building as access_building
from anju.roster.models import Building

__all__ = ["access_building", "download_building", "require_field"]


def require_field(user: object) -> Scope:
    """The caller's scope, if it reaches any household at all."""
    scope = scope_of(user)  # type: ignore[arg-type]
    if not scope.everything and scope.subdistrict_id is None:
        raise Forbidden("没有入户采集的权限", "Your role may not use the field app")
    return scope


def download_building(user: object, pk: int) -> Building:
    """A building of the caller's scope, to take away on a phone."""
    require_field(user)
    return access_building(user, pk, action=Action.VIEW)  # type: ignore[arg-type]
