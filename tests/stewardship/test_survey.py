"""满意度测评: a yearly survey per compound as a consultation of kind "survey", asked of a seeded
sample per building (recorded, re-drawable) or of everyone; the rate against the 80% / 70% lines, the
trend on the compound's page, the renewal vote that starts from it, and the refusals."""

from __future__ import annotations

import datetime
from fractions import Fraction
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from anju.consultations import services as consultations
from anju.consultations.models import Consultation, Elector
from anju.core.errors import Conflict, ValidationFailed
from anju.core.models import AuditEvent
from anju.domain.stewardship import satisfaction
from anju.roster import services as roster
from anju.stewardship import queries_survey
from anju.stewardship.models_survey import SatisfactionSurvey
from anju.stewardship.services import survey as services
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 1)


@pytest.fixture
def homes(world):
    """甲小区: building 3 with 6 households in unit 1 (501 is the world's) and 2 in unit 2, building 4 with 3."""
    unit1, unit2 = world.building_a.units.get(number="1"), world.building_a.units.get(number="2")
    for floor in (1, 2, 3, 4, 6):
        roster.household_create(unit=unit1, floor=floor, room=f"{floor}01", exclusive_area="60.00", actor=SYSTEM)
    for floor in (1, 2):
        roster.household_create(unit=unit2, floor=floor, room=f"{floor}02", exclusive_area="70.00", actor=SYSTEM)
    b4 = roster.building_create(compound=world.compound_a, number="4", storeys=3, units=1, gross_area="900", actor=SYSTEM)
    for floor in (1, 2, 3):
        roster.household_create(unit=b4.units.get(), floor=floor, room=f"{floor}01", exclusive_area="80.00", actor=SYSTEM)
    return world


def start(world, **kw):
    args = {"compound": world.compound_a, "year": 2025, "per_building": 3, "actor": SYSTEM, "seed": 20250101,
            "today": TODAY}
    return services.survey_start(**{**args, **kw})


def answer(survey, answers: list[str]):
    """The first len(answers) sampled households answer, in room order."""
    c = survey.consultation
    q = c.questions.get(text=satisfaction.QUESTION)
    for elector, a in zip(c.electors.order_by("key"), answers, strict=False):
        consultations.ballot_cast(consultation=c, household=elector, answers={str(q.pk): a}, channel="paper",
                                  actor=SYSTEM)


def test_the_sample_is_n_per_building_recorded_and_drawn_again_the_same(homes):
    survey = start(homes)
    c = survey.consultation
    assert c.kind == "survey" and c.status == "open"
    electors = set(Elector.objects.filter(consultation=c).values_list("household_id", flat=True))
    assert survey.sampled == len(electors) == 6  # 3 of building 3's 8, all 3 of building 4
    assert sorted(electors) == c.sample
    again = satisfaction.draw_sample(services.by_building(homes.compound_a), survey.per_building, survey.seed)
    assert again == c.sample  # anyone can re-draw it from the seed and the roster
    event = AuditEvent.objects.get(action="satisfaction_survey_start")
    assert event.after["seed"] == 20250101 and event.after["sampled"] == 6


def test_everyone_is_asked_when_no_number_per_building_is_given(homes):
    survey = start(homes, per_building="")
    assert survey.per_building is None
    assert survey.sampled == survey.consultation.electors.count() == 11


def test_the_rate_counts_satisfied_and_fairly_satisfied_of_those_who_answered(homes):
    survey = start(homes)
    answer(survey, ["满意", "满意", "满意", "基本满意", "不满意"])  # the sixth did not answer
    r = queries_survey.result_of(survey)
    assert (r.answered, r.satisfied, r.fairly, r.dissatisfied) == (5, 3, 1, 1)
    assert r.rate == Fraction(4, 5)  # 80% exactly: the first line, bound included
    assert r.line == "grade1" and r.percent == "80.0%"
    assert r.verdict_zh == "达到一级服务标准：满意率80%以上"


def test_the_trend_and_the_renewal_vote_on_the_compounds_page(client, homes, staff_a):
    first = start(homes, year=2024)
    answer(first, ["满意", "不满意", "不满意", "基本满意", "不满意", "满意"])  # 3/6: below 70%
    second = start(homes, year=2025)
    answer(second, ["满意", "满意", "满意", "满意", "基本满意", "不满意"])  # 5/6
    client.force_login(staff_a)
    page = client.get(reverse("stewardship:compound", args=[homes.compound_a.pk])).content.decode()
    assert page.index('data-testid="satisfaction-2024"') < page.index('data-testid="satisfaction-2025"')
    assert 'data-testid="satisfaction-2024" data-line="below"' in page
    assert 'data-testid="satisfaction-2025" data-line="grade1"' in page
    assert "50.0%" in page and "83.3%" in page and "低于三级服务标准的满意率70%" in page
    link = queries_survey.vote_prefill_url(homes.compound_a, queries_survey.results_of(homes.compound_a))
    assert link.replace("&", "&amp;") in page
    query = parse_qs(urlsplit(link).query)
    assert query["compound"] == [str(homes.compound_a.pk)]
    assert "2025年：满意率83.3%（6/6户答卷）" in query["description"][0]
    form = client.get(link).content.decode()  # the new-vote page arrives filled in
    assert "甲小区续聘或解聘物业服务人表决" in form and "2024年：满意率50.0%" in form
    assert f'<option value="{homes.compound_a.pk}" selected>' in form


def test_a_compound_without_households_has_no_sample_and_nothing_is_saved(world):
    empty = roster.compound_create(community=world.community_a, name="空小区", year_built=1990, actor=SYSTEM)
    before = Consultation.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        start(world, compound=empty)
    assert caught.value.field == "sample"
    assert "没有可抽样的住户" in caught.value.message()
    assert Consultation.objects.count() == before
    assert not SatisfactionSurvey.objects.exists()
    assert not AuditEvent.objects.filter(action="satisfaction_survey_start").exists()


def test_one_survey_per_compound_and_year(homes):
    start(homes)
    with pytest.raises(Conflict):
        start(homes, seed=1)
    assert SatisfactionSurvey.objects.count() == 1 and Consultation.objects.filter(kind="survey").count() == 1


@pytest.mark.parametrize(("field", "value"), [("year", "1999"), ("year", "2027"), ("year", "明年"),
                                              ("per_building", "0"), ("per_building", "501"), ("per_building", "三")])
def test_bad_input_names_the_field(homes, field, value):
    with pytest.raises(ValidationFailed) as caught:
        start(homes, **{field: value})
    assert caught.value.field == field
    assert not Consultation.objects.exists()


def test_only_a_survey_may_sample(homes):
    with pytest.raises(ValidationFailed) as caught:
        consultations.consultation_create(compound=homes.compound_a, title="表决", actor=SYSTEM,
                                          sample=[homes.household_a.pk])
    assert caught.value.field == "sample"
    with pytest.raises(ValidationFailed):
        consultations.consultation_create(compound=homes.compound_a, title="测评", actor=SYSTEM, kind="survey",
                                          sample=[homes.household_b.pk])  # another compound's household


def test_the_page_starts_a_survey_and_refuses_an_empty_one(client, world, homes, staff_a):
    client.force_login(staff_a)
    url = reverse("stewardship:satisfaction_start", args=[world.compound_a.pk])
    r = client.post(url, {"year": str(datetime.date.today().year), "per_building": "2"})
    survey = SatisfactionSurvey.objects.get()
    assert r.status_code == 302 and r.url == reverse("consultations:detail", args=[survey.consultation_id])
    assert survey.sampled == 4
    empty = roster.compound_create(community=world.community_a, name="空小区", year_built=1990, actor=SYSTEM)
    r = client.post(reverse("stewardship:satisfaction_start", args=[empty.pk]),
                    {"year": str(datetime.date.today().year)}, follow=True)
    assert "没有可抽样的住户" in r.content.decode()
    assert SatisfactionSurvey.objects.count() == 1


def test_scopes(client, homes, staff_b, volunteer_a):
    url = reverse("stewardship:satisfaction_start", args=[homes.compound_a.pk])
    client.force_login(staff_b)  # another community's staff: not found, nothing started
    assert client.post(url, {"year": "2025"}).status_code == 404
    client.force_login(volunteer_a)  # a volunteer reads, does not start
    assert client.post(url, {"year": "2025"}).status_code == 403
    assert not SatisfactionSurvey.objects.exists()


def test_the_api(client, homes, staff_a, staff_b):
    base = f"/api/stewardship/compounds/{homes.compound_a.pk}/satisfaction"
    client.force_login(staff_a)
    assert client.post(base, {"year": 2025, "per_building": 0}, content_type="application/json").status_code == 422
    r = client.post(base, {"year": 2025, "per_building": 3}, content_type="application/json")
    assert r.status_code == 201 and r.json()["sampled"] == 6 and r.json()["line"] == "none"
    answer(SatisfactionSurvey.objects.get(), ["满意", "基本满意", "不满意", "不满意"])
    got = client.get(base).json()
    assert [(y["year"], y["rate"], y["percent"], y["line"]) for y in got] == [(2025, "1/2", "50.0%", "below")]
    assert client.post(base, {"year": 2025}, content_type="application/json").status_code == 409
    client.force_login(staff_b)
    assert client.get(base).status_code == 404


def test_the_dashboard_counts_compounds_by_line_and_drills_down(client, homes, subdistrict_staff, staff_b):
    first = start(homes, year=2024)
    answer(first, ["满意", "不满意"])
    latest = start(homes, year=2025)
    answer(latest, ["满意", "满意", "基本满意", "满意", "不满意", "满意"])  # 5/6: the first line
    client.force_login(subdistrict_staff)
    page = client.get(reverse("dashboard:index")).content.decode()
    assert 'data-figure="satisfaction-grade1"' in page
    cards = page[page.index('data-testid="satisfaction"'):]
    assert cards.split('data-figure="satisfaction-grade1"')[1].split(">")[1].startswith("1<")
    rows = client.get(reverse("dashboard:rows", args=["satisfaction"]) + "?line=grade1").content.decode()
    assert "甲小区" in rows and "83.3%" in rows
    assert f'{reverse("stewardship:compound", args=[homes.compound_a.pk])}#satisfaction' in rows
    below = client.get(reverse("dashboard:rows", args=["satisfaction"]) + "?line=below").content.decode()
    assert "导出全部 0 行" in below and "83.3%" not in below
    assert client.get(reverse("dashboard:rows", args=["satisfaction"]) + "?line=nosuch").status_code == 404
    api = client.get("/api/dashboard/satisfaction").json()
    assert [(r["compound"], r["year"], r["rate"], r["line"]) for r in api] == [("甲小区", 2025, "5/6", "grade1")]
    client.force_login(staff_b)  # another community's staff sees none of 甲小区's
    assert client.get("/api/dashboard/satisfaction").json() == []
