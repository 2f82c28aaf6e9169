"""The paper-ballot household picker finds the household by the room code staff read off the paper."""

from __future__ import annotations

import pytest
from django.urls import reverse

from anju.consultations import queries
from anju.consultations.models import Ballot
from anju.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def _key(electors) -> list[str]:
    return [e.key for e in electors]


@pytest.mark.parametrize("typed", ["3-2-501", "3栋2单元501", "3栋2单元501室", "501", "甲小区3栋2单元501", "３－２－５０１"])
def test_every_way_of_writing_the_room_finds_it_in_the_electorate(vote6, typed):
    assert _key(queries.electors_by_room(vote6.consultation, typed)) == ["3-2-501"]


@pytest.mark.parametrize("typed", ["3-1-501", "乙小区3-2-501", "3-2-701", "王秀兰", "", "3" * 100])
def test_a_room_outside_the_electorate_or_no_room_finds_nothing(vote6, typed):
    # 3-1-501 exists (household_a) but this vote is of unit 2 only.
    assert _key(queries.electors_by_room(vote6.consultation, typed)) == []


def test_a_building_and_unit_list_the_whole_stairwell(vote6):
    assert _key(queries.electors_by_room(vote6.consultation, "3栋2单元")) == [f"3-2-{f}01" for f in range(1, 7)]


@pytest.mark.parametrize(("typed", "says"), [("3栋2单元", "有 6 户"), ("张三", "无法识别房号"), ("3-1-501", "不在本次表决范围内")])
def test_one_household_or_a_reason_naming_the_field(vote6, typed, says):
    with pytest.raises(ValidationFailed) as caught:
        queries.elector_by_room(vote6.consultation, typed)
    assert caught.value.field == "room" and says in caught.value.zh


def _choices(client, user, c, room):
    client.force_login(user)
    return client.get(reverse("consultations:elector_choices", args=[c.pk]), {"room": room})


def test_the_picker_offers_the_household_typed_already_chosen(client, vote6, staff_a):
    c = vote6.consultation
    response = _choices(client, staff_a, c, "3-2-501")
    body = response.content.decode()
    e = c.electors.get(key="3-2-501")
    assert response.status_code == 200 and "3栋2单元501室" in body
    assert f'name="elector" id="elector-{e.pk}" value="{e.pk}" checked' in body


def test_the_picker_lists_several_without_choosing(client, vote6, staff_a):
    body = _choices(client, staff_a, vote6.consultation, "3栋2单元").content.decode()
    assert body.count('type="radio"') == 6 and "checked" not in body


def test_the_picker_says_when_no_household_is_there(client, vote6, staff_a):
    body = _choices(client, staff_a, vote6.consultation, "3-1-501").content.decode()
    assert "本次表决范围内没有这个房号" in body and 'type="radio"' not in body


def test_the_picker_refuses_a_phone_in_its_address(client, vote6, staff_a):
    response = _choices(client, staff_a, vote6.consultation, "13800000001")
    assert response.status_code == 400 and "13800000001" not in response.content.decode()


def test_the_picker_is_for_staff_who_enter_ballots(client, vote6, volunteer_a, staff_b):
    assert _choices(client, volunteer_a, vote6.consultation, "501").status_code == 403
    assert _choices(client, staff_b, vote6.consultation, "501").status_code == 404


def test_the_detail_page_asks_for_a_room_code_instead_of_listing_every_household(client, vote6, staff_a):
    client.force_login(staff_a)
    page = client.get(reverse("consultations:detail", args=[vote6.consultation.pk])).content.decode()
    form = page[page.index('id="paper-form"'):page.index("</form>", page.index('id="paper-form"'))]
    assert 'name="room"' in form and reverse("consultations:elector_choices", args=[vote6.consultation.pk]) in form
    assert 'name="elector"' not in form  # the choices come with the room typed


def _paper(client, c, **data):
    q = c.questions.get()
    return client.post(reverse("consultations:paper", args=[c.pk]),
                       {"channel": "paper", "signer": "业主5", f"q{q.pk}": "yes", **data}, follow=True)


def test_a_room_typed_without_a_script_enters_the_ballot_for_that_household(client, vote6, staff_a):
    client.force_login(staff_a)
    c = vote6.consultation
    response = _paper(client, c, room="3栋2单元501")
    assert response.status_code == 200 and "已录入 3栋2单元501室 的表决票" in response.content.decode()
    assert Ballot.objects.get().elector == c.electors.get(key="3-2-501")


@pytest.mark.parametrize(("room", "says"), [("3栋2单元", "有 6 户"), ("3-1-501", "不在本次表决范围内")])
def test_a_room_naming_several_or_none_enters_nothing_and_says_why(client, vote6, staff_a, room, says):
    client.force_login(staff_a)
    response = _paper(client, vote6.consultation, room=room)
    assert says in response.content.decode()
    assert not Ballot.objects.exists()


def test_the_household_picked_wins_over_the_text(client, vote6, staff_a):
    client.force_login(staff_a)
    c = vote6.consultation
    picked = c.electors.get(key="3-2-301")
    _paper(client, c, room="3栋2单元", elector=str(picked.pk))
    assert Ballot.objects.get().elector == picked
