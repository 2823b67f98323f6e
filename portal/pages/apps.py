from typing import Any

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _site_in_step(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """After every `migrate` (a deploy): the Site row follows PORTAL_SITE_URL and the names."""
    from portal.site import site_sync

    site_sync(using=using)


class PagesConfig(AppConfig):
    name = "portal.pages"
    label = "pages"
    verbose_name = _("Site pages")

    def ready(self) -> None:
        from portal import schedule

        # Sent per app with models: the sites app's, after its own handler made the default row.
        post_migrate.connect(
            _site_in_step, sender=apps.get_app_config("sites"), dispatch_uid="portal.pages.site"
        )

        # Every five minutes: shows in the worker's log that beat and the worker are alive.
        schedule.register("heartbeat", "portal.pages.tasks.heartbeat", every=300.0)
