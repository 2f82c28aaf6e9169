"""One number style on the consultation pages: thousands separators on areas and counts, ㎡ after areas."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from anju.consultations import services
from anju.roster import services as roster
from tests.elevators.test_labels import read
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db


def test_the_tally_and_the_picker_group_areas_and_name_the_unit(client, world, staff_a):
    unit = world.building_a.units.get(number="2")
    for floor in range(1, 7):
        roster.household_create(unit=unit, floor=floor, room=f"{floor}01", exclusive_area="205.50", actor=SYSTEM)
    c = services.consultation_create(compound=world.compound_a, unit=unit, title="2单元外墙改造意见", actor=SYSTEM)
    services.questions_from_template(consultation=c, template="elevator", actor=SYSTEM)
    services.consultation_open(consultation=c, actor=SYSTEM)
    q = str(c.questions.get().pk)
    services.ballot_cast(consultation=c, household=c.electors.get(key="3-2-101"), answers={q: "yes"},
                         channel="paper", actor=SYSTEM)
    client.force_login(staff_a)
    page = client.get(reverse("consultations:tally", args=[c.pk])).content
    tally = read(re.sub(rb' title="[^"]*"', b"", page))  # the exact fraction stays in the tooltip only
    assert "205.50 / 1,233.00 ㎡" in tally
    assert "1233" not in tally and ">=" not in tally  # no raw fraction or operator; the bound reads ≥ 2/3
    assert "≥ 2/3" in tally
    picked = read(client.get(reverse("consultations:elector_choices", args=[c.pk]), {"room": "101"}).content)
    assert "3栋2单元101室（205.50 ㎡）" in picked
