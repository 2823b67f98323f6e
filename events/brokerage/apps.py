from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrokerageConfig(AppConfig):
    name = "events.brokerage"
    label = "brokerage"
    verbose_name = _("Brokerage meetings")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from events.brokerage import registrations

        registrations.register()
