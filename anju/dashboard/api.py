"""Dashboard API: the same figures as the pages, for the caller's scope (narrowed by ?community= / ?compound=)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Field, Router, Schema

from anju.core.access import require_edit
from anju.core.audit import Actor
from anju.core.bounds import Id
from anju.core.errors import NotFound
from anju.dashboard import queries, queries_work, services
from anju.dashboard.views import level_of
from anju.domain.progress import percent
from anju.programme import queries as programme
from anju.stewardship.queries import survey

router = Router(tags=["dashboard 数据看板"])


class YearOut(Schema):
    year: int
    compounds: int
    buildings: int
    households: int
    gross_area: str
    investment: str
    done_compounds: int
    done_buildings: int
    done_households: int
    done_gross_area: str
    done_investment: str
    progress: str


class BucketOut(Schema):
    key: str
    label: str
    count: int


class ApprovalCountsOut(Schema):
    passed: int
    failed: int
    pending: int = Field(..., description="blocked by an owner whose flats voted differently, until staff settle it")
    open: int = Field(0, description="still open for ballots: live figures, no result yet (never counted as failed)")


class FiguresOut(Schema):
    level: str
    name: str
    years: list[YearOut]
    stages: list[BucketOut]
    overdue: list[BucketOut]
    items: list[BucketOut]
    units_with_elevator: int
    elevators_planned: str
    elevators_done: str
    households: int
    people: int
    elderly: int
    stranded_elderly: int
    approval_rates_available: bool
    approvals: ApprovalCountsOut | None = Field(None, description="yes/no questions by result; each counted once")


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


@router.get("/figures", response=FiguresOut)
def figures(request: HttpRequest):
    level = level_of(request, remember=False)  # an API call says what it wants each time
    scope = level.scope
    roster = queries.roster_summary(scope)
    lifts = queries.elevators(scope)
    rates = queries.approval_rates(scope)
    bucket = lambda b: {"key": b.key, "label": b.label, "count": b.count}  # noqa: E731
    return {
        "level": level.kind, "name": level.name,
        "years": [{
            "year": y.year, "compounds": y.compounds, "buildings": y.buildings, "households": y.households,
            "gross_area": f"{y.gross_area:.2f}", "investment": _yuan(y.budget_fen), "done_compounds": y.done_compounds,
            "done_buildings": y.done_buildings, "done_households": y.done_households,
            "done_gross_area": f"{y.done_gross_area:.2f}", "done_investment": _yuan(y.done_budget_fen),
            "progress": percent(y.progress),
        } for y in programme.plan_vs_done(scope)],
        "stages": [bucket(b) for b in programme.projects_by_stage(scope)],
        "overdue": [bucket(b) for b in programme.overdue_by_stage(scope)],
        "items": [bucket(b) for b in programme.items_by_kind(scope)],
        "units_with_elevator": lifts.units_with_elevator, "elevators_planned": str(lifts.elevators_planned),
        "elevators_done": str(lifts.elevators_done), "households": roster.households, "people": roster.people,
        "elderly": roster.elderly, "stranded_elderly": roster.stranded_elderly,
        "approval_rates_available": True,  # consultations ship with the dashboard; kept for existing API clients
        "approvals": queries.approval_counts(rates),
    }


class WorkItemOut(Schema):
    key: str = Field(..., description="kind:object id, what an assignment names")
    kind: str
    group: str
    title: str
    detail: str
    url: str
    due: str | None = Field(None, description="ISO date of the deadline, if it has one")
    urgency: int = Field(..., description="0 overdue, 1 due soon, 2 open")
    assigned_to: str | None = Field(None, description="the colleague's name, when the item is assigned")
    mine: bool = Field(False, description="assigned to the caller")


class WorkAssignIn(Schema):
    item: str = Field(..., max_length=80, description="the key of one of the caller's open items")
    assignee: Id | None = Field(None, description="a colleague's user id; null takes the item back")


class SatisfactionOut(Schema):
    compound_id: int
    compound: str
    year: int
    sampled: int
    answered: int
    rate: str | None  # exact, "a/b"
    percent: str
    line: str  # grade1 (80% or more), grade3 (70% or more), below, none (no answers yet)


@router.get("/satisfaction", response=list[SatisfactionOut])
def satisfaction(request: HttpRequest):
    """Each compound's latest satisfaction survey at the chosen level (the dashboard's cards and rows)."""
    rows = survey.latest_in(level_of(request, remember=False).scope).values()
    return [{"compound_id": r.survey.compound_id, "compound": r.survey.compound.name, "year": r.year,
             "sampled": r.survey.sampled, "answered": r.answered, "rate": str(r.rate) if r.rate is not None else None,
             "percent": r.percent, "line": r.line} for r in sorted(rows, key=lambda r: r.survey.compound_id)]


@router.get("/work", response=list[WorkItemOut])
def work(request: HttpRequest):
    """我的待办: the caller's open items as on the page: those assigned to the caller first, then by group,
    most urgent and oldest first."""
    english = (get_language() or "zh").startswith("en")
    found = queries_work.work_of(request.user)
    mine = {line.item.key for line in found.mine}
    return [
        {
            "key": line.item.key,
            "kind": line.item.kind,
            "group": line.item.group,
            "title": line.item.title(english),
            "detail": line.item.detail(english),
            "url": line.item.url,
            "due": line.item.due.isoformat() if line.item.due else None,
            "urgency": line.item.urgency,
            "assigned_to": line.assignee_name or None,
            "mine": line.item.key in mine,
        }
        for line in [*found.mine, *(line for group in found.groups for line in group.lines)]
    ]


@router.post("/work/assign", response={204: None})
def work_assign(request: HttpRequest, payload: WorkAssignIn):
    """Give one of the caller's open items to a colleague who has it on their own list, or take it back."""
    require_edit(request.user)
    item = queries_work.find_item(request.user, payload.item)
    if item is None:
        raise NotFound("找不到该待办事项，可能已经办结", "No such open item; it may be done already")
    services.work_assign(item=item, assignee_id=payload.assignee, actor=Actor.of(request.user))
    return 204, None
