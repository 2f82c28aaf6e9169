"""The open stewardship work of one user (我的待办): a committee's statutory deadlines (filing, first
meeting, change filings, decisions to post, regular meetings, end-of-term report) and its term, a
formation case's next step, emergency management running out, and
contracts not filed, read from the same lists as the index and the dashboard (`stewardship_lists`)."""

from __future__ import annotations

import datetime
import functools
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from anju.core.scoping import Scope, scope_of
from anju.core.work import DUE_SOON, OPEN, OVERDUE, WorkItem
from anju.domain.stewardship.deadlines import Due
from anju.stewardship import queries

if TYPE_CHECKING:
    from anju.core.access import User

COMMITTEE = "committee"
EMERGENCY = "emergency"
CONTRACT_FILING = "contract_filing"
FORMATION = "formation"
GROUP = "stewardship"


def open_work(user: User, today: datetime.date | None = None) -> list[WorkItem]:
    """For staff who may edit: each committee with a deadline overdue or due soon, or a term ending or
    ended; each emergency management past or near its last month; each contract whose filing is due."""
    today = today or timezone.localdate()
    scope = scope_of(user)
    if not scope.can_edit or (not scope.everything and scope.subdistrict_id is None):
        return []
    rules_of = functools.cache(queries.rules_for)
    lists = queries.stewardship_lists(scope, rules_of, today)
    items = [
        item
        for key in ("committee", "interim")
        for row in lists[key]
        if (item := _committee(row, today)) is not None
    ]
    items += [item for row in lists["emergency"] if (item := _emergency(row)) is not None]
    return items + _contracts(scope, rules_of, today) + _formations(scope, rules_of, today)


def _formations(scope: Scope, rules_of, today: datetime.date) -> list[WorkItem]:
    """Open formation cases with a step overdue or due soon (the 街道's review, the group, the meeting…)."""
    items = []
    for case in queries.open_cases(scope):
        compound = case.compound
        steps = queries.case_timeline(case, rules_of(compound.subdistrict_id), today)
        pressing = [s for s in steps if s.due is not None and s.done_on is None and _open(s.due)]
        if not pressing:
            continue
        items.append(
            WorkItem(
                FORMATION,
                case.pk,
                GROUP,
                f"{compound.name}：业主大会筹备",
                f"{compound.name}: forming the owners' assembly",
                reverse("stewardship:formation", args=[compound.pk]),
                min(s.due.deadline for s in pressing if s.due is not None),
                min(_urgency(s.due) for s in pressing if s.due is not None),
                since=case.applied_on,
                detail_zh="；".join(f"{s.zh}（{s.due.zh}）" for s in pressing if s.due is not None),
                detail_en="; ".join(f"{s.en} ({s.due.en})" for s in pressing if s.due is not None),
                subdistrict_id=compound.subdistrict_id,
                community_id=compound.community_id,
                compound_id=compound.pk,
            )
        )
    return items


def _open(due: Due) -> bool:
    return due.state in ("overdue", "due_soon")


def _urgency(due: Due) -> int:
    return OVERDUE if due.state == "overdue" else DUE_SOON


def _committee(row: queries.ListRow, today: datetime.date) -> WorkItem | None:
    view = row.committee
    assert view is not None
    c = view.committee
    pressing = [d for d in view.deadlines if _open(d.due)]
    zh = [f"{d.zh}（{d.due.zh}）" for d in pressing]
    en = [f"{d.en} ({d.due.en})" for d in pressing]
    dues = [d.due.deadline for d in pressing]
    urgency = min((_urgency(d.due) for d in pressing), default=OPEN)
    if view.term_state == "expired":
        zh.append(f"任期已于 {c.term_ends:%Y-%m-%d} 届满，尚未换届")
        en.append(f"the term ended on {c.term_ends:%Y-%m-%d} without re-election")
        dues.append(c.term_ends)
        urgency = OVERDUE
    elif view.term_state == "ending":
        zh.append(f"任期 {c.term_ends:%Y-%m-%d} 届满，还剩 {view.days_left} 天")
        en.append(f"the term ends on {c.term_ends:%Y-%m-%d}, in {view.days_left} days")
        dues.append(c.term_ends)
    if not zh:
        return None
    name_zh = "物业管理委员会" if c.interim else "业主委员会"
    name_en = "interim committee" if c.interim else "owners' committee"
    compound = row.compound
    return WorkItem(
        COMMITTEE,
        c.pk,
        GROUP,
        f"{compound.name}{name_zh}",
        f"{compound.name}: {name_en}",
        reverse("stewardship:committee", args=[compound.pk]),
        min(dues),
        urgency,
        since=c.elected_on,
        detail_zh="；".join(zh),
        detail_en="; ".join(en),
        subdistrict_id=compound.subdistrict_id,
        community_id=compound.community_id,
        compound_id=compound.pk,
    )


def _emergency(row: queries.ListRow) -> WorkItem | None:
    due, case, compound = row.emergency_due, row.emergency, row.compound
    if due is None or case is None or not _open(due):
        return None
    return WorkItem(
        EMERGENCY,
        case.pk,
        GROUP,
        f"{compound.name}：应急物业",
        f"{compound.name}: emergency management",
        reverse("stewardship:compound", args=[compound.pk]),
        due.deadline,
        _urgency(due),
        since=case.management.since,
        detail_zh=f"应急服务期限（{due.zh}），请选聘物业或另行安排",
        detail_en=f"Emergency service period ({due.en}): appoint a manager",
        subdistrict_id=compound.subdistrict_id,
        community_id=compound.community_id,
        compound_id=compound.pk,
    )


def _contracts(scope: Scope, rules_of, today: datetime.date) -> list[WorkItem]:
    """Contracts whose filing deadline has passed or is near, by their sub-district's rule set."""
    if scope.subdistrict_id is None:
        return []  # a superuser: the rule set is per sub-district, see the sub-district's own staff
    items = []
    for row in queries.unfiled_contracts(scope, rules_of(scope.subdistrict_id), today):
        if row.due is None or not _open(row.due):
            continue
        contract, compound = row.contract, row.contract.compound
        items.append(
            WorkItem(
                CONTRACT_FILING,
                contract.pk,
                GROUP,
                f"{compound.name}：物业服务合同备案",
                f"{compound.name}: filing the management contract",
                reverse("stewardship:compound", args=[compound.pk]),
                row.due.deadline,
                _urgency(row.due),
                since=contract.signed_on,
                detail_zh=f"{contract.company.name}（{row.due.zh}）",
                detail_en=f"{contract.company.name} ({row.due.en})",
                subdistrict_id=compound.subdistrict_id,
                community_id=compound.community_id,
                compound_id=compound.pk,
            )
        )
    return items
