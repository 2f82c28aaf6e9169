"""`anju rotate-data-key`: every sealed value moves to the new key, searches still find people,
the old key opens nothing, a killed run resumes to a consistent end, and a failure changes nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from anju.core import crypto
from anju.core.scoping import Scope
from anju.core.sealed import sealed_models
from anju.participation.models import Suggestion
from anju.participation.services import suggestion_submit
from anju.roster import queries
from anju.roster.models import Person
from tests.factories import SYSTEM

OLD = "old-data-key-" + "o" * 30
NEW = "new-data-key-" + "n" * 30
EVERYTHING = Scope(everything=True)


@pytest.fixture
def old_key(settings):
    settings.ANJU_DATA_KEY = OLD
    return settings


def _rotate(monkeypatch, **options) -> None:
    monkeypatch.setenv("ANJU_NEW_DATA_KEY", NEW)
    call_command("rotate_data_key", stdout=StringIO(), **options)


@pytest.mark.django_db
def test_after_rotation_everything_opens_under_the_new_key_and_searches_still_find_people(old_key, monkeypatch):
    from tests.factories import make_world

    world = make_world()
    suggestion = suggestion_submit(compound=world.compound_a, building=None, category="other", title="路灯不亮",
                                   body="3栋门口的路灯坏了", contact_phone="13812345678", actor=SYSTEM)
    people = {p.pk: (p.id_number, p.phone) for p in Person.objects.all()}
    old_tokens = dict(Person.objects.values_list("pk", "id_number_encrypted"))

    _rotate(monkeypatch)
    old_key.ANJU_DATA_KEY = NEW

    for person in Person.objects.all():
        assert (person.id_number, person.phone) == people[person.pk]
        with pytest.raises(RuntimeError):
            crypto.decrypt_with(OLD, person.id_number_encrypted)
        assert person.id_number_encrypted != old_tokens[person.pk]
    assert Suggestion.objects.get(pk=suggestion.pk).contact_phone == "13812345678"
    for text, kind in ((people[world.owner_a.pk][0], "id"), ("13812345678", "phone"), (people[world.owner_b.pk][1], "phone")):
        found, understood = queries.search_households(EVERYTHING, text)
        assert understood == kind and len(found) == 1, text
    old_key.ANJU_DATA_KEY = OLD  # the operator forgot to switch: nothing opens, nothing is found
    with pytest.raises(RuntimeError):
        Person.objects.get(pk=world.owner_a.pk).id_number  # noqa: B018
    assert not queries.search_households(EVERYTHING, "13812345678")[0].exists()


@pytest.mark.django_db
def test_a_value_no_key_opens_stops_a_normal_roster_rotation_before_anything_changes(old_key, monkeypatch):
    from tests.factories import make_world

    world = make_world()
    before = list(Person.objects.order_by("pk").values_list("id_number_encrypted", "id_number_hash"))
    stranger = Person.objects.create(subdistrict=world.subdistrict, name="外来数据",
                                     phone_encrypted=crypto.encrypt_with("a-third-key-" + "x" * 30, "13900002222"))
    with pytest.raises(CommandError) as raised:
        _rotate(monkeypatch)
    assert raised.value.returncode == 2
    assert f"#{stranger.pk}" in str(raised.value) and "/" in str(raised.value)
    after = list(Person.objects.exclude(pk=stranger.pk).order_by("pk").values_list("id_number_encrypted", "id_number_hash"))
    assert after == before  # one transaction: the rows before the bad one were rolled back too


@pytest.mark.django_db
def test_the_new_key_must_be_given_long_and_different(old_key, monkeypatch, tmp_path):
    monkeypatch.delenv("ANJU_NEW_DATA_KEY", raising=False)
    for options, needle in (({}, "ANJU_NEW_DATA_KEY"),
                            ({"new_key_file": tmp_path / "missing.key"}, "missing.key"),
                            ({"batch_size": 0}, "--batch-size")):
        if "batch_size" in options:
            monkeypatch.setenv("ANJU_NEW_DATA_KEY", NEW)
        with pytest.raises(CommandError, match=needle) as raised:
            call_command("rotate_data_key", stdout=StringIO(), **options)
        assert raised.value.returncode == 2
    short = tmp_path / "short.key"
    short.write_text("short\n")
    with pytest.raises(CommandError, match="32"):
        call_command("rotate_data_key", new_key_file=short)
    same = tmp_path / "same.key"
    same.write_text(OLD + "\n")
    with pytest.raises(CommandError, match="ANJU_DATA_KEY"):
        call_command("rotate_data_key", new_key_file=same)


def test_every_encrypted_column_and_its_search_hash_is_declared_for_rotation():
    """A new `*_encrypted` column must be declared, or a rotation would leave it under the old key."""
    from django.apps import apps

    declared = {(m._meta.label, f.column): f.hash_field for m, fields in sealed_models() for f in fields}
    for model in apps.get_models():
        names = {f.name for f in model._meta.concrete_fields}
        for name in names:
            if name.endswith("_encrypted"):
                assert (model._meta.label, name) in declared
                twin = name.removesuffix("_encrypted") + "_hash"
                if twin in names:
                    assert declared[(model._meta.label, name)] == twin
    assert ("roster.Person", "id_number_encrypted") in declared
    assert ("participation.Suggestion", "contact_phone_encrypted") in declared


def test_the_fingerprint_names_a_key_without_revealing_it():
    assert crypto.fingerprint(OLD) != crypto.fingerprint(NEW)
    assert len(crypto.fingerprint(OLD)) == 16 and crypto.fingerprint(OLD) == crypto.fingerprint(OLD)
    assert crypto.fingerprint(OLD) not in crypto.search_hash_with(OLD, "id", "")


# --- a million-row roster in batches, killed half-way (SQLite file, real processes) -------------

PEOPLE = 6000
POPULATE = textwrap.dedent(f"""
    import django; django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    from anju.core import crypto
    from anju.roster.models import Person, Subdistrict
    sd = Subdistrict.objects.create(name="大街道")
    ids = [f"4203021950{{n:08d}}" for n in range({PEOPLE})]
    phones = [f"138{{n:08d}}" for n in range({PEOPLE})]
    tokens = crypto.encrypt_many(ids + phones)
    Person.objects.bulk_create([
        Person(subdistrict=sd, name=f"居民{{n}}", id_number_encrypted=tokens[n], id_number_hash=crypto.search_hash("id", ids[n]),
               phone_encrypted=tokens[{PEOPLE} + n], phone_hash=crypto.search_hash("phone", phones[n]))
        for n in range({PEOPLE})], batch_size=2000)
""")
STATE = textwrap.dedent("""
    import django, json; django.setup()
    from anju.core import crypto
    from anju.roster.models import Person
    old, new, bad, n = 0, 0, 0, 0
    for pk, idt, idh, pht, phh in Person.objects.values_list("pk", "id_number_encrypted", "id_number_hash",
                                                            "phone_encrypted", "phone_hash"):
        n += 1
        for key in (OLD, NEW):
            try:
                i, p = crypto.decrypt_with(key, idt), crypto.decrypt_with(key, pht)
            except RuntimeError:
                continue
            ok = (idh, phh) == (crypto.search_hash_with(key, "id", i), crypto.search_hash_with(key, "phone", p))
            old, new, bad = old + (key == OLD and ok), new + (key == NEW and ok), bad + (not ok)
            break
        else:
            bad += 1
    print(json.dumps({"rows": n, "old": old, "new": new, "bad": bad}))
    if new == n:  # once done: a search by phone finds its one person through the re-keyed hash
        from anju.roster import queries
        from anju.core.scoping import Scope
        found, kind = queries.search_households(Scope(everything=True), "13800004777")
        print(kind, Person.objects.filter(phone_hash=crypto.search_hash("phone", "13800004777")).count())
""").replace("OLD", repr(OLD)).replace("NEW", repr(NEW))


def _env(var: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    return keep | {"ANJU_VAR_DIR": str(var), "ANJU_DATA_KEY": OLD, "ANJU_NEW_DATA_KEY": NEW,
                   "DJANGO_SETTINGS_MODULE": "anju.settings", "PYTHONPATH": str(Path(__file__).parents[2])}


def _python(code: str, env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_a_batched_rotation_killed_half_way_resumes_to_a_consistent_end(tmp_path):
    import json

    env = _env(tmp_path)
    anju = [sys.executable, "-m", "anju.cli"]
    _python(POPULATE, env)

    run = subprocess.Popen([*anju, "rotate-data-key", "--batch-size", "100"], env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    seen = []
    for line in run.stdout:
        seen.append(line)
        if "Person" in line and len(seen) >= 4:  # a few batches committed, many to go
            run.send_signal(signal.SIGKILL)
            break
    run.wait(timeout=60)
    assert run.returncode == -signal.SIGKILL, "".join(seen) + run.stderr.read()

    half = json.loads(_python(STATE, env).splitlines()[0])
    assert half["rows"] == PEOPLE and half["bad"] == 0, half  # every row wholly under one key
    assert 0 < half["new"] < PEOPLE and half["old"] + half["new"] == PEOPLE, half

    resumed = subprocess.run([*anju, "rotate-data-key", "--batch-size", "5000"], env=env, capture_output=True,
                             text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert f"already under the new key {half['new']:,}" in resumed.stdout.replace("）", "）\n")
    end, search = _python(STATE, env | {"ANJU_DATA_KEY": NEW}).splitlines()
    assert json.loads(end) == {"rows": PEOPLE, "old": 0, "new": PEOPLE, "bad": 0}
    assert search == "phone 1"
    refused = subprocess.run([*anju, "data-key", "--check"], env=env, capture_output=True, text=True, timeout=300)
    assert refused.stdout.splitlines()[0] == crypto.fingerprint(OLD)
    assert refused.returncode == 2 and f"{2 * PEOPLE:,}" in refused.stderr, refused.stderr
