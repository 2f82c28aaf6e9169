"""开始使用: a new sub-district's 我的待办 shows three first steps, each ticked from the data as it is done
(households in the roster, a community staff account, a consultation), closable once all three are."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from anju.accounts import invitations
from anju.accounts.models import Profile, Role
from anju.consultations import services as consultations
from anju.core.audit import Actor
from anju.core.models import AuditEvent
from anju.core.scoping import scope_of
from anju.roster import services as roster
from tests.factories import PASSWORD, SYSTEM, make_world

pytestmark = pytest.mark.django_db

STEP = re.compile(r'data-step="(\w+)" data-done="([01])"')


def _staff(username: str, subdistrict, role=Role.SUBDISTRICT_STAFF, community=None, compound=None):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, is_staff=True)
    Profile.objects.create(user=user, role=role, subdistrict=subdistrict, community=community, compound=compound)
    return user


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ticks(client: Client) -> dict[str, bool] | None:
    """The checklist as the page shows it: step → ticked, or None when there is no checklist."""
    page = client.get(reverse("dashboard:work")).content.decode()
    if 'data-testid="first-steps"' not in page:
        return None
    return {step: done == "1" for step, done in STEP.findall(page)}


@pytest.fixture
def office():
    """A sub-district just set up: one community, nothing else; and its first sub-district worker."""
    subdistrict = roster.subdistrict_create(name="新建街道", actor=SYSTEM)
    community = roster.community_create(subdistrict=subdistrict, name="新社区", actor=SYSTEM)
    return subdistrict, community, _staff("first", subdistrict)


def test_the_ticks_move_as_each_step_is_done(office):
    subdistrict, community, worker = office
    client = _client(worker)
    assert ticks(client) == {"roster": False, "staff": False, "consultation": False}
    page = client.get(reverse("dashboard:work")).content.decode()
    assert 'data-testid="first-steps-dismiss"' not in page  # nothing to close before all is done
    for name in ("roster:transfer_upload", "consultations:new"):
        assert f'href="{reverse(name)}"' in page
    assert f'href="{reverse("roster:setup_detail", args=[subdistrict.pk])}"' in page

    compound = roster.compound_create(community=community, name="新小区", year_built=1995, actor=SYSTEM)
    building = roster.building_create(compound=compound, number="1", storeys=6, units=1, gross_area=Decimal("2000"),
                                      actor=SYSTEM)
    assert ticks(client) == {"roster": False, "staff": False, "consultation": False}  # buildings are not households
    roster.household_create(unit=building.units.get(number="1"), floor=2, room="201", exclusive_area="60.00",
                            actor=SYSTEM)
    assert ticks(client) == {"roster": True, "staff": False, "consultation": False}

    invitations.invitation_create(scope=scope_of(worker), role=Role.COMMUNITY_STAFF, subdistrict_id=subdistrict.pk,
                                  community=community, username="shequ", display_name="社区小李",
                                  link_for=lambda key: f"http://testserver/{key}", actor=Actor.of(worker))
    assert ticks(client) == {"roster": True, "staff": True, "consultation": False}

    consultations.consultation_create(compound=compound, title="改造意愿征求", actor=Actor.of(worker))
    assert ticks(client) == {"roster": True, "staff": True, "consultation": True}
    assert 'data-testid="first-steps-dismiss"' in client.get(reverse("dashboard:work")).content.decode()

    response = client.post(reverse("dashboard:first_steps_dismiss"))
    assert response.status_code == 302
    assert ticks(client) is None
    assert ticks(_client(_staff("colleague", subdistrict))) is None  # closed for the whole office
    assert AuditEvent.objects.filter(action="first_steps_dismiss", subdistrict_id=subdistrict.pk).count() == 1


def test_the_list_cannot_be_closed_before_all_three_are_done(office):
    subdistrict, community, worker = office
    client = _client(worker)
    response = client.post(reverse("dashboard:first_steps_dismiss"), follow=True)
    assert "还有 3 步没有完成" in response.content.decode()
    assert ticks(client) == {"roster": False, "staff": False, "consultation": False}


def test_another_offices_data_ticks_nothing_here(office):
    world = make_world()  # another sub-district with households, its community staff and a consultation
    _staff("their_staff", world.subdistrict, role=Role.COMMUNITY_STAFF, community=world.community_a)
    consultations.consultation_create(compound=world.compound_a, title="加装电梯表决", actor=SYSTEM)
    assert ticks(_client(office[2])) == {"roster": False, "staff": False, "consultation": False}


def test_volunteers_and_superusers_see_no_checklist(office):
    subdistrict, community, _ = office
    compound = roster.compound_create(community=community, name="新小区", year_built=1995, actor=SYSTEM)
    volunteer = _staff("helper", subdistrict, role=Role.VOLUNTEER, community=community, compound=compound)
    root = get_user_model().objects.create_superuser("root", password="x" * 20)
    assert ticks(_client(volunteer)) is None
    assert ticks(_client(root)) is None
    assert _client(volunteer).post(reverse("dashboard:first_steps_dismiss")).status_code == 403


def test_community_staff_see_their_offices_checklist(office):
    subdistrict, community, _ = office
    staff = _staff("shequ_wang", subdistrict, role=Role.COMMUNITY_STAFF, community=community)
    assert ticks(_client(staff)) == {"roster": False, "staff": True, "consultation": False}


def test_the_checklist_speaks_english(office):
    client = _client(office[2])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("dashboard:work")).content.decode()
    assert "Getting started: three steps" in page and "0 of 3 done" in page
