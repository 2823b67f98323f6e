"""The organisations' *name pairs* index: GIN over ``portal_search_pairs(ts_filter(head_vector,
'{a}'))`` (``portal.search.engine.PAIRS_VECTOR``), the pairs of the names' lexemes with their
distance, from which tier 1 of a search of several words (the phrase in the name) is read.

"Институт Institute" (26,026 of the benchmark's 100,042 organisations have both words in
their names, none the phrase): tier 1 was found by testing the phrase on all of them, sorted
with tiers 2 and 3 (71 ms); from this index it is 0.04 ms, and tiers 2 and 3 are then walked.
Built in 7 s there, 16 MB. ``ANALYZE`` gives the planner the expression's statistics."""

from django.db import migrations

TABLE = "cooperation_organisation"
INDEX = "coop_org_name_pairs_gin"


class Migration(migrations.Migration):
    dependencies = [
        ("cooperation", "0017_organisation_theme_ids_field"),
        ("search", "0004_search_pairs_function"),
    ]

    operations = [
        migrations.RunSQL(
            sql=[
                f"CREATE INDEX IF NOT EXISTS {INDEX} ON {TABLE} USING gin "
                "(portal_search_pairs(ts_filter(head_vector, '{a}'))) "
                "WITH (gin_pending_list_limit = 256)",
                f"ANALYZE {TABLE}",
            ],
            reverse_sql=[f"DROP INDEX IF EXISTS {INDEX}"],
        ),
    ]
