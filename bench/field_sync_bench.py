"""Field sync benchmark (issue 17): 1,000 records queued on a phone sent through `/api/field/sync`, beside
the same records entered one by one online through the staff API, and a replay of the whole queue.

    .venv/bin/python bench/field_sync_bench.py                 # 1,000 records: 700 visits, 300 door ballots
    .venv/bin/python bench/field_sync_bench.py --records 200

Builds a fresh SQLite database in its own ANJU_VAR_DIR (migrated, production settings `ANJU_DEBUG=0`):
one compound of 2 × `--records` households in six-storey walk-ups with an owner each and an open
household5 consultation over the compound. Requests go in-process through Django's test client as
community staff signed in (session + CSRF as the phone sends them):

- sync: the records in batches of 200 (as `app.js` sends them), each through the same services as online;
- online: the same kinds of records for the other half of the households, one request each
  (`POST /api/participation/visits`, `POST /api/consultations/consultations/<id>/ballots`);
- replay: the whole queue sent again (every record a duplicate; nothing changes).

Beside the goal "syncing 1,000 queued records <= 10 s". Not part of `make test`.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
GOAL_S = 10.0
BATCH = 200


def setup_django(var: Path) -> None:
    os.environ["ANJU_VAR_DIR"] = str(var)
    os.environ["ANJU_DEBUG"] = "0"
    os.environ["ANJU_ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
    import django

    django.setup()


def generate(households: int):
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from anju.accounts.models import Profile, Role
    from anju.consultations import services
    from anju.core.audit import Actor
    from anju.roster.models import (
        Building,
        Community,
        Compound,
        Household,
        Ownership,
        Person,
        Subdistrict,
        Unit,
    )

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    sd = Subdistrict.objects.create(name="压测街道")
    community = Community.objects.create(subdistrict=sd, name="压测社区")
    compound = Compound.objects.create(subdistrict=sd, community=community, name="压测小区", year_built=2000)
    per_building = 6 * 2 * 10
    buildings = Building.objects.bulk_create([Building(compound=compound, number=str(b + 1), storeys=6,
                                                       gross_area=Decimal(10000)) for b in range(-(-households // per_building))])
    units = Unit.objects.bulk_create([Unit(building=b, number=str(u)) for b in buildings for u in (1, 2)])
    rows = [Household(unit=unit, compound=compound, floor=floor, room=f"{floor}{room:02d}", exclusive_area=Decimal("70.00"))
            for unit in units for floor in range(1, 7) for room in range(1, 11)][:households]
    Household.objects.bulk_create(rows, batch_size=2000)
    people = Person.objects.bulk_create([Person(subdistrict=sd, name=f"业主{i}") for i in range(households)], batch_size=2000)
    households_saved = list(Household.objects.filter(compound=compound).order_by("id"))
    Ownership.objects.bulk_create([Ownership(person=p, household=h) for p, h in zip(people, households_saved, strict=True)],
                                  batch_size=2000)
    user = get_user_model().objects.create_user("bench_staff", password="bench-only-password", is_staff=True)
    Profile.objects.create(user=user, role=Role.COMMUNITY_STAFF, subdistrict=sd, community=community)
    actor = Actor.system("bench")
    c = services.consultation_create(compound=compound, title="压测表决", actor=actor)
    services.questions_from_template(consultation=c, template="household5", actor=actor)
    services.consultation_open(consultation=c, actor=actor)
    question = c.questions.order_by("order").first()
    keys = dict(c.electors.values_list("household_id", "key"))
    return user, c, question, households_saved, keys, people


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1000)
    args = parser.parse_args()
    n, ballots = args.records, args.records * 3 // 10
    with tempfile.TemporaryDirectory(prefix="anju-field-bench-") as var:
        setup_django(Path(var))
        from django.test import Client

        from anju.consultations.models import Ballot
        from anju.participation.models import Visit

        user, consultation, question, households, keys, people = generate(2 * n)
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        client.get("/field/")
        csrf = client.cookies["csrftoken"].value
        taken = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)).isoformat()
        answers = {"renovation": "yes", "access_control": "yes", "property_management": "unsure",
                   "illegal_structures": "no", "elevator": "yes"}
        queue = [{"client_id": str(uuid.uuid4()), "kind": "ballot" if i < ballots else "visit", "taken_at": taken,
                  "household_id": households[i].pk, "consultation_id": consultation.pk if i < ballots else None,
                  "answers": {str(question.pk): "yes"} if i < ballots else answers, "signer": people[i].name,
                  "concerns": "担心施工噪音", "follow_up": ""} for i in range(n)]

        def post(url: str, payload: dict) -> int:
            return client.post(url, json.dumps(payload), content_type="application/json", HTTP_X_CSRFTOKEN=csrf).status_code

        def sync_all() -> tuple[float, list[str]]:
            started, statuses = time.perf_counter(), []
            for i in range(0, n, BATCH):
                r = client.post("/api/field/sync", json.dumps({"device": "bench", "records": queue[i:i + BATCH]}),
                                content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
                assert r.status_code == 200, r.content[:300]
                statuses += [x["status"] for x in r.json()["results"]]
            return time.perf_counter() - started, statuses

        sync_s, statuses = sync_all()
        assert statuses.count("accepted") == n, {s: statuses.count(s) for s in set(statuses)}
        started = time.perf_counter()
        for i in range(n, 2 * n):
            h = households[i]
            if i - n < ballots:
                code = post(f"/api/consultations/consultations/{consultation.pk}/ballots",
                            {"household_key": keys[h.pk], "answers": {str(question.pk): "yes"}, "channel": "door",
                             "signer": people[i].name})
            else:
                code = post("/api/participation/visits", {"household_id": h.pk, "visited_on": str(datetime.date.today()),
                                                          "visitors": "bench", "concerns": "担心施工噪音", **answers})
            assert code == 201, code
        online_s = time.perf_counter() - started
        replay_s, statuses = sync_all()
        assert set(statuses) == {"duplicate"}
        assert Visit.objects.count() == 2 * (n - ballots) and Ballot.objects.count() == 2 * ballots

    rows = [("sync: queued records in batches of 200", sync_s), ("online: the same, one request each", online_s),
            ("replay of the whole queue (all duplicates)", replay_s)]
    print(f"\nField sync: {n} records ({n - ballots} visits, {ballots} door ballots), SQLite, in-process\n")
    print(f"{'workload':<46}{'seconds':>9}{'per record ms':>15}{'limit s':>9}  ok")
    for name, seconds in rows:
        limit = f"{GOAL_S:.0f}" if name.startswith("sync") else "-"
        ok = ("yes" if seconds <= GOAL_S * n / 1000 else "NO") if name.startswith("sync") else ""
        print(f"{name:<46}{seconds:>9.2f}{seconds * 1000 / n:>15.1f}{limit:>9}  {ok}")


if __name__ == "__main__":
    main()
