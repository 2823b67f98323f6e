"""The skeleton keys of every searchable row computed again, as ``portal.search.text`` now
makes them: an adjective made from a name gives the name's key too ("Казанский": KAZAN);
"research", "physical", "nizhny" and "novgorod" have more Russian counterparts
("исследование", "физика", "нижегородский", "новгородский"); Latin "tch" and "ck" are read
back as "ч" and "к" (Tchaikovsky, Planck); G and H share a key (Гумбольдт: HUMBOLDT). Only
the rows whose keys changed are written (``keys_refresh``)."""

from django.db import migrations

from portal.search.indexing import keys_refresh_all


def refresh(apps, schema_editor):
    keys_refresh_all(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0004_search_pairs_function"),
        ("cooperation", "0019_organisation_theme_ids_kept"),
        ("brokerage", "0002_bilingual_profile_texts"),
        ("twinning", "0005_match_vector_index"),
        ("fp7_contacts", "0004_code_format"),
    ]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
