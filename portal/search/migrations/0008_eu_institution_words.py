"""The skeleton keys of every searchable row computed again, as ``portal.search.text`` now
makes them: the words of institution names in the languages of the EU (GESELLSCHAFT,
RICERCHE, ISTITUTO, TEKNISKE, HOCHSCHULE, DANMARKS, ...) with their Russian counterparts
(``_EU_INSTITUTION_WORDS``), the Lithuanian and Latvian genitives of a city's name
(VILNIAUS, RIGAS), the cases of city names that the stemmer cut short ("Цюриха"), and the
"-тех" of a portmanteau in "-tech" (SKOLTECH: "Сколтех"), and the Russian acronym of an
English name that ends with its institution word (SPACE RESEARCH INSTITUTE: ИКИ), and the
new adjective rules ("Университетский", "Венский", "Пражский", ZAGREBU, SZEGEDI), and a
Latin C read "к" as well as "ц" (COMPLUTENSE, CURIE).
Only the rows whose keys changed are written (``keys_refresh``)."""

from django.db import migrations

from portal.search.indexing import keys_refresh_all


def refresh(apps, schema_editor):
    keys_refresh_all(apps)


class Migration(migrations.Migration):
    dependencies = [("search", "0007_name_acronyms")]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
