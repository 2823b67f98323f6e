"""The skeleton keys of every searchable row computed again, as ``portal.search.text`` now
makes them: more fields that Russian institutes are named after have their English words
("Институт белка": INSTITUTE OF PROTEIN RESEARCH, "Институт мерзлотоведения": MELNIKOV
PERMAFROST INSTITUTE, "Почвенный институт": SOIL SCIENCE INSTITUTE, and the names of
medical and earth sciences), and an adjective in "-имский" or "-инский" has the city whose
name ends in "-а" ("Уфимский": UFA, "Читинская": CHITA), and the commas of a list ending in
"and" do not end a part of a name for its acronyms ("...информационных технологий, механики и
оптики": ИТМО, ITMO). Only the rows whose keys changed are written (``keys_refresh``)."""

from django.db import migrations

from portal.search.indexing import keys_refresh_all


def refresh(apps, schema_editor):
    keys_refresh_all(apps)


class Migration(migrations.Migration):
    dependencies = [("search", "0012_compound_and_eu_reading_keys")]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
