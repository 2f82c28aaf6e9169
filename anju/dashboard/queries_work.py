"""我的待办: every open item of one user, gathered from each app's `open_work`, grouped and counted.

Nothing is stored but who an item is assigned to (`WorkAssignment`): the items are the apps' data as
it stands, so an item done in its app is gone from the list at once. The header's count is the same
list counted, cached per user for `COUNT_SECONDS` (an assignment clears both users' counts)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.cache import cache

from anju.accounts.models import Profile, Role
from anju.consultations import queries_work as consultations
from anju.core.work import WorkItem, sort_key
from anju.dashboard.models import WorkAssignment
from anju.participation import queries_work as participation
from anju.programme import queries_work as programme
from anju.roster import queries_work as roster
from anju.stewardship import queries_work as stewardship

if TYPE_CHECKING:
    from anju.core.access import User

COUNT_SECONDS = 60

# The lists of the page, in the order staff work through them: key → (zh, en).
GROUPS: dict[str, tuple[str, str]] = {
    participation.SUGGESTION: ("待答复、待办结的建议", "Suggestions to answer or close"),
    consultations.CONFLICTS_GROUP: ("待处理的表决冲突", "Ballot and owner conflicts to settle"),
    consultations.CLOSING: ("3 日内截止的表决", "Votes closing within 3 days"),
    programme.STAGE: ("逾期或 7 日内到期的项目阶段", "Stages overdue or due within 7 days"),
    programme.INSPECTION: ("待跟进的现场检查", "Site inspections to follow up"),
    participation.VISITS: ("尚未走访的住户（一户一策）", "Households not yet visited"),
    participation.FOLLOW_UP: ("逾期的会议跟进事项", "Meeting follow-ups overdue"),
    stewardship.GROUP: ("长效管理期限", "Stewardship deadlines"),
    roster.FAILED_IMPORT: ("未成功的导入", "Imports that failed"),
}

SOURCES: list[Callable[[User], list[WorkItem]]] = [
    participation.open_work,
    consultations.open_work,
    programme.open_work,
    stewardship.open_work,
    roster.open_work,
]


def open_work(user: User) -> list[WorkItem]:
    """Every open item of `user`, each once, most urgent and oldest first."""
    if not getattr(user, "is_authenticated", False):
        return []
    seen: dict[str, WorkItem] = {}
    for source in SOURCES:
        for item in source(user):
            seen.setdefault(item.key, item)
    return sorted(seen.values(), key=sort_key)


def _count_key(user_id: int) -> str:
    return f"anju:work-count:{user_id}"


def work_count(user: User) -> int:
    """How many open items `user` has: the page's list counted, cached per user for a short time."""
    user_id: int | None = getattr(user, "pk", None)
    if user_id is None or not getattr(user, "is_authenticated", False):
        return 0
    key = _count_key(user_id)
    found = cache.get(key)
    if found is None:
        found = len(open_work(user))
        cache.set(key, found, COUNT_SECONDS)
    return found


def forget_counts(*user_ids: int | None) -> None:
    cache.delete_many([_count_key(pk) for pk in user_ids if pk is not None])


def assignments_of(items: list[WorkItem]) -> dict[str, WorkAssignment]:
    """Item key → its assignment, in one query."""
    if not items:
        return {}
    rows = WorkAssignment.objects.filter(
        kind__in={i.kind for i in items}, object_id__in={i.object_id for i in items}
    ).select_related("assigned_to__anju_profile")
    keys = {i.key for i in items}
    return {key: a for a in rows if (key := f"{a.kind}:{a.object_id}") in keys}


def colleague_name(user) -> str:
    profile = getattr(user, "anju_profile", None)
    return (profile.display_name if profile else "") or user.get_username()


@dataclass
class Line:
    item: WorkItem
    assignment: WorkAssignment | None
    colleagues: list = field(default_factory=list)  # who it may be given to (the service checks again)

    @property
    def assignee_name(self) -> str:
        return colleague_name(self.assignment.assigned_to) if self.assignment else ""


@dataclass
class Group:
    key: str
    zh: str
    en: str
    lines: list[Line]


@dataclass
class Work:
    mine: list[Line]  # assigned to the viewer: shown first
    groups: list[Group]  # the other items by group, only groups with items
    total: int
    overdue: int


def colleagues_of(user: User) -> list:
    """Active colleagues who may act on work in the viewer's sub-district: its staff who may edit
    (and the viewer's compound volunteers for visits), the viewer left out."""
    profile = getattr(user, "anju_profile", None)
    user_id: int | None = getattr(user, "pk", None)
    if profile is None or user_id is None:
        return []
    people = (
        get_user_model()
        .objects.filter(is_active=True, anju_profile__subdistrict_id=profile.subdistrict_id)
        .exclude(pk=user_id)
        .select_related("anju_profile")
        .order_by("anju_profile__display_name", "username")
    )
    return list(people[:500])


def _may_take(colleague, item: WorkItem) -> bool:
    """Whether the colleague's role and place would show them the item (the service asks their list)."""
    p: Profile = colleague.anju_profile
    if p.role == Role.SUBDISTRICT_STAFF:
        return True
    if p.role == Role.COMMUNITY_STAFF:
        return item.community_id is not None and p.community_id == item.community_id
    return item.kind == participation.VISITS and item.compound_id == p.compound_id


def work_of(user: User) -> Work:
    """The page: items assigned to the viewer first, then every item by group, with who has each."""
    items = open_work(user)
    assigned = assignments_of(items)
    colleagues = colleagues_of(user)
    uid = getattr(user, "pk", None)
    lines = [Line(i, assigned.get(i.key), [c for c in colleagues if _may_take(c, i)]) for i in items]
    mine = [line for line in lines if line.assignment and line.assignment.assigned_to_id == uid]
    by_group: dict[str, list[Line]] = {key: [] for key in GROUPS}
    for line in lines:
        if line not in mine:  # each item shows once: the viewer's own under 指派给我的
            by_group.setdefault(line.item.group, []).append(line)
    groups = [
        Group(key, *GROUPS.get(key, (key, key)), lines=found) for key, found in by_group.items() if found
    ]
    return Work(mine, groups, len(items), sum(1 for i in items if i.urgency == 0))


def find_item(user: User, key: str) -> WorkItem | None:
    """The open item `key` ("kind:id") of `user`, or None when it is not theirs or no longer open."""
    return next((i for i in open_work(user) if i.key == key), None)
