"""CORDIS import: a stable key for organisations imported without a valid PIC."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0002_search_postgres")]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="cordis_key",
            field=models.CharField(
                blank=True,
                editable=False,
                max_length=200,
                null=True,
                unique=True,
                verbose_name="CORDIS key",
            ),
        ),
    ]
