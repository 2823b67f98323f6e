"""The skeleton keys of every searchable row computed again, as ``portal.search.text`` now
makes them: "Россия" is given the English "Russian" too (English texts say "Russian partners"
where Russian ones say "партнёры из России": ``text._COOPERATION_WORDS``). Only the rows whose
keys changed are written (``keys_refresh``)."""

from django.db import migrations

from portal.search.indexing import keys_refresh_all


def refresh(apps, schema_editor):
    keys_refresh_all(apps)


class Migration(migrations.Migration):
    dependencies = [("search", "0010_cooperation_words")]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
