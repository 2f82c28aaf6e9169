"""Letters carry a random code stored hashed (the old link token was derived from a stored nonce,
so anyone who could print a letter could vote); electors get the alias the public list shows;
consultations say whether their ballot list is published by room (open ballots)."""

import secrets

from django.conf import settings
from django.db import migrations, models

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def drop_old_letters(apps, schema_editor):
    # Their tokens could be recomputed from the nonce by anyone holding the SECRET_KEY or the PDF
    # route; none of them may keep working. Staff print new letters.
    apps.get_model("consultations", "Letter").objects.all().delete()


def give_aliases(apps, schema_editor):
    Elector = apps.get_model("consultations", "Elector")
    taken: dict[int, set[str]] = {}
    batch = []
    for e in Elector.objects.only("pk", "consultation_id").iterator(chunk_size=2000):
        used = taken.setdefault(e.consultation_id, set())
        alias = "".join(secrets.choice(ALPHABET) for _ in range(8))
        while alias in used:
            alias = "".join(secrets.choice(ALPHABET) for _ in range(8))
        used.add(alias)
        e.alias = alias
        batch.append(e)
        if len(batch) >= 2000:
            Elector.objects.bulk_update(batch, ["alias"])
            batch = []
    Elector.objects.bulk_update(batch, ["alias"])


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0003_regroup_owner_keys_of_open_votes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_old_letters, migrations.RunPython.noop),
        migrations.RemoveField(model_name="letter", name="nonce"),
        migrations.RemoveField(model_name="letter", name="token_hash"),
        migrations.RemoveField(model_name="letter", name="created"),
        migrations.AlterField(
            model_name="letter", name="elector",
            field=models.ForeignKey(on_delete=models.deletion.CASCADE, related_name="letters",
                                    to="consultations.elector"),
        ),
        migrations.AddField(model_name="letter", name="code_hash",
                            field=models.CharField(default="", max_length=64, unique=True), preserve_default=False),
        migrations.AddField(model_name="letter", name="issued_at",
                            field=models.DateTimeField(auto_now_add=True, default=None, verbose_name="打印时间"),
                            preserve_default=False),
        migrations.AddField(model_name="letter", name="issued_by",
                            field=models.ForeignKey(blank=True, null=True, on_delete=models.deletion.SET_NULL,
                                                    related_name="+", to=settings.AUTH_USER_MODEL)),
        migrations.AddField(model_name="letter", name="issued_by_label",
                            field=models.CharField(default="", max_length=120, verbose_name="打印人"),
                            preserve_default=False),
        migrations.AddField(model_name="letter", name="reason",
                            field=models.CharField(blank=True, max_length=300, verbose_name="补发原因")),
        migrations.AddField(model_name="letter", name="revoked_at",
                            field=models.DateTimeField(blank=True, null=True, verbose_name="作废时间")),
        migrations.AddField(model_name="letter", name="locked_at",
                            field=models.DateTimeField(blank=True, null=True, verbose_name="锁定时间")),
        migrations.AlterModelOptions(name="letter", options={"ordering": ["id"], "verbose_name": "告知书",
                                                             "verbose_name_plural": "告知书"}),
        migrations.AddConstraint(
            model_name="letter",
            constraint=models.UniqueConstraint(condition=models.Q(revoked_at__isnull=True), fields=("elector",),
                                               name="letter_one_valid_per_household"),
        ),
        migrations.AddField(model_name="elector", name="alias",
                            field=models.CharField(default="", max_length=12, verbose_name="公示编号"),
                            preserve_default=False),
        migrations.RunPython(give_aliases, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="elector",
            constraint=models.UniqueConstraint(fields=("consultation", "alias"), name="elector_alias_unique"),
        ),
        migrations.AddField(model_name="consultation", name="open_ballots",
                            field=models.BooleanField(default=False,
                                                      verbose_name="记名公示（议事规则要求公开表决时）")),
    ]
