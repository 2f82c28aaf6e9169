"""The backup drill's other processes: `python -m tests.core.backup_drill world|cast|state …`.

world  migrate and build a compound with two closed consultations (online, paper, a conflict, a
       correction) and four open ones over the same 48 flats
cast   cast online ballots (first votes, then revotes) into the open consultations, one after
       another, writing each acknowledged receipt to LOG, until STOP exists
state  print every consultation's digest, tally and ballots as JSON; with --without FILE the
       ballots whose receipts FILE lists are taken back (in a transaction that is rolled back):
       the source as it was when the backup took its snapshot
"""

from __future__ import annotations

import dataclasses
import json
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

import django


def world() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from anju.consultations import services
    from anju.consultations.models import Channel
    from anju.core.audit import Actor
    from anju.roster import services as roster
    from tests.factories import SYSTEM, id_number, make_world

    w = make_world()
    rnd = random.Random(11)
    building = roster.building_create(compound=w.compound_a, number="8", storeys=6, units=4, gross_area=Decimal("4000"),
                                      actor=SYSTEM)
    n = 0
    for unit in building.units.order_by("number"):
        for floor in range(1, 7):
            for side in (1, 2):
                n += 1
                h = roster.household_create(unit=unit, floor=floor, room=f"{floor}0{side}",
                                            exclusive_area=f"{60 + rnd.randint(0, 3000) / 100:.2f}", actor=SYSTEM)
                p = roster.person_create(subdistrict=w.subdistrict, name=f"业主{n}", sex="F", birth_year=1955,
                                         id_number=id_number(500 + n), phone=f"1390000{n:04d}", actor=SYSTEM)
                roster.ownership_add(person=p, household=h, actor=SYSTEM)

    def make(title: str, template: str, unit=None):
        c = services.consultation_create(compound=w.compound_a, building=building, unit=unit, title=title, actor=SYSTEM)
        services.questions_from_template(consultation=c, template=template, actor=SYSTEM)
        return services.consultation_open(consultation=c, actor=SYSTEM)

    closed = [make("八栋一户一策", "household5"), make("八栋1单元加装电梯", "elevator", building.units.get(number="1"))]
    for c in closed:
        electors = list(c.electors.order_by("key"))
        for i, e in enumerate(electors):
            if i % 5 == 4:
                continue  # not heard
            channel = Channel.PAPER if i % 3 == 0 else Channel.ONLINE
            services.ballot_cast(consultation=c, household=e, answers=answers(c, rnd), channel=channel,
                                 actor=SYSTEM if channel == Channel.PAPER else Actor.system("resident"))
        services.ballot_cast(consultation=c, household=electors[1], answers=answers(c, rnd), channel=Channel.PAPER,
                             actor=SYSTEM)  # beside its online ballot: a conflict staff have not settled
        services.consultation_close(consultation=c, actor=SYSTEM)
        services.correction_append(consultation=c, household=electors[2], answers=answers(c, rnd),
                                   reason="入户核实 / checked at the door", actor=SYSTEM)
    for k in range(4):
        make(f"八栋改造项目意见征求（第 {k + 1} 批）", "renovation_items")


def answers(c, rnd: random.Random) -> dict[str, object]:
    out: dict[str, object] = {}
    for q in c.questions.order_by("order"):
        if q.kind == "yes_no":
            out[str(q.pk)] = rnd.choice(["yes", "yes", "yes", "no", "abstain"])
        elif q.kind == "single":
            out[str(q.pk)] = rnd.choice(q.choices)
        elif q.kind == "number":
            out[str(q.pk)] = str(rnd.randint(0, 30000))
        elif q.kind == "text":
            out[str(q.pk)] = rnd.choice(["", "希望尽快施工"])
    return out


def cast(log: Path, stop: Path) -> None:
    from anju.consultations import services
    from anju.consultations.models import Channel, Consultation
    from anju.core.audit import Actor

    rnd = random.Random(12)
    electors = [(c, e) for c in Consultation.objects.filter(status="open").order_by("pk")
                for e in c.electors.order_by("key")]
    with log.open("a") as out:
        for _ in range(20):  # round after round of revotes, until told to stop
            for c, e in electors:
                if stop.exists():
                    return
                b = services.ballot_cast(consultation=c, household=e, answers=answers(c, rnd), channel=Channel.ONLINE,
                                         actor=Actor.system("resident"))
                out.write(b.receipt + "\n")  # after the commit: every logged receipt was acknowledged
                out.flush()
                time.sleep(0.02)


def _undo(receipts: list[str]) -> None:
    """Take back online ballots, latest first: each revote's predecessor counts again (the state before it)."""
    from anju.consultations.models import Ballot, BallotState

    for ballot in Ballot.objects.filter(receipt__in=receipts).order_by("-pk"):
        earlier = (Ballot.objects.filter(elector=ballot.elector_id, online=True, state=BallotState.REPLACED,
                                         pk__lt=ballot.pk).order_by("-pk").first())
        ballot.delete()
        if earlier is not None:
            earlier.state, earlier.state_note = BallotState.COUNTED, ""
            earlier.save(update_fields=["state", "state_note"])


def state(without: Path | None) -> None:
    from django.db import transaction

    from anju.consultations.models import Ballot, Consultation
    from anju.consultations.queries import canonical_lines, digest, tally

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            if without is not None:
                _undo(without.read_text().split())
            result = {}
            for c in Consultation.objects.order_by("pk"):
                t = tally(c)
                result[c.title] = {
                    "status": c.status, "digest": digest(canonical_lines(c)),
                    "tally": json.loads(json.dumps(_plain(t), default=str)),
                    "ballots": sorted(Ballot.objects.filter(consultation=c).values_list("receipt", flat=True)),
                }
            print(json.dumps(result, ensure_ascii=False, sort_keys=True))
            raise Rollback
    except Rollback:
        pass


def _plain(t) -> dict[str, object]:
    return {
        "eligible": t.eligible, "eligible_area": t.eligible_area, "heard": t.heard, "heard_area": t.heard_area,
        "conflicts": t.conflicts, "by_channel": t.by_channel,
        "questions": [{"order": q.question.order, "result": repr(q.result), "error": q.error,
                       "owner_conflicts": q.owner_conflicts, "answered": q.answered, "choices": q.choices,
                       "numbers": [str(n) for n in q.numbers], "texts": q.texts,
                       "by_channel": [dataclasses.asdict(r) for r in q.by_channel],
                       "by_floor": [dataclasses.asdict(r) for r in q.by_floor]} for q in t.questions],
    }


if __name__ == "__main__":
    django.setup()
    action, *rest = sys.argv[1:]
    if action == "world":
        world()
    elif action == "cast":
        cast(Path(rest[0]), Path(rest[1]))
    elif action == "state":
        state(Path(rest[1]) if rest[:1] == ["--without"] else None)
