"""Site staff see the outbox in the back office (and retry failed mail: portal.mail.services)."""

from django.db import migrations

from portal.accounts import role_permissions

GRANTS = {"Site staff": ["mail.view_outgoingmail"]}


def forwards(apps, schema_editor):
    role_permissions.grant(apps, schema_editor, GRANTS)


def backwards(apps, schema_editor):
    role_permissions.revoke(apps, schema_editor, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0001_initial"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
