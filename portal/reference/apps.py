from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferenceConfig(AppConfig):
    name = "portal.reference"
    label = "reference"
    verbose_name = _("Reference data")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from portal.reference.models import Country, ThematicPriority
        from portal.reference.selectors import clear_labels

        for model in (Country, ThematicPriority):
            post_save.connect(clear_labels, sender=model, dispatch_uid=f"labels-{model.__name__}")
            post_delete.connect(
                clear_labels, sender=model, dispatch_uid=f"labels-{model.__name__}-delete"
            )
