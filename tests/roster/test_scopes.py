"""A community-A user gets 404 for community-B objects in pages, API and admin; ancestors stay visible."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def page_urls(world, side: str) -> list[str]:
    compound = getattr(world, f"compound_{side}")
    return [
        reverse("roster:community", args=[compound.community_id]),
        reverse("roster:compound", args=[compound.pk]),
        reverse("roster:building", args=[getattr(world, f"building_{side}").pk]),
        reverse("roster:household", args=[getattr(world, f"household_{side}").pk]),
        reverse("roster:person", args=[getattr(world, f"owner_{side}").pk]),
    ]


def test_community_staff_see_their_own_community_pages(client, world, staff_a):
    client.force_login(staff_a)
    for url in page_urls(world, "a"):
        assert client.get(url).status_code == 200, url


def test_community_staff_get_404_for_the_other_community(client, world, staff_a):
    client.force_login(staff_a)
    for url in page_urls(world, "b"):
        assert client.get(url).status_code == 404, url


def test_subdistrict_staff_see_both_communities(client, world, subdistrict_staff):
    client.force_login(subdistrict_staff)
    for url in page_urls(world, "a") + page_urls(world, "b"):
        assert client.get(url).status_code == 200, url


def test_volunteer_sees_only_their_compound(client, world, volunteer_a):
    client.force_login(volunteer_a)
    assert client.get(reverse("roster:compound", args=[world.compound_a.pk])).status_code == 200
    assert client.get(reverse("roster:compound", args=[world.compound_b.pk])).status_code == 404
    assert client.get(reverse("roster:household", args=[world.household_b.pk])).status_code == 404


def test_a_user_without_a_role_sees_nothing(client, world, outsider):
    client.force_login(outsider)
    for url in page_urls(world, "a"):
        assert client.get(url).status_code == 404, url


def test_anonymous_users_are_sent_to_login(client, world):
    response = client.get(reverse("roster:household", args=[world.household_a.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_search_never_returns_the_other_communitys_households(client, world, staff_a):
    client.force_login(staff_a)
    # The same room code exists in both communities.
    response = client.get(reverse("roster:search"), {"q": "3-1-501"})
    assert response.status_code == 200
    assert [hit.household for hit in response.context["hits"]] == [world.household_a]


def test_home_lands_each_role_on_its_level(client, world, staff_a, volunteer_a, subdistrict_staff):
    client.force_login(staff_a)
    assert client.get(reverse("roster:home"))["Location"] == reverse("roster:community", args=[world.community_a.pk])
    client.force_login(volunteer_a)
    assert client.get(reverse("roster:home"))["Location"] == reverse("roster:compound", args=[world.compound_a.pk])
    client.force_login(subdistrict_staff)
    assert client.get(reverse("roster:home"))["Location"] == reverse("roster:subdistrict", args=[world.subdistrict.pk])


@pytest.mark.parametrize("model", ["community", "compound", "building", "unit", "household", "person"])
def test_admin_change_page_of_the_other_community_is_not_found(client, world, staff_a, model):
    client.force_login(staff_a)
    objects = {
        "community": world.community_b, "compound": world.compound_b, "building": world.building_b,
        "unit": world.building_b.units.first(), "household": world.household_b, "person": world.owner_b,
    }
    obj = objects[model]
    own = {"community": world.community_a, "compound": world.compound_a, "building": world.building_a,
           "unit": world.building_a.units.first(), "household": world.household_a, "person": world.owner_a}[model]
    other = client.get(reverse(f"admin:roster_{model}_change", args=[obj.pk]))
    # Django admin answers an object outside the queryset with a redirect to the index and a message.
    assert other.status_code == 302 and other["Location"] == reverse("admin:index")
    assert client.get(reverse(f"admin:roster_{model}_change", args=[own.pk])).status_code == 200
    listing = client.get(reverse(f"admin:roster_{model}_changelist"))
    assert listing.status_code == 200
    assert obj.pk not in {o.pk for o in listing.context["cl"].result_list}


def test_admin_household_edit_is_validated_and_audited(client, world, staff_a):
    from anju.core.models import AuditEvent

    client.force_login(staff_a)
    url = reverse("admin:roster_household_change", args=[world.household_a.pk])
    form = {"unit": world.household_a.unit_id, "floor": 9, "room": "501", "exclusive_area": "72.50", "occupancy": "owner",
            "note": "", "ownerships-TOTAL_FORMS": 0, "ownerships-INITIAL_FORMS": 0, "residences-TOTAL_FORMS": 0,
            "residences-INITIAL_FORMS": 0}
    response = client.post(url, form)
    assert response.status_code == 200 and "6 层" in response.content.decode()  # the building has 6 storeys
    form["floor"], form["exclusive_area"] = 5, "73.00"
    response = client.post(url, form)
    assert response.status_code == 302
    event = AuditEvent.objects.filter(object_type="roster.household", action="update").latest("id")
    assert event.actor_label == "staff_a" and event.after["exclusive_area"] == "73.00"
