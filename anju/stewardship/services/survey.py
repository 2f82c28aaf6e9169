"""满意度测评: start a compound's yearly survey of its households about the property service.

The survey is a consultation of kind "survey" (its electorate the drawn sample, frozen when it
opens), asked through the consultations app's services like every other: letters, online, paper and
door-to-door answers count alike. This module draws the sample (`domain.stewardship.satisfaction`),
records how it was drawn, and audits it, all in one transaction: a survey without a sample, or a
second one for the same year, leaves nothing behind.
"""

from __future__ import annotations

import datetime
import secrets
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.utils import timezone

from anju.consultations import services as consultation_services
from anju.core import audit
from anju.core.audit import Actor
from anju.core.errors import Conflict, ValidationFailed
from anju.domain.errors import DomainError
from anju.domain.stewardship import satisfaction
from anju.roster.models import Compound, Household
from anju.stewardship.models_survey import SatisfactionSurvey

# Values of the consultations app's Kind and QuestionKind (its models are its own; we go through its services).
SURVEY = "survey"
SINGLE = "single"
TEXT = "text"
FIRST_YEAR = 2000


def _year(raw: Any, today: datetime.date) -> int:
    try:
        year = int(str(raw).strip())
    except (TypeError, ValueError):
        year = 0
    if not FIRST_YEAR <= year <= today.year:
        raise ValidationFailed(f"测评年度须在 {FIRST_YEAR} 年到 {today.year} 年之间",
                               f"The survey year must be {FIRST_YEAR} to {today.year}", field="year")
    return year


def _per_building(raw: Any) -> int | None:
    if raw is None or str(raw).strip() == "":
        return None
    try:
        n = int(str(raw).strip())
    except ValueError:
        n = 0
    if not 1 <= n <= satisfaction.PER_BUILDING_MAX:
        raise ValidationFailed(f"每栋抽样户数须在 1 到 {satisfaction.PER_BUILDING_MAX} 之间（不抽样请留空，即全体住户）",
                               f"Households per building must be 1 to {satisfaction.PER_BUILDING_MAX} "
                               "(leave it empty to ask every household)", field="per_building")
    return n


def by_building(compound: Compound) -> dict[str, list[int]]:
    """Building number → the ids of its households on the roster."""
    out: dict[str, list[int]] = defaultdict(list)
    for pk, number in Household.objects.filter(compound=compound).values_list("pk", "unit__building__number"):
        out[str(number)].append(pk)
    return dict(out)


@transaction.atomic
def survey_start(*, compound: Compound, year: Any, per_building: Any, actor: Actor, seed: int | None = None,
                 closes_at: datetime.datetime | None = None, today: datetime.date | None = None) -> SatisfactionSurvey:
    """Draw the sample, put the question to it and open the survey; one survey per compound and year."""
    today = today or timezone.localdate()
    year = _year(year, today)
    n = _per_building(per_building)
    Compound.objects.select_for_update().filter(pk=compound.pk).first()  # one starter at a time per compound
    if SatisfactionSurvey.objects.filter(compound=compound, year=year).exists():
        raise Conflict(f"{compound.name}{year}年度的满意度测评已经发起过", f"{compound.name} already has its {year} survey")
    seed = secrets.randbelow(2**31) if seed is None else seed
    try:
        sample = satisfaction.draw_sample(by_building(compound), n, seed)
    except DomainError as error:
        raise ValidationFailed.from_domain(error) from None
    how = f"每栋随机抽取 {n} 户（不足 {n} 户的楼栋全部参加）" if n else "全体住户"
    consultation = consultation_services.consultation_create(
        compound=compound, title=f"{year}年度物业服务满意度测评", actor=actor, kind=SURVEY, sample=sample,
        closes_at=closes_at,
        description=f"<p>测评对象：{how}，共 {len(sample)} 户。满意率按“满意”与“基本满意”的户数占答卷户数计算，"
                    f"对照{satisfaction.STANDARD_ZH}：一级服务满意率80%以上，三级服务满意率70%以上（标准原文待核）。</p>")
    consultation_services.question_add(consultation=consultation, kind=SINGLE, text=satisfaction.QUESTION,
                                       choices=list(satisfaction.CHOICES), actor=actor)
    consultation_services.question_add(consultation=consultation, kind=TEXT, text="您对物业服务还有什么意见和建议？",
                                       actor=actor)
    consultation_services.consultation_open(consultation=consultation, actor=actor)
    survey = SatisfactionSurvey.objects.create(compound=compound, year=year, consultation=consultation,
                                               per_building=n, seed=seed, sampled=len(sample), created_by=actor.user)
    audit.record(actor=actor, action="satisfaction_survey_start", obj=survey, before=None,
                 after={"year": year, "per_building": n, "seed": seed, "sampled": len(sample),
                        "consultation": consultation.pk}, subdistrict_id=compound.subdistrict_id)
    return survey
