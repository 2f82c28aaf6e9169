"""The demo's 满意度测评: the 2020 programme's compounds surveyed every other year since the works.

Each survey asks 6 households per building (a seeded sample, recorded), nine in ten answer on paper,
and the share satisfied rises as the article describes the change after the renovation: about 62%
in 2020 while the works were under way (below the 2004 standard's 70% line), about 78% in 2022,
about 86% in 2024 (past the 80% line) and about 92% this year (still open). Deterministic.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from anju.consultations import services as consultations
from anju.core.audit import Actor
from anju.domain.stewardship import satisfaction
from anju.roster.demo import PROGRAMME_2020
from anju.roster.models import Compound, Subdistrict
from anju.stewardship.models_survey import SatisfactionSurvey
from anju.stewardship.services import survey as services

PER_BUILDING = 6
SATISFIED_PERCENT = {2020: 62, 2022: 78, 2024: 86}  # and this year: CURRENT_PERCENT, the survey still open
CURRENT_PERCENT = 92


def _answers(count: int, year: int, percent: int) -> dict[int, str]:
    """Sampled index → answer: nine in ten answer, and of those `percent`% (rounded half up) are
    satisfied or fairly so, chosen by a fixed stride so the rate is the year's figure, not noise."""
    answering = [i for i in range(count) if (i * 31 + year) % 10 != 9]
    k = (len(answering) * percent * 2 + 100) // 200
    order = sorted(answering, key=lambda i: ((i * 37 + year) % 101, i))
    return {i: (satisfaction.SATISFIED if j % 3 else satisfaction.FAIRLY) if j < k else satisfaction.DISSATISFIED
            for j, i in enumerate(order)}


def load_demo(subdistrict: Subdistrict) -> None:
    """Nothing if the demo's surveys exist already."""
    if SatisfactionSurvey.objects.filter(compound__subdistrict=subdistrict).exists():
        return
    actor = Actor.system("demo")
    today = timezone.localdate()
    years = {**{y: p for y, p in SATISFIED_PERCENT.items() if y < today.year}, today.year: CURRENT_PERCENT}
    with transaction.atomic():
        for n, compound in enumerate(Compound.objects.filter(subdistrict=subdistrict, name__in=PROGRAMME_2020)
                                     .order_by("name")):
            for year, percent in sorted(years.items()):
                survey = services.survey_start(compound=compound, year=year, per_building=PER_BUILDING, actor=actor,
                                               seed=year * 100 + n, today=today)
                c = survey.consultation
                q = str(c.questions.get(text=satisfaction.QUESTION).pk)
                electors = list(c.electors.order_by("key"))
                for i, a in sorted(_answers(len(electors), year, percent).items()):
                    consultations.ballot_cast(consultation=c, household=electors[i], answers={q: a}, channel="paper",
                                              actor=actor, signer="")
                if year < today.year:
                    consultations.consultation_close(consultation=c, actor=actor)
