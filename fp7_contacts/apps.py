from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Fp7ContactsConfig(AppConfig):
    name = "fp7_contacts"
    verbose_name = _("FP7 contact points")

    def ready(self) -> None:
        from fp7_contacts import permissions, selectors
        from fp7_contacts.digest import new_contact_points
        from fp7_contacts.indexing import POINT_SEARCH
        from fp7_contacts.personal_data import register_sections
        from portal import schedule
        from portal.monitoring import figures
        from portal.newsletter import digest
        from portal.pages.demo import register_seeder
        from portal.pages.start import MenuLink, register_menu_link
        from portal.search import registry

        registry.register(POINT_SEARCH)
        register_seeder("fp7_contacts", "fp7_contacts.demo.seed_contacts", order=40)
        # Daily; idempotent (an enquiry is reminded once per day at most).
        schedule.register(
            "fp7-contacts-overdue-enquiries",
            "fp7_contacts.tasks.enquiries_remind_overdue",
            every=24 * 3600.0,
        )
        register_sections()
        digest.register(
            digest.DigestSection(
                key="fp7_contacts.new_points",
                label=_("New contact points"),
                items=new_contact_points,
                order=60,
            )
        )
        for key, label, compute, order in (
            (
                "fp7_contacts.enquiries_received",
                _("Enquiries received"),
                selectors.enquiries_received_between,
                60,
            ),
            (
                "fp7_contacts.enquiries_answered",
                _("Enquiries answered"),
                selectors.enquiries_answered_between,
                61,
            ),
            (
                "fp7_contacts.median_first_answer_hours",
                _("Median hours to the first answer"),
                selectors.enquiries_median_first_answer_hours,
                62,
            ),
        ):
            figures.register(figures.Figure(key=key, label=label, compute=compute, order=order))
        register_menu_link(
            MenuLink(
                key="fp7_contacts.enquiries",
                label=_("Enquiries"),
                url_name="fp7_contacts:enquiry_list",
                applies=permissions.can_work_on_enquiries,
                order=30,
            )
        )
