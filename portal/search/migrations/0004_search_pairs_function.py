"""``portal_search_pairs(tsvector)``: the pairs of a vector's lexemes at most three positions
apart, each written with its distance (``"институт 1 institut"``), for a GIN index that finds
the rows holding a phrase (``portal.search.engine.PAIRS_VECTOR``).

A phrase's rows are among those holding every pair of its lexemes at the distances the
phrase puts them (a phrase is its lexemes at those distances: ``to_tsquery`` writes "State
University" as ``'state' <-> 'univers'``, "University of Tartu" as ``'univers' <2>
'tartu'``), so the pairs of the phrase's own vector, contained in a row's, select its
candidates; the phrase's condition then tests each. No other index holds positions: over the
words' index, a phrase of two words common in the names ("Институт Institute": 26,026 names
with both words, none with the phrase) is tested on every row holding both words.

Only built-in functions: no search path needed (PostgreSQL 17 and later build index
expressions with ``pg_catalog`` alone on it)."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION portal_search_pairs(doc tsvector) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    WITH w AS (
        SELECT u.lexeme, p FROM unnest(COALESCE(doc, ''::tsvector)) AS u, unnest(u.positions) AS p
    )
    SELECT ARRAY(
        SELECT DISTINCT a.lexeme || ' ' || (b.p - a.p) || ' ' || b.lexeme
        FROM w AS a JOIN w AS b ON b.p > a.p AND b.p <= a.p + 3
    )
$$
"""


class Migration(migrations.Migration):
    dependencies = [("search", "0003_search_all_function")]

    operations = [
        migrations.RunSQL(
            sql=FUNCTION, reverse_sql="DROP FUNCTION IF EXISTS portal_search_pairs(tsvector)"
        )
    ]
