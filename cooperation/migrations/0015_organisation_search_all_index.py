"""The organisations' *all* index: GIN over ``portal_search_all(search_vector, keys_vector)``
(migration ``search.0003``), from which tier 5 of a search is one tsquery in one scan.

Measured on the benchmark's 100,042 organisations (every match of tier 5, 30 queries per
class): two Cyrillic words in some case, median 12.2 ms over the two columns' index, 4.7 ms
over this one; other romanisations 7.2 -> 3.7 ms; a city with a field 11.9 -> 6.7 ms; the
same rows in every query. Built in 8 s there, 28 MB. ``ANALYZE`` gives the planner the
expression's statistics (how common a word is in it)."""

from django.db import migrations

TABLE = "cooperation_organisation"
INDEX = "coop_org_search_all_gin"


class Migration(migrations.Migration):
    dependencies = [
        ("cooperation", "0014_organisation_name_postings"),
        ("search", "0003_search_all_function"),
    ]

    operations = [
        migrations.RunSQL(
            sql=[
                f"CREATE INDEX IF NOT EXISTS {INDEX} ON {TABLE} USING gin "
                "(portal_search_all(search_vector, keys_vector)) "
                "WITH (gin_pending_list_limit = 256)",
                f"ANALYZE {TABLE}",
            ],
            reverse_sql=[f"DROP INDEX IF EXISTS {INDEX}"],
        )
    ]
