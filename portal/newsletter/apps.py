from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    name = "portal.newsletter"
    label = "newsletter"
    verbose_name = _("Newsletter")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal import schedule

        # Due issues start, lost snapshots resume, finished issues are marked sent. A scan of
        # the few scheduled issues, not a countdown task per issue (a lost countdown is a lost
        # issue; a restarted beat runs it early: it is idempotent).
        schedule.register("newsletter-issues", "portal.newsletter.tasks.issues_sweep", every=60.0)
        schedule.register("newsletter-alerts", "portal.newsletter.tasks.alerts_task", every=300.0)

        from portal.newsletter.personal_data import register_sections

        register_sections()  # "Download my data" and "Delete my account"
