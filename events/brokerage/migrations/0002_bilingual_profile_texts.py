"""Bilingual profile texts (django-modeltranslation, portal/bilingual.py): a column per language
for what a participant offers and seeks. Existing texts move to the column of their script
(Cyrillic to ``_ru``, the rest to ``_en``), as events' and cooperation's did."""

from django.db import migrations, models


def copy_to_language_columns(apps, schema_editor):
    from portal.bilingual import copy_by_script

    copy_by_script(apps.get_model("brokerage", "profile"), ("offers", "seeks"))


class Migration(migrations.Migration):

    dependencies = [
        ('brokerage', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='profile',
            name='offers_en',
            field=models.TextField(blank=True, null=True, verbose_name='what I offer'),
        ),
        migrations.AddField(
            model_name='profile',
            name='offers_ru',
            field=models.TextField(blank=True, null=True, verbose_name='what I offer'),
        ),
        migrations.AddField(
            model_name='profile',
            name='seeks_en',
            field=models.TextField(blank=True, null=True, verbose_name='what I am looking for'),
        ),
        migrations.AddField(
            model_name='profile',
            name='seeks_ru',
            field=models.TextField(blank=True, null=True, verbose_name='what I am looking for'),
        ),
        migrations.RunPython(copy_to_language_columns, migrations.RunPython.noop),
    ]
