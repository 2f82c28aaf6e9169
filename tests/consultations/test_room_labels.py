"""Staff pages name households as people read them, 3栋2单元301室, never by the digest's sort key 3-2-301."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from anju.consultations import services
from anju.core.audit import Actor
from tests.consultations.conftest import issue_letter
from tests.consultations.test_owners import joint, vote  # noqa: F401  (the fixture of two flats of one owner)
from tests.elevators.test_labels import read
from tests.factories import PASSWORD, SYSTEM

pytestmark = pytest.mark.django_db
KEY = re.compile(r"\b3-2-\d01\b")
RESIDENT = Actor.system("resident")


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_the_consultation_page_names_rooms_in_ballots_conflicts_pickers_and_visits(client, vote6, staff_a):
    c = vote6.consultation
    q = str(c.questions.get().pk)
    services.ballot_cast(consultation=c, household=c.electors.get(key="3-2-201"), answers={q: "yes"},
                         channel="online", actor=RESIDENT)
    services.paper_ballot_cast(consultation=c, household=c.electors.get(key="3-2-201"), answers={q: "no"},
                               channel="paper", actor=Actor.of(staff_a), scan_data=None, scan_name="", signer="业主2")
    _code, locked = issue_letter(c, "3-2-401")
    services.letter_lock(letter=locked.letters.get(), actor=SYSTEM)
    login(client, staff_a)
    entered = client.post(reverse("consultations:paper", args=[c.pk]),
                          {"elector": c.electors.get(key="3-2-301").pk, "channel": "paper", "signer": "业主3", f"q{q}": "yes"},
                          follow=True)
    text = read(entered.content)
    assert "已录入 3栋2单元301室 的表决票" in text
    page = client.get(reverse("consultations:detail", args=[c.pk])).content
    text = read(page)
    assert not KEY.search(text), KEY.search(text)
    assert "3栋2单元201室" in text  # the conflict and the latest ballots
    assert "3栋2单元401室 · 锁定于" in text  # the locked letter
    assert "3栋2单元601室 · 6层" in text  # not heard yet: whom to visit
    picker = client.get(reverse("consultations:elector_choices", args=[c.pk]), {"room": "101"}).content.decode()
    assert re.search(r'<label class="form-check-label" for="elector-\d+">3栋2单元101室（61\.00 ㎡）</label>', picker)
    assert "3栋2单元201室 将以这张" in page.decode()  # the confirmation names the room too


def test_corrections_after_the_close_name_the_room(client, vote6, staff_a):
    c = vote6.consultation
    q = str(c.questions.get().pk)
    services.consultation_close(consultation=c, actor=SYSTEM)
    services.correction_append(consultation=c, household=c.electors.get(key="3-2-501"), answers={q: "yes"},
                               reason="核对原票，录入有误", actor=Actor.of(staff_a))
    login(client, staff_a)
    text = read(client.get(reverse("consultations:detail", args=[c.pk])).content)
    assert "3栋2单元501室：核对原票，录入有误" in text and not KEY.search(text)


def test_the_owner_conflict_page_and_its_history_name_the_rooms(client, joint, staff_a):  # noqa: F811
    c = joint.consultation
    vote(joint, 0, "yes")
    vote(joint, 1, "no", channel="paper")
    login(client, staff_a)
    url = reverse("consultations:owner_conflicts", args=[c.pk])
    text = read(client.get(url).content)
    assert "3栋2单元101室" in text and "3栋2单元102室" in text and not KEY.search(text)
    key = c.electors.get(key="3-2-101").owner_key
    client.post(reverse("consultations:owner_settle", args=[c.pk]),
                {"owner": key, "question": c.questions.get(order=1).pk, "vote": "no", "reason": "上门核实"})
    history = read(client.get(url).content)
    assert "3栋2单元101室、3栋2单元102室" in history and not KEY.search(history)


def test_the_stranded_elderly_list_names_the_room(client, subdistrict_staff, world):
    client.force_login(subdistrict_staff)
    text = read(client.get(reverse("dashboard:rows", args=["stranded"])).content)
    assert f"{world.household_a.room_label}" in text and world.household_a.room_label.endswith("室")
