"""Roles are Django groups, created by a data migration. Names are stored in English."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESEARCHER = "Researcher", _("Researcher")
    NCP_STAFF = "NCP staff", _("NCP staff")
    EVENT_ORGANISER = "Event organiser", _("Event organiser")
    SITE_STAFF = "Site staff", _("Site staff")


DEFAULT_ROLES = (Role.RESEARCHER,)
