"""Bilingual content (django-modeltranslation, portal/bilingual.py): a column per language for
the titles, summaries and descriptions. Existing texts move to the column of their script
(Cyrillic to ``_ru``, the rest to ``_en``); ``search_vector`` is generated from the description
in both languages (its GIN index is rebuilt with it)."""

import django.contrib.postgres.search
import django.db.models.functions.comparison
from django.db import migrations, models

from portal.search import fields

SEARCHED = {
    "organisation": ("cooperation_organisation", "coop_org"),
    "cooperationoffer": ("cooperation_cooperationoffer", "coop_offer"),
    "fundingcall": ("cooperation_fundingcall", "coop_call"),
}
TRANSLATED = {
    "organisation": ("description",),
    "fundingcall": ("title", "description"),
    "cooperationoffer": ("title", "summary", "description"),
}


def copy_to_language_columns(apps, schema_editor):
    from portal.bilingual import copy_by_script

    for model_name, names in TRANSLATED.items():
        copy_by_script(apps.get_model("cooperation", model_name), names)


class Migration(migrations.Migration):

    dependencies = [
        ('cooperation', '0010_role_permissions'),
    ]

    operations = [
        migrations.AddField(
            model_name='cooperationoffer',
            name='description_en',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='cooperationoffer',
            name='description_ru',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='cooperationoffer',
            name='summary_en',
            field=models.CharField(max_length=600, null=True, verbose_name='summary'),
        ),
        migrations.AddField(
            model_name='cooperationoffer',
            name='summary_ru',
            field=models.CharField(max_length=600, null=True, verbose_name='summary'),
        ),
        migrations.AddField(
            model_name='cooperationoffer',
            name='title_en',
            field=models.CharField(max_length=200, null=True, verbose_name='title'),
        ),
        migrations.AddField(
            model_name='cooperationoffer',
            name='title_ru',
            field=models.CharField(max_length=200, null=True, verbose_name='title'),
        ),
        migrations.AddField(
            model_name='fundingcall',
            name='description_en',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='fundingcall',
            name='description_ru',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='fundingcall',
            name='title_en',
            field=models.CharField(max_length=400, null=True, verbose_name='title'),
        ),
        migrations.AddField(
            model_name='fundingcall',
            name='title_ru',
            field=models.CharField(max_length=400, null=True, verbose_name='title'),
        ),
        migrations.AddField(
            model_name='organisation',
            name='description_en',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='organisation',
            name='description_ru',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.RunPython(copy_to_language_columns, migrations.RunPython.noop),
    ] + [
        operation
        for model, (table, prefix) in SEARCHED.items()
        for operation in (
            migrations.RemoveField(model_name=model, name="search_vector"),
            migrations.AddField(
                model_name=model,
                name="search_vector",
                field=fields.document_vector("description_en", "description_ru"),
            ),
            migrations.RunSQL(
                sql=(
                    f"CREATE INDEX {prefix}_search_vector_gin ON {table} "
                    "USING gin (search_vector) WITH (gin_pending_list_limit = 256)"
                ),
                reverse_sql=migrations.RunSQL.noop,
            ),
        )
    ] + [
        # The same expression, written differently: nothing changes in the database.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='researcherprofile',
                    name='search_vector',
                    field=models.GeneratedField(db_persist=True, expression=models.Func(models.Func(django.db.models.functions.comparison.Coalesce(models.F('search_names'), models.Value('')), output_field=django.contrib.postgres.search.SearchVectorField(), template="setweight(to_tsvector('portal_search'::regconfig, portal_unaccent(%(expressions)s)), 'A')"), models.Func(django.db.models.functions.comparison.Coalesce(models.F('search_terms'), models.Value('')), output_field=django.contrib.postgres.search.SearchVectorField(), template="setweight(to_tsvector('portal_search'::regconfig, portal_unaccent(%(expressions)s)), 'B')"), arg_joiner=' || ', output_field=django.contrib.postgres.search.SearchVectorField(), template='(%(expressions)s)'), output_field=django.contrib.postgres.search.SearchVectorField()),
                ),
            ]
        ),
    ]
