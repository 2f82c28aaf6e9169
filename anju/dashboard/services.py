"""Writes of the dashboard: giving an open item of work (我的待办) to a colleague, or taking it back."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from anju.core import audit
from anju.core.audit import Actor
from anju.core.errors import Forbidden, ValidationFailed
from anju.core.scoping import scope_of
from anju.core.work import WorkItem
from anju.dashboard import queries_work
from anju.dashboard.models import WorkAssignment


def work_assign(*, item: WorkItem, assignee_id: int | None, actor: Actor) -> WorkAssignment | None:
    """Give `item` (an open item of the actor's, see `queries_work.find_item`) to a colleague, or take it
    back (`assignee_id` None). The colleague must be active, of the same sub-district, and have the item
    in their own list (their role and place reach it); audited. Returns the assignment, or None."""
    if not scope_of(actor.user).can_edit:
        raise Forbidden("没有指派权限", "Your role may not assign work")
    with transaction.atomic():
        current = (
            WorkAssignment.objects.select_for_update()
            .filter(kind=item.kind, object_id=item.object_id)
            .select_related("assigned_to")
            .first()
        )
        before = {"assigned_to": current.assigned_to.get_username()} if current else None
        if assignee_id is None:
            if current is None:
                return None
            audit.record(
                actor=actor,
                action="work_unassign",
                obj=current,
                before=before,
                after=None,
                subdistrict_id=current.subdistrict_id,
            )
            old = current.assigned_to_id
            current.delete()
            transaction.on_commit(lambda: queries_work.forget_counts(old))
            return None
        assignee = _colleague(item, assignee_id)
        if current is None:
            if item.subdistrict_id is None:
                raise ValidationFailed(
                    "这项工作不属于某个街道，无法指派", "This item belongs to no sub-district"
                )
            current = WorkAssignment(
                kind=item.kind, object_id=item.object_id, subdistrict_id=item.subdistrict_id
            )
        previous = current.assigned_to_id if current.pk else None
        current.assigned_to, current.assigned_by = assignee, actor.user
        current.save()
        audit.record(
            actor=actor,
            action="work_assign",
            obj=current,
            before=before,
            after={"assigned_to": assignee.get_username(), "item": item.key},
            subdistrict_id=current.subdistrict_id,
        )
        transaction.on_commit(lambda: queries_work.forget_counts(previous, assignee.pk))
        return current


def _colleague(item: WorkItem, assignee_id: int):
    """The colleague, if the item is in their own list; a refusal naming the item otherwise."""
    if item.subdistrict_id is None:
        raise ValidationFailed("这项工作不属于某个街道，无法指派", "This item belongs to no sub-district")
    found = (
        get_user_model()
        .objects.filter(pk=assignee_id, is_active=True, anju_profile__subdistrict_id=item.subdistrict_id)
        .select_related("anju_profile")
        .first()
    )
    if found is None or queries_work.find_item(found, item.key) is None:
        raise ValidationFailed(
            f"所选同事无权办理“{item.title_zh}”，请选择本社区或街道的工作人员",
            f'The colleague chosen cannot act on "{item.title_en}": choose staff of its community '
            "or the sub-district",
            field="assignee",
        )
    return found
