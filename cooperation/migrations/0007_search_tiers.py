"""Search in tiers (portal.search): ``search_keys`` (skeleton keys), and the vectors as columns
PostgreSQL generates: ``search_vector`` (names, terms, description), ``head_vector`` (names
and terms) and ``keys_vector`` (keys), each GIN-indexed. The trigram index on the names goes:
fuzzy matching corrects words against the word table (``search.0001``) instead.

Existing rows get their vectors when the columns are added, and their keys from their
names and terms here; the word table is filled from every row."""

from django.db import migrations, models

from portal.search import fields, text


def fill_keys(apps, schema_editor):
    for model_name in TABLES:
        model = apps.get_model("cooperation", model_name)
        batch = []
        for row in model.objects.only("pk", "search_names", "search_terms").iterator(2000):
            row.search_keys = text.skeleton_keys(row.search_names, row.search_terms)
            batch.append(row)
            if len(batch) >= 2000:
                model.objects.bulk_update(batch, ["search_keys"])
                batch = []
        model.objects.bulk_update(batch, ["search_keys"])
    with schema_editor.connection.cursor() as cursor:
        for table, _prefix, description in TABLES.values():
            columns = "search_names || ' ' || search_terms"
            if description:
                columns += f" || ' ' || COALESCE({description}, '')"
            inner = f"SELECT to_tsvector('simple', portal_unaccent({columns})) FROM {table}"
            cursor.execute(
                "INSERT INTO search_searchword (word) SELECT word FROM ts_stat(%s) "
                "WHERE length(word) BETWEEN 2 AND 60 ON CONFLICT DO NOTHING",
                [inner],
            )

TABLES = {
    "organisation": ("cooperation_organisation", "coop_org", "description"),
    "researcherprofile": ("cooperation_researcherprofile", "coop_researcher", None),
    "cooperationoffer": ("cooperation_cooperationoffer", "coop_offer", "description"),
    "fundingcall": ("cooperation_fundingcall", "coop_call", "description"),
}

operations: list = []
for model, (table, prefix, description) in TABLES.items():
    operations += [
        migrations.RunSQL(
            sql=f"DROP INDEX IF EXISTS {prefix}_names_trgm_gin",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.RemoveField(model_name=model, name="search_vector"),
        migrations.AddField(
            model_name=model,
            name="search_keys",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(model_name=model, name="head_vector", field=fields.head_vector()),
        migrations.AddField(model_name=model, name="keys_vector", field=fields.keys_vector()),
        migrations.AddField(
            model_name=model,
            name="search_vector",
            field=fields.document_vector(*filter(None, [description])),
        ),
        migrations.RunSQL(
            sql=[
                f"CREATE INDEX {prefix}_search_vector_gin ON {table} USING gin (search_vector)",
                f"CREATE INDEX {prefix}_head_vector_gin ON {table} USING gin (head_vector)",
                f"CREATE INDEX {prefix}_keys_vector_gin ON {table} USING gin (keys_vector)",
            ],
            reverse_sql=[
                f"DROP INDEX IF EXISTS {prefix}_head_vector_gin",
                f"DROP INDEX IF EXISTS {prefix}_keys_vector_gin",
            ],
        ),
    ]


operations.append(migrations.RunPython(fill_keys, migrations.RunPython.noop))


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0006_plausible_dates"), ("search", "0001_initial")]

    operations = operations
