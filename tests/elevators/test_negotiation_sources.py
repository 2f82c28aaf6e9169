"""Willingness to pay on the negotiation page, filled from the answers of a consultation of the unit."""

from __future__ import annotations

import re

from django.urls import reverse

from anju.consultations import services as consultations
from anju.consultations.models import Channel, QuestionKind
from anju.roster import services as roster
from tests.factories import SYSTEM


def _ask(compound, *, unit=None, building=None, title="加装电梯意见征求", unit_label="元", open_it=True):
    c = consultations.consultation_create(compound=compound, unit=unit, building=building, title=title, actor=SYSTEM)
    consultations.question_add(consultation=c, kind=QuestionKind.YES_NO, text="是否同意加装电梯？", actor=SYSTEM,
                               rule="civil-code-278-major")
    q = consultations.question_add(consultation=c, kind=QuestionKind.NUMBER, text="您愿意承担的费用", actor=SYSTEM,
                                   unit_label=unit_label)
    if open_it:
        consultations.consultation_open(consultation=c, actor=SYSTEM)
    return c, q


def _vote(c, q, household, amount):
    consultations.ballot_cast(consultation=c, household=household, answers={str(q.pk): amount},
                              channel=Channel.PAPER, actor=SYSTEM)


def _page(client, project, key):
    return client.get(reverse("elevators:negotiate", args=[project.pk]), {"source": key})


def test_willingness_is_filled_from_the_counted_ballots_of_the_units_consultation(client, project_a, unit_a, staff_a):
    c, q = _ask(unit_a.building.compound, unit=unit_a)
    rooms = {h.room: h for h in unit_a.households.all()}
    _vote(c, q, rooms["601"], "45000")
    _vote(c, q, rooms["502"], "30000.5")
    consultations.ballot_cast(consultation=c, household=rooms["201"], answers={str(q.pk - 1): "yes"},
                              channel=Channel.DOOR, actor=SYSTEM)  # voted, but left the amount blank
    client.force_login(staff_a)
    page = client.get(reverse("elevators:negotiate", args=[project_a.pk])).content.decode()
    assert f'value="{c.pk}:{q.pk}"' in page  # offered in the picker
    page = _page(client, project_a, f"{c.pk}:{q.pk}").content.decode()
    assert 'data-testid="willingness-loaded"' in page
    assert "填入 2 户" in page and "共 12 户" in page and c.title in page
    assert 'name="will_601" inputmode="decimal" aria-label="3栋1单元601室" value="45000.00"' in page
    assert 'aria-label="3栋1单元502室" value="30000.50"' in page
    assert 'aria-label="3栋1单元201室" value=""' in page and 'aria-label="3栋1单元301室" value=""' in page


def test_a_compound_wide_survey_fills_the_units_rooms_and_a_correction_counts(client, project_a, unit_a, staff_a):
    c, q = _ask(unit_a.building.compound, title="全小区一户一策")
    rooms = {h.room: h for h in unit_a.households.all()}
    _vote(c, q, rooms["401"], "20000")
    _vote(c, q, rooms["402"], "25000")
    consultations.consultation_close(consultation=c, actor=SYSTEM)
    consultations.correction_append(consultation=c, household=rooms["402"], answers={str(q.pk): "2.5"},
                                    reason="录入时多写了位数", actor=SYSTEM)
    client.force_login(staff_a)
    page = _page(client, project_a, f"{c.pk}:{q.pk}").content.decode()
    assert 'aria-label="3栋1单元401室" value="20000.00"' in page and 'aria-label="3栋1单元402室" value="2.50"' in page


def test_amounts_in_ten_thousands_are_read_as_yuan(client, project_a, unit_a, staff_a):
    c, q = _ask(unit_a.building.compound, building=unit_a.building, unit_label="万元")
    _vote(c, q, unit_a.households.get(room="601"), "3.5")
    client.force_login(staff_a)
    assert 'aria-label="3栋1单元601室" value="35000.00"' in _page(client, project_a, f"{c.pk}:{q.pk}").content.decode()


def test_only_consultations_that_cover_the_unit_and_ask_an_amount_are_offered(client, project_a, unit_a, world, staff_a):
    other_unit = unit_a.building.units.get(number="2")
    roster.household_create(unit=other_unit, floor=3, room="301", exclusive_area="70.00", actor=SYSTEM)
    other_unit_c, other_unit_q = _ask(unit_a.building.compound, unit=other_unit)
    draft, draft_q = _ask(unit_a.building.compound, unit=unit_a, open_it=False)
    people, people_q = _ask(unit_a.building.compound, unit=unit_a, unit_label="人")
    elsewhere, elsewhere_q = _ask(world.compound_b, title="乙小区")
    client.force_login(staff_a)
    page = client.get(reverse("elevators:negotiate", args=[project_a.pk])).content.decode()
    for c, q in ((other_unit_c, other_unit_q), (draft, draft_q), (people, people_q), (elsewhere, elsewhere_q)):
        assert f'value="{c.pk}:{q.pk}"' not in page
        assert _page(client, project_a, f"{c.pk}:{q.pk}").status_code == 404
    assert "还没有可用的意见征求数字题" in page


def test_staff_of_another_community_cannot_load_or_even_see_the_project(client, project_a, unit_a, staff_b):
    c, q = _ask(unit_a.building.compound, unit=unit_a)
    client.force_login(staff_b)
    assert _page(client, project_a, f"{c.pk}:{q.pk}").status_code == 404


def test_loaded_willingness_goes_into_the_negotiation_like_typed_amounts(client, project_a, unit_a, staff_a):
    c, q = _ask(unit_a.building.compound, unit=unit_a)
    for h in unit_a.households.all():
        _vote(c, q, h, str(15_000 + 10_000 * h.floor))
    client.force_login(staff_a)
    page = _page(client, project_a, f"{c.pk}:{q.pk}").content.decode()
    assert "填入 12 户" in page
    form = dict(re.findall(r'name="(will_\w+)" inputmode="decimal" aria-label="\w+" value="([^"]*)"', page))
    assert len(form) == 12 and form["will_601"] == "75000.00"
    result = client.post(reverse("elevators:negotiate", args=[project_a.pk]),
                         {**form, "exempt_floor_1": "on", "target": "3/4"}).content.decode()
    assert 'data-testid="negotiation-shares"' in result and "445,000.00" in result
    assert 'aria-label="3栋1单元601室" value="75000.00"' in result  # the typed amounts stay in the form
