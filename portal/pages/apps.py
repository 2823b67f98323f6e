from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "portal.pages"
    label = "pages"
    verbose_name = _("Site pages")

    def ready(self) -> None:
        from portal import schedule

        # Every five minutes: shows in the worker's log that beat and the worker are alive.
        schedule.register("heartbeat", "portal.pages.tasks.heartbeat", every=300.0)
