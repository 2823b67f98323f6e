"""The skeleton keys of every searchable row computed again, as ``portal.search.text`` now
makes them: the words of the portal's own subject in English and Russian (EU "ЕС",
COOPERATION "сотрудничество", PROGRAMME, PROJECT, CALL "конкурс", PARTNERSHIP, EXCHANGE,
BILATERAL, MOBILITY, GRANT, FUNDING, EDUCATION, TRAINING, NETWORK, INNOVATION:
``text._COOPERATION_WORDS``). Only the rows whose keys changed are written
(``keys_refresh``)."""

from django.db import migrations

from portal.search.indexing import keys_refresh_all


def refresh(apps, schema_editor):
    keys_refresh_all(apps)


class Migration(migrations.Migration):
    dependencies = [("search", "0009_russian_institution_words")]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
