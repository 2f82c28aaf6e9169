"""Who may reach which part of the programme: the one place pages and the API ask.

Outside the user's scope is `NotFound`; inside it, a read-only role asking to change something is
`Forbidden`. Inspections have one rule of their own, `may_follow_up`: whoever recorded an
inspection may follow it up and add photos, even a volunteer who may not edit anything else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from anju.core.access import Action, fetch, require_edit
from anju.core.errors import Forbidden, NotFound
from anju.core.scoping import Scope, scope_of
from anju.programme.models import Attachment, Inspection, InspectionPhoto, Item, Project, Stage

if TYPE_CHECKING:
    from anju.core.access import User


def access_project(user: User, pk: int, *, action: Action) -> Project:
    return fetch(Project.objects.select_related("compound__community", "plan", "contractor", "supervisor"), user, pk,
                 action=action, zh="找不到该改造项目", en="No such project")


def access_item(user: User, pk: int, *, action: Action) -> Item:
    return fetch(Item.objects.select_related("project"), user, pk, action=action,
                 zh="找不到该改造内容", en="No such item")


def access_stage(user: User, pk: int, *, action: Action) -> Stage:
    return fetch(Stage.objects.select_related("project"), user, pk, action=action, zh="找不到该阶段", en="No such stage")


def access_attachment(user: User, pk: int, *, action: Action) -> Attachment:
    return fetch(Attachment.objects.all(), user, pk, action=action, zh="找不到该附件", en="No such attachment")


def may_follow_up(user: User, inspection: Inspection) -> bool:
    """Staff who may edit, or whoever recorded the inspection."""
    if scope_of(user).can_edit:
        return True
    return user is not None and user.is_authenticated and inspection.inspector_id == user.pk


def access_inspection(user: User, pk: int, *, action: Action) -> Inspection:
    """An inspection in scope; to change it (follow up, add photos) the user must pass `may_follow_up`."""
    found = fetch(Inspection.objects.select_related("project__compound"), user, pk, action=Action.VIEW,
                  zh="找不到该检查记录", en="No such inspection")
    if action is Action.EDIT and not may_follow_up(user, found):
        raise Forbidden("只有检查人和有修改权限的工作人员可以跟进", "Only the inspector and staff who may edit can follow up")
    return found


def access_photo(user: User, pk: int, *, action: Action) -> InspectionPhoto:
    """A photo of an inspection in scope (photos are served through this check, never from a public URL)."""
    found = InspectionPhoto.objects.filter(pk=pk, inspection__in=Inspection.objects.visible_to(user)).first()
    if found is None:
        raise NotFound("找不到该照片", "No such photo")
    if action is Action.EDIT:
        access_inspection(user, found.inspection_id, action=action)
    return found


def require_subdistrict_editor(user: User) -> Scope:
    """Sub-district-wide work (refreshing every project's beneficiaries) needs an editor of one sub-district,
    or a superuser (whose work then covers every sub-district)."""
    scope = require_edit(user)
    if scope.subdistrict_id is None and not scope.everything:
        raise Forbidden("请以街道或社区工作人员的身份操作", "Do this as staff of a sub-district or community")
    return scope
