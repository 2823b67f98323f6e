"""Bilingual content (django-modeltranslation, portal/bilingual.py): a column per language for
the event's title, description and venue, the agenda's titles and the questions. Existing texts
move to the column of their script (Cyrillic to ``_ru``, the rest to ``_en``)."""

from django.db import migrations, models

TRANSLATED = {
    "event": ("title", "description", "venue"),
    "session": ("title",),
    "question": ("label", "help_text", "choices"),
}


def copy_to_language_columns(apps, schema_editor):
    from portal.bilingual import copy_by_script

    for model_name, names in TRANSLATED.items():
        copy_by_script(apps.get_model("events", model_name), names)


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0003_role_permissions'),
    ]

    operations = [
        migrations.AddField(
            model_name='event',
            name='description_en',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='event',
            name='description_ru',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='event',
            name='title_en',
            field=models.CharField(max_length=200, null=True, verbose_name='title'),
        ),
        migrations.AddField(
            model_name='event',
            name='title_ru',
            field=models.CharField(max_length=200, null=True, verbose_name='title'),
        ),
        migrations.AddField(
            model_name='event',
            name='venue_en',
            field=models.CharField(blank=True, max_length=300, null=True, verbose_name='venue'),
        ),
        migrations.AddField(
            model_name='event',
            name='venue_ru',
            field=models.CharField(blank=True, max_length=300, null=True, verbose_name='venue'),
        ),
        migrations.AddField(
            model_name='question',
            name='choices_en',
            field=models.JSONField(blank=True, default=list, null=True, verbose_name='choices'),
        ),
        migrations.AddField(
            model_name='question',
            name='choices_ru',
            field=models.JSONField(blank=True, default=list, null=True, verbose_name='choices'),
        ),
        migrations.AddField(
            model_name='question',
            name='help_text_en',
            field=models.CharField(blank=True, max_length=300, null=True, verbose_name='help text'),
        ),
        migrations.AddField(
            model_name='question',
            name='help_text_ru',
            field=models.CharField(blank=True, max_length=300, null=True, verbose_name='help text'),
        ),
        migrations.AddField(
            model_name='question',
            name='label_en',
            field=models.CharField(max_length=300, null=True, verbose_name='question'),
        ),
        migrations.AddField(
            model_name='question',
            name='label_ru',
            field=models.CharField(max_length=300, null=True, verbose_name='question'),
        ),
        migrations.AddField(
            model_name='session',
            name='title_en',
            field=models.CharField(max_length=300, null=True, verbose_name='title'),
        ),
        migrations.AddField(
            model_name='session',
            name='title_ru',
            field=models.CharField(max_length=300, null=True, verbose_name='title'),
        ),
        migrations.RunPython(copy_to_language_columns, migrations.RunPython.noop),
    ]
