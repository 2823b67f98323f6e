"""The Site row gets the portal's domain and name from the settings (it was "example.com");
portal.pages.apps keeps it in step after every later `migrate`."""

from django.db import migrations


def forwards(apps, schema_editor):
    from portal.site import site_sync

    site_sync(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("sites", "0002_alter_domain_unique")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
