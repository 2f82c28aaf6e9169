"""Open consultations get the owner keys `owner_keys` now gives: a person owning one flat alone and
another jointly was two owners ("p5" and "p5+9") and counted twice (SPC interpretation art. 9).

The keys are recomputed from each elector's owner ids frozen at the opening, so the electorate itself
does not change. Closed consultations keep their keys: their result has been published."""

from django.db import migrations


def _groups(owners: dict[int, list[int]]) -> dict[int, str]:
    # A frozen copy of services.owner_keys: migrations must not follow later changes of app code.
    parent: dict[int, int] = {}

    def root(pid: int) -> int:
        parent.setdefault(pid, pid)
        while parent[pid] != pid:
            parent[pid] = parent[parent[pid]]
            pid = parent[pid]
        return pid

    for ids in owners.values():
        for pid in ids[1:]:
            a, b = root(ids[0]), root(pid)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {eid: f"p{root(ids[0])}" for eid, ids in owners.items() if ids}


def regroup(apps, schema_editor):
    Elector = apps.get_model("consultations", "Elector")
    open_ids = apps.get_model("consultations", "Consultation").objects.filter(status="open").values_list("pk", flat=True)
    for consultation_id in open_ids:
        rows = list(Elector.objects.filter(consultation_id=consultation_id).only("pk", "owner_ids", "owner_key"))
        keys = _groups({e.pk: sorted(e.owner_ids) for e in rows})
        changed = [e for e in rows if e.pk in keys and e.owner_key != keys[e.pk]]
        for e in changed:
            e.owner_key = keys[e.pk]
        Elector.objects.bulk_update(changed, ["owner_key"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [("consultations", "0002_owner_settlement")]

    operations = [migrations.RunPython(regroup, migrations.RunPython.noop)]
