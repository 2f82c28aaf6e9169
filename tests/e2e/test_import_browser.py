"""Community staff upload a CSV, watch the dry run finish, confirm, and see the summary, in a real browser."""

from __future__ import annotations

import pytest

from tests.e2e.test_roster_browser import log_in
from tests.roster.test_import import roster_rows, write_roster
from tests.roster.test_import_pages import run_queued

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_upload_a_csv_dry_run_confirm_and_see_the_summary(desktop, live_server, tmp_path, world, staff_a):
    page = desktop
    log_in(page, live_server, "staff_a")
    page.wait_for_selector("h1:has-text('甲社区')")
    page.click("[data-testid=transfer-buttons] a")
    page.wait_for_selector("h1:has-text('导入住户台账')")
    path = write_roster(tmp_path / "甲社区.csv", roster_rows()[:3], encoding="gbk")
    page.set_input_files("#roster-file", str(path))
    page.click("[data-testid=upload-form] button[type=submit]")
    page.wait_for_selector("#transfer-status")

    run_queued()  # the worker `anju serve` runs beside the web server
    page.wait_for_selector("[data-testid=transfer-summary]")
    assert page.locator("[data-figure=added]").inner_text() == "2"
    assert page.locator("[data-figure=unchanged]").inner_text() == "1"
    page.click("[data-testid=confirm]")
    page.wait_for_selector("#transfer-status")

    run_queued()
    page.wait_for_selector("text=导入完成")
    summary = page.locator("[data-testid=transfer-summary]")
    assert summary.locator("[data-figure=added]").inner_text() == "2"
    assert world.compound_a.households.count() == 3
