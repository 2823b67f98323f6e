"""Indexes for the sorts of the public organisation list (published rows only).

Without them the first page of /partners/ sorts all 100,000 published organisations on every
request. Plain SQL (PostgreSQL and SQLite both support expression and partial indexes), so the
model state is unchanged and ``makemigrations`` has nothing to add or remove.
"""

from django.db import migrations

INDEXES = {
    # ORGANISATION_LIST sort "name": Lower("name"), pk
    "coop_org_pub_name_idx": "(LOWER(name), id)",
    # sort "newest": created_at DESC, pk DESC
    "coop_org_pub_newest_idx": "(created_at DESC, id DESC)",
    # sort "fp7": fp7_participations DESC, Lower("name"), pk
    "coop_org_pub_fp7_idx": "(fp7_participations DESC, LOWER(name), id)",
}


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0003_cordis")]

    operations = [
        migrations.RunSQL(
            sql=(
                f"CREATE INDEX IF NOT EXISTS {name} ON cooperation_organisation {columns} "
                "WHERE status = 'published'"
            ),
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, columns in INDEXES.items()
    ]
