"""开始使用: the first-login checklist of a new sub-district on 我的待办, ticked from the data.

Three steps: the roster has households, a community staff account exists (invited counts: the step is
adding them), a consultation exists. The list shows to the office's staff until one of them closes it,
which they may do once all three are done; a volunteer, or a superuser (of no sub-district), sees none."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from anju.accounts.models import Profile, Role
from anju.consultations.queries_work import subdistrict_has_consultation
from anju.core.scoping import scope_of
from anju.dashboard.models import FirstStepsDismissal
from anju.roster.queries_work import subdistrict_has_households

if TYPE_CHECKING:
    from anju.core.access import User


@dataclass(frozen=True)
class FirstSteps:
    subdistrict_id: int
    roster: bool  # households imported
    staff: bool  # a community staff account added
    consultation: bool  # a first consultation started

    @property
    def done(self) -> int:
        return sum((self.roster, self.staff, self.consultation))

    @property
    def all_done(self) -> bool:
        return self.done == 3


def steps_of(subdistrict_id: int) -> FirstSteps:
    """How far the sub-district has got with its three first steps, read from its data as it stands."""
    return FirstSteps(
        subdistrict_id=subdistrict_id,
        roster=subdistrict_has_households(subdistrict_id),
        staff=Profile.objects.filter(subdistrict_id=subdistrict_id, role=Role.COMMUNITY_STAFF).exists(),
        consultation=subdistrict_has_consultation(subdistrict_id),
    )


def first_steps(user: User) -> FirstSteps | None:
    """The checklist `user` sees on 我的待办, or None: not staff of a sub-district, or closed already."""
    scope = scope_of(user)
    if not scope.can_edit or scope.everything or scope.subdistrict_id is None:
        return None
    if FirstStepsDismissal.objects.filter(subdistrict_id=scope.subdistrict_id).exists():
        return None
    return steps_of(scope.subdistrict_id)
