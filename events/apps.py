from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        # Registration side: "Download my data" / "Delete my account", and demo data.
        from events.personal_data import register_sections
        from events.selectors.registrations import registrations_between
        from portal import schedule
        from portal.monitoring import figures
        from portal.pages.demo import register_seeder

        register_sections()

        from events import digest

        digest.register_sections()  # the newsletter's digest: upcoming events
        figures.register(
            figures.Figure(
                key="events.registrations",
                label=_("Event registrations"),
                compute=registrations_between,
                order=30,
            )
        )
        register_seeder("events", "events.demo.seed_events", order=30)
        # Hourly, so "a day before" is accurate to the hour; idempotent via reminder_sent_at.
        schedule.register(
            "events-registration-reminders",
            "events.tasks.registrations_send_reminders",
            every=3600.0,
        )

        # The person's start page and the menu by role (portal.pages.start).
        from events.views import start
        from portal.pages.start import (
            MenuLink,
            StartSection,
            register_menu_link,
            register_start_section,
        )

        register_start_section(
            StartSection(
                key="events.registrations",
                template="events/_start_registrations.html",
                context=start.registrations_context,
                order=30,
            )
        )
        register_start_section(
            StartSection(
                key="events.my_events",
                template="events/_start_my_events.html",
                context=start.my_events_context,
                applies=start.organises,
                order=20,
            )
        )
        register_menu_link(
            MenuLink(
                key="events.my_registrations",
                label=_("My registrations"),
                url_name="events:my_registrations",
                order=30,
            )
        )
        register_menu_link(
            MenuLink(
                key="events.my_events",
                label=_("My events"),
                url_name="events:my_events",
                applies=start.organises,
                order=20,
            )
        )
