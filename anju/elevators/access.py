"""Who may see or change what in the elevator capability: one function per thing, for pages and API alike.

Built on `anju.core.access`: outside the user's scope is `NotFound` (existence is not revealed),
inside it but beyond the role `Forbidden`. A project's costs, subsidies, running costs and rides
are the project's: changing them is an `EDIT` of the project.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from anju.core.access import Action, fetch, require_edit
from anju.core.errors import NotFound
from anju.core.scoping import scope_of
from anju.elevators import queries
from anju.elevators.models import CostPlan, ElevatorProject
from anju.roster.models import Household

if TYPE_CHECKING:
    from anju.core.access import User

__all__ = ["Action", "access_plan", "access_project", "project_household", "projects_for", "require_edit"]


def projects_for(user: User) -> QuerySet[ElevatorProject]:
    """Every project `user` may see, by compound, building and unit."""
    return queries.projects_for(scope_of(user))


def access_project(user: User, pk: int, *, action: Action) -> ElevatorProject:
    """The project `pk` as `user` may reach it for `action`."""
    qs = ElevatorProject.objects.select_related("unit__building__compound__community")
    return fetch(qs, user, pk, action=action, zh="找不到该加装电梯项目", en="No such elevator project")


def access_plan(user: User, pk: int, *, action: Action, project: ElevatorProject | None = None) -> CostPlan:
    """A saved cost plan (a version of `project`, when given)."""
    qs = CostPlan.objects.select_related("project__unit__building__compound__community")
    if project is not None:
        qs = qs.filter(project=project)
    return fetch(qs, user, pk, action=action, zh="找不到该分摊方案", en="No such cost plan")


def project_household(project: ElevatorProject, pk: int) -> Household:
    """A household of the project's unit (the project already reached through `access_project`)."""
    found = project.unit.households.filter(pk=pk).first()
    if found is None:
        raise NotFound("该户不在本单元", "The household is not in this unit")
    return found
