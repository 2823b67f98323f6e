"""Site staff see the outbox in the back office (and retry failed mail: portal.mail.services)."""

from django.db import migrations

from portal.accounts import role_permissions

GRANTS = {"Site staff": ["mail.view_outgoingmail"]}


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0001_initial"),
        ("accounts", "0002_roles"),
    ]

    operations = [role_permissions.grants_operation(GRANTS)]
