"""Dashboards at each level, the rows behind the figures, xlsx exports, the annual PDF, and the scope."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from anju.consultations import services as consultation_services
from anju.consultations.models import Channel
from anju.core.audit import Actor
from tests.consultations.conftest import make_unit_vote
from tests.printed import assert_official

pytestmark = pytest.mark.django_db


def figures(html: str) -> dict[str, str]:
    return {k: v.strip() for k, v in re.findall(r'data-figure="([^"]+)"[^>]*>([^<]*)<', html)}


def test_the_subdistrict_dashboard_shows_plan_and_done(client, subdistrict_staff, project_a, project_b):
    client.force_login(subdistrict_staff)
    response = client.get(reverse("dashboard:index"))
    assert response.status_code == 200
    f = figures(response.content.decode())
    assert f["2021-compounds"] == "2" and f["2021-households"] == "2" and f["2021-done-compounds"] == "0"
    assert "vendor/echarts/echarts.min.js" in response.content.decode()


def test_community_staff_see_their_community_only(client, staff_a, project_a, project_b, world):
    client.force_login(staff_a)
    f = figures(client.get(reverse("dashboard:index")).content.decode())
    assert f["2021-compounds"] == "1"
    assert client.get(reverse("dashboard:index") + f"?community={world.community_b.pk}").status_code == 404
    assert client.get(reverse("dashboard:index") + f"?compound={world.compound_b.pk}").status_code == 404
    assert client.get(reverse("dashboard:index") + f"?compound={world.compound_a.pk}").status_code == 200


def test_a_volunteer_sees_the_compound_level(client, volunteer_a, project_a, project_b):
    client.force_login(volunteer_a)
    html = client.get(reverse("dashboard:index")).content.decode()
    assert "甲小区" in html and figures(html)["2021-compounds"] == "1"


def test_every_figure_drills_down_to_rows(client, subdistrict_staff, project_a, project_b):
    client.force_login(subdistrict_staff)
    for figure, params, expected in (
        ("projects", "?year=2021", 2), ("projects", "?year=2021&done=1", 0), ("projects", "?stage=survey", 2),
        ("overdue", "", 2), ("items", "?kind=roof", 1), ("elevators", "", 0), ("stranded", "", 1),
        ("years", "", 1), ("approvals", "", 0),
    ):
        response = client.get(reverse("dashboard:rows", args=[figure]) + params)
        assert response.status_code == 200, figure
        count = re.search(r'data-testid="row-count">(\d+)<', response.content.decode()).group(1)
        assert int(count) == expected, (figure, params)


def test_stranded_rows_link_to_households(client, subdistrict_staff, world):
    client.force_login(subdistrict_staff)
    html = client.get(reverse("dashboard:rows", args=["stranded"])).content.decode()
    assert reverse("roster:household", args=[world.household_a.pk]) in html


def test_tables_export_to_xlsx(client, subdistrict_staff, project_a, project_b):
    client.force_login(subdistrict_staff)
    response = client.get(reverse("dashboard:rows", args=["projects"]) + "?year=2021&format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 3 and sheet.cell(1, 2).value == "项目"


def test_unknown_figures_are_404(client, subdistrict_staff):
    client.force_login(subdistrict_staff)
    assert client.get(reverse("dashboard:rows", args=["secrets"])).status_code == 404


def test_the_dashboard_shows_approval_rates(client, subdistrict_staff, world):
    vote = make_unit_vote(world)
    question = str(vote.consultation.questions.get(order=1).pk)
    for household in vote.households[:4]:  # floors 1 to 4 say yes; 5 and 6 have not answered
        consultation_services.ballot_cast(consultation=vote.consultation, household=household,
                                          answers={question: "yes"}, channel=Channel.ONLINE,
                                          actor=Actor.system("resident"))
    client.force_login(subdistrict_staff)
    html = client.get(reverse("dashboard:index")).content.decode()
    assert "2单元加装电梯表决" in html and "4/4/6" in html
    rows = client.get(reverse("dashboard:rows", args=["approvals"])).content.decode()
    assert "100.0" in rows


def test_the_annual_report_is_a_pdf(client, world, subdistrict_staff, project_a, project_b, tmp_path):
    world.subdistrict.phone = "0719-8651203"
    world.subdistrict.save(update_fields=["phone"])
    client.force_login(subdistrict_staff)
    response = client.get(reverse("dashboard:report", args=[2021]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    path = tmp_path / "report.pdf"
    path.write_bytes(response.content)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    embedded = [line.split()[0] for line in fonts.splitlines()[2:] if line.strip()]
    assert embedded and all("Anju-Print-SC" in name for name in embedded), fonts  # the bundled CJK font, no fallback
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "2021年度老旧小区改造报告" in text
    assert_official(text, issuer="测试街道办事处", phone="0719-8651203")
    assert client.get(reverse("dashboard:report", args=[1999])).status_code == 404


def test_dashboard_query_count_does_not_grow_with_projects(client, subdistrict_staff, project_a, project_b,
                                                           django_assert_max_num_queries):
    client.force_login(subdistrict_staff)
    client.get(reverse("dashboard:index"))
    with django_assert_max_num_queries(25):
        client.get(reverse("dashboard:index"))
