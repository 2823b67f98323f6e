"""What each role may do in the back office (the Django admin) is set by data migrations: each app
grants the role groups the permissions on its own models in a migration of its own, with the
grants written out in that migration (frozen, as a migration must be), through these two
functions (``grants_operation`` makes the migration's operation of them). A new app (newsletters, contact points, knowledge items) adds its migration the same
way; nothing here names another app.

Permissions are normally created after the last migration (``post_migrate``); ``grant`` creates
those of the apps it is given first, so it works on a fresh database as on an old one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.management import create_permissions

Grants = Mapping[str, Iterable[str]]  # role (group name) -> "app_label.codename", ...


def _permissions(apps: Any, using: str, grants: Grants) -> dict[str, list[Any]]:
    Permission = apps.get_model("auth", "Permission")
    labels = {name.split(".", 1)[0] for names in grants.values() for name in names}
    for label in sorted(labels):
        app_config = apps.get_app_config(label)
        # The migration state's app configs have no models module, which create_permissions
        # takes as "nothing to create".
        app_config.models_module = True
        try:
            create_permissions(app_config, verbosity=0, using=using, apps=apps)
        finally:
            app_config.models_module = None
    found: dict[str, list[Any]] = {}
    for role, names in grants.items():
        wanted = {tuple(name.split(".", 1)) for name in names}
        rows = [
            p
            for p in Permission.objects.using(using)
            .filter(
                content_type__app_label__in=[label for label, _ in wanted],
                codename__in=[codename for _, codename in wanted],
            )
            .select_related("content_type")
            if (p.content_type.app_label, p.codename) in wanted
        ]
        missing = wanted - {(p.content_type.app_label, p.codename) for p in rows}
        if missing:
            raise LookupError(f"No such permissions: {sorted(missing)}")
        found[role] = rows
    return found


def grant(apps: Any, schema_editor: Any, grants: Grants) -> None:
    """Give each role group the permissions listed for it (the groups exist: accounts 0002)."""
    using = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    for role, permissions in _permissions(apps, using, grants).items():
        Group.objects.using(using).get(name=role).permissions.add(*permissions)


def revoke(apps: Any, schema_editor: Any, grants: Grants) -> None:
    using = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    for role, permissions in _permissions(apps, using, grants).items():
        group = Group.objects.using(using).filter(name=role).first()
        if group is not None:
            group.permissions.remove(*permissions)


def grants_operation(grants: Grants) -> Any:
    """The migration operation that grants ``grants`` (and revokes them when unapplied)."""
    from django.db import migrations

    def forwards(apps: Any, schema_editor: Any) -> None:
        grant(apps, schema_editor, grants)

    def backwards(apps: Any, schema_editor: Any) -> None:
        revoke(apps, schema_editor, grants)

    return migrations.RunPython(forwards, backwards)
