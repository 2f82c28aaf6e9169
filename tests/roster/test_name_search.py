"""Names are found through indexes, within the caller's sub-district, with the same answers as a plain LIKE."""

from __future__ import annotations

import pytest
from django.db import connection

from anju.core.scoping import Scope
from anju.roster import queries
from anju.roster import services as roster
from anju.roster.models import Person
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world):
    """Long names in the world's sub-district, and the same names in another one."""
    other = roster.subdistrict_create(name="北关街道", actor=SYSTEM)
    for sd in (world.subdistrict, other):
        for name in ("欧阳建国强", "司马秀兰", "张秀英", "李建华"):
            roster.person_create(subdistrict=sd, name=name, actor=SYSTEM)
    return other


def names(scope: Scope, text: str, **kwargs) -> list[str]:
    found = queries.search(scope, text, **kwargs)
    return [hit.person.name for hit in found[0 : found.count()] if hit.kind == "person"]


def _scope(sd) -> Scope:
    return Scope(everything=False, subdistrict_id=sd.pk)


def test_three_characters_inside_a_name_are_found_through_the_trigram_index(world, people):
    scope = _scope(world.subdistrict)
    assert names(scope, "建国强") == ["欧阳建国强"]
    assert names(scope, "阳建国") == ["欧阳建国强"]
    assert names(scope, "马秀兰") == ["司马秀兰"]
    assert names(scope, "秀兰芳") == []


def test_an_exact_name_comes_first_then_names_starting_with_it_then_the_rest(world, people):
    roster.person_create(subdistrict=world.subdistrict, name="建国强", actor=SYSTEM)
    roster.person_create(subdistrict=world.subdistrict, name="建国强生", actor=SYSTEM)
    assert names(_scope(world.subdistrict), "建国强") == ["建国强", "建国强生", "欧阳建国强"]


def test_two_characters_match_inside_a_name_and_one_only_at_its_start(world, people):
    scope = _scope(world.subdistrict)
    assert names(scope, "秀兰") == ["司马秀兰", "王秀兰"]
    assert names(scope, "建") == []
    assert names(scope, "张") == ["张秀英"]
    assert names(scope, "建国") == ["欧阳建国强", "赵建国"]


def test_another_subdistricts_people_are_never_compared(world, people):
    ours = set(Person.objects.filter(subdistrict=world.subdistrict).values_list("pk", flat=True))
    for text in ("欧阳建国强", "欧阳", "阳建国", "秀兰", "张"):
        found = queries.search(_scope(world.subdistrict), text)
        assert {hit.person.pk for hit in found[0 : found.count()] if hit.kind == "person"} <= ours


def test_the_trigram_index_follows_renames_and_deletions(world, people):
    scope = _scope(world.subdistrict)
    person = Person.objects.get(subdistrict=world.subdistrict, name="欧阳建国强")
    person.name = "欧阳振华"
    person.save(update_fields=["name"])
    assert names(scope, "建国强") == [] and names(scope, "国强") == []
    assert names(scope, "阳振华") == ["欧阳振华"] and names(scope, "振华") == ["欧阳振华"]
    person.delete()
    assert names(scope, "阳振华") == [] and names(scope, "振华") == []


def test_quotes_and_search_syntax_are_plain_text(world, people):
    scope = _scope(world.subdistrict)
    for text in ('"建国', '建国" OR "秀', "建国*", "NEAR(建国", "秀兰%", "秀_兰"):
        assert names(scope, text) == []


def test_a_persons_households_come_once_each_through_ownership_and_residence(world, people):
    found, kind = queries.search_households(_scope(world.subdistrict), "王秀兰")
    assert kind == "name" and list(found) == [world.household_a]  # owner and resident of it


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 trigram table")
def test_on_sqlite_the_trigram_table_and_its_triggers_exist_after_every_migration():
    # Django rebuilds an SQLite table for some AlterField operations, dropping its triggers with it.
    with connection.cursor() as cursor:
        cursor.execute("SELECT type, name FROM sqlite_master WHERE name LIKE 'roster_person_name_fts%'")
        found = set(cursor.fetchall())
    assert {("table", "roster_person_name_fts")} <= found
    assert {
        ("trigger", f"roster_person_name_fts_{event}") for event in ("insert", "delete", "update")
    } <= found
    with connection.cursor() as cursor:
        cursor.execute("SELECT type, name FROM sqlite_master WHERE name LIKE 'roster_person_bigram%'")
        found = set(cursor.fetchall())
    assert {("table", "roster_person_bigram")} <= found
    assert {("trigger", f"roster_person_bigram_{event}") for event in ("insert", "delete", "update")} <= found


def _plan(sql: str, params) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return " ".join(str(row[-1]) for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = off")  # a few test rows would always be scanned
        cursor.execute(f"EXPLAIN {sql}", params)
        return " ".join(row[0] for row in cursor.fetchall())


def _people_query(world, text: str):
    found = queries.search(_scope(world.subdistrict), text)
    return found._people.query.sql_with_params()


def test_substrings_of_three_characters_use_the_trigram_index(world, people):
    if connection.vendor == "sqlite":
        assert "VIRTUAL TABLE INDEX" in _plan(*_people_query(world, "阳建国"))
    else:  # with a few rows PostgreSQL takes the sub-district's index first; the name alone shows the trigrams
        plan = _plan(*Person.objects.filter(name__contains="阳建国").values("pk").query.sql_with_params())
        assert "roster_person_name_trgm" in plan


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="with a few rows PostgreSQL takes the foreign key's index"
)
def test_prefixes_use_the_subdistrict_and_name_index(world, people):
    plan = _plan(*_people_query(world, "张"))
    assert "person_subdistrict_name" in plan


def test_two_characters_inside_a_name_use_the_bigram_index(world, people):
    if connection.vendor == "sqlite":
        assert "roster_person_bigram" in _plan(*_people_query(world, "秀兰"))
    else:
        from anju.roster import namesearch

        sql, params = namesearch._with_bigram("秀兰", None).as_sql(None, connection)
        assert "roster_person_name_bigrams" in _plan(sql, params)


def test_a_name_in_latin_letters_is_found_as_each_database_always_found_it(world):
    roster.person_create(subdistrict=world.subdistrict, name="AnnaLee", actor=SYSTEM)
    scope = _scope(world.subdistrict)
    # SQLite's LIKE has always ignored the case of ASCII letters, PostgreSQL's never did.
    expected = ["AnnaLee"] if connection.vendor == "sqlite" else []
    assert names(scope, "AL") == expected and names(scope, "NAL") == expected
    assert names(scope, "aL") == ["AnnaLee"] and names(scope, "naL") == ["AnnaLee"]


def test_the_links_read_a_households_scope_as_the_household_itself_does():
    from anju.roster.models import Household

    assert queries._LINK_PATHS == type(Household.scope_paths)(
        *(
            f"household__{path}"
            for path in (
                Household.scope_paths.subdistrict,
                Household.scope_paths.community,
                Household.scope_paths.compound,
            )
        )
    )
