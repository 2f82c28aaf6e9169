"""A consultation's description becomes rich text: what was stored as typed is turned into the same
sanitised HTML the editor now saves, so the vote page can show it as HTML without trusting old text."""

from django.db import migrations

from anju.core.sanitise import rich_text


def to_html(apps, schema_editor):
    Consultation = apps.get_model("consultations", "Consultation")
    for c in Consultation.objects.exclude(description="").only("pk", "description").iterator():
        Consultation.objects.filter(pk=c.pk).update(description=rich_text(c.description))


class Migration(migrations.Migration):
    dependencies = [("consultations", "0004_letter_codes_and_aliases")]

    operations = [migrations.RunPython(to_html, migrations.RunPython.noop)]
