"""Where the pages and the API used to disagree, the stricter, documented rule now holds for both."""

from __future__ import annotations

import pytest
from django.urls import reverse

from anju.consultations import letters, services
from anju.consultations.models import Ballot
from anju.core.errors import Conflict, ValidationFailed
from tests.consultations.conftest import issue_letter
from tests.factories import SYSTEM


def _vote_in_compound_b(world):
    c = services.consultation_create(compound=world.compound_b, title="乙小区加装电梯表决", actor=SYSTEM)
    services.questions_from_template(consultation=c, template="elevator", actor=SYSTEM)
    services.consultation_open(consultation=c, actor=SYSTEM)
    return c


def test_outside_its_scope_a_read_only_role_is_told_not_found_by_page_and_api(client, world, vote6, volunteer_a):
    """Outside the scope is 404 even for a write the role may not make (it used to be 403 on the pages
    and for the API's ballots, which told the volunteer the consultation exists)."""
    other = _vote_in_compound_b(world)
    q = other.questions.get()
    client.force_login(volunteer_a)
    paper = {"elector": other.electors.get().pk, "channel": "paper", f"q{q.pk}": "yes"}
    assert client.post(reverse("consultations:paper", args=[other.pk]), paper).status_code == 404
    assert client.post(reverse("consultations:close", args=[other.pk])).status_code == 404
    body = {"household_key": other.electors.get().key, "answers": {str(q.pk): "yes"}}
    api = f"/api/consultations/consultations/{other.pk}"
    assert client.post(f"{api}/ballots", body, content_type="application/json").status_code == 404
    assert client.post(f"{api}/close").status_code == 404
    # Inside the scope the role is the answer: 403 from both.
    mine = vote6.consultation
    q = mine.questions.get()
    assert client.post(reverse("consultations:paper", args=[mine.pk]),
                       {"elector": mine.electors.first().pk, "channel": "paper", f"q{q.pk}": "yes"}).status_code == 403
    assert client.post(f"/api/consultations/consultations/{mine.pk}/ballots",
                       {"household_key": "3-2-101", "answers": {str(q.pk): "yes"}},
                       content_type="application/json").status_code == 403
    assert not Ballot.objects.exists()


def test_staff_enter_paper_or_door_ballots_only_on_page_and_api(client, vote6, staff_a):
    """The online channel is the household's own (its letter): a staff entry under it would replace the
    household's own online vote. The page offered only paper and door; the API accepted online too."""
    c = vote6.consultation
    q = c.questions.get()
    client.force_login(staff_a)
    r = client.post(f"/api/consultations/consultations/{c.pk}/ballots",
                    {"household_key": "3-2-101", "answers": {str(q.pk): "yes"}, "channel": "online"},
                    content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "channel"
    r = client.post(reverse("consultations:paper", args=[c.pk]),
                    {"elector": c.electors.get(key="3-2-201").pk, "channel": "online", f"q{q.pk}": "yes"}, follow=True)
    assert "工作人员只能录入纸质或上门表决票" in r.content.decode()
    assert not Ballot.objects.exists()
    r = client.post(f"/api/consultations/consultations/{c.pk}/ballots",
                    {"household_key": "3-2-101", "answers": {str(q.pk): "yes"}, "channel": "door"},
                    content_type="application/json")
    assert r.status_code == 201 and r.json()["channel"] == "door"


def test_the_notice_is_refused_before_the_close_by_whoever_renders_it(vote6):
    """The page refused an open consultation's notice; the renderer itself did not."""
    with pytest.raises(ValidationFailed):
        letters.render_notice(vote6.consultation, "https://anju.example/consultations/public/1/")


def test_a_replacement_letter_is_refused_once_the_vote_closed(vote6):
    """Letters are printed only while the consultation is open; the page checked it, the service did not."""
    c = vote6.consultation
    _code, e = issue_letter(c, "3-2-101")
    services.consultation_close(consultation=c, actor=SYSTEM)
    e.refresh_from_db()
    with pytest.raises(Conflict):
        services.letter_replacement_check(elector=e, id_checked=True, reason="告知书遗失")
    with pytest.raises(Conflict):
        letters.render_letters(c, "https://anju.example/", electors=[e], actor=SYSTEM)
