from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Fp7ContactsConfig(AppConfig):
    name = "fp7_contacts"
    verbose_name = _("FP7 contact points")

    def ready(self) -> None:
        from fp7_contacts.indexing import POINT_SEARCH
        from portal.pages.demo import register_seeder
        from portal.search import registry

        registry.register(POINT_SEARCH)
        register_seeder("fp7_contacts", "fp7_contacts.demo.seed_contacts", order=40)
