"""The demo sub-district reproduces the article's figures exactly, from the roster itself."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from django.db.models import Q

from anju.core.scoping import Scope
from anju.roster import demo, queries
from anju.roster.models import Compound, Household, Person, Unit

pytestmark = pytest.mark.django_db
EVERYTHING = Scope(everything=True)


def totals_of(names) -> queries.Totals:
    return queries.grand_total(queries.totals_by(EVERYTHING, "compound", Q(compound__name__in=list(names))))


def test_demo_totals_equal_the_article():
    sd = demo.load_demo()
    total = queries.grand_total(queries.totals_by(EVERYTHING, "community", Q(compound__subdistrict=sd)))
    assert (total.compounds, total.buildings, total.gross_area) == (42, 170, Decimal("417870.00"))
    assert sorted(sd.communities.values_list("name", flat=True)) == sorted(["南庄坪社区", "永康社区"])
    # Printed documents sign as the office and give a phone to call.
    sd.refresh_from_db()
    assert sd.issuer == "南庄坪街道办事处" and sd.phone.startswith("0719-8")
    assert {c.issuer for c in sd.communities.all()} == {"南庄坪社区居民委员会", "永康社区居民委员会"}
    assert all(c.phone.startswith("0719-8") for c in sd.communities.all())
    assert all(c.year_built < 2010 for c in Compound.objects.all())

    y2020 = totals_of(demo.PROGRAMME_2020)
    assert (len(demo.PROGRAMME_2020), y2020.buildings, y2020.households) == (9, 31, 860)
    y2021 = totals_of(demo.PROGRAMME_2021)
    assert (len(demo.PROGRAMME_2021), y2021.buildings, y2021.households, y2021.gross_area) == (10, 28, 1010, Decimal("149100.00"))
    wangjiao = totals_of(["旺角家园"])
    assert (wangjiao.households, wangjiao.people) == (369, 1200)

    for name in ("世纪花园", "金盾苑", "旺角家园", "安民小区", "茂隆新村"):
        assert Compound.objects.filter(name=name).exists(), name
    assert Unit.objects.filter(building__compound__name="金盾苑", has_elevator=True).count() == 2
    assert Unit.objects.filter(building__compound__name="世纪花园", has_elevator=True).count() == 1

    # Exclusive areas stay consistent with the buildings' gross areas.
    assert Decimal("0.7") < total.exclusive_area / total.gross_area < Decimal("0.9")
    # Mostly 5–7 storey walk-ups with 2–3 households per floor; elderly people on upper floors.
    assert set(Household.objects.values_list("unit__building__storeys", flat=True).distinct()) <= {5, 6, 7}
    assert total.stranded_elderly > 100

    # Running it again changes nothing.
    people = Person.objects.count()
    demo.load_demo()
    assert Person.objects.count() == people


def test_demo_accounts_log_in():
    demo.load_demo()
    for username, *_ in demo.DEMO_ACCOUNTS:
        assert authenticate(username=username, password=demo.DEMO_PASSWORD) is not None, username


def test_demo_plan_is_deterministic():
    first = demo._plan_group(demo.GROUPS[1], random.Random(demo.SEED))
    second = demo._plan_group(demo.GROUPS[1], random.Random(demo.SEED))
    assert [(b.shape, b.areas, b.gross_area, b.missing_ground) for b in first] == [
        (b.shape, b.areas, b.gross_area, b.missing_ground) for b in second
    ]
    assert sum(b.gross_area for b in first) == Decimal("149100.00")
    assert sum(b.households for b in first) == 1010
