"""满意度测评 API: a compound's yearly results and starting a survey; the same services and queries as
the pages, rates as exact fractions ("5/6") beside a rounded percentage, scoped like the pages."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from anju.core.audit import Actor
from anju.core.bounds import Id, Year
from anju.domain.stewardship import satisfaction
from anju.stewardship import queries_survey
from anju.stewardship.access import Action, access_compound
from anju.stewardship.services import survey as services

router = Router(tags=["stewardship 满意度测评"])


class SurveyOut(Schema):
    year: int
    consultation_id: int
    per_building: int | None
    seed: int
    sampled: int
    answered: int
    satisfied: int
    fairly_satisfied: int
    dissatisfied: int
    rate: str | None  # exact, "a/b"
    percent: str
    line: str  # grade1 (80% or more), grade3 (70% or more), below, none (no answers yet)
    verdict_zh: str
    final: bool


class StartIn(Schema):
    year: Year
    per_building: Annotated[int | None, Field(ge=1, le=satisfaction.PER_BUILDING_MAX)] = None


def _out(r: queries_survey.YearResult) -> dict[str, Any]:
    return {"year": r.year, "consultation_id": r.survey.consultation_id, "per_building": r.survey.per_building,
            "seed": r.survey.seed, "sampled": r.survey.sampled, "answered": r.answered, "satisfied": r.satisfied,
            "fairly_satisfied": r.fairly, "dissatisfied": r.dissatisfied,
            "rate": str(r.rate) if r.rate is not None else None, "percent": r.percent, "line": r.line,
            "verdict_zh": r.verdict_zh, "final": r.final}


@router.get("/compounds/{pk}/satisfaction", response=list[SurveyOut])
def results(request: HttpRequest, pk: Id):
    """Every year's satisfaction survey of the compound, oldest first (the trend)."""
    node = access_compound(request.user, pk, action=Action.VIEW)
    return [_out(r) for r in queries_survey.results_of(node)]


@router.post("/compounds/{pk}/satisfaction", response={201: SurveyOut})
def start(request: HttpRequest, pk: Id, body: StartIn):
    """Draw the sample (per_building households from each building, or everyone) and open the survey."""
    node = access_compound(request.user, pk, action=Action.EDIT)
    survey = services.survey_start(compound=node, year=body.year, per_building=body.per_building,
                                   actor=Actor.of(request.user))
    return Status(201, _out(queries_survey.result_of(survey)))
