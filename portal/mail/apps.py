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

        from portal import schedule
        from portal.mail.personal_data import register_sections

        # Stale claims back to pending, send tasks for due mail: a lost task loses no mail.
        schedule.register("mail-sweep", "portal.mail.tasks.mail_sweep", every=60.0)
        register_sections()
