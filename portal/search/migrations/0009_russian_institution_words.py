"""The skeleton keys of every searchable row computed again, as ``portal.search.text`` now
makes them: learned words by their endings ("ZOOLOGICAL", "Зоологический"; "ACOUSTICS",
"акустика"; "FEDERATION", "Федерация": ``text.cognates``), the English words of Russian
institutions' names (GARDEN, WATER, CONTROL, LIMITED LIABILITY, RAILWAYS, PETER THE GREAT,
RAS: ``_RUSSIAN_INSTITUTION_WORDS``), the legal forms of Russian companies in any script
(ООО, LLC: ``text.LEGAL_FORMS``), a German CH read "х" (BACH: "Баха"), a German or Italian
Z "ц" (ZEISS: "Цейсс", SAPIENZA), a spelled-out umlaut one vowel (JUELICH: "Юлих"), Russian
names as German writes them (CHRUSCHTSCHOW, SAIZEW), the diacritics of ISO 9 and of Czech and
Polish names (Ûrʹev, Dvořák), "-al" and
"-ale" as "-альный" (NORMALE), German compounds of research (FORSCHUNGSZENTRUM) and the
Russian acronyms of English names in the Russian order (PHYSICAL-TECHNICAL INSTITUTE: ФТИ;
MOSCOW INSTITUTE OF PHYSICS AND TECHNOLOGY: МФТИ).
Only the rows whose keys changed are written (``keys_refresh``)."""

from django.db import migrations

from portal.search.indexing import keys_refresh_all


def refresh(apps, schema_editor):
    keys_refresh_all(apps)


class Migration(migrations.Migration):
    dependencies = [("search", "0008_eu_institution_words")]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
