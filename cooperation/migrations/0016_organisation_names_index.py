"""The organisations' *names* index: GIN over ``ts_filter(head_vector, '{a}')``, the lexemes
of the names alone (``portal.search.engine.NAMES_VECTOR``), from which tiers 1 and 2 of a
search of several words (the words in the name) are read when the words are common in the
head.

Over ``head_vector`` the candidates of tiers 1-2 are every row with the words anywhere in
its names, keywords, themes or place: "research Университет" read and sorted 16,505 rows of
the benchmark's 100,042 organisations (59 ms) to find that none has both words in its name;
this index answers it in 1.1 ms. Built in 0.5 s there, 4.3 MB. ``ANALYZE`` gives the planner
the expression's statistics."""

from django.db import migrations

TABLE = "cooperation_organisation"
INDEX = "coop_org_names_gin"


class Migration(migrations.Migration):
    dependencies = [
        ("cooperation", "0015_organisation_search_all_index"),
    ]

    operations = [
        migrations.RunSQL(
            sql=[
                f"CREATE INDEX IF NOT EXISTS {INDEX} ON {TABLE} USING gin "
                "(ts_filter(head_vector, '{a}')) WITH (gin_pending_list_limit = 256)",
                f"ANALYZE {TABLE}",
            ],
            reverse_sql=[f"DROP INDEX IF EXISTS {INDEX}"],
        )
    ]
