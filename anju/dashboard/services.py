"""Writes of the dashboard: giving an open item of work (我的待办) to a colleague, or taking it back;
closing a new office's 开始使用 checklist."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from anju.core import audit
from anju.core.audit import Actor
from anju.core.errors import Conflict, Forbidden, ValidationFailed
from anju.core.scoping import scope_of
from anju.core.work import WorkItem
from anju.dashboard import queries_start, queries_work
from anju.dashboard.models import FirstStepsDismissal, WorkAssignment


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


def first_steps_dismiss(*, actor: Actor) -> FirstStepsDismissal:
    """Close the actor's sub-district's 开始使用 checklist for everyone of it; only once its three steps
    are done (the list says what is left otherwise); audited. Closing it again changes nothing."""
    scope = scope_of(actor.user)
    if not scope.can_edit:
        raise Forbidden("没有关闭清单的权限", "Your role may not close the checklist")
    if scope.everything or scope.subdistrict_id is None:
        raise ValidationFailed("您不属于某个街道，没有开始使用清单", "You belong to no sub-district: there is no checklist")
    steps = queries_start.steps_of(scope.subdistrict_id)
    if not steps.all_done:
        raise Conflict(
            f"还有 {3 - steps.done} 步没有完成，完成后才能关闭清单",
            f"{3 - steps.done} step(s) still to do: the checklist closes once all three are done",
        )
    with transaction.atomic():
        found, made = FirstStepsDismissal.objects.get_or_create(
            subdistrict_id=scope.subdistrict_id, defaults={"dismissed_by": actor.user}
        )
        if made:
            audit.record(actor=actor, action="first_steps_dismiss", obj=found, before=None,
                         after={"roster": True, "staff": True, "consultation": True},
                         subdistrict_id=scope.subdistrict_id)
    return found
