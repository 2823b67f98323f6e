from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "cooperation"
    verbose_name = _("Partners and funding calls")

    def ready(self) -> None:
        from cooperation.demo import seed_cooperation
        from portal.pages.demo import register_seeder

        register_seeder("cooperation", seed_cooperation, order=20)

        from cooperation.indexing import SEARCH_SPECS
        from portal.search import registry

        for spec in SEARCH_SPECS:
            registry.register(spec)

        from cooperation.personal_data import register_sections

        register_sections()

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
