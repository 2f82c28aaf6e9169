"""The demo sub-district 南庄坪街道, generated deterministically.

The article's figures hold exactly: 42 compounds built before 2010, 170 buildings, 417,870 m²;
the 9 compounds of the 2020 programme hold 31 buildings and 860 households; the 10 of the 2021
plan hold 28 buildings, 1,010 households and 149,100 m²; 旺角家园 has 369 households and 1,200
residents. Everything else (names, rooms, ages, ID numbers) is invented; ID numbers are fictitious
with valid checksums.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from anju.accounts.models import Profile, Role
from anju.core import audit
from anju.core.audit import Actor
from anju.domain.ids import make_id_number
from anju.roster import services, summary
from anju.roster.models import (
    Building,
    Community,
    Compound,
    Household,
    Occupancy,
    Ownership,
    Person,
    Residence,
    Structure,
    Subdistrict,
    Unit,
)

SEED = 20211231
SUBDISTRICT = "南庄坪街道"
COMMUNITIES = ("南庄坪社区", "永康社区")
# Printed documents sign with the office's name and give its phone (十堰市: area code 0719; fictional numbers).
SUBDISTRICT_PHONE = "0719-8651203"
COMMUNITY_PHONES = {"南庄坪社区": "0719-8651216", "永康社区": "0719-8653307"}
TOTAL_COMPOUNDS, TOTAL_BUILDINGS, TOTAL_GROSS_AREA = 42, 170, Decimal("417870.00")
DEMO_PASSWORD = "anju-demo-2021"


@dataclass(frozen=True)
class Group:
    """Compounds that share a figure in the article: buildings, households and gross area add up exactly."""

    key: str
    compounds: tuple[tuple[str, str, int, int], ...]  # (name, community, year built, buildings)
    households: int
    gross_area: Decimal
    people: int | None = None  # exact residents, where the article gives them


N, Y = COMMUNITIES
GROUPS: tuple[Group, ...] = (
    Group("programme-2020", (
        ("世纪花园", N, 2001, 5), ("金盾苑", Y, 1999, 4), ("安民小区", N, 1996, 3), ("茂隆新村", N, 1998, 4),
        ("向阳小区", Y, 1993, 3), ("建设新村", N, 1990, 3), ("电力宿舍", Y, 1995, 3), ("粮食局宿舍", N, 1992, 3),
        ("和平里", Y, 1994, 3),
    ), households=860, gross_area=Decimal("73100.00")),
    Group("programme-2021", (
        ("锦绣花园", N, 2005, 3), ("丽景苑", Y, 2006, 3), ("清华苑", N, 2004, 3), ("金桂园", Y, 2007, 3),
        ("银杏苑", N, 2003, 3), ("翠竹园", Y, 2005, 3), ("兴业小区", N, 2002, 3), ("康乐苑", Y, 2008, 3),
        ("文华小区", N, 2006, 2), ("同心家园", Y, 2009, 2),
    ), households=1010, gross_area=Decimal("149100.00")),
    Group("wangjiao", (("旺角家园", Y, 2000, 8),), households=369, gross_area=Decimal("33210.00"), people=1200),
    Group("other", tuple(
        (name, COMMUNITIES[i % 2], 1988 + (i * 7) % 21, 5 if i < 15 else 4)
        for i, name in enumerate((
            "福馨苑", "枫林小区", "南苑小区", "永安里", "教育局宿舍", "供销社宿舍", "纺织厂宿舍", "汽运小区",
            "邮电小区", "水利小区", "卫生局宿舍", "工商小区", "税务小区", "明珠苑", "怡和苑", "瑞景小区",
            "阳光小区", "新华里", "东风小区", "滨江苑", "春晖苑", "桃源小区",
        ))
    ), households=1911, gross_area=Decimal("162460.00")),
)
PROGRAMME_2020 = tuple(c[0] for c in GROUPS[0].compounds)
PROGRAMME_2021 = tuple(c[0] for c in GROUPS[1].compounds)
# 世纪花园: the city's first retrofitted elevator (end of 2020); 金盾苑: two elevators.
ELEVATORS = {"世纪花园": 1, "金盾苑": 2}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "建国华明红英芳军平秀兰玉梅丽敏静强伟勇磊洋艳杰涛超霞刚辉鹏飞燕春林海波宇欣怡晨雨嘉轩子涵浩然思琪俊杰佳慧文博志宏德福荣贵"


@dataclass
class Shape:
    storeys: int
    units: int
    per_floor: int

    @property
    def capacity(self) -> int:
        return self.storeys * self.units * self.per_floor


SHAPES = sorted((Shape(s, u, p) for s in (5, 6, 7) for u in (1, 2, 3) for p in (2, 3)), key=lambda s: (s.capacity, s.storeys))


@dataclass
class PlannedBuilding:
    compound: str
    number: str
    shape: Shape
    missing_ground: int = 0  # ground-floor rooms used as shops or garages, not dwellings
    areas: list[Decimal] = field(default_factory=list)  # exclusive area per position on a floor
    gross_area: Decimal = Decimal("0")

    @property
    def households(self) -> int:
        return self.shape.capacity - self.missing_ground

    @property
    def exclusive_total(self) -> Decimal:
        return sum(self.rooms_area(), Decimal("0"))

    def rooms(self) -> Iterator[tuple[int, int, int, Decimal]]:
        """(unit, floor, position, area) for every dwelling; missing ground rooms are the last positions of floor 1."""
        s = self.shape
        skip = self.missing_ground
        ground = [(u, pos) for u in range(1, s.units + 1) for pos in range(1, s.per_floor + 1)]
        skipped = set(ground[len(ground) - skip:]) if skip else set()
        for u in range(1, s.units + 1):
            for floor in range(1, s.storeys + 1):
                for pos in range(1, s.per_floor + 1):
                    if floor == 1 and (u, pos) in skipped:
                        continue
                    yield u, floor, pos, self.areas[pos - 1]

    def rooms_area(self) -> Iterator[Decimal]:
        return (area for *_, area in self.rooms())


def _plan_group(group: Group, rng: random.Random) -> list[PlannedBuilding]:
    buildings = [PlannedBuilding(name, str(n), SHAPES[0]) for name, _c, _y, count in group.compounds for n in range(1, count + 1)]
    mean = group.households / len(buildings)
    near = [s for s in SHAPES if 0.75 * mean <= s.capacity <= 1.2 * mean] or SHAPES
    for b in buildings:
        b.shape = rng.choice(near)
    # Grow the smallest buildings until there are enough dwellings, then give the surplus ground floors to shops.
    while sum(b.shape.capacity for b in buildings) < group.households:
        b = min(buildings, key=lambda b: (b.shape.capacity, b.compound, int(b.number)))
        b.shape = next(s for s in SHAPES if s.capacity > b.shape.capacity)
    surplus = sum(b.shape.capacity for b in buildings) - group.households
    while surplus:
        for b in buildings:
            if surplus and b.missing_ground < b.shape.units * b.shape.per_floor - 1:
                b.missing_ground += 1
                surplus -= 1
    mean_area = Decimal("0.8") * group.gross_area / group.households
    for b in buildings:
        b.areas = [(mean_area * Decimal(rng.uniform(0.8, 1.2))).quantize(Decimal("0.01")) for _ in range(b.shape.per_floor)]
    _allocate_gross(buildings, group.gross_area)
    return buildings


def _allocate_gross(buildings: list[PlannedBuilding], total: Decimal) -> None:
    """Split the group's gross area over its buildings in proportion to their exclusive areas, exactly to 0.01 m²."""
    cents = int(total * 100)
    weights = [b.exclusive_total for b in buildings]
    whole = sum(weights)
    raw = [Decimal(cents) * w / whole for w in weights]
    floors = [int(r) for r in raw]
    order = sorted(range(len(buildings)), key=lambda i: (-(raw[i] - floors[i]), i))
    for i in order[: cents - sum(floors)]:
        floors[i] += 1
    for b, c in zip(buildings, floors, strict=True):
        b.gross_area = (Decimal(c) / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class _People:
    """Invented people with fictitious, valid ID numbers; deterministic for a seed."""

    def __init__(self, rng: random.Random, subdistrict: Subdistrict) -> None:
        self.rng = rng
        self.subdistrict = subdistrict
        self.sequence = 0
        self.this_year = datetime.date.today().year

    def make(self, *, age_range: tuple[int, int], party_rate: float = 0.08) -> Person:
        rng = self.rng
        age = rng.randint(*age_range)
        birth = datetime.date(self.this_year - age, rng.randint(1, 12), rng.randint(1, 28))
        sex = rng.choice("MF")
        self.sequence += 1
        seq = (self.sequence * 2 + (1 if sex == "M" else 0)) % 1000
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        phone = f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}" if age >= 16 else ""
        return services.build_person(
            subdistrict=self.subdistrict, name=name, sex=sex, birth_year=birth.year,
            id_number=make_id_number(rng.choice(("420302", "420303")), birth, seq), phone=phone,
            limited_mobility=age >= 75 and rng.random() < 0.3, party_member=age >= 25 and rng.random() < party_rate,
        )


def _household_people(rng: random.Random, floor: int, occupancy: str) -> list[tuple[int, int]]:
    """Age ranges of the residents of one dwelling; older people more often on upper floors, as in the article."""
    if occupancy == Occupancy.VACANT:
        return []
    if occupancy == Occupancy.RENTED:
        return [(22, 45)] * rng.choice((1, 2, 2, 3))
    kind = rng.random()
    if kind < 0.30 + 0.02 * floor:
        return [(60, 88)] * rng.choice((1, 2, 2))
    if kind < 0.75:
        return [(32, 58), (32, 58), (3, 18)][: rng.choice((2, 3, 3))]
    return [(30, 55), (28, 52), (3, 16), (62, 85)]


@transaction.atomic
def load_demo() -> Subdistrict:
    """Create the demo sub-district, its roster and demo accounts. Safe to run twice: the second run does nothing."""
    existing = Subdistrict.objects.filter(name=SUBDISTRICT).first()
    if existing is not None:
        return existing
    rng = random.Random(SEED)
    actor = Actor.system("demo")
    sd = services.subdistrict_create(name=SUBDISTRICT, city="十堰市", district="茅箭区", actor=actor)
    Subdistrict.objects.filter(pk=sd.pk).update(phone=SUBDISTRICT_PHONE)
    sd.phone = SUBDISTRICT_PHONE
    communities = {name: Community.objects.create(subdistrict=sd, name=name, phone=COMMUNITY_PHONES[name])
                   for name in COMMUNITIES}
    people = _People(rng, sd)
    for group in GROUPS:
        planned = _plan_group(group, rng)
        _create_group(group, planned, communities, sd, people, rng)
    _create_accounts(sd, communities)
    audit.record(actor=actor, action="load_demo", obj=sd, before=None, after={"compounds": TOTAL_COMPOUNDS}, subdistrict_id=sd.pk)
    return sd


def _create_group(group: Group, planned: list[PlannedBuilding], communities: dict[str, Community], sd: Subdistrict,
                  people: _People, rng: random.Random) -> None:
    compounds: dict[str, Compound] = {}
    for name, community, year, _count in group.compounds:
        compounds[name] = Compound.objects.create(
            community=communities[community], subdistrict=sd, name=name, year_built=year,
            address=f"{sd.city}{sd.district}{community.removesuffix('社区')}路{rng.randint(1, 200)}号",
            land_area=Decimal(rng.randint(6000, 30000)),
        )
    building_rows: list[tuple[PlannedBuilding, Building]] = []
    for p in planned:
        c = compounds[p.compound]
        building_rows.append((p, Building(
            compound=c, number=p.number, storeys=p.shape.storeys, gross_area=p.gross_area, year_built=c.year_built,
            structure=Structure.MASONRY if p.shape.storeys <= 6 else Structure.FRAME,
        )))
    Building.objects.bulk_create([b for _, b in building_rows])
    units: dict[tuple[int, int], Unit] = {}
    unit_rows = [Unit(building=b, number=str(u)) for p, b in building_rows for u in range(1, p.shape.units + 1)]
    for unit in Unit.objects.bulk_create(unit_rows):
        units[(unit.building.pk, int(unit.number))] = unit
    for name, lifts in ELEVATORS.items():
        if name in compounds:
            first_units = Unit.objects.filter(building__compound=compounds[name]).order_by("building_id", "id")[:lifts]
            Unit.objects.filter(pk__in=[u.pk for u in first_units]).update(has_elevator=True)
    households: list[Household] = []
    for p, b in building_rows:
        for u, floor, pos, area in p.rooms():
            occupancy = rng.choices((Occupancy.OWNER, Occupancy.RENTED, Occupancy.VACANT), (80, 13, 7))[0]
            households.append(Household(
                unit=units[(b.pk, u)], compound=b.compound, floor=floor, room=f"{floor}{pos:02d}",
                exclusive_area=area, occupancy=occupancy,
            ))
    Household.objects.bulk_create(households, batch_size=2000)
    plan = [(h, _household_people(rng, h.floor, h.occupancy)) for h in households]
    if group.people is not None:
        _fit_people(plan, group.people, rng)
    persons: list[Person] = []
    links: list[tuple[str, int, int]] = []  # (kind, person index, household pk)
    for h, ages in plan:
        first = len(persons)
        for age_range in ages:
            persons.append(people.make(age_range=age_range))
            links.append(("res", len(persons) - 1, h.pk))
        if h.occupancy == Occupancy.OWNER and ages:
            adults = [first + i for i, r in enumerate(ages) if r[0] >= 22][:2] or [first]
            links.extend(("own", i, h.pk) for i in adults)
        else:  # the owner lives elsewhere
            persons.append(people.make(age_range=(35, 75)))
            links.append(("own", len(persons) - 1, h.pk))
    Person.objects.bulk_create(persons, batch_size=2000)
    Residence.objects.bulk_create(
        [Residence(person=persons[i], household_id=pk) for kind, i, pk in links if kind == "res"], batch_size=5000
    )
    Ownership.objects.bulk_create(
        [Ownership(person=persons[i], household_id=pk) for kind, i, pk in links if kind == "own"], batch_size=5000
    )
    summary.refresh_buildings(b.pk for _, b in building_rows)  # bulk inserts bypass the services


def _fit_people(plan: list[tuple[Household, list[tuple[int, int]]]], target: int, rng: random.Random) -> None:
    """Add or remove residents in occupied dwellings until the total is exactly `target`."""
    occupied = [ages for h, ages in plan if h.occupancy != Occupancy.VACANT]
    total = sum(len(a) for a in occupied)
    while total < target:
        ages = rng.choice(occupied)
        if len(ages) < 6:
            ages.append((3, 85))
            total += 1
    while total > target:
        ages = rng.choice(occupied)
        if len(ages) > 1:
            ages.pop()
            total -= 1


DEMO_ACCOUNTS = (
    # username, role, community, compound, display name
    ("jiedao", Role.SUBDISTRICT_STAFF, None, None, "周敏"),
    ("nanzhuangping", Role.COMMUNITY_STAFF, "南庄坪社区", None, "李华"),
    ("yongkang", Role.COMMUNITY_STAFF, "永康社区", None, "陈静"),
    ("zhiyuanzhe", Role.VOLUNTEER, "南庄坪社区", "世纪花园", "黎建国"),
)


def _create_accounts(sd: Subdistrict, communities: dict[str, Community]) -> None:
    User = get_user_model()
    for username, role, community, compound, display in DEMO_ACCOUNTS:
        user = User.objects.create_user(username=username, password=DEMO_PASSWORD, is_staff=role != Role.VOLUNTEER)
        Profile.objects.create(
            user=user, role=role, subdistrict=sd, display_name=display,
            community=communities[community] if community else None,
            compound=Compound.objects.get(community=communities[community], name=compound) if compound else None,
        )
    User.objects.create_superuser(username="admin", password=DEMO_PASSWORD, email="")
