"""``portal_search_all(search_vector, keys_vector)``: a row's forms and its skeleton keys in one
tsvector, each key marked ``~`` (``~vernadsk``), for a GIN index that reads tier 5 of a search
in one scan (``portal.search.engine.every_word_in_some_form_all``).

Tier 5 asks for every word in one of its forms or by its key. Over two columns that is one
index scan per way of reading the words (eight for three words), each reading a common
word's entries again; over one vector it is one tsquery, ``(forms1 | ~keys1) & (forms2 |
~keys2)``, and GIN reads each entry once, intersecting inside the scan. The mark keeps a key
from ever matching a form (the text-search parser never makes a lexeme beginning with ``~``),
so the condition finds exactly the rows the two columns' condition finds.

Only built-in functions: no search path needed (PostgreSQL 17 and later build index
expressions with ``pg_catalog`` alone on it)."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION portal_search_all(doc tsvector, keys tsvector) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT COALESCE(doc, ''::tsvector) || array_to_tsvector(ARRAY(
        SELECT '~' || u.lexeme FROM unnest(COALESCE(keys, ''::tsvector)) AS u
    ))
$$
"""


class Migration(migrations.Migration):
    dependencies = [("search", "0002_word_index_without_pending_list")]

    operations = [
        migrations.RunSQL(
            sql=FUNCTION,
            reverse_sql="DROP FUNCTION IF EXISTS portal_search_all(tsvector, tsvector)",
        )
    ]
