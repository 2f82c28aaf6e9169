"""满意度测评 read: each year's result of a compound, the trend, and the summary a renewal or
dismissal vote starts from."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from urllib.parse import urlencode

from django.urls import reverse

from anju.consultations import queries as consultation_queries
from anju.core.scoping import Scope
from anju.domain.stewardship import satisfaction
from anju.roster.models import Compound
from anju.stewardship.models_survey import SatisfactionSurvey


@dataclass(frozen=True)
class YearResult:
    survey: SatisfactionSurvey
    answered: int
    counts: dict[str, int]  # 满意 / 基本满意 / 不满意 → households
    rate: Fraction | None
    final: bool  # the survey has closed: the figure no longer moves

    @property
    def year(self) -> int:
        return self.survey.year

    @property
    def satisfied(self) -> int:
        return self.counts[satisfaction.SATISFIED]

    @property
    def fairly(self) -> int:
        return self.counts[satisfaction.FAIRLY]

    @property
    def dissatisfied(self) -> int:
        return self.counts[satisfaction.DISSATISFIED]

    @property
    def percent(self) -> str:
        return satisfaction.percent(self.rate)

    @property
    def verdict_zh(self) -> str:
        return satisfaction.verdict_zh(self.rate)

    @property
    def verdict_en(self) -> str:
        return satisfaction.verdict_en(self.rate)

    @property
    def line(self) -> str:
        reached = satisfaction.line_reached(self.rate)
        return reached.key if reached else ("none" if self.rate is None else "below")

    @property
    def response(self) -> Fraction:
        return Fraction(self.answered, self.survey.sampled)


def result_of(survey: SatisfactionSurvey) -> YearResult:
    """The survey's counts as they stand (the consultation's live tally; final once it has closed)."""
    consultation = survey.consultation
    t = consultation_queries.tally(consultation)
    question = next((q for q in t.questions if q.question.text == satisfaction.QUESTION), None)
    counts = {c: 0 for c in satisfaction.CHOICES}
    if question is not None:
        counts.update({c: n for c, n in question.choices if c in counts})
    answered = sum(counts.values())
    return YearResult(survey, answered, counts, satisfaction.rate(counts), consultation_queries.is_final(consultation))


def results_of(compound: Compound) -> list[YearResult]:
    """Every year's result, oldest first (the trend reads left to right)."""
    surveys = SatisfactionSurvey.objects.filter(compound=compound).select_related("consultation").order_by("year")
    return [result_of(s) for s in surveys]


def latest_in(scope: Scope) -> dict[int, YearResult]:
    """compound id → its latest survey's result, for every compound in scope that has one."""
    latest: dict[int, SatisfactionSurvey] = {}
    for s in SatisfactionSurvey.objects.within(scope).select_related("consultation", "compound").order_by("year"):
        latest[s.compound_id] = s
    return {pk: result_of(s) for pk, s in latest.items()}


def vote_prefill_url(compound: Compound, results: list[YearResult]) -> str:
    """The new-consultation page, filled in for a renewal or dismissal vote with the survey results as
    its background (staff choose the questions there; nothing is decided by the survey itself)."""
    lines = [f"{r.year}年：满意率{r.percent}（{r.answered}/{r.survey.sampled}户答卷），{r.verdict_zh}"
             for r in results if r.rate is not None]
    body = ("<p>历年物业服务满意度测评结果（对照" + satisfaction.STANDARD_ZH + "，标准原文待核）：</p><ul>"
            + "".join(f"<li>{line}</li>" for line in lines) + "</ul>") if lines else ""
    query = urlencode({"compound": compound.pk, "title": f"{compound.name}续聘或解聘物业服务人表决", "description": body})
    return f"{reverse('consultations:new')}?{query}"


LINES = (("grade1", "达到一级（80%以上）", "First grade (80%+)"), ("grade3", "达到三级（70%以上）", "Third grade (70%+)"),
         ("below", "低于70%", "Below 70%"), ("none", "尚无答卷", "No answers yet"))


def line_counts(latest: dict[int, YearResult]) -> list[tuple[str, str, str, int]]:
    """(line, zh, en, compounds): how many compounds' latest survey reaches each line, for the dashboard."""
    found = [r.line for r in latest.values()]
    return [(key, zh, en, found.count(key)) for key, zh, en in LINES]
