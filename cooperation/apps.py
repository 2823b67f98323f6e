from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "cooperation"
    verbose_name = _("Partners and funding calls")

    def ready(self) -> None:
        from cooperation.selectors.offers import offers_published_between
        from portal import schedule
        from portal.monitoring import figures
        from portal.pages.demo import register_seeder

        register_seeder("cooperation", "cooperation.demo.seed.seed_cooperation", order=20)
        # Daily; both tasks are idempotent.
        schedule.register(
            "cooperation-offers-expire", "cooperation.tasks.offers_expire", every=24 * 3600.0
        )
        schedule.register(
            "cooperation-offers-expiry-reminders",
            "cooperation.tasks.offers_send_expiry_reminders",
            every=24 * 3600.0,
        )

        from cooperation.indexing import SEARCH_SPECS
        from portal.search import registry

        for spec in SEARCH_SPECS:
            registry.register(spec)

        from cooperation.personal_data import register_sections

        register_sections()

        from cooperation import digest

        digest.register_sections()  # the newsletter's digest: calls and offers

        figures.register(
            figures.Figure(
                key="cooperation.offers_published",
                label=_("Cooperation offers published"),
                compute=offers_published_between,
                order=20,
            )
        )

        # "Calls closing soon" on the home page.
        from cooperation.views.public import closing_soon_context
        from portal.pages.home import HomeBlock, register_home_block

        register_home_block(
            HomeBlock(
                key="cooperation.closing_soon",
                template="cooperation/_home_closing_soon.html",
                context=closing_soon_context,
                order=20,
            )
        )

        # The person's start page and the menu by role (portal.pages.start).
        from cooperation import permissions
        from cooperation.views import start
        from portal.pages.start import (
            MenuLink,
            StartSection,
            register_menu_link,
            register_start_section,
        )

        register_start_section(
            StartSection(
                key="cooperation.review",
                template="cooperation/_start_review.html",
                context=start.review_context,
                applies=permissions.can_review_offers,
                order=10,
            )
        )
        register_start_section(
            StartSection(
                key="cooperation.offers",
                template="cooperation/_start_offers.html",
                context=start.offers_context,
                applies=start.is_researcher,
                order=40,
            )
        )
        register_menu_link(
            MenuLink(
                key="cooperation.review_queue",
                label=_("Review queue"),
                url_name="cooperation:review_queue",
                applies=permissions.can_review_offers,
                order=10,
            )
        )
