"""Full-text and trigram search on PostgreSQL (see cooperation/search.py); nothing elsewhere.

- extensions ``unaccent`` and ``pg_trgm`` (both trusted: a database owner may create them);
- the text search configuration ``portal_search``: a copy of ``russian`` (Russian Snowball
  stemmer for Cyrillic words, English for Latin ones) with ``unaccent`` in front of the stemmers;
- per searchable table: a GIN index on ``search_vector`` and a GIN trigram index on
  ``search_names`` for misspelled names; no planner statistics on ``search_names`` (see below).
"""

from django.db import migrations

TABLES = {
    "cooperation_organisation": "coop_org",
    "cooperation_researcherprofile": "coop_researcher",
    "cooperation_cooperationoffer": "coop_offer",
    "cooperation_fundingcall": "coop_call",
}

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """
    DO $$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'portal_search') THEN
            CREATE TEXT SEARCH CONFIGURATION portal_search (COPY = pg_catalog.russian);
        END IF;
    END
    $$
    """,
    """
    ALTER TEXT SEARCH CONFIGURATION portal_search
        ALTER MAPPING FOR word, hword, hword_part WITH unaccent, russian_stem
    """,
    """
    ALTER TEXT SEARCH CONFIGURATION portal_search
        ALTER MAPPING FOR asciiword, asciihword, hword_asciipart WITH unaccent, english_stem
    """,
]
for table, prefix in TABLES.items():
    FORWARD += [
        # No statistics on search_names: the planner would otherwise compute word_similarity()
        # for each of its ~200 sampled long values to estimate a trigram condition, ~10 ms of
        # planning per search. Changing the column to its own type drops existing statistics.
        f"ALTER TABLE {table} ALTER COLUMN search_names SET STATISTICS 0",
        f"ALTER TABLE {table} ALTER COLUMN search_names TYPE text",
        f"CREATE INDEX IF NOT EXISTS {prefix}_search_vector_gin ON {table} "
        "USING gin (search_vector)",
        f"CREATE INDEX IF NOT EXISTS {prefix}_names_trgm_gin ON {table} "
        "USING gin (search_names gin_trgm_ops)",
    ]

BACKWARD = []
for prefix in TABLES.values():
    BACKWARD += [
        f"DROP INDEX IF EXISTS {prefix}_search_vector_gin",
        f"DROP INDEX IF EXISTS {prefix}_names_trgm_gin",
    ]
BACKWARD.append("DROP TEXT SEARCH CONFIGURATION IF EXISTS portal_search")
# The extensions stay: other objects may use them.


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0001_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
