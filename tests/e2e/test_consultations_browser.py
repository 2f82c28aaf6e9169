"""A resident votes from a letter's link on a phone; staff watch the tally change and enter a paper ballot."""

from __future__ import annotations

import pytest

from anju.consultations.models import Ballot
from tests.consultations.conftest import issue_letter, make_unit_vote
from tests.e2e.test_roster_browser import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_resident_votes_from_a_letter_and_staff_see_the_tally_change(phone, desktop, live_server, world, staff_a):
    v = make_unit_vote(world)
    c = v.consultation
    code, elector = issue_letter(c, "3-2-301")

    log_in(desktop, live_server, "staff_a")
    desktop.goto(f"{live_server.url}/consultations/{c.pk}/")
    desktop.wait_for_selector("#tally:has-text('已表态 0 / 6 户')")

    phone.goto(f"{live_server.url}/consultations/v/{code}/")
    assert code not in phone.url  # the code leaves the address bar (and the history) at once
    phone.fill("#name", "业主3")
    phone.fill("#number", v.owners[2].id_number[-4:])  # what a mask shows is refused
    phone.click("main button[type=submit]")
    phone.wait_for_selector("text=18 位身份证号码")
    phone.fill("#name", "业主3")
    phone.fill("#number", v.owners[2].id_number)
    phone.click("main button[type=submit]")
    phone.click("label.choice:has-text('同意') >> nth=0")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.click("main button[type=submit]")
    phone.wait_for_selector("#receipt")
    receipt = phone.locator("#receipt").inner_text()
    assert Ballot.objects.get(elector=elector).receipt == receipt
    assert "同意" in phone.locator("main").inner_text()

    # The staff page refreshes its tally with htmx, without a reload.
    desktop.wait_for_selector("#tally:has-text('已表态 1 / 6 户')", timeout=15000)

    first = c.electors.get(key="3-2-101")
    desktop.fill("#paper-room", "3栋2单元101")  # the room as it reads on the paper
    desktop.wait_for_selector(f"#elector-{first.pk}:checked")
    desktop.check("#paper-form input[value=no]")
    desktop.fill("#signer", "业主1")
    desktop.click("#paper-form button[type=submit]")
    desktop.wait_for_selector("#tally:has-text('已表态 2 / 6 户')")
    assert Ballot.objects.get(elector=first).entered_by == staff_a
