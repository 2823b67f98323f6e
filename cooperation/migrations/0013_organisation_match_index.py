"""An index for twinning's matching: the themes and the FP7 record of each organisation in one
GIN index (``btree_gin`` indexes the integer), so that a statement asking for rows with given
themes and at least so many FP7 participations (and a keyword, from the full-text indexes)
finds them in the indexes and reads only those rows (``twinning.matching``: the bands of a
level). Without a pending list (``fastupdate`` off): the rows change one at a time."""

from django.db import migrations

TABLE = "cooperation_organisation"
INDEX = "coop_org_themes_fp7_gin"


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0012_search_vectors_one_gin_index")]

    operations = [
        migrations.RunSQL(
            sql=[
                "CREATE EXTENSION IF NOT EXISTS btree_gin",
                f"CREATE INDEX IF NOT EXISTS {INDEX} ON {TABLE} "
                "USING gin (theme_ids, fp7_participations) WITH (fastupdate = off)",
            ],
            reverse_sql=[f"DROP INDEX IF EXISTS {INDEX}"],
        )
    ]
