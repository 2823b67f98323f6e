"""The skeleton keys of every searchable row computed again, as ``portal.search.text`` now
makes them: a city's name in another language gives the city's token
(``portal.search.places``: "MUENCHEN", "Munich" and "Мюнхен" share ``geo2867714``), and
"Universität", "Université", "Technische" and their kin have Russian counterparts. Only the
rows whose keys changed are written (``keys_refresh``)."""

from django.db import migrations

from portal.search.indexing import keys_refresh_all


def refresh(apps, schema_editor):
    keys_refresh_all(apps)


class Migration(migrations.Migration):
    dependencies = [("search", "0005_keys_refreshed")]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
