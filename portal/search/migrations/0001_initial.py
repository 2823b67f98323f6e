"""The word table with its trigram index, and ``portal_unaccent`` (``unaccent`` declared
immutable, so that generated columns may use it)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.RunSQL(
            sql=[
                "CREATE EXTENSION IF NOT EXISTS unaccent",
                "CREATE EXTENSION IF NOT EXISTS pg_trgm",
                "CREATE OR REPLACE FUNCTION portal_unaccent(text) RETURNS text "
                "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
                "AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$",
            ],
            reverse_sql=["DROP FUNCTION IF EXISTS portal_unaccent(text)"],
        ),
        migrations.CreateModel(
            name="SearchWord",
            fields=[("word", models.TextField(primary_key=True, serialize=False))],
            options={"verbose_name": "search word"},
        ),
        migrations.RunSQL(
            sql="CREATE INDEX search_word_trgm ON search_searchword USING gin (word gin_trgm_ops)",
            reverse_sql="DROP INDEX IF EXISTS search_word_trgm",
        ),
    ]
