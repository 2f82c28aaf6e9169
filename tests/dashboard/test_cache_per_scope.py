"""A sub-district's dashboard stays warm while other sub-districts write, and is fresh at once after its own."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from anju.core import scopecache
from anju.core.scoping import Scope
from anju.dashboard import queries
from anju.roster import services as roster
from anju.roster.models import Unit
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def second(world):
    """Sub-district B: one community, one compound, one building with a unit and one household."""
    sd = roster.subdistrict_create(name="北关街道", actor=SYSTEM)
    community = roster.community_create(subdistrict=sd, name="北关社区", actor=SYSTEM)
    compound = roster.compound_create(community=community, name="北关小区", year_built=1995, actor=SYSTEM)
    building = roster.building_create(
        compound=compound, number="1", storeys=6, gross_area="900", actor=SYSTEM
    )
    unit = building.units.get()
    roster.household_create(unit=unit, floor=1, room="101", exclusive_area="60", actor=SYSTEM)
    return sd


def _scope(subdistrict) -> Scope:
    return Scope(everything=False, subdistrict_id=subdistrict.pk)


def _write_in(subdistrict, room: str) -> None:
    unit = Unit.objects.filter(building__compound__subdistrict=subdistrict).order_by("id").first()
    roster.household_create(unit=unit, floor=2, room=room, exclusive_area="50", actor=SYSTEM)


def test_a_write_in_another_subdistrict_leaves_the_figures_cached(world, second, django_assert_num_queries):
    a = _scope(world.subdistrict)
    before = queries.roster_summary(a)
    rates = queries.approval_rates(a)
    _write_in(second, "201")
    with django_assert_num_queries(0):
        assert queries.roster_summary(a).households == before.households
        assert queries.approval_rates(a) == rates


def test_a_write_in_the_same_subdistrict_shows_at_once_and_only_there(
    world, second, django_assert_num_queries
):
    a, b = _scope(world.subdistrict), _scope(second)
    households_a, households_b = queries.roster_summary(a).households, queries.roster_summary(b).households
    _write_in(world.subdistrict, "202")
    assert queries.roster_summary(a).households == households_a + 1
    with django_assert_num_queries(0):
        assert queries.roster_summary(b).households == households_b


def test_a_community_or_compound_scope_follows_its_subdistrict(world, second, django_assert_num_queries):
    community = Scope(
        everything=False, subdistrict_id=world.subdistrict.pk, community_id=world.community_a.pk
    )
    households = queries.roster_summary(community).households
    _write_in(second, "203")
    with django_assert_num_queries(0):
        queries.roster_summary(community)
    roster.household_create(
        unit=world.building_a.units.get(number="2"), floor=1, room="103", exclusive_area="50", actor=SYSTEM
    )
    assert queries.roster_summary(community).households == households + 1


def test_a_city_wide_scope_is_fresh_after_a_write_in_any_subdistrict(world, second):
    city = Scope(everything=True)
    households = queries.roster_summary(city).households
    _write_in(second, "204")
    assert queries.roster_summary(city).households == households + 1
    _write_in(world.subdistrict, "205")
    assert queries.roster_summary(city).households == households + 2


def test_the_version_moves_again_when_the_write_commits(world, django_capture_on_commit_callbacks):
    # A reader between the write and its commit caches the rows of before under the first new token.
    a = _scope(world.subdistrict)
    first = scopecache.version(a)
    with django_capture_on_commit_callbacks(execute=True):
        _write_in(world.subdistrict, "206")
        during = scopecache.version(a)
    assert len({first, during, scopecache.version(a)}) == 3


def test_an_evicted_version_never_brings_back_old_figures(world, django_assert_num_queries):
    from django.core.cache import cache

    a = _scope(world.subdistrict)
    queries.roster_summary(a)
    cache.delete(f"version:{world.subdistrict.pk}")
    with CaptureQueriesContext(connection) as cold:
        queries.roster_summary(a)
    assert len(cold.captured_queries) > 0


def test_the_dashboard_page_stays_warm_while_another_subdistrict_writes(
    client, subdistrict_staff, world, second
):
    client.force_login(subdistrict_staff)
    url = reverse("dashboard:index")
    with CaptureQueriesContext(connection) as cold:
        client.get(url)
    with CaptureQueriesContext(connection) as warm:
        client.get(url)
    _write_in(second, "207")
    with CaptureQueriesContext(connection) as after:
        page = client.get(url)
    assert page.status_code == 200
    assert len(after.captured_queries) == len(warm.captured_queries) < len(cold.captured_queries)


def test_versions_live_in_redis_when_it_is_configured(settings, world, second, django_assert_num_queries):
    redis = pytest.importorskip("redis")
    try:
        client = redis.Redis.from_url(REDIS_URL, socket_timeout=2)
        client.ping()
    except redis.RedisError:
        pytest.skip("Redis at 127.0.0.1:6379 is not reachable")
    prefix = f"anju-test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    try:
        a = _scope(world.subdistrict)
        queries.roster_summary(a)
        stored_a = client.get(f"{prefix}:1:version:{world.subdistrict.pk}")
        _write_in(second, "208")
        assert (
            client.get(f"{prefix}:1:version:{world.subdistrict.pk}") == stored_a
        )  # another process sees this
        assert client.get(f"{prefix}:1:version:{second.pk}") is not None
        with django_assert_num_queries(0):
            queries.roster_summary(a)
    finally:
        for key in client.scan_iter(prefix + "*"):
            client.delete(key)


def test_a_write_while_the_cache_is_down_is_refused_and_saves_nothing(settings, world):
    redis = pytest.importorskip("redis")
    from anju.roster.models import Household

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    before = Household.objects.count()
    with pytest.raises(redis.ConnectionError):  # the middleware answers it with the polite 503
        _write_in(world.subdistrict, "209")
    assert Household.objects.count() == before
