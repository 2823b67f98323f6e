from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "portal.mail"
    label = "mail"
    verbose_name = _("Outgoing mail")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each app's ``emails`` module registers the renderers of its kinds of mail
        # (``portal.mail.renderers.register``); the outbox imports no domain app itself.
        autodiscover_modules("emails")
        from portal.mail.personal_data import register_sections

        register_sections()
