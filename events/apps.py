from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        # Registration side: "Download my data" / "Delete my account", and demo data.
        from events.demo import seed_events
        from events.personal_data import register_sections
        from portal.pages.demo import register_seeder

        register_sections()
        register_seeder("events", seed_events, order=30)
