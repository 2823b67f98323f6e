"""Site staff and NCP staff see the reference data in the back office; it changes by migration."""

from django.db import migrations

from portal.accounts import role_permissions

GRANTS = {
    "Site staff": [
        f"reference.view_{model}"
        for model in ("thematicpriority", "country", "federaldistrict", "federalsubject")
    ],
    "NCP staff": [
        f"reference.view_{model}"
        for model in ("thematicpriority", "country", "federaldistrict", "federalsubject")
    ],
}


class Migration(migrations.Migration):
    dependencies = [
        ("reference", "0002_reference_data"),
        ("accounts", "0002_roles"),
    ]

    operations = [role_permissions.grants_operation(GRANTS)]
