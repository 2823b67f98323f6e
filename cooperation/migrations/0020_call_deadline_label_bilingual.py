"""A deadline's label ("First stage" / "Первый этап") in both languages (django-modeltranslation,
portal/bilingual.py): existing labels move to the column of their script (Cyrillic to
``label_ru``, the rest to ``label_en``)."""

from django.db import migrations, models


def copy_to_language_columns(apps, schema_editor):
    from portal.bilingual import copy_by_script

    copy_by_script(apps.get_model("cooperation", "calldeadline"), ("label",))


class Migration(migrations.Migration):

    dependencies = [
        ('cooperation', '0019_organisation_theme_ids_kept'),
    ]

    operations = [
        migrations.AddField(
            model_name='calldeadline',
            name='label_en',
            field=models.CharField(blank=True, max_length=100, null=True, verbose_name='label'),
        ),
        migrations.AddField(
            model_name='calldeadline',
            name='label_ru',
            field=models.CharField(blank=True, max_length=100, null=True, verbose_name='label'),
        ),
        migrations.RunPython(copy_to_language_columns, migrations.RunPython.noop),
    ]
