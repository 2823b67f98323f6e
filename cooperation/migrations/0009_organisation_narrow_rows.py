"""Narrow organisation rows: what a search reads per row stays in the row, the long texts go
to the TOAST table.

A search reads many organisation rows for a few columns: the walk of the FP7 index and the
probe check ``head_vector`` and ``keys_vector``, the facets read ``country_id``, ``type``
and ``theme_ids``, the order reads ``name``. With the description and the full
``search_vector`` stored in the row (about 4 kB), two rows fit in a page, so every row read
is a page read (405 MB of rows at 100,000 organisations, three times PostgreSQL's default
shared buffers). ``toast_tuple_target`` 128 moves the long texts out of the row (they are
read only for the rows of a page, and by the full-text index); ``STORAGE MAIN`` keeps the
columns above in it (compressed if need be): 150 MB, about seven rows a page, and the
benchmark's searches read a third of the pages they did.

Rows are laid out so when they are written: new and updated rows at once; existing rows when
they next change (or at once with ``VACUUM FULL cooperation_organisation``).
"""

from django.db import migrations

TABLE = "cooperation_organisation"
KEPT_IN_ROW = ("head_vector", "keys_vector", "theme_ids", "name", "type", "status")

FORWARD = [
    f"ALTER TABLE {TABLE} SET (toast_tuple_target = 128)",
    f"ALTER TABLE {TABLE} "
    + ", ".join(f"ALTER COLUMN {column} SET STORAGE MAIN" for column in KEPT_IN_ROW),
]
BACKWARD = [
    f"ALTER TABLE {TABLE} RESET (toast_tuple_target)",
    f"ALTER TABLE {TABLE} "
    + ", ".join(f"ALTER COLUMN {column} SET STORAGE EXTENDED" for column in KEPT_IN_ROW),
]


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0008_gin_without_pending_list")]

    operations = [migrations.RunSQL(sql=FORWARD, reverse_sql=BACKWARD)]
