"""Reads of the roster that are more than a one-liner: counts and areas at every level, search.

Counts are computed in a fixed number of grouped queries per page, whatever the number of rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Sum, When
from django.utils import timezone

from anju.core import crypto
from anju.core.errors import ValidationFailed
from anju.core.logging import contains_personal_number
from anju.core.scoping import Scope, ScopePaths
from anju.domain.errors import DomainError
from anju.domain.ids import normalize_id_number, normalize_phone
from anju.domain.roomcode import parse_room_query
from anju.roster import namesearch, summary
from anju.roster.models import (
    ELDERLY_AGE,
    STRANDED_FROM_FLOOR,
    Building,
    Compound,
    EndedTie,
    Household,
    Ownership,
    Person,
    Residence,
    RevealLog,
    Unit,
)

Level = Literal["community", "compound", "building", "unit"]

# How each source table reaches the id of a grouping level.
_BUILDING_PATH = {"community": "compound__community_id", "compound": "compound_id", "building": "id"}
_HOUSEHOLD_PATH = {"community": "compound__community_id", "compound": "compound_id", "building": "unit__building_id", "unit": "unit_id"}


@dataclass
class Totals:
    """Counts and areas of one node of the hierarchy; areas in m²."""

    compounds: int = 0
    buildings: int = 0
    households: int = 0
    people: int = 0
    elderly: int = 0
    stranded_elderly: int = 0  # 悬空老人
    gross_area: Decimal = field(default_factory=lambda: Decimal("0.00"))
    exclusive_area: Decimal = field(default_factory=lambda: Decimal("0.00"))

    def __iadd__(self, other: Totals) -> Totals:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        return self


def _m2(value: Decimal | None) -> Decimal:
    # SQLite sums decimals as binary floating point; areas are kept to 0.01 m², far above that error.
    return (value or Decimal(0)).quantize(Decimal("0.01"))


def elderly_born_by(year: int | None = None) -> int:
    """Latest birth year of someone who is elderly (60+) this year."""
    return (year or timezone.localdate().year) - ELDERLY_AGE


def stranded_q(prefix: str = "") -> Q:
    """Residents aged 60+ on the 3rd floor or above of a unit without an elevator (悬空老人)."""
    return Q(**{
        f"{prefix}household__floor__gte": STRANDED_FROM_FLOOR,
        f"{prefix}household__unit__has_elevator": False,
        f"{prefix}person__birth_year__lte": elderly_born_by(),
    })


def totals_by(scope: Scope, level: Level, where: Q | None = None) -> dict[int, Totals]:
    """Totals grouped by `level` id, for the households and buildings the scope can see (and `where` on households)."""
    where = where or Q()
    result: dict[int, Totals] = defaultdict(Totals)
    households = Household.objects.within(scope).filter(where)
    hpath = _HOUSEHOLD_PATH[level]
    for row in households.values(hpath).annotate(n=Count("id"), area=Sum("exclusive_area")).order_by():
        t = result[row[hpath]]
        t.households, t.exclusive_area = row["n"], _m2(row["area"])
    residences = Residence.objects.filter(household__in=households)
    rpath = "household__" + hpath
    born_by = elderly_born_by()
    for row in residences.values(rpath).annotate(
        n=Count("person_id", distinct=True),
        elderly=Count("person_id", distinct=True, filter=Q(person__birth_year__lte=born_by)),
        stranded=Count("person_id", distinct=True, filter=stranded_q()),
    ).order_by():
        t = result[row[rpath]]
        t.people, t.elderly, t.stranded_elderly = row["n"], row["elderly"], row["stranded"]
    if level in _BUILDING_PATH:
        bpath = _BUILDING_PATH[level]
        buildings = Building.objects.within(scope)
        if where:
            buildings = buildings.filter(id__in=households.values("unit__building_id"))
        for row in buildings.values(bpath).annotate(
            n=Count("id"), area=Sum("gross_area"), compounds=Count("compound_id", distinct=True)
        ).order_by():
            t = result[row[bpath]]
            t.buildings, t.gross_area, t.compounds = row["n"], _m2(row["area"]), row["compounds"]
    return dict(result)


KeptLevel = Literal["community", "compound", "building"]
_KEPT_PATH = {"community": "community_id", "compound": "compound_id", "building": "building_id"}


def kept_units_with_elevator(scope: Scope) -> int:
    """Units with an elevator in `scope`, summed from the kept building summaries."""
    return summary.current_rows(scope).aggregate(n=Sum("units_with_elevator"))["n"] or 0


def kept_totals_by(scope: Scope, level: KeptLevel, where: Q | None = None) -> dict[int, Totals]:
    """Totals grouped by `level` id, summed from the kept building summaries in `scope` (and `where`, on their
    columns subdistrict_id, community_id, compound_id): one grouped query, whatever the households in scope.
    `totals_by` recounts the same from the rows."""
    rows = summary.current_rows(scope).filter(where or Q())
    path = _KEPT_PATH[level]
    result: dict[int, Totals] = {}
    for row in rows.values(path).annotate(
        compounds=Count("compound_id", distinct=True), buildings=Count("building_id"), households=Sum("households"),
        people=Sum("people"), elderly=Sum("elderly"), stranded=Sum("stranded_elderly"),
        area=Sum("exclusive_area_cm2"), gross=Sum("gross_area_cm2"),
    ).order_by():
        result[row[path]] = Totals(
            compounds=row["compounds"], buildings=row["buildings"], households=row["households"] or 0,
            people=row["people"] or 0, elderly=row["elderly"] or 0, stranded_elderly=row["stranded"] or 0,
            exclusive_area=Decimal(row["area"] or 0).scaleb(-2), gross_area=Decimal(row["gross"] or 0).scaleb(-2),
        )
    return result



def grand_total(per_node: dict[int, Totals]) -> Totals:
    total = Totals()
    for t in per_node.values():
        total += t
    return total


def stranded_elderly(scope: Scope) -> QuerySet[Residence]:
    """The list to act on: who, where, how old."""
    households = Household.objects.within(scope)
    return (
        Residence.objects.filter(household__in=households)
        .filter(stranded_q())
        .select_related("person", "household__unit__building", "household__compound")
        .order_by("household__compound_id", "household__unit__building_id", "household__unit_id", "-household__floor")
    )


# A household's scope paths as seen from an ownership or a residence.
_LINK_PATHS = ScopePaths(subdistrict="household__compound__subdistrict_id", community="household__compound__community_id",
                         compound="household__compound_id")

MAX_QUERY_LENGTH = 100  # longer than any name, compound name plus room code, or phone an office types

HitKind = Literal["compound", "household", "person"]


@dataclass
class Hit:
    """One search result: a compound, a household, or a person with the households they own or live in
    (only those the caller may see)."""

    kind: HitKind
    compound: Compound | None = None
    household: Household | None = None
    person: Person | None = None
    owns: list[Household] = field(default_factory=list)
    lives: list[Household] = field(default_factory=list)

    @property
    def is_owner(self) -> bool:
        return bool(self.owns)

    @property
    def is_resident(self) -> bool:
        return bool(self.lives)

    @property
    def households(self) -> list[Household]:
        """Owned and lived-in households, each once, owned first."""
        seen = {h.pk for h in self.owns}
        return self.owns + [h for h in self.lives if h.pk not in seen]


class Found:
    """The results of one search, in order: compounds, then households or people. Sliceable and
    countable, so a `Paginator` pages it with its total; each slice costs a fixed number of queries."""

    def __init__(self, kind: str, *, compounds: QuerySet[Compound] | None = None,
                 households: QuerySet[Household] | None = None, people: QuerySet[Person] | None = None,
                 visible: QuerySet[Household] | None = None, links: Q | None = None) -> None:
        self.kind = kind  # how the text was read: room, name, phone, id, empty, invalid
        self._compounds = compounds if compounds is not None else Compound.objects.none()
        self._households = households if households is not None else Household.objects.none()
        self._people = people if people is not None else Person.objects.none()
        self._visible = visible if visible is not None else Household.objects.none()
        # Which ownerships and residences lead to a visible household, as a condition on the link's own
        # household: the links are then read from the people found, never from every household in scope.
        self._links = links if links is not None else Q(household__in=self._visible)
        self._counts: tuple[int, int, int] | None = None

    def _sizes(self) -> tuple[int, int, int]:
        if self._counts is None:
            self._counts = (self._compounds.count(), self._households.count(), self._people.count())
        return self._counts

    def count(self) -> int:
        return sum(self._sizes())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Hit]:
        start, stop = window.start or 0, window.stop if window.stop is not None else self.count()
        n_compounds, n_households, n_people = self._sizes()

        def rows(qs: QuerySet[Any], offset: int, size: int) -> list[Any]:
            lo, hi = max(start - offset, 0), min(stop - offset, size)
            return list(qs[lo:hi]) if lo < hi else []

        compounds = rows(self._compounds, 0, n_compounds)
        households = rows(self._households, n_compounds, n_households)
        people = rows(self._people, n_compounds + n_households, n_people)
        return ([Hit("compound", compound=c) for c in compounds] + [Hit("household", household=h) for h in households]
                + self._people_hits(people))

    def _people_hits(self, people: list[Person]) -> list[Hit]:
        owns: dict[int, list[Household]] = defaultdict(list)
        lives: dict[int, list[Household]] = defaultdict(list)
        ids = [p.pk for p in people]
        for through, into in ((Ownership, owns), (Residence, lives)):
            links = (through.objects.filter(self._links, person_id__in=ids)
                     .select_related("household__unit__building", "household__compound")
                     .order_by("household__compound_id", "household__unit_id", "household__room"))
            for link in links:
                into[link.person_id].append(link.household)
        return [Hit("person", person=p, owns=owns[p.pk], lives=lives[p.pk]) for p in people]

    def households(self) -> QuerySet[Household]:
        """The households found, or those of the people found: what a household list (API) shows."""
        if self.kind == "room":
            return self._households
        people = self._people.values("pk")
        return _households_of(self._visible, people)


def search(scope: Scope, text: str, *, compound_id: int | None = None) -> Found:
    """Compounds, households and people in `scope` (and in compound `compound_id`, when given) that `text` names.

    `text` is read as, in this order: a phone or an ID number (the exact normalised value, through its
    keyed hash); a place (`世纪花园3栋2单元501`, `3栋2单元`, `3-2-501`, `501`: households, every part
    given must match, the compound by a part of its name); otherwise a name (compounds whose name holds
    it, and people whose name starts with it; two characters or more also match inside a name, so
    秀兰 finds 王秀兰, except for a city-wide scope without a compound). People are limited to the
    scope before any name is compared, and each kind of name match goes through an index
    (`anju.roster.namesearch`).
    Raises ValidationFailed (field "q") for text longer than MAX_QUERY_LENGTH.
    """
    text = text.strip()
    if len(text) > MAX_QUERY_LENGTH:
        raise ValidationFailed(
            f"查找内容太长（{len(text)} 个字），请不超过 {MAX_QUERY_LENGTH} 个字：输入房号、小区名称、姓名或电话即可。",
            f"The search text is too long ({len(text)} characters); at most {MAX_QUERY_LENGTH}: "
            "type a room code, a compound name, a name or a phone.",
            field="q",
        )
    compounds = Compound.objects.within(scope)
    visible = Household.objects.within(scope)
    if compound_id is not None:
        compounds = compounds.filter(pk=compound_id)
        visible = visible.filter(compound_id=compound_id)
    links = scope.q(_LINK_PATHS) & (Q() if compound_id is None else Q(household__compound_id=compound_id))
    people = Person.objects.within(scope)
    if compound_id is not None:
        people = people.filter(Exists(Ownership.objects.filter(person=OuterRef("pk"), household__in=visible))
                               | Exists(Residence.objects.filter(person=OuterRef("pk"), household__in=visible)))
    people = people.order_by("name", "id")
    if not text:
        return Found("empty")
    if _reads_as_number(text):
        digits = "".join(ch for ch in text if ch.isdigit())
        try:
            if len(digits) >= 15 or text[-1:] in "Xx":
                return Found("id", people=people.filter(id_number_hash=crypto.search_hash("id", normalize_id_number(text))),
                             visible=visible, links=links)
            return Found("phone", people=people.filter(phone_hash=crypto.search_hash("phone", normalize_phone(text))),
                         visible=visible, links=links)
        except DomainError:
            return Found("invalid")
    place = parse_room_query(text)
    if place is not None:
        match = visible.select_related("unit__building", "compound")
        if place.compound:
            match = match.filter(compound__in=compounds.filter(name__icontains=place.compound))
        if place.building is not None:
            match = match.filter(unit__building__number=place.building)
        if place.unit is not None:
            match = match.filter(unit__number=place.unit)
        if place.room is not None:
            match = match.filter(room=place.room)
        return Found("room", households=match.order_by("compound__name", "compound_id", "unit_id", "floor", "room"),
                     visible=visible, links=links)
    # Inside a name only where the scope bounds the people compared (a sub-district, a compound); the
    # city-wide superuser compares the start of names, which the name index serves.
    inside = len(text) >= 2 and (not scope.everything or compound_id is not None)
    names = namesearch.people_named(people, text, inside=inside, subdistrict_id=scope.subdistrict_id)
    ranked = names.annotate(rank=Case(When(name=text, then=0), When(namesearch.starting_with(text), then=1), default=2))
    return Found("name", compounds=compounds.filter(name__icontains=text).order_by("name", "id"),
                 people=ranked.order_by("rank", "name", "id"), visible=visible, links=links)


def search_households(scope: Scope, text: str, *, limit: int = 50, offset: int = 0) -> tuple[QuerySet[Household], str]:
    """The households `search` finds for `text` (for a person: the households they own or live in),
    as a window of `limit` from `offset`, and how the text was read."""
    found = search(scope, text)
    households = found.households().select_related("unit__building", "compound")
    return households[offset:offset + limit], found.kind


def _reads_as_number(text: str) -> bool:
    digits = "".join(ch for ch in text if ch.isdigit())
    return len(digits) >= 11 and len(digits) == len(text.replace(" ", "").replace("-", "").removeprefix("+"))


def is_personal_number(text: str) -> bool:
    """Whether `text` is searched as an ID number or a phone, or holds one: such a query must not travel
    in a URL (access logs, browser history and proxies keep URLs), only in a POST body."""
    return _reads_as_number(text.strip()) or contains_personal_number(text)


def _households_of(visible: QuerySet[Household], people: QuerySet[Any]) -> QuerySet[Household]:
    # From the people found through the (person) indexes of the ownership and residence tables to their
    # households, never a join from every household in scope (nor a DISTINCT over it).
    owned = Ownership.objects.filter(person__in=people).values("household_id")
    lived = Residence.objects.filter(person__in=people).values("household_id")
    return visible.filter(Q(pk__in=owned) | Q(pk__in=lived)).order_by("compound_id", "unit_id", "room")


def units_with_households(building: Building) -> list[tuple[Unit, int, list[tuple[int, list[Household]]]]]:
    """A building's units as drawn on a building card: (unit, dwellings per floor, floors top first with their households)."""
    units = list(building.units.all())
    by_unit: dict[int, dict[int, list[Household]]] = defaultdict(lambda: defaultdict(list))
    born_by = elderly_born_by()
    households = (
        Household.objects.filter(unit__building=building)
        .annotate(
            n_residents=Count("residences", distinct=True),
            n_elderly=Count("residences", distinct=True, filter=Q(residences__person__birth_year__lte=born_by)),
        )
        .order_by("-floor", "room")
    )
    for h in households:
        by_unit[h.unit_id][h.floor].append(h)
    drawn = []
    for unit in units:
        floors = by_unit[unit.pk]
        width = max((len(hs) for hs in floors.values()), default=1)
        drawn.append((unit, width, sorted(floors.items(), reverse=True)))
    return drawn


def reveal_log(scope: Scope) -> QuerySet[RevealLog]:
    """Who looked at whose full ID number or phone, newest first: the sub-district's, or below it only the
    looks at people the scope reaches (a community sees looks at its own residents)."""
    return RevealLog.objects.within(scope).select_related("person").order_by("-at", "-id")


def ended_ties(household: Household) -> QuerySet[EndedTie]:
    """A household's former owners and residents, the latest ended first."""
    return EndedTie.objects.filter(household=household).select_related("person").order_by("-ended_on", "-id")
