"""Clicking 截止 asks first, in words that say what happens; answering no leaves the vote open."""

from __future__ import annotations

import pytest

from anju.consultations.models import Consultation, Status
from tests.consultations.conftest import make_unit_vote
from tests.e2e.test_roster_browser import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_closing_a_vote_asks_and_no_changes_nothing(desktop, live_server, world, staff_a):
    c = make_unit_vote(world).consultation
    assert c.status == Status.OPEN
    log_in(desktop, live_server, "staff_a")
    desktop.goto(f"{live_server.url}/consultations/{c.pk}/")
    desktop.wait_for_load_state("load")

    asked: list[tuple[str, str]] = []

    def answer_no(dialog) -> None:
        asked.append((dialog.type, dialog.message))
        dialog.dismiss()

    desktop.once("dialog", answer_no)
    before = desktop.url
    desktop.click("form[action$='/close/'] button")
    desktop.wait_for_timeout(500)
    assert asked and asked[0][0] == "confirm"
    assert "截止后不再接受任何表决票" in asked[0][1] and asked[0][1].endswith("确定截止吗？")
    assert desktop.url == before
    assert Consultation.objects.get(pk=c.pk).status == Status.OPEN

    # Answering yes closes it: the question only stands in the way of a slip, not of the action.
    desktop.once("dialog", lambda dialog: dialog.accept())
    with desktop.expect_navigation():
        desktop.click("form[action$='/close/'] button")
    assert Consultation.objects.get(pk=c.pk).status == Status.CLOSED
