"""Who may reach which part of the roster: the one place pages and the API ask.

Each `access_<thing>` returns the object as the user may reach it for `action`, or raises
`NotFound` (missing or outside the scope) or `Forbidden` (inside it, but the role only reads).
The related rows each caller shows are selected here, so the page and the endpoint fetch alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from anju.core.access import Action, fetch
from anju.core.errors import Forbidden, NotFound
from anju.core.models import Job
from anju.core.scoping import Scope, scope_of
from anju.roster.jobs import IMPORT
from anju.roster.models import Building, Community, Compound, Household, Person, Subdistrict, Unit

if TYPE_CHECKING:
    from anju.core.access import User

def access_subdistrict(user: User, pk: int, *, action: Action) -> Subdistrict:
    return fetch(Subdistrict.objects.all(), user, pk, action=action, zh="找不到该街道", en="No such sub-district")


def access_community(user: User, pk: int, *, action: Action) -> Community:
    return fetch(Community.objects.select_related("subdistrict"), user, pk, action=action,
                 zh="找不到该社区", en="No such community")


def access_compound(user: User, pk: int, *, action: Action) -> Compound:
    return fetch(Compound.objects.select_related("community", "subdistrict"), user, pk, action=action,
                 zh="找不到该小区", en="No such compound")


def access_building(user: User, pk: int, *, action: Action) -> Building:
    return fetch(Building.objects.select_related("compound__community"), user, pk, action=action,
                 zh="找不到该楼栋", en="No such building")


def access_unit(user: User, pk: int, *, action: Action) -> Unit:
    return fetch(Unit.objects.select_related("building__compound"), user, pk, action=action,
                 zh="找不到该单元", en="No such unit")


def access_household(user: User, pk: int, *, action: Action) -> Household:
    return fetch(Household.objects.select_related("unit__building", "compound__community"), user, pk, action=action,
                 zh="找不到该住户", en="No such household")


def access_person(user: User, pk: int, *, action: Action) -> Person:
    return fetch(Person.objects.all(), user, pk, action=action, zh="找不到该居民", en="No such person")


def require_importer(user: User) -> Scope:
    """The scope of a user who may import a roster (sub-district and community staff); `Forbidden` otherwise."""
    scope = scope_of(user)
    if not scope.can_edit:
        raise Forbidden("只有街道和社区工作人员可以导入台账。", "Only sub-district and community staff may import rosters.")
    return scope


def access_import_job(user: User, pk: int, *, action: Action) -> Job:
    """One of the user's own roster imports (another user's is `NotFound`); confirming it needs an importer."""
    found = None
    if user is not None and user.is_authenticated:
        found = Job.objects.filter(actor_id=user.pk, kind=IMPORT, pk=pk).first()
    if found is None:
        raise NotFound("找不到该导入任务", "No such import job")
    if action is Action.EDIT:
        require_importer(user)
    return found



def access_person_reveal(user: User, pk: int) -> Person:
    """A person whose full ID number or phone the user may look at: staff whose role needs it, in their scope."""
    found = access_person(user, pk, action=Action.VIEW)
    if not scope_of(user).sees_personal_data:
        raise Forbidden("只有街道和社区工作人员可以查看完整的身份证号和电话。",
                        "Only sub-district and community staff may see full ID numbers and phones.")
    return found


def require_reveal_auditor(user: User) -> Scope:
    """The scope of a user who may read the log of who looked at personal data (staff who may look themselves)."""
    scope = scope_of(user)
    if not scope.sees_personal_data:
        raise Forbidden("只有街道和社区工作人员可以查看个人信息查看记录。",
                        "Only sub-district and community staff may read the personal-data view log.")
    return scope
