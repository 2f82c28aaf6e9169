"""Big files are read in a second process: the outcome must be exactly that of reading in-process."""

from __future__ import annotations

import io
import json
import multiprocessing

import pytest
from django.db import transaction

from anju.core.audit import Actor
from anju.core.models import AuditEvent
from anju.core.scoping import scope_of
from anju.domain.rostersheet import Location
from anju.roster import import_reader
from anju.roster.importer import DatabaseResolver, import_roster, orchestration, writer
from anju.roster.models import Person
from tests.roster.test_import import roster_rows, snapshot, write_roster

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_actor(subdistrict_staff):
    return Actor.of(subdistrict_staff), scope_of(subdistrict_staff)


@pytest.fixture
def in_child(monkeypatch):
    """Every file, however small, read by the child process; calls count the children started."""
    started = []
    real = import_reader._from_child

    def counted(*args, **kwargs):
        started.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(import_reader, "PROCESS_BYTES", 0)
    monkeypatch.setattr(import_reader, "_from_child", counted)
    return started


def people() -> list[tuple]:
    return sorted((p.name, p.id_number, p.phone, p.birth_year, p.sex) for p in Person.objects.all())


def created_records() -> list[tuple]:
    events = AuditEvent.objects.filter(action="import_create").order_by("object_label")
    return [(e.object_label, e.after if isinstance(e.after, dict) else json.loads(e.after)) for e in events]


def outcome(path, actor, scope):
    result = import_roster(path, actor=actor, scope=scope)
    state = (snapshot()[0], people(), created_records())
    return result.summary() | {"seconds": 0}, [p.message() for p in result.problems], state


def many_rows() -> list[list[str]]:
    """Three batches' worth of rows with a batch size of 2 (see below), new and known households."""
    rows = roster_rows()
    rows += [["甲社区", "甲小区", "3", "2", "", f"{f}0{r}", "70", f"户{f}{r}", "", f"1390000{f}{r:03d}", "1960",
              "男", "", "", "", ""] for f in range(1, 3) for r in range(1, 3)]
    return rows


class _Undo(Exception):
    pass


def test_the_child_process_imports_exactly_what_in_process_reading_does(tmp_path, world, admin_actor, monkeypatch,
                                                                         in_child):
    actor, scope = admin_actor
    path = write_roster(tmp_path / "r.csv", many_rows())
    monkeypatch.setattr(orchestration, "BATCH", 2)
    before = snapshot()
    monkeypatch.setattr(import_reader, "PROCESS_BYTES", 1 << 40)
    try:
        with transaction.atomic():
            here = outcome(path, actor, scope)
            raise _Undo
    except _Undo:
        pass
    assert in_child == []
    assert here[0]["added"] == 7 and here[1] == []
    assert snapshot() == before
    monkeypatch.setattr(import_reader, "PROCESS_BYTES", 0)
    there = outcome(path, actor, scope)
    assert in_child == [1]
    assert there[0] == here[0]
    assert there[2][1] == here[2][1]  # the same people, numbers decrypting to the same values
    assert there[2][2] == here[2][2]  # the same audit records of the households created
    assert [h[1:] for h in there[2][0]] == [h[1:] for h in here[2][0]]


def test_problems_found_by_the_child_are_the_same_and_in_file_order(tmp_path, world, admin_actor, monkeypatch,
                                                                     in_child):
    actor, scope = admin_actor
    rows = many_rows()
    rows[1][8] = "420302196103150051"  # bad checksum
    rows[3][0] = "丙社区"  # unknown community
    rows[6][6] = "-3"  # negative area
    path = write_roster(tmp_path / "bad.csv", rows)
    monkeypatch.setattr(orchestration, "BATCH", 3)
    before = snapshot()
    monkeypatch.setattr(import_reader, "PROCESS_BYTES", 1 << 40)
    here = import_roster(path, actor=actor, scope=scope)
    monkeypatch.setattr(import_reader, "PROCESS_BYTES", 0)
    there = import_roster(path, actor=actor, scope=scope)
    assert in_child == [1]
    assert there.problems == here.problems
    assert [p.row for p in there.problems] == [3, 5, 8]
    assert snapshot() == before


def test_a_failure_in_the_child_reaches_the_importer_and_nothing_is_written(tmp_path, world, admin_actor,
                                                                             monkeypatch, in_child):
    actor, scope = admin_actor
    real = orchestration.read_roster

    def breaks_after_two(source, resolver=None):
        for n, item in enumerate(real(source, resolver=resolver)):
            if n == 2:
                raise ValueError("disk went away")
            yield item

    monkeypatch.setattr(orchestration, "read_roster", breaks_after_two)
    monkeypatch.setattr(orchestration, "BATCH", 1)
    before = snapshot()
    with pytest.raises(RuntimeError, match="disk went away"):
        import_roster(write_roster(tmp_path / "r.csv", many_rows()), actor=actor, scope=scope)
    assert in_child == [1]
    assert snapshot() == before


def test_a_preloaded_resolver_checks_rows_without_the_database(world, admin_actor, django_assert_num_queries):
    _, scope = admin_actor
    resolver = DatabaseResolver(scope)
    resolver.preload()
    resolver.go_offline()
    with django_assert_num_queries(0):
        assert list(resolver(Location("甲社区", "甲小区", "3", "1", 5))) == []
        assert [i.key for i in resolver(Location("甲社区", "甲小区", "3", "1", 9))] == ["floor"]
        assert [i.key for i in resolver(Location("甲社区", "丁小区", "3", "1", 1))] == ["compound"]
        assert [i.key for i in resolver(Location("丙社区", "甲小区", "3", "1", 1))] == ["community"]


def test_a_preloaded_resolver_still_tells_community_staff_whose_community_it_is(world, staff_a,
                                                                              django_assert_num_queries):
    resolver = DatabaseResolver(scope_of(staff_a))
    resolver.preload()
    resolver.go_offline()
    with django_assert_num_queries(0):
        (issue,) = resolver(Location("乙社区", "乙小区", "3", None, 1))
        (unknown,) = resolver(Location("丙社区", "乙小区", "3", None, 1))
    assert "本社区" in issue.zh and "不存在" in unknown.zh


def test_an_unloaded_resolver_refuses_to_query_in_the_reader_process(world, admin_actor):
    _, scope = admin_actor
    resolver = DatabaseResolver(scope)
    resolver.go_offline()
    with pytest.raises(RuntimeError, match="preload"):
        list(resolver(Location("甲社区", "甲小区", "3", "1", 5)))


def test_small_files_and_uploads_in_memory_are_read_in_process(tmp_path):
    small = write_roster(tmp_path / "r.csv", roster_rows())
    assert not import_reader._worth_a_process([small])
    assert not import_reader._worth_a_process([io.BytesIO(small.read_bytes())])
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * import_reader.PROCESS_BYTES)
    assert import_reader._worth_a_process([big]) == (import_reader._cores() > 1)


def test_a_failed_write_stops_the_reader_process_at_once(tmp_path, world, admin_actor, monkeypatch, in_child):
    actor, scope = admin_actor
    monkeypatch.setattr(orchestration, "BATCH", 1)
    real = writer.Writer.apply
    calls = []

    def fails_second_time(self, rows, chunk):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(self, rows, chunk)

    monkeypatch.setattr(writer.Writer, "apply", fails_second_time)
    before = snapshot()
    with pytest.raises(OSError, match="disk full"):
        import_roster(write_roster(tmp_path / "r.csv", many_rows()), actor=actor, scope=scope)
    assert in_child == [1]
    assert multiprocessing.active_children() == []
    assert snapshot() == before
