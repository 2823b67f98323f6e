"""A short pending list for the search's GIN indexes (``gin_pending_list_limit`` 256 kB).

With ``fastupdate`` PostgreSQL appends new index entries to a pending list that every search
reads in full until it is merged (by a vacuum, or when it reaches the limit, 4 MB by default):
after a bulk insert each GIN scan cost 1-15 ms here even for a word no row has (benchmark data,
100,000 organisations). Without ``fastupdate`` searches stay fast but a 30,000-row import
became too slow. So: a short list (the search reads at most 256 kB of it), and bulk writers
(the CORDIS import, the seeder) merge it when they finish (``portal.search.indexes_tidy``)."""

from django.db import migrations

INDEXES = [
    f"{prefix}_{column}_gin"
    for prefix in ("coop_org", "coop_researcher", "coop_offer", "coop_call")
    for column in ("search_vector", "head_vector", "keys_vector")
]


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0007_search_tiers")]

    operations = [
        migrations.RunSQL(
            sql=[
                *(f"ALTER INDEX {name} SET (gin_pending_list_limit = 256)" for name in INDEXES),
                *(f"SELECT gin_clean_pending_list('{name}'::regclass)" for name in INDEXES),
            ],
            reverse_sql=[f"ALTER INDEX {name} RESET (gin_pending_list_limit)" for name in INDEXES],
        )
    ]
