"""Who may see 物业费 figures: rates for everyone in scope, household amounts for staff only.

What one household owes is personal (PIPL): the compound's fee page, its arrears, letters and the
list for court are staff pages; a volunteer gets 403 in scope, 404 outside it (`roster.access`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from anju.core.access import Action, fetch
from anju.core.errors import Forbidden
from anju.core.scoping import scope_of
from anju.roster.access import access_compound
from anju.roster.models import Compound
from anju.stewardship.models_fees import DemandLetter

if TYPE_CHECKING:
    from anju.core.access import User

__all__ = ["Action", "access_fee_compound", "access_letter"]


def access_fee_compound(user: User, pk: int, *, action: Action) -> Compound:
    compound = access_compound(user, pk, action=action)
    if not scope_of(user).sees_personal_data:
        raise Forbidden("各户的物业费明细只对工作人员开放", "Households' fee details are for staff only")
    return compound


def access_letter(user: User, pk: int) -> DemandLetter:
    letter = fetch(DemandLetter.objects.select_related("compound__community__subdistrict", "household__unit__building"),
                   user, pk, action=Action.VIEW, zh="找不到该催缴通知", en="No such demand letter")
    if not scope_of(user).sees_personal_data:
        raise Forbidden("催缴通知只对工作人员开放", "Demand letters are for staff only")
    return letter
