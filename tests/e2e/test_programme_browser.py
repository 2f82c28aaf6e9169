"""A newcomer reads the article's figures off the dashboard, clicks through to the 2021 projects (all
finished, none overdue), records an inspection with a photo on a phone on this year's project, and sees
its progress move."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from anju.programme import demo as programme_demo
from anju.roster import demo as roster_demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    sd = roster_demo.load_demo()
    programme_demo.load_demo(sd)
    return sd


@pytest.fixture
def this_year(demo):
    """A project of this year's plan in a compound the article's programmes left out, its roof work under way."""
    from django.utils import timezone

    from anju.core.audit import Actor
    from anju.programme import services
    from anju.programme.models import ItemKind
    from anju.roster.models import Compound

    actor = Actor.system("test")
    compound = (Compound.objects.filter(subdistrict=demo)
                .exclude(name__in=roster_demo.PROGRAMME_2020 + roster_demo.PROGRAMME_2021).order_by("id").first())
    plan = services.plan_create(subdistrict=demo, year=timezone.localdate().year, actor=actor)
    project = services.project_create(plan=plan, compound=compound, actor=actor)
    for kind, name in ((ItemKind.ROOF, "楼顶防水"), (ItemKind.SEWER, "下水道改造")):
        item = services.item_add(project=project, kind=kind, name=name, quantity=10, unit="户", budget_fen=1_000_000,
                                 actor=actor)
        services.item_set_progress(item=item, percent=30, actor=actor)
    return project


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", roster_demo.DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def figure(page, name: str) -> str:
    return page.locator(f"[data-figure='{name}']").first.inner_text().strip()


def test_read_the_article_click_through_inspect_and_move_progress(desktop, phone, live_server, demo, this_year, tmp_path):
    page = desktop
    log_in(page, live_server, "jiedao")
    page.goto(f"{live_server.url}/dashboard/")
    assert (figure(page, "2020-done-compounds"), figure(page, "2020-buildings"), figure(page, "2020-households")) == (
        "9", "31", "860")
    assert (figure(page, "2021-compounds"), figure(page, "2021-buildings"), figure(page, "2021-households"),
            figure(page, "2021-gross-area")) == ("10", "28", "1,010", "149,100")
    assert figure(page, "special-households") == "369" and figure(page, "special-people") == "1,200"
    page.wait_for_selector("#chart-years canvas")  # ECharts drew the chart from the local copy

    page.click("[data-figure='2021-compounds']")
    page.wait_for_selector("[data-testid=row-count]")
    assert page.locator("[data-testid=row-count]").inner_text() == "10"
    page.locator("[data-testid=rows] a").first.click()
    page.wait_for_selector("[data-testid=items]")
    # Finished as the article expected: every stage signed off, none shown overdue.
    assert float(figure(page, "progress").rstrip("%")) == 100 and "已完工" in page.locator("main").inner_text()
    assert page.locator("[data-testid=stages] .badge.text-bg-danger").count() == 0

    project_url = f"{live_server.url}/programme/project/{this_year.pk}/"
    page.goto(project_url)
    page.wait_for_selector("[data-testid=items]")
    before = float(figure(page, "progress").rstrip("%"))

    # On a phone, record an inspection with a photo.
    log_in(phone, live_server, "jiedao")
    phone.goto(project_url)
    phone.click("[data-testid=new-inspection]")
    phone.fill("#id_findings", "施工围挡缺失，需补齐。")
    phone.click("label[for=sev-medium]")
    photo = tmp_path / "site.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (2400, 1800), (90, 140, 200)).save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())
    phone.set_input_files("#id_photos", str(photo))
    phone.click("main button[type=submit]")
    phone.wait_for_selector("[data-testid=photo]")
    assert "施工围挡缺失" in phone.locator("[data-testid=findings]").inner_text()
    phone.wait_for_function("() => document.querySelector('[data-testid=photo]').naturalWidth > 0")
    assert phone.evaluate("document.querySelector('[data-testid=photo]').naturalWidth") == 1600
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # Back on the desktop, the roof work is finished: the project's progress moves.
    row = page.locator("tr[data-item='楼顶防水']")
    row.locator("input[name=progress]").fill("100")
    row.locator("button[type=submit]").click()
    page.wait_for_load_state()
    after = float(figure(page, "progress").rstrip("%"))
    assert after > before
