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
