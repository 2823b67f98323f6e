from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Fp7ContactsConfig(AppConfig):
    name = "fp7_contacts"
    verbose_name = _("FP7 contact points")
