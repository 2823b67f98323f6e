"""A short pending list for the word table's trigram index (see cooperation 0007)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunSQL(
            sql=[
                "ALTER INDEX search_word_trgm SET (gin_pending_list_limit = 256)",
                "SELECT gin_clean_pending_list('search_word_trgm'::regclass)",
            ],
            reverse_sql="ALTER INDEX search_word_trgm RESET (gin_pending_list_limit)",
        )
    ]
