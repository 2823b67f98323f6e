from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from portal.accounts import personal_data_sections  # noqa: F401
        from portal.pages.demo import register_seeder

        register_seeder("accounts.users", "portal.accounts.demo.seed_users", order=10)
