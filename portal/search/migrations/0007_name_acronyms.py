"""The skeleton keys of every searchable row computed again, as ``portal.search.text`` now
makes them: with the acronyms of each name (``name_acronyms``: "LOMONOSOV MOSCOW STATE
UNIVERSITY" gives ``acr0mgu`` and ``acr0msu``, which "МГУ" and "MSU" look up), and with
the keys of both words of a city that an adjective is made from ("Нижегородский": "Нижний"
and "Новгород"). Only the rows whose keys changed are written (``keys_refresh``)."""

from django.db import migrations

from portal.search.indexing import keys_refresh_all


def refresh(apps, schema_editor):
    keys_refresh_all(apps)


class Migration(migrations.Migration):
    dependencies = [("search", "0006_place_tokens")]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
