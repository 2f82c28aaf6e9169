"""The open 共建共治 work of one user (我的待办): suggestions to answer or close, meeting follow-ups
past their deadline, and households not yet visited where the 一户一策 visits have begun."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Min
from django.urls import reverse
from django.utils import timezone

from anju.core.scoping import scope_of
from anju.core.work import OVERDUE, WorkItem, urgency_of
from anju.participation import queries
from anju.participation.models import FollowUp, Meeting, Suggestion, SuggestionStatus, Visit
from anju.roster.models import Compound

if TYPE_CHECKING:
    from anju.core.access import User

SUGGESTION = "suggestion"
FOLLOW_UP = "follow_up"
VISITS = "visits"
SOON_DAYS = 1  # a suggestion's deadline is a few working days: due tomorrow is already pressing


def open_work(user: User, today: datetime.date | None = None) -> list[WorkItem]:
    """Every open item of this app for `user`: staff who may edit get all three kinds in their scope;
    a volunteer (who records visits) gets only the households left to visit in their compound."""
    today = today or timezone.localdate()
    scope = scope_of(user)
    if not scope.everything and scope.subdistrict_id is None:
        return []
    items = _visits(scope, today)
    if scope.can_edit:
        items = _suggestions(scope, today) + _follow_ups(scope, today) + items
    return items


def _suggestions(scope, today: datetime.date) -> list[WorkItem]:
    """Each open suggestion once: waiting for its first reply (due in `reply_days` working days), or
    answered and waiting to be closed (due in `close_days`)."""
    found = (
        Suggestion.objects.filter(queries._in_scope_or_assigned(scope))
        .exclude(status=SuggestionStatus.CLOSED)
        .select_related("compound")
        .order_by("created", "id")
    )
    items = []
    for s in found:
        replied = s.first_reply_at is not None
        due = queries.due_date(s.created, queries.close_days() if replied else queries.reply_days())
        what_zh, what_en = ("待办结", "to close") if replied else ("待答复", "to answer")
        items.append(
            WorkItem(
                SUGGESTION,
                s.pk,
                SUGGESTION,
                f"{s.compound.name}：{s.title}",
                f"{s.compound.name}: {s.title}",
                reverse("participation:suggestion", args=[s.pk]),
                due,
                urgency_of(due, today, soon_days=SOON_DAYS),
                since=timezone.localdate(s.created),
                detail_zh=what_zh,
                detail_en=what_en,
                subdistrict_id=s.subdistrict_id,
                community_id=s.assigned_community_id or s.compound.community_id,
                compound_id=s.assigned_compound_id or s.compound_id,
            )
        )
    return items


def _follow_ups(scope, today: datetime.date) -> list[WorkItem]:
    found = (
        FollowUp.objects.filter(
            meeting__in=Meeting.objects.within(scope), done_at__isnull=True, due__lt=today
        )
        .select_related("meeting__compound")
        .order_by("due", "id")
    )
    return [
        WorkItem(
            FOLLOW_UP,
            f.pk,
            FOLLOW_UP,
            f"{f.meeting.compound.name}：{f.description}",
            f"{f.meeting.compound.name}: {f.description}",
            reverse("participation:meeting", args=[f.meeting_id]),
            f.due,
            OVERDUE,
            since=timezone.localdate(f.meeting.starts_at),
            detail_zh=f"责任人：{f.owner}",
            detail_en=f"Owner: {f.owner}",
            subdistrict_id=f.meeting.subdistrict_id,
            community_id=f.meeting.compound.community_id,
            compound_id=f.meeting.compound_id,
        )
        for f in found
    ]


def _visits(scope, today: datetime.date) -> list[WorkItem]:
    """A compound where visits have begun (a round is running) and some households have none yet:
    one item per compound with the count left, gone when every household has been visited."""
    begun = dict(
        Visit.objects.within(scope)
        .values("compound_id")
        .annotate(first=Min("visited_on"))
        .values_list("compound_id", "first")
    )
    if not begun:
        return []
    coverage = queries.visit_coverage_of(scope, list(begun))
    compounds = Compound.objects.filter(pk__in=[pk for pk, (seen, total) in coverage.items() if seen < total])
    items = []
    for c in compounds.order_by("name", "id"):
        seen, total = coverage[c.pk]
        left = total - seen
        items.append(
            WorkItem(
                VISITS,
                c.pk,
                VISITS,
                f"{c.name}：一户一策走访",
                f"{c.name}: household visits",
                reverse("participation:visits_compound", args=[c.pk]),
                None,
                urgency_of(None, today, soon_days=0),
                since=begun[c.pk],
                detail_zh=f"还有 {left} 户未走访（已走访 {seen} / {total} 户）",
                detail_en=f"{left} households not yet visited ({seen} of {total} visited)",
                subdistrict_id=c.subdistrict_id,
                community_id=c.community_id,
                compound_id=c.pk,
            )
        )
    return items
