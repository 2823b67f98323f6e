"""The back office of the cooperation app, by role. Site staff manage organisations and funding
calls and see (and may delete) profiles, offers and expressions of interest, which change on the
portal's own pages; NCP staff keep the funding calls and see organisations and offers."""

from django.db import migrations

from portal.accounts import role_permissions

GRANTS = {
    "Site staff": [
        f"cooperation.{action}_{model}"
        for model in ("organisation", "organisationparticipation", "fundingcall", "calldeadline")
        for action in ("view", "add", "change", "delete")
    ]
    + [
        f"cooperation.{action}_{model}"
        for model in ("researcherprofile", "cooperationoffer", "expressionofinterest")
        for action in ("view", "delete")
    ],
    "NCP staff": [
        "cooperation.view_fundingcall",
        "cooperation.add_fundingcall",
        "cooperation.change_fundingcall",
        "cooperation.view_calldeadline",
        "cooperation.add_calldeadline",
        "cooperation.change_calldeadline",
        "cooperation.delete_calldeadline",
        "cooperation.view_organisation",
        "cooperation.view_organisationparticipation",
        "cooperation.view_cooperationoffer",
    ],
}


class Migration(migrations.Migration):
    dependencies = [
        ("cooperation", "0009_organisation_narrow_rows"),
        ("accounts", "0002_roles"),
    ]

    operations = [role_permissions.grants_operation(GRANTS)]
