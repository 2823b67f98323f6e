"""The back office of the contact points, by role. Site staff manage every contact point, its
people and services; NCP staff change the contact points they are assigned to (the admin and the
services limit them to those: fp7_contacts.permissions) and their people. Enquiries are answered
on the portal's own pages; the admin shows them to site staff."""

from django.db import migrations

from portal.accounts import role_permissions

GRANTS = {
    "Site staff": [
        f"fp7_contacts.{action}_{model}"
        for model in ("contactpoint", "contactperson", "service")
        for action in ("view", "add", "change", "delete")
    ]
    + ["fp7_contacts.view_contactpointchange", "fp7_contacts.view_enquiry"],
    "NCP staff": [
        "fp7_contacts.view_contactpoint",
        "fp7_contacts.change_contactpoint",
        "fp7_contacts.view_contactperson",
        "fp7_contacts.add_contactperson",
        "fp7_contacts.change_contactperson",
        "fp7_contacts.delete_contactperson",
        "fp7_contacts.view_contactpointchange",
        "fp7_contacts.view_service",
    ],
}


class Migration(migrations.Migration):
    dependencies = [
        ("fp7_contacts", "0001_initial"),
        ("accounts", "0002_roles"),
    ]

    operations = [role_permissions.grants_operation(GRANTS)]
