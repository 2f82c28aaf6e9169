"""What people read about a method names it in Chinese (杭州六层住宅实践比例, never `hangzhou-6`) and explains it."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.urls import reverse

from anju.domain import costshare
from anju.domain.errors import DomainError
from anju.elevators import glossary, queries, services
from tests.elevators.test_statements import needs_poppler, pages_of, text_of
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db
HANGZHOU = costshare.reference_table("hangzhou-6").title_zh


def read(page: bytes) -> str:
    """A page's text and tooltips as a person sees them (markup, scripts and form values dropped)."""
    text = re.sub(r"<(script|style)\b.*?</\1>", "", page.decode(), flags=re.S)
    tooltips = " ".join(re.findall(r'title="([^"]*)"', text))
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)) + " " + tooltips)


@pytest.fixture
def hangzhou(project_a):
    return services.plan_save(project=project_a, method="table:hangzhou-6", scenario=queries.Scenario(),
                              reason="按杭州比例试算", actor=SYSTEM)


@pytest.fixture
def shapley(hangzhou, project_a):
    return services.plan_save(project=project_a, method="shapley", scenario=queries.Scenario(),
                              reason="改用 Shapley 值", actor=SYSTEM)


def test_pages_name_the_reference_table_in_chinese_not_by_its_key(client, hangzhou, project_a, staff_a):
    client.force_login(staff_a)
    for name, args in [("elevators:index", []), ("elevators:project", [project_a.pk]),
                       ("elevators:calculator", [project_a.pk]), ("elevators:plan", [hangzhou.pk]),
                       ("elevators:negotiate", [project_a.pk])]:
        text = read(client.get(reverse(name, args=args)).content)
        assert "hangzhou" not in text, name
    assert HANGZHOU in read(client.get(reverse("elevators:project", args=[project_a.pk])).content)


def test_the_api_keeps_the_method_key_and_adds_the_label_to_show(client, hangzhou, project_a, staff_a):
    client.force_login(staff_a)
    listed = json.loads(client.get("/api/elevators/projects").content)[0]
    assert listed["method"]["table"] == "hangzhou-6"
    assert listed["method_label"] == HANGZHOU and listed["subsidy_mode_label"] == "按比例抵减"
    detail = json.loads(client.get(f"/api/elevators/projects/{project_a.pk}").content)
    assert detail["method_label"] == HANGZHOU


def test_a_table_for_another_height_is_refused_by_its_title():
    with pytest.raises(DomainError) as caught:
        costshare.reference_table("hangzhou-6").coefficients(7)
    assert HANGZHOU in caught.value.message("zh-hans") and "hangzhou" not in caught.value.message("zh-hans")


def test_the_version_diff_reads_as_chinese_with_rooms_and_separators(client, hangzhou, shapley, staff_a):
    client.force_login(staff_a)
    text = read(client.get(reverse("elevators:plan_diff", args=[shapley.pk, hangzhou.pk])).content)
    assert f"分摊方法 {HANGZHOU} Shapley 值" in text
    assert "到达 6 层的费用（元） — 645,000.00" in text
    assert "3栋1单元601室 分摊" in text
    for leak in (" / method", "reach", "hangzhou", "False", "True", "proportional", "645000"):
        assert leak not in text


def test_the_calculator_puts_the_adopted_method_first_and_explains_the_terms(client, shapley, project_a, staff_a):
    client.force_login(staff_a)
    page = client.get(reverse("elevators:calculator", args=[project_a.pk])).content.decode()
    methods = re.findall(r'<th class="num" data-method="([^"]+)"', page)
    assert methods[0] == "shapley" and len(methods) == len(set(methods)) > 5
    text = read(page.encode())
    assert "名词解释" in text
    for term in glossary.TERMS:
        assert f"{term.name} {term.sentence}" in text


def test_the_calculator_explains_the_terms_in_english_too(client, project_a, staff_a):
    client.force_login(staff_a)
    client.cookies["django_language"] = "en"
    text = read(client.get(reverse("elevators:calculator", args=[project_a.pk])).content)
    assert "Largest remainder" in text and "add up to the total exactly" in text and "最大余数法" not in text


@needs_poppler
def test_the_statement_names_the_table_and_explains_its_terms(client, hangzhou, shapley, staff_a, tmp_path):
    client.force_login(staff_a)
    share = next(s for s in shapley.shares if s["room"] == "501")
    old = text_of(client.get(reverse("elevators:statement", args=[hangzhou.pk, share["household"]])).content, tmp_path)
    assert HANGZHOU in old and "hangzhou" not in old
    pdf = client.get(reverse("elevators:statement", args=[shapley.pk, share["household"]])).content
    (tmp_path / "shapley.pdf").write_bytes(pdf)
    assert pages_of(pdf, tmp_path) == 1  # the glossary still fits the household's one page
    flat = re.sub(r"\s+", "", text_of(pdf, tmp_path))
    shapley_term, rounding = glossary.BY_KEY["shapley"], glossary.BY_KEY["rounding"]
    assert re.sub(r"\s+", "", f"按机场博弈 {shapley_term.name}分摊：{shapley_term.sentence}") in flat
    assert f"名词解释：{rounding.name}——{rounding.sentence}" in flat
    assert glossary.BY_KEY["nucleolus"].sentence not in flat  # only the terms this statement uses
