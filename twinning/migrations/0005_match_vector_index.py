"""One GIN index answers a band statement of twinning's matching whole: the organisation's
*match vector*, ``portal_match_vector(head_vector, keys_vector, theme_ids,
fp7_participations, country_id, type)``: the lexemes of its names, keywords, themes and
places (``head_vector``), its skeleton keys (``keys_vector``), its tags (``portal_match_tags``,
migration ``0004``) as lexemes ``#<tag>`` and its type as ``!<type>``, positions stripped.

A band statement asks for "these keywords, in some form, these tags (a theme, an FP7 record,
the country) and one of these types". Read from three indexes (the vectors' two and the tags'), PostgreSQL
builds a bitmap of every posting of each common word ("technology": tens of thousands of
rows) before intersecting them with the band's few hundred rows: at 100,000 organisations
60% of the matching's database time went to building such bitmaps. As one ``@@`` of one
index, GIN intersects inside the scan: it reads the rarest entries whole and skips through
the others (its "fast scan"), and no bitmap of a common word is built. Measured on the
benchmark's 100,000 organisations: a band of two themes and a common word, 16 ms of bitmaps
from the three indexes, 4 ms from this one.

The tags' own index (``0004``) is dropped: the tags are read from this one.

The function keeps the search path it was created with (``SET search_path FROM CURRENT``):
PostgreSQL 17 and later run index expressions during ``CREATE INDEX`` and ``REINDEX`` with
only ``pg_catalog`` on the path, where ``portal_match_tags`` would not be found."""

from django.db import migrations

TABLE = "cooperation_organisation"
INDEX = "coop_org_match_vector_gin"
TAGS_INDEX = "coop_org_match_tags_gin"

FUNCTION = """
CREATE OR REPLACE FUNCTION portal_match_vector(
    head tsvector, keys tsvector, themes bigint[], fp7 integer, country bigint, kind text
) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT AS $$
    SELECT strip(COALESCE(head, ''::tsvector) || COALESCE(keys, ''::tsvector))
        || array_to_tsvector(ARRAY(
            SELECT '#' || t::text FROM unnest(portal_match_tags(themes, fp7, country)) AS t
            WHERE t IS NOT NULL
        ))
        || array_to_tsvector(ARRAY['!' || COALESCE(kind, '')])
$$
"""


class Migration(migrations.Migration):
    dependencies = [("twinning", "0004_match_tags_index")]

    operations = [
        migrations.RunSQL(
            sql=[
                FUNCTION,
                f"CREATE INDEX IF NOT EXISTS {INDEX} ON {TABLE} USING gin "
                "(portal_match_vector(head_vector, keys_vector, theme_ids, "
                "fp7_participations, country_id, type)) WITH (gin_pending_list_limit = 256)",
                f"DROP INDEX IF EXISTS {TAGS_INDEX}",
            ],
            reverse_sql=[
                f"CREATE INDEX IF NOT EXISTS {TAGS_INDEX} ON {TABLE} USING gin "
                "(portal_match_tags(theme_ids, fp7_participations, country_id)) "
                "WITH (fastupdate = off)",
                f"DROP INDEX IF EXISTS {INDEX}",
                "DROP FUNCTION IF EXISTS "
                "portal_match_vector(tsvector, tsvector, bigint[], integer, bigint, text)",
            ],
        )
    ]
