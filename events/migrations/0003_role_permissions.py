"""The back office of the events app, by role: site staff see every event and registration (and
may delete them), organisers see their own events' (events/admin.py limits the rows); both change
them on the portal's organiser pages."""

from django.db import migrations

from portal.accounts import role_permissions

GRANTS = {
    "Site staff": [
        "events.view_event",
        "events.delete_event",
        "events.view_session",
        "events.view_question",
        "events.view_registration",
        "events.delete_registration",
    ],
    "Event organiser": [
        "events.view_event",
        "events.view_session",
        "events.view_question",
        "events.view_registration",
    ],
}


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0002_plausible_dates"),
        ("accounts", "0002_roles"),
    ]

    operations = [role_permissions.grants_operation(GRANTS)]
