"""Who may reach the monthly reports (统计报表): the one place pages and the API ask.

A report is the whole sub-district's: its staff (a sub-district-wide role) read it; those who may
edit submit it, export it and keep its templates. Community staff and volunteers are refused
(`Forbidden`), so is a superuser, who belongs to no sub-district. A template of another sub-district
is `NotFound`; the built-in national template is everyone's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from anju.core.access import Action
from anju.core.errors import Forbidden, NotFound
from anju.core.scoping import scope_of
from anju.dashboard.models import ReportTemplate
from anju.roster.models import Subdistrict

if TYPE_CHECKING:
    from anju.core.access import User


def require_reports(user: User, *, action: Action) -> Subdistrict:
    """The user's sub-district, if they may read (or, for `EDIT`, submit and export) its reports."""
    scope = scope_of(user)
    whole = scope.subdistrict_id is not None and scope.community_id is None and scope.compound_id is None
    if not whole:
        raise Forbidden("统计报表由街道工作人员编制和报送", "Monthly reports are made by sub-district staff")
    if action is Action.EDIT and not scope.can_edit:
        raise Forbidden("没有修改权限", "Your role may not change this")
    return Subdistrict.objects.get(pk=scope.subdistrict_id)


def templates_for(subdistrict: Subdistrict):
    """The templates a sub-district may use: the built-in one and its own."""
    return ReportTemplate.objects.filter(Q(subdistrict__isnull=True) | Q(subdistrict=subdistrict)).order_by("id")


def access_template(user: User, pk: int, *, action: Action) -> tuple[Subdistrict, ReportTemplate]:
    subdistrict = require_reports(user, action=action)
    found = templates_for(subdistrict).filter(pk=pk).first()
    if found is None:
        raise NotFound("找不到该报表模板", "No such report template")
    return subdistrict, found
