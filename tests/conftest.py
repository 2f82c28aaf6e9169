"""The fixed cast: sub-district staff, community-A staff, community-B staff, a volunteer, an outsider."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from anju.accounts.models import Role
from tests.factories import World, make_user, make_world

# No deadlines and no "too slow" health check: CI shares its machine, and a property that holds
# does not fail for being slow once.
hypothesis_settings.register_profile("anju", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("anju")


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _office_language():
    """Each test starts in Chinese: a previous test's English request must not leak into this one's setup."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _strict_audit(settings):
    """An audit action no app declares fails the test that writes it (production writes and logs it)."""
    settings.ANJU_AUDIT_STRICT = True


@pytest.fixture
def world(db) -> World:
    return make_world()


@pytest.fixture
def subdistrict_staff(world):
    return make_user("jiedao", Role.SUBDISTRICT_STAFF, world)


@pytest.fixture
def staff_a(world):
    return make_user("staff_a", Role.COMMUNITY_STAFF, world, community=world.community_a)


@pytest.fixture
def staff_b(world):
    return make_user("staff_b", Role.COMMUNITY_STAFF, world, community=world.community_b)


@pytest.fixture
def volunteer_a(world):
    return make_user("volunteer_a", Role.VOLUNTEER, world, community=world.community_a, compound=world.compound_a)


@pytest.fixture
def outsider(world):
    return make_user("outsider", None, world)
