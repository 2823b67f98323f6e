"""The back office: site staff manage accounts in the admin; members of the back-office roles may
log into it (``is_staff``). Each app grants the permissions on its own models in a migration of
its own (portal/accounts/role_permissions.py). Frozen here, like the role names."""

from django.db import migrations

from portal.accounts import role_permissions

BACK_OFFICE_ROLES = ["Site staff", "NCP staff", "Event organiser"]

GRANTS = {
    "Site staff": [
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.delete_user",
        "auth.view_group",
    ],
}


def forwards(apps, schema_editor):
    role_permissions.grant(apps, schema_editor, GRANTS)
    User = apps.get_model("accounts", "User")
    User.objects.using(schema_editor.connection.alias).filter(
        groups__name__in=BACK_OFFICE_ROLES, is_staff=False
    ).update(is_staff=True)


def backwards(apps, schema_editor):
    role_permissions.revoke(apps, schema_editor, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
