"""The roster's kept totals (`BuildingSummary`) equal a recount from the rows after every kind of write."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Q

from anju.core.audit import Actor
from anju.core.scoping import Scope, scope_of
from anju.roster import queries, services, services_records, summary
from anju.roster.importer import import_roster
from anju.roster.models import Building, BuildingSummary, Household, Residence, Unit
from anju.roster.services_records import NewOwner
from tests.factories import SYSTEM, id_number
from tests.roster.test_import import roster_rows, write_roster

EVERYTHING = Scope(everything=True)


def assert_kept_equals_recount() -> None:
    """Zero differences, and every level's kept totals equal the old recount from the rows."""
    assert summary.differences() == []
    for level in ("community", "compound", "building"):
        kept = queries.kept_totals_by(EVERYTHING, level)
        counted = queries.totals_by(EVERYTHING, level)
        for pk in set(kept) | set(counted):
            a, b = kept.get(pk, queries.Totals()), counted.get(pk, queries.Totals())
            assert (a.households, a.people, a.elderly, a.stranded_elderly, a.exclusive_area, a.gross_area, a.buildings) == (
                b.households, b.people, b.elderly, b.stranded_elderly, b.exclusive_area, b.gross_area, b.buildings), (level, pk)


def test_the_small_world_is_kept_exactly(world):
    assert_kept_equals_recount()
    kept = queries.grand_total(queries.kept_totals_by(EVERYTHING, "community"))
    # Two households (72.50 + 88.00 m²), two residents; 王秀兰, born 1950, lives on the 5th floor without a lift.
    assert (kept.households, kept.people, kept.stranded_elderly) == (2, 2, 1)
    assert kept.exclusive_area == Decimal("160.50") and str(kept.exclusive_area) == "160.50"
    assert kept.gross_area == Decimal("4500.00")


def test_every_roster_service_keeps_the_totals(world):
    unit = world.building_a.units.get(number="2")
    new = services.household_create(unit=unit, floor=6, room="601", exclusive_area="65.35", actor=SYSTEM)
    assert_kept_equals_recount()
    elder = services.person_create(subdistrict=world.subdistrict, name="张三", birth_year=1940, actor=SYSTEM)
    services.residence_add(person=elder, household=new, actor=SYSTEM)
    assert_kept_equals_recount()
    assert queries.kept_totals_by(EVERYTHING, "building")[world.building_a.pk].stranded_elderly == 2
    services.household_update(household=new, floor=2, exclusive_area="70.01", actor=SYSTEM)  # below the 3rd floor now
    assert_kept_equals_recount()
    assert queries.kept_totals_by(EVERYTHING, "building")[world.building_a.pk].stranded_elderly == 1
    services.person_update(person=world.owner_b, birth_year=1950, actor=SYSTEM)  # now elderly, 5th floor
    assert_kept_equals_recount()
    services.building_create(compound=world.compound_a, number="4", storeys=5, gross_area=Decimal("999.99"), actor=SYSTEM)
    assert_kept_equals_recount()


def test_corrections_keep_the_totals(world):
    today = datetime.date.today()
    services_records.household_edit(household=world.household_a, exclusive_area="80.25", actor=SYSTEM)
    assert_kept_equals_recount()
    services_records.person_edit(person=world.owner_a, birth_year=1990, actor=SYSTEM)
    assert_kept_equals_recount()
    residence = Residence.objects.get(household=world.household_b)
    services_records.residence_end(residence=residence, ended_on=today, actor=SYSTEM)
    assert_kept_equals_recount()
    services_records.person_death(person=world.owner_a, died_on=today, actor=SYSTEM)
    assert_kept_equals_recount()
    services_records.ownership_transfer(household=world.household_a, on=today, actor=SYSTEM, new_owners=[
        NewOwner(name="钱七", id_number=id_number(9, 1975), phone="13600000009")])
    assert_kept_equals_recount()
    assert queries.grand_total(queries.kept_totals_by(EVERYTHING, "community")).people == 0


def test_an_import_keeps_the_totals(tmp_path, world, subdistrict_staff):
    result = import_roster(write_roster(tmp_path / "r.csv", roster_rows()), actor=Actor.of(subdistrict_staff),
                           scope=scope_of(subdistrict_staff))
    assert result.added == 3 and not result.problems
    assert_kept_equals_recount()


def test_an_import_that_creates_places_keeps_the_totals(tmp_path, world, subdistrict_staff):
    rows = [["甲社区", "新小区", "7", "1", "4", "401", "61.10", "孙八", "", "", "1944", "男", "", "", "", ""]]
    result = import_roster(write_roster(tmp_path / "new.csv", rows), actor=Actor.of(subdistrict_staff),
                           scope=scope_of(subdistrict_staff), create_missing=True)
    assert result.added == 1 and not result.problems
    assert_kept_equals_recount()
    built = Building.objects.get(compound__name="新小区")
    assert BuildingSummary.objects.get(building=built).gross_area_cm2 == 6110  # the area the import estimated


def test_a_failed_import_rolls_the_totals_back_with_its_rows(tmp_path, world, subdistrict_staff):
    """Batches are written (and their buildings recounted) before the bad last row: all of it goes back."""
    rows = [["甲社区", "甲小区", "3", "1", "", f"{f}{r:02d}", "70", f"户{f}{r}", "", "", "1950", "", "", "", "", ""]
            for f in range(1, 7) for r in range(2, 99)]
    rows.append(["甲社区", "甲小区", "3", "1", "", "199", "70", "", "", "", "", "", "", "", "", ""])
    before = sorted(BuildingSummary.objects.values_list())
    from anju.roster.importer import orchestration

    recounted: list[int] = []
    old_batch, old_refresh = orchestration.BATCH, summary.refresh_buildings

    def counting_refresh(ids):  # the real refresh, counted: proves the summaries were written in the transaction
        ids = list(ids)
        recounted.extend(ids)
        old_refresh(ids)

    orchestration.BATCH, summary.refresh_buildings = 50, counting_refresh
    try:
        result = import_roster(write_roster(tmp_path / "late.csv", rows), actor=Actor.of(subdistrict_staff),
                               scope=scope_of(subdistrict_staff))
    finally:
        orchestration.BATCH, summary.refresh_buildings = old_batch, old_refresh
    assert [p.code for p in result.problems] == ["blank"]
    assert world.building_a.pk in recounted
    assert sorted(BuildingSummary.objects.values_list()) == before
    assert_kept_equals_recount()


@pytest.mark.django_db
def test_admin_edits_keep_the_totals(world, client, django_user_model):
    admin = django_user_model.objects.create_superuser(username="root", password="x-x-x-x-x-x")
    client.force_login(admin)
    unit = world.household_a.unit
    response = client.post(f"/admin/roster/unit/{unit.pk}/change/", {"building": unit.building_id, "number": unit.number,
                                                                     "has_elevator": "on"})
    assert response.status_code == 302, response.content[:500]
    assert Unit.objects.get(pk=unit.pk).has_elevator
    assert_kept_equals_recount()
    assert queries.kept_totals_by(EVERYTHING, "building")[world.building_a.pk].stranded_elderly == 0
    response = client.post(f"/admin/roster/household/{world.household_b.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Household.objects.filter(pk=world.household_b.pk).exists()
    assert_kept_equals_recount()


def test_recount_reports_every_difference_and_fixes_them(world, capsys):
    BuildingSummary.objects.filter(building=world.building_a).update(households=7, exclusive_area_cm2=1)
    BuildingSummary.objects.filter(building=world.building_b).delete()
    with pytest.raises(SystemExit) as exit_:
        call_command("recount")
    assert exit_.value.code == 1
    out = capsys.readouterr().out
    assert f"楼栋 {world.building_a.pk}：户数 / households 汇总为 7，按明细重算为 1" in out
    assert f"楼栋 {world.building_b.pk}：楼栋汇总行 / summary row 汇总为 无 / none" in out
    assert "3 处不一致" in out
    with pytest.raises(SystemExit):
        call_command("recount", "--fix")
    call_command("recount")  # no SystemExit: zero differences
    assert "no differences" in capsys.readouterr().out
    assert_kept_equals_recount()


def test_a_new_year_recounts_the_elderly_when_first_read(world):
    """60+ moves on each 1 January: rows counted for last year are recounted for this year when read."""
    BuildingSummary.objects.update(as_of_year=datetime.date.today().year - 1, elderly=0, stranded_elderly=0)
    assert summary.differences() != []  # last year's rows compared with last year's count: 王秀兰 was 60+ then too
    totals = queries.grand_total(queries.kept_totals_by(Scope(everything=False, subdistrict_id=world.subdistrict.pk), "community",
                                                        Q(subdistrict_id=world.subdistrict.pk)))
    assert totals.stranded_elderly == 1
    assert set(BuildingSummary.objects.values_list("as_of_year", flat=True)) == {datetime.date.today().year}
    assert_kept_equals_recount()
